import { flush, loadPage, openPage, tap, texts, wxMock } from './harness';
import { fakeDateOnly } from './device';

/** The components both ride pages use, loaded once for the file (a second load would not register). */
let shared: Record<string, string> | null = null;
const sharedComponents = () =>
  (shared ??= { 'privacy-sheet': loadPage('components/privacy-sheet/index'), 'report-sheet': loadPage('packageRide/components/report-sheet/index') });
import { DEFAULT_TARIFF } from '../../shared/tariff';

jest.mock('../../miniprogram/services/rides', () => ({ currentRide: jest.fn(), endRide: jest.fn(), tariff: jest.fn() }));
jest.mock('../../miniprogram/services/location', () => ({
  locate: jest.fn(),
  enableLocation: jest.fn(),
  openRoute: jest.fn(),
  reauthorizeLocation: jest.fn(),
}));
jest.mock('../../miniprogram/services/api', () => ({ nearby: jest.fn() }));

const rides = jest.requireMock('../../miniprogram/services/rides') as { currentRide: jest.Mock; endRide: jest.Mock; tariff: jest.Mock };
const location = jest.requireMock('../../miniprogram/services/location') as {
  locate: jest.Mock;
  enableLocation: jest.Mock;
  openRoute: jest.Mock;
  reauthorizeLocation: jest.Mock;
};
const api = jest.requireMock('../../miniprogram/services/api') as { nearby: jest.Mock };

const START = Date.parse('2026-11-25T08:00:00Z');
const RIDE = { id: 'R1', bikeId: 'B0042', bikeCode: 'B0042', startAt: new Date(START).toISOString(), status: 'active' };
const HERE = { lat: 31.2304, lng: 121.4737 };
const STATION = {
  kind: 'station',
  id: 'P01',
  name: '人民广场停车点',
  lat: 31.231,
  lng: 121.4737,
  distance: 67,
  bikesAvailable: 3,
  zone: {
    type: 'Polygon',
    coordinates: [
      [
        [121.4733, 31.2308],
        [121.4741, 31.2308],
        [121.4741, 31.2312],
        [121.4733, 31.2312],
        [121.4733, 31.2308],
      ],
    ],
  },
};
const ended = (over: object = {}) => ({
  ok: true,
  data: {
    ride: {
      ...RIDE,
      status: 'ended',
      endAt: '2026-11-25T08:10:00.000Z',
      durationSec: 600,
      feeFen: 150,
      surchargeFen: 0,
      billId: 'RB1',
      endLat: HERE.lat,
      endLng: HERE.lng,
      stationId: 'P01',
      ...over,
    },
  },
});

let pageId: string;
beforeAll(() => {
  // Only Date is faked, so that the page's clock can be moved; simulate's timers stay real.
  fakeDateOnly(START + 125 * 1000);
  pageId = loadPage('packageRide/pages/riding/index', sharedComponents());
});
afterAll(() => jest.useRealTimers());
beforeEach(() => {
  jest.clearAllMocks();
  jest.setSystemTime(START + 125 * 1000);
  rides.currentRide.mockResolvedValue({ ok: true, data: { ride: RIDE } });
  rides.tariff.mockResolvedValue({ ok: true, data: { tariff: DEFAULT_TARIFF } });
  location.locate.mockResolvedValue({ ok: true, position: HERE });
  api.nearby.mockResolvedValue({ ok: true, data: { items: [STATION] } });
});

it('shows the time ridden and the fee so far, and keeps them running', async () => {
  const page = await openPage(pageId, {});
  expect(texts(page, '.elapsed')).toEqual(['2 分 05 秒']);
  expect(texts(page, '.fee-value')).toEqual(['¥1.50']);
  jest.setSystemTime(START + 1801 * 1000);
  (page.instance as unknown as { tick(): void }).tick();
  expect(texts(page, '.elapsed')).toEqual(['30 分 01 秒']);
  expect(texts(page, '.fee-value')).toEqual(['¥3.00']);
  page.detach();
});

