import { expectRideBanner, flush, loadPage, openPage as open, tap, texts, wxMock } from './harness';
import { fakeDateOnly } from './device';
import { CITY_CENTER } from '../../shared/city';
import type { NearbyItem } from '../../shared/contract/geo';
import { nearbyStore, type StoreItem } from '../support/nearby-items';

jest.mock('../../miniprogram/services/api', () => ({ nearby: jest.fn(), search: jest.fn(), getPlace: jest.fn() }));
jest.mock('../../miniprogram/services/location', () => ({
  locate: jest.fn(),
  enableLocation: jest.fn(),
  openRoute: jest.fn(),
  reauthorizeLocation: jest.fn(),
  choosePlace: jest.fn(),
}));
jest.mock('../../miniprogram/services/rides', () => ({ currentRide: jest.fn(), reserveBike: jest.fn(), cancelReservation: jest.fn() }));
jest.mock('../../miniprogram/services/scan', () => ({ scanBikeCode: jest.fn() }));

// Mocked through string paths: the services' wx types are the mini program's, not the tests'.
const api = jest.requireMock('../../miniprogram/services/api') as { nearby: jest.Mock; search: jest.Mock; getPlace: jest.Mock };
const location = jest.requireMock('../../miniprogram/services/location') as {
  locate: jest.Mock;
  enableLocation: jest.Mock;
  openRoute: jest.Mock;
  reauthorizeLocation: jest.Mock;
  choosePlace: jest.Mock;
};
const rides = jest.requireMock('../../miniprogram/services/rides') as { currentRide: jest.Mock; reserveBike: jest.Mock; cancelReservation: jest.Mock };
const scan = jest.requireMock('../../miniprogram/services/scan') as { scanBikeCode: jest.Mock };
const HERE = { lat: 31.22, lng: 121.45 };

const store = (over: Partial<StoreItem>): NearbyItem => nearbyStore(over);
const STORES: NearbyItem[] = [
  store({}),
  store({ id: 'S002', name: '老街面包房', distance: 1234, lat: 31.23, lng: 121.46, open: false, nextChange: '2026-11-26T08:00:00+08:00' }),
];
const STATION: NearbyItem = {
  kind: 'station',
  id: 'P01',
  name: '人民广场停车点',
  lat: 31.2305,
  lng: 121.4738,
  distance: 86,
  zone: {
    type: 'Polygon',
    coordinates: [
      [
        [121.473, 31.23],
        [121.474, 31.23],
        [121.474, 31.231],
        [121.473, 31.23],
      ],
    ],
  },
  bikesAvailable: 3,
};
const BIKE: NearbyItem = { kind: 'bike', id: 'B0007', code: 'B0007', lat: 31.2301, lng: 121.4731, distance: 42 };

const answer = (items: NearbyItem[]) => ({ ok: true, data: { items } });

let pageId: string;

beforeAll(() => {
  // Only Date is faked: Wednesday 25 November 2026, 12:00 in Shanghai. Timers stay real for the page.
  fakeDateOnly(new Date('2026-11-25T04:00:00Z'));
  pageId = loadPage('pages/nearby/index');
});

afterAll(() => jest.useRealTimers());

beforeEach(() => {
  jest.clearAllMocks();
  location.locate.mockResolvedValue({ ok: true, position: HERE });
  api.nearby.mockResolvedValue(answer(STORES));
  rides.currentRide.mockResolvedValue({ ok: true, data: { ride: null } });
});

const openPage = () => open(pageId, {});

function lastMapContext() {
  const results = wxMock().createMapContext.mock.results;
  return results[results.length - 1].value as { addMarkers: jest.Mock; initMarkerCluster: jest.Mock };
}

