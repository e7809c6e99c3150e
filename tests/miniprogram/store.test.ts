import { flush, loadPage, openPage, tap, texts, wxMock } from './harness';
import type { SlotsResult } from '../../shared/contract/bookings';

jest.mock('../../miniprogram/services/bookings', () => ({ slots: jest.fn(), createBooking: jest.fn(), newRequestId: jest.fn() }));
jest.mock('../../miniprogram/services/location', () => ({ openRoute: jest.fn(), locate: jest.fn(), reauthorizeLocation: jest.fn() }));
const bookings = jest.requireMock('../../miniprogram/services/bookings') as Record<'slots' | 'createBooking' | 'newRequestId', jest.Mock>;
const location = jest.requireMock('../../miniprogram/services/location') as Record<'openRoute', jest.Mock>;

const DAYS = ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];
const slot = (date: string, h: number, remaining: number, bookable = true) => ({
  start: `${date}T${String(h).padStart(2, '0')}:00:00+08:00`,
  end: `${date}T${String(h + 1).padStart(2, '0')}:00:00+08:00`,
  capacity: 3,
  remaining,
  bookable,
});
const answer = (date: string, slots: SlotsResult['slots']): { ok: true; data: SlotsResult } => ({
  ok: true,
  data: {
    storeId: 'S001',
    date,
    timezone: 'Asia/Shanghai',
    days: DAYS,
    store: {
      id: 'S001', name: '街角咖啡', address: '南京东路 1 号', lat: 31.23, lng: 121.47, category: 'coffee', timezone: 'Asia/Shanghai',
      openingHours: [{ day: 3, open: '09:00', close: '21:00' }, { day: 5, open: '22:00', close: '02:00' }],
      slot: { minutes: 60, capacity: 3 }, open: true, nextChange: '2026-11-25T21:00:00+08:00',
    },
    slots,
  },
});