it('stops its clock when the page goes away', async () => {
  const clear = jest.spyOn(globalThis, 'clearInterval');
  const page = await openPage(pageId, {});
  clear.mockClear();
  page.detach();
  expect(clear).toHaveBeenCalledTimes(1);
  clear.mockRestore();
});

it('draws the parking zones around and names the nearest station', async () => {
  const page = await openPage(pageId, {});
  expect(api.nearby).toHaveBeenCalledWith(expect.objectContaining({ kind: 'station', lat: HERE.lat, lng: HERE.lng }));
  const polygons = page.data.polygons as { points: { latitude: number; longitude: number }[] }[];
  expect(polygons).toHaveLength(1);
  expect(polygons[0].points[0]).toEqual({ latitude: 31.2308, longitude: 121.4733 });
  expect(texts(page, '.nearest')).toEqual(['最近停车点：人民广场停车点 · 67 m']);
  page.detach();
});

it('ends inside a zone and opens the summary with the fee', async () => {
  rides.endRide.mockResolvedValue(ended());
  const page = await openPage(pageId, {});
  await tap(page, '.end-btn');
  expect(rides.endRide).toHaveBeenCalledWith('R1', HERE, false);
  expect(wxMock().redirectTo).toHaveBeenCalledWith({
    url: '/packageRide/pages/ride-summary/index?rideId=R1&bikeCode=B0042&durationSec=600&feeFen=150&surchargeFen=0&billId=RB1',
  });
  page.detach();
});

describe('ending outside every zone', () => {
  it('keeps the ride going and offers a route to the nearest zone or the surcharge', async () => {
    rides.endRide.mockResolvedValueOnce({ ok: false, error: { code: 'FAILED_PRECONDITION', message: 'outside', reason: 'OUTSIDE_PARKING_ZONE' } });
    const page = await openPage(pageId, {});
    await tap(page, '.end-btn');
    expect(wxMock().redirectTo).not.toHaveBeenCalled();
    expect(texts(page, '.outside .title')).toEqual(['不在停车区内']);
    // A fixed bottom sheet over the page, not a card below the fold.
    expect(page.querySelectorAll('.sheet.outside')).toHaveLength(1);
    expect(page.querySelectorAll('.sheet-mask')).toHaveLength(1);
    expect(texts(page, '.outside-text')[0]).toContain('这里不在停车区内，在此还车将加收 ¥5.00');
    expect(texts(page, '.outside-nearest')).toEqual(['最近停车点：人民广场停车点 · 67 m']);
    expect(texts(page, '.surcharge-btn')).toEqual(['在此还车（加收 ¥5.00）']);
    expect(texts(page, '.elapsed')).toEqual(['2 分 05 秒']);

    await tap(page, '.route-btn');
    expect(location.openRoute).toHaveBeenCalledWith({ lat: STATION.lat, lng: STATION.lng, name: STATION.name });

    rides.endRide.mockResolvedValueOnce(ended({ feeFen: 650, surchargeFen: 500, stationId: null }));
    await tap(page, '.surcharge-btn');
    expect(rides.endRide).toHaveBeenLastCalledWith('R1', HERE, true);
    expect(page.querySelectorAll('.sheet.outside')).toHaveLength(0);
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: expect.stringContaining('feeFen=650&surchargeFen=500') });
    page.detach();
  });
});

it('closes the outside-zone sheet on "继续骑行" and keeps the ride going', async () => {
  rides.endRide.mockResolvedValueOnce({ ok: false, error: { code: 'FAILED_PRECONDITION', message: 'outside', reason: 'OUTSIDE_PARKING_ZONE' } });
  const page = await openPage(pageId, {});
  await tap(page, '.end-btn');
  await tap(page, '.continue-btn');
  expect(page.querySelectorAll('.sheet.outside')).toHaveLength(0);
  expect(rides.endRide).toHaveBeenCalledTimes(1);
  expect(texts(page, '.end-btn')).toEqual(['还车']);
  page.detach();
});