describe('the nearby page', () => {
  it('lists the nearest stores with distance, open state and next change, and puts them on the map', async () => {
    const page = await openPage();

    expect(api.nearby).toHaveBeenCalledWith(expect.objectContaining({ lat: HERE.lat, lng: HERE.lng, kind: 'store', radius: 3000 }));
    expect(texts(page, '.row-title')).toEqual(['街角咖啡', '老街面包房']);
    expect(texts(page, '.row-distance')).toEqual(['350 m', '1.2 km']);
    expect(texts(page, '.row-badge')).toEqual(['营业中', '已打烊']);
    expect(texts(page, '.row-note')).toEqual(['21:00 打烊', '明天 08:00 营业']);

    const map = lastMapContext();
    expect(map.initMarkerCluster).toHaveBeenCalled();
    const { markers, clear } = map.addMarkers.mock.calls[map.addMarkers.mock.calls.length - 1][0];
    expect(clear).toBe(true);
    expect(markers.map((m: { id: number }) => m.id)).toEqual([1, 2]);
    expect(markers[0]).toMatchObject({ latitude: 31.221, longitude: 121.451, joinCluster: true });
  });

  it('shows a skeleton while the first answer is on its way', async () => {
    api.nearby.mockReturnValue(new Promise(() => undefined));
    const page = await openPage();
    expect(page.querySelectorAll('.skeleton').length).toBe(1);
    expect(page.querySelectorAll('.place-row').length).toBe(0);
  });

  it('a failed load says what failed, and 重试 asks again', async () => {
    api.nearby.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' } });
    const page = await openPage();
    expect(texts(page, '.state-error .state-title')).toEqual(['附近的门店没有加载出来']);
    expect(texts(page, '.state-error .error-text')).toEqual(['无法连接服务器，请检查网络后重试']);
  });

  it('asks for stations, then bikes, when the kind is switched', async () => {
    const page = await openPage();
    const [, stationTab, bikeTab] = page.querySelectorAll('.tab');

    api.nearby.mockResolvedValue(answer([STATION]));
    stationTab.dispatchEvent('tap');
    await flush();
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'station' }));
    expect(texts(page, '.row-title')).toEqual(['人民广场停车点']);
    expect(texts(page, '.row-badge')).toEqual(['3 辆可用']);
    expect(page.querySelectorAll('.filters').length).toBe(0);

    api.nearby.mockResolvedValue(answer([BIKE]));
    bikeTab.dispatchEvent('tap');
    await flush();
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'bike' }));
    expect(texts(page, '.row-title')).toEqual(['单车 B0007']);
    expect(texts(page, '.row-distance')).toEqual(['42 m']);
  });

  it('filters stores by category and by "open now"', async () => {
    const page = await openPage();
    const bakery = page.querySelectorAll('.category-chip').find((chip) => chip.dom?.textContent?.trim() === '面包烘焙');
    bakery!.dispatchEvent('tap');
    await flush();
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'store', category: 'bakery' }));

    page.querySelector('.open-now')!.dispatchEvent('tap');
    await flush();
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ category: 'bakery', openNow: true }));
  });

  it('falls back to the city centre with a notice when the location is refused, and retries after authorising', async () => {
    location.locate.mockResolvedValueOnce({ ok: false, reason: 'denied' });
    const page = await openPage();

    expect(texts(page, '.notice-text')).toEqual(['定位权限已关闭，正在显示市中心附近']);
    expect(texts(page, '.location-notice .btn')).toEqual(['去设置开启']);
    expect(api.nearby).toHaveBeenCalledWith(expect.objectContaining({ lat: CITY_CENTER.lat, lng: CITY_CENTER.lng }));
    expect(texts(page, '.row-title')).toEqual(['街角咖啡', '老街面包房']);

    location.enableLocation.mockResolvedValue({ ok: true, position: HERE });
    page.querySelector('.location-notice .btn')!.dispatchEvent('tap');
    await flush();
    await flush();
    expect(location.enableLocation).toHaveBeenCalled();
    expect(page.querySelectorAll('.location-notice').length).toBe(0);
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ lat: HERE.lat, lng: HERE.lng }));
  });

  it('shows the error with a retry that reloads', async () => {
    api.nearby.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试' } });
    const page = await openPage();
    expect(texts(page, '.error-text')).toEqual(['无法连接服务器，请检查网络后重试']);

    page.querySelector('.retry')!.dispatchEvent('tap');
    await flush();
    expect(api.nearby).toHaveBeenCalledTimes(2);
    expect(page.querySelectorAll('.state-error').length).toBe(0);
    expect(texts(page, '.row-title')).toEqual(['街角咖啡', '老街面包房']);
  });

  it('says so when nothing is within 3 km', async () => {
    api.nearby.mockResolvedValue(answer([]));
    const page = await openPage();
    expect(texts(page, '.empty-text')).toEqual(['附近 3 公里内没有门店']);
  });

  it('opens a store sheet from the list with address, hours, route, share and booking', async () => {
    const page = await openPage();
    page.querySelectorAll('.place-row')[0].dispatchEvent('tap');
    await flush();

    expect(texts(page, '.sheet-title')).toEqual(['街角咖啡']);
    expect(texts(page, '.sheet-address')).toEqual(['南京东路 1 号']);
    expect(texts(page, '.sheet-hours-line')).toEqual(['周一至周日 08:00–21:00']);
    expect(page.instance.onShareAppMessage()).toEqual({
      title: '门店 · 街角咖啡',
      path: '/packageBooking/pages/store/index?id=S001',
      imageUrl: '/images/share-store.png',
    });

    page.querySelector('.route')!.dispatchEvent('tap');
    await flush();
    expect(location.openRoute).toHaveBeenCalledWith(expect.objectContaining({ lat: 31.221, lng: 121.451, name: '街角咖啡' }));

    page.querySelector('.sheet-action')!.dispatchEvent('tap');
    await flush();
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageBooking/pages/store/index?id=S001' });
  });

  it('opens a bike sheet from its marker, leading to the unlock page with the bike code', async () => {
    api.nearby.mockResolvedValue(answer([BIKE]));
    const page = await openPage();
    page.instance.onMarkerTap({ detail: { markerId: 1 } });
    await flush();

    expect(texts(page, '.sheet-title')).toEqual(['单车 B0007']);
    page.querySelector('.sheet-action')!.dispatchEvent('tap');
    await flush();
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageRide/pages/unlock/index?code=B0007' });
  });

  it('reloads around the new centre once a map drag ends, but not for a nudge', async () => {
    const page = await openPage();
    const calls = api.nearby.mock.calls.length;

    page.instance.onRegionChange({ type: 'end', detail: { causedBy: 'drag', centerLocation: { latitude: HERE.lat + 0.0005, longitude: HERE.lng } } });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(api.nearby).toHaveBeenCalledTimes(calls);

    page.instance.onRegionChange({ type: 'end', detail: { causedBy: 'drag', centerLocation: { latitude: 31.25, longitude: 121.5 } } });
    page.instance.onRegionChange({ type: 'end', detail: { causedBy: 'drag', centerLocation: { latitude: 31.26, longitude: 121.5 } } });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(api.nearby).toHaveBeenCalledTimes(calls + 1);
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ lat: 31.26, lng: 121.5 }));
  });

  it('shares a station with its own card and a link that opens it', async () => {
    api.nearby.mockResolvedValue(answer([STATION]));
    const page = await openPage();
    page.querySelectorAll('.place-row')[0].dispatchEvent('tap');
    await flush();
    expect(texts(page, '.share')).toEqual(['分享给朋友']);
    expect(page.instance.onShareAppMessage()).toEqual({
      title: '停车点 · 人民广场停车点',
      path: '/pages/nearby/index?kind=station&id=P01&lat=31.230500&lng=121.473800',
      imageUrl: '/images/share-station.png',
    });
  });

  it('puts 扫码用车 on the map, and opens the unlock page with the scanned bike', async () => {
    const page = await openPage();
    expect(texts(page, '.map-wrap .scan-ride')).toEqual(['扫码用车']);
    scan.scanBikeCode.mockResolvedValue({ ok: true, code: 'B0042' });
    await tap(page, '.scan-ride');
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageRide/pages/unlock/index?code=B0042' });
  });

  it('says a scanned code of something else is not a bike, and stays', async () => {
    const page = await openPage();
    scan.scanBikeCode.mockResolvedValue({ ok: false, reason: 'unreadable' });
    await tap(page, '.scan-ride');
    expect(wxMock().navigateTo).not.toHaveBeenCalled();
    expect(wxMock().showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('不是单车的二维码') }));
  });

  it('shows the running ride on every show, leading back to it, and drops it once ended', async () => {
    rides.currentRide.mockResolvedValue({
      ok: true,
      data: { ride: { id: 'R1', bikeId: 'B0042', bikeCode: 'B0042', startAt: '2026-11-25T03:48:00.000Z', status: 'active' } },
    });
    const page = await openPage();
    await page.instance.onShow();
    await flush();
    await expectRideBanner(page, rides.currentRide, '单车 B0042 骑行中 · 已骑 12 分钟');
  });
});

