/** The 行程 page: ended rides newest first, a page at a time, with the bill's state and 去支付. */
import { loadPage, openPage, tap, texts, wxMock } from './harness';

jest.mock('../../miniprogram/services/rides', () => ({ rideHistory: jest.fn() }));
const rides = jest.requireMock('../../miniprogram/services/rides') as { rideHistory: jest.Mock };

const RIDE = {
  id: 'R2',
  bikeCode: 'B0042',
  startAt: '2026-11-25T00:01:00.000Z',
  endAt: '2026-11-25T00:23:05.000Z',
  durationSec: 1325,
  feeFen: 650,
  surchargeFen: 500,
  from: { lat: 31.2304, lng: 121.4737 },
  to: { lat: 31.2404, lng: 121.4837 },
  billId: 'RB2',
  billStatus: 'unpaid',
};
const OLDER = {
  ...RIDE,
  id: 'R1',
  bikeCode: 'B0007',
  startAt: '2026-11-24T10:00:00.000Z',
  endAt: '2026-11-24T10:01:00.000Z',
  durationSec: 60,
  feeFen: 0,
  surchargeFen: 0,
  billId: null,
  billStatus: null,
};

let pageId: string;
beforeAll(() => {
  pageId = loadPage('packageRide/pages/history/index');
});
beforeEach(() => jest.clearAllMocks());

it('shows each ride: date (Shanghai), bike, duration, fee, surcharge, bill state and 去支付 where owed; pages on', async () => {
  rides.rideHistory.mockResolvedValueOnce({ ok: true, data: { rides: [RIDE], next: RIDE.endAt } });
  const page = await openPage(pageId, {});
  expect(rides.rideHistory).toHaveBeenCalledWith(null);
  expect(texts(page, '.ride-date')).toEqual(['11月25日 08:01–08:23']);
  expect(texts(page, '.ride-bike')).toEqual(['单车 B0042']);
  expect(texts(page, '.ride-duration')).toEqual(['骑行 22 分 5 秒']);
  expect(texts(page, '.ride-fee')).toEqual(['¥6.50']);
  expect(texts(page, '.ride-surcharge')).toEqual(['含停车区外加收 ¥5.00']);
  expect(texts(page, '.bill-state')).toEqual(['待支付']);
  expect(page.querySelectorAll('.ride-map')).toHaveLength(1);
  await tap(page, '.pay');
  expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageBill/pages/bill/index?billId=RB2' });

  rides.rideHistory.mockResolvedValueOnce({ ok: true, data: { rides: [OLDER], next: null } });
  await tap(page, '.more');
  expect(rides.rideHistory).toHaveBeenLastCalledWith(RIDE.endAt);
  expect(texts(page, '.ride-bike')).toEqual(['单车 B0042', '单车 B0007']);
  expect(texts(page, '.ride-fee')).toEqual(['¥6.50', '免费']);
  expect(texts(page, '.bill-state')).toEqual(['待支付', '无需支付']);
  expect(page.querySelectorAll('.pay')).toHaveLength(1);
  expect(page.querySelectorAll('.more')).toHaveLength(0);
  expect(texts(page, '.end')).toEqual(['没有更早的行程了']);
});

it('says there is no ride yet, with a way to ride', async () => {
  rides.rideHistory.mockResolvedValueOnce({ ok: true, data: { rides: [], next: null } });
  const page = await openPage(pageId, {});
  expect(texts(page, '.empty .title')).toEqual(['还没有骑行记录']);
});

it('offers a retry when the server cannot be reached', async () => {
  rides.rideHistory.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: 'x', reason: 'UNREACHABLE' } });
  const page = await openPage(pageId, {});
  expect(texts(page, '.error-text')).toEqual(['无法连接服务器，请检查网络后重试']);
  rides.rideHistory.mockResolvedValueOnce({ ok: true, data: { rides: [RIDE], next: null } });
  await tap(page, '.retry');
  expect(texts(page, '.ride-bike')).toEqual(['单车 B0042']);
});