describe('riding without a position', () => {
  it('shows the clock and fee, no map at 0,0, no empty "最近停车点：", and a way to turn the location on', async () => {
    location.locate.mockResolvedValue({ ok: false, reason: 'privacy' });
    const page = await openPage(pageId, {});
    expect(texts(page, '.elapsed')).toEqual(['2 分 05 秒']);
    expect(texts(page, '.fee-value')).toEqual(['¥1.50']);
    expect(page.querySelectorAll('.map')).toHaveLength(0);
    expect(page.querySelectorAll('.nearest')).toHaveLength(0);
    expect(texts(page, '.location-missing .notice-text')[0]).toMatch(/^你还没有同意隐私保护指引/);
    expect(texts(page, '.location-missing .btn')).toEqual(['开启定位']);

    location.enableLocation.mockResolvedValue({ ok: true, position: HERE });
    await tap(page, '.location-missing .btn');
    expect(location.enableLocation).toHaveBeenCalledTimes(1);
    expect(location.reauthorizeLocation).not.toHaveBeenCalled();
    expect(page.querySelectorAll('.map')).toHaveLength(1);
    expect(page.data).toMatchObject({ latitude: HERE.lat, longitude: HERE.lng });
    expect(texts(page, '.nearest')).toEqual(['最近停车点：人民广场停车点 · 67 m']);
    expect(page.querySelectorAll('.location-missing')).toHaveLength(0);
    page.detach();
  });

  it('says "还车" needs the position and offers the settings for a turned-off permission', async () => {
    const page = await openPage(pageId, {});
    location.locate.mockResolvedValue({ ok: false, reason: 'denied' });
    await tap(page, '.end-btn');
    expect(rides.endRide).not.toHaveBeenCalled();
    expect(texts(page, '.location-missing .notice-text')).toEqual(['定位权限已关闭，还车需要确认你在停车区内']);
    expect(texts(page, '.location-missing .btn')).toEqual(['去设置开启']);
    page.detach();
  });

  it('says so when no station is near rather than leaving the line empty', async () => {
    api.nearby.mockResolvedValue({ ok: true, data: { items: [] } });
    const page = await openPage(pageId, {});
    expect(texts(page, '.nearest')).toEqual(['最近停车点：附近 2 公里内没有停车点']);
    page.detach();
  });
});

it('says when there is no ride to show', async () => {
  rides.currentRide.mockResolvedValue({ ok: true, data: { ride: null } });
  const page = await openPage(pageId, {});
  await flush();
  expect(texts(page, '.no-ride .state-title')).toEqual(['没有进行中的骑行']);
  expect(texts(page, '.no-ride .btn')).toEqual(['扫码用车', '回到附近地图']);
  page.detach();
});

describe('the ride summary', () => {
  let summaryId: string;
  beforeAll(() => {
    summaryId = loadPage('packageRide/pages/ride-summary/index', sharedComponents());
  });

  it('shows the duration, the fee with its surcharge, and leads to the bill', async () => {
    const page = await openPage(summaryId, { rideId: 'R1', bikeCode: 'B0042', durationSec: '3725', feeFen: '950', surchargeFen: '500', billId: 'RB1' });
    expect(texts(page, '.duration')).toEqual(['1 小时 2 分 5 秒']);
    expect(texts(page, '.fee')).toEqual(['¥9.50']);
    expect(texts(page, '.surcharge')).toEqual(['其中停车区外还车加收¥5.00']);
    await tap(page, '.pay-btn');
    expect(wxMock().navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageBill/pages/bill/index?billId=RB1' }));
  });

  it('says a ride it was not given is not found, with the way home', async () => {
    const page = await openPage(summaryId, {});
    expect(texts(page, '.no-summary .state-title')).toEqual(['没有找到这段骑行']);
    await tap(page, '.done-btn');
    expect(wxMock().switchTab).toHaveBeenCalledWith({ url: '/pages/nearby/index' });
  });

  it('offers no payment for a free ride', async () => {
    const page = await openPage(summaryId, { rideId: 'R2', bikeCode: 'B0042', durationSec: '90', feeFen: '0', surchargeFen: '0', billId: '' });
    expect(texts(page, '.free')).toEqual(['本次骑行免费']);
    expect(page.querySelectorAll('.pay-btn')).toHaveLength(0);
  });
});