describe('finding a place on the nearby page (issue 16)', () => {
  const type = async (page: Awaited<ReturnType<typeof openPage>>, q: string) => {
    const input = page.querySelector('.search-input')!;
    input.dispatchEvent('focus');
    await flush();
    input.dispatchEvent('confirm', { detail: { value: q } });
    await flush();
  };

  it('searches stores by name from where the user stands, showing the results in the list and on the map, and keeps the search on the phone', async () => {
    wxMock().getStorageSync.mockReturnValue(['药房']);
    api.search.mockResolvedValue(answer([store({ id: 'S009', name: '晨光咖啡', distance: 512 })]));
    const page = await openPage();
    await type(page, ' 咖啡 ');

    expect(api.search).toHaveBeenCalledWith({ q: '咖啡', kind: 'store', limit: 50, lat: HERE.lat, lng: HERE.lng });
    expect(texts(page, '.results-title')).toEqual(['搜索“咖啡”的结果']);
    expect(texts(page, '.row-title')).toEqual(['晨光咖啡']);
    expect(texts(page, '.row-distance')).toEqual(['510 m']);
    const map = lastMapContext();
    const { markers } = map.addMarkers.mock.calls[map.addMarkers.mock.calls.length - 1][0];
    expect(markers.map((m: { title: string }) => m.title)).toEqual(['晨光咖啡']);
    expect(wxMock().setStorageSync).toHaveBeenCalledWith('nearby.recentSearches', ['咖啡', '药房']);
  });

  it('offers the recent searches when the box gets the focus, and a tap searches again', async () => {
    wxMock().getStorageSync.mockReturnValue(['咖啡', '药房']);
    api.search.mockResolvedValue(answer([]));
    const page = await openPage();
    page.querySelector('.search-input')!.dispatchEvent('focus');
    await flush();
    expect(texts(page, '.recent')).toEqual(['咖啡', '药房']);
    page.querySelectorAll('.recent')[1].dispatchEvent('tap');
    await flush();
    expect(api.search).toHaveBeenLastCalledWith(expect.objectContaining({ q: '药房' }));
    expect(texts(page, '.empty-text')).toEqual(['没有找到与“药房”相关的门店']);

    page.querySelector('.search-cancel')!.dispatchEvent('tap');
    await flush();
    expect(page.querySelectorAll('.results-title').length).toBe(0);
    expect(texts(page, '.row-title')).toEqual(['街角咖啡', '老街面包房']);
  });

  it('without the user position says the distances are from the city centre', async () => {
    location.locate.mockResolvedValueOnce({ ok: false, reason: 'privacy' });
    api.nearby.mockResolvedValue(answer([store({ distance: 380 })]));
    const page = await openPage();
    expect(texts(page, '.row-distance')).toEqual(['距市中心 380 m']);
  });

  it('looks around a chosen place (选择位置), distances measured from it and labelled so, and goes back to the user', async () => {
    const chosen = { lat: 31.24, lng: 121.49, name: '外滩' };
    location.choosePlace.mockResolvedValue({ ok: true, place: chosen });
    const page = await openPage();
    api.nearby.mockResolvedValue(answer([store({ distance: 820 })]));
    page.querySelector('.choose-place')!.dispatchEvent('tap');
    await flush();
    await flush();
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ lat: 31.24, lng: 121.49 }));
    expect(texts(page, '.row-distance')).toEqual(['距所选位置 820 m']);
    expect(texts(page, '.notice-text')).toEqual(['正在显示“外滩”附近，距离从该位置算起']);

    location.enableLocation.mockResolvedValue({ ok: true, position: HERE });
    api.nearby.mockResolvedValue(answer(STORES));
    page.querySelector('.location-notice .btn')!.dispatchEvent('tap');
    await flush();
    await flush();
    expect(texts(page, '.row-distance')).toEqual(['350 m', '1.2 km']);
    expect(page.querySelectorAll('.location-notice').length).toBe(0);
  });

  it('opens a shared station by id with its distance from the user, never "0 m" from itself', async () => {
    api.getPlace.mockResolvedValue({ ok: true, data: { item: { ...STATION, name: '福州路停车点', distance: 703 } } });
    api.nearby.mockResolvedValue(answer([STATION]));
    const page = await open(pageId, { kind: 'station', id: 'P01', lat: '31.2305', lng: '121.4738' });
    await flush();
    expect(location.locate).toHaveBeenCalled();
    expect(api.getPlace).toHaveBeenCalledWith({ kind: 'station', id: 'P01', lat: HERE.lat, lng: HERE.lng });
    expect(texts(page, '.sheet-title')).toEqual(['福州路停车点']);
    expect(texts(page, '.sheet-distance')).toEqual(['700 m']);
    expect(api.nearby).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'station', lat: HERE.lat, lng: HERE.lng }));
  });

  it('shows a shared station without any distance when the user cannot be located', async () => {
    location.locate.mockResolvedValueOnce({ ok: false, reason: 'denied' });
    api.getPlace.mockResolvedValue({ ok: true, data: { item: { ...STATION, distance: undefined } } });
    api.nearby.mockResolvedValue(answer([STATION]));
    const page = await open(pageId, { kind: 'station', id: 'P01', lat: '31.2305', lng: '121.4738' });
    await flush();
    expect(api.getPlace).toHaveBeenCalledWith({ kind: 'station', id: 'P01' });
    expect(texts(page, '.sheet-distance')).toEqual(['']);
    expect(texts(page, '.row-distance')).toEqual(['']);
  });

  it('opened from Moments (scene 1154) shows the shared station read-only: no location, no ride, no search', async () => {
    wxMock().getEnterOptionsSync.mockReturnValue({ scene: 1154, path: 'pages/nearby/index', query: {} });
    try {
      api.getPlace.mockResolvedValue({ ok: true, data: { item: { ...STATION, distance: undefined } } });
      api.nearby.mockResolvedValue(answer([STATION]));
      const page = await open(pageId, { kind: 'station', id: 'P01', lat: '31.2305', lng: '121.4738' });
      await flush();
      expect(texts(page, '.sheet-title')).toEqual(['人民广场停车点']);
      expect(location.locate).not.toHaveBeenCalled();
      expect(rides.currentRide).not.toHaveBeenCalled();
      expect(api.getPlace).toHaveBeenCalledWith({ kind: 'station', id: 'P01' });
      expect(page.querySelectorAll('.search-bar').length).toBe(0);
      expect(page.querySelectorAll('.scan-ride').length).toBe(0);
    } finally {
      wxMock().getEnterOptionsSync.mockReturnValue({ scene: 1001, path: '', query: {} });
    }
  });

  it('shares a station to Moments with the link that opens it', async () => {
    api.nearby.mockResolvedValue(answer([STATION]));
    const page = await openPage();
    page.querySelectorAll('.place-row')[0].dispatchEvent('tap');
    await flush();
    expect(page.instance.onShareTimeline()).toEqual({ title: '停车点 · 人民广场停车点', query: 'kind=station&id=P01&lat=31.230500&lng=121.473800' });
  });
});