let pageId: string;
beforeAll(() => {
  jest.useFakeTimers({ now: new Date('2026-11-25T04:00:00Z'), doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
  pageId = loadPage('packageBooking/pages/store/index');
});
afterAll(() => jest.useRealTimers());
beforeEach(() => {
  jest.clearAllMocks();
  bookings.slots.mockImplementation(async (_id: string, date: string) =>
    answer(date, date === '2026-11-26' ? [] : [slot(date, 9, 3, false), slot(date, 13, 2), slot(date, 14, 0)]),
  );
  let taps = 0;
  bookings.newRequestId.mockImplementation(() => `tap-${++taps}`);
});

describe('the store page', () => {
  it('shows the store, whether it is open, its hours, and seven days to pick from', async () => {
    const page = await openPage(pageId, { id: 'S001' });
    expect(texts(page, '.store-name')).toEqual(['街角咖啡']);
    expect(texts(page, '.store-address')).toEqual(['南京东路 1 号']);
    expect(texts(page, '.open-state')).toEqual(['营业中 · 21:00 打烊']);
    expect(texts(page, '.hours-line')).toEqual(['周一、周二 休息', '周三 09:00–21:00', '周四 休息', '周五 22:00–次日02:00', '周六、周日 休息']);
    expect(texts(page, '.day')).toEqual(['今天', '明天', '11-27 周五', '11-28 周六', '11-29 周日', '11-30 周一', '12-01 周二']);
    expect(bookings.slots).toHaveBeenCalledWith('S001', '2026-11-25');
  });

  it('lists the slots with the places left, full and past ones greyed', async () => {
    const page = await openPage(pageId, { id: 'S001' });
    expect(texts(page, '.slot-time')).toEqual(['09:00–10:00', '13:00–14:00', '14:00–15:00']);
    expect(texts(page, '.slot-note')).toEqual(['不可约', '余 2', '已约满']);
    expect(page.querySelectorAll('.slot-open')).toHaveLength(1);
  });

  it('loads another day when it is picked, and says when the store is closed that day', async () => {
    const page = await openPage(pageId, { id: 'S001' });
    await tap(page, '.day', 1);
    expect(bookings.slots).toHaveBeenLastCalledWith('S001', '2026-11-26');
    expect(texts(page, '.slots-empty')).toEqual(['当天不营业，没有可预约的时段']);
  });

  it('books an open slot with one tap and opens the result', async () => {
    bookings.createBooking.mockResolvedValue({ ok: true, data: { booking: { id: 'bk_1', storeId: 'S001', storeName: '街角咖啡', start: '2026-11-25T13:00:00+08:00', end: '2026-11-25T14:00:00+08:00', status: 'pending', code: 'ABCD2345' } } });
    const page = await openPage(pageId, { id: 'S001' });
    await tap(page, '.slot', 1);
    expect(bookings.createBooking).toHaveBeenCalledWith('S001', '2026-11-25T13:00:00+08:00', 'tap-1');
    const url = wxMock().navigateTo.mock.calls[0][0].url as string;
    expect(url).toMatch(/^\/packageBooking\/pages\/booking-result\/index\?b=/);
    expect(JSON.parse(decodeURIComponent(url.split('b=')[1])).code).toBe('ABCD2345');
  });

  it('ignores taps on full and past slots', async () => {
    const page = await openPage(pageId, { id: 'S001' });
    await tap(page, '.slot', 0);
    await tap(page, '.slot', 2);
    expect(bookings.createBooking).not.toHaveBeenCalled();
  });

  it('retries a failed tap with the same requestId, so it can never book twice', async () => {
    bookings.createBooking
      .mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' } })
      .mockResolvedValueOnce({ ok: true, data: { booking: { id: 'bk_1', storeId: 'S001', start: '2026-11-25T13:00:00+08:00', end: '2026-11-25T14:00:00+08:00', status: 'pending', code: 'ABCD2345' } } });
    const page = await openPage(pageId, { id: 'S001' });
    await tap(page, '.slot', 1);
    expect(texts(page, '.book-error-text')).toEqual(['无法连接服务器，请检查网络后重试']);
    await tap(page, '.retry-book');
    expect(bookings.createBooking.mock.calls.map((c) => c[2])).toEqual(['tap-1', 'tap-1']);
    expect(wxMock().navigateTo).toHaveBeenCalledTimes(1);
  });

  it('says so when the slot filled up meanwhile, and reloads the places', async () => {
    bookings.createBooking.mockResolvedValue({ ok: false, error: { code: 'RESOURCE_EXHAUSTED', message: 'full', reason: 'SLOT_FULL' } });
    const page = await openPage(pageId, { id: 'S001' });
    const loads = bookings.slots.mock.calls.length;
    await tap(page, '.slot', 1);
    await flush();
    expect(texts(page, '.book-error-text')).toEqual(['这个时段刚刚约满了，请换一个时段']);
    expect(page.querySelectorAll('.retry-book')).toHaveLength(0);
    expect(bookings.slots.mock.calls.length).toBe(loads + 1);
  });

  it('opens the route to the store and shares the store page', async () => {
    const page = await openPage(pageId, { id: 'S001' });
    await tap(page, '.route');
    expect(location.openRoute).toHaveBeenCalledWith({ lat: 31.23, lng: 121.47, name: '街角咖啡', address: '南京东路 1 号' });
    expect(page.instance.onShareAppMessage()).toEqual({ title: '街角咖啡 · 在线预约', path: '/packageBooking/pages/store/index?id=S001' });
  });

  it('shows an error with a retry when the store cannot be loaded', async () => {
    bookings.slots.mockResolvedValueOnce({ ok: false, error: { code: 'NOT_FOUND', message: 'storeId: no store "X"' } });
    const page = await openPage(pageId, { id: 'X' });
    expect(texts(page, '.error-text')).toEqual(['找不到这家门店']);
  });
});