describe('reserving a bike from its sheet', () => {
  it('holds it, closes the sheet and counts down on the banner; 取消 lets it go', async () => {
    api.nearby.mockResolvedValue(answer([BIKE]));
    const until = new Date(Date.now() + 600_000).toISOString();
    rides.reserveBike.mockResolvedValue({ ok: true, data: { reservation: { bikeCode: 'B0007', until, lat: BIKE.lat, lng: BIKE.lng } } });
    rides.cancelReservation.mockResolvedValue({ ok: true, data: { reservation: null } });
    const page = await openPage();
    page.instance.onMarkerTap({ detail: { markerId: 1 } });
    await flush();
    expect(texts(page, '.reserve-hint')).toEqual(['免费保留 10 分钟，1000 米内可约']);
    await tap(page, '.reserve');
    expect(rides.reserveBike).toHaveBeenCalledWith('B0007', HERE);
    expect(page.querySelectorAll('.place-sheet')).toHaveLength(0);
    expect(texts(page, '.hold-text')[0]).toMatch(/^已预约单车 B0007 · 还剩 (10 分 00|9 分 59) 秒$/);
    await tap(page, '.hold-route');
    expect(location.openRoute).toHaveBeenCalledWith({ lat: BIKE.lat, lng: BIKE.lng, name: '单车 B0007' });
    await tap(page, '.hold-cancel');
    expect(page.querySelectorAll('.hold-banner')).toHaveLength(0);
    page.instance.onUnload();
  });

  it('says why a reservation is refused, in words, and keeps the sheet', async () => {
    api.nearby.mockResolvedValue(answer([BIKE]));
    rides.reserveBike.mockResolvedValue({ ok: false, error: { code: 'FAILED_PRECONDITION', message: 'x', reason: 'BIKE_RESERVED' } });
    const page = await openPage();
    page.instance.onMarkerTap({ detail: { markerId: 1 } });
    await flush();
    await tap(page, '.reserve');
    expect(wxMock().showToast).toHaveBeenCalledWith({ title: '这辆车已被其他人预约，请换一辆', icon: 'none' });
    expect(texts(page, '.sheet-title')).toEqual(['单车 B0007']);
  });
});
