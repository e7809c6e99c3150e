import { loadPage, openPage, tap, texts } from './harness';

jest.mock('../../miniprogram/services/bookings', () => ({
  staffStores: jest.fn(),
  dayBookings: jest.fn(),
  confirmBooking: jest.fn(),
  checkIn: jest.fn(),
  scanCode: jest.fn(),
}));
const svc = jest.requireMock('../../miniprogram/services/bookings') as Record<
  'staffStores' | 'dayBookings' | 'confirmBooking' | 'checkIn' | 'scanCode',
  jest.Mock
>;

const STORES = [
  { id: 'S001', name: '街角咖啡', timezone: 'Asia/Shanghai', today: '2026-11-25' },
  { id: 'S008', name: '老街面包房', timezone: 'Asia/Shanghai', today: '2026-11-25' },
];
const row = (id: string, hh: string, status: string) => ({
  id,
  storeId: 'S001',
  start: `2026-11-25T${hh}:00:00+08:00`,
  end: `2026-11-25T${String(Number(hh) + 1).padStart(2, '0')}:00:00+08:00`,
  status,
  code: 'ABCD2345',
});
const fail = (code: string, reason?: string) => ({ ok: false, error: { code, message: 'server words', reason } });

let pageId: string;
beforeAll(() => {
  pageId = loadPage('packageBooking/pages/staff/index');
});
beforeEach(() => {
  jest.clearAllMocks();
  svc.staffStores.mockResolvedValue({ ok: true, data: { stores: STORES } });
  svc.dayBookings.mockResolvedValue({ ok: true, data: { bookings: [row('bk_1', '10', 'pending'), row('bk_2', '11', 'confirmed')] } });
  svc.scanCode.mockResolvedValue({ ok: true, text: 'ABCD2345' });
});

describe('the staff desk', () => {
  it("opens on the first store's day and lists its bookings", async () => {
    const page = await openPage(pageId, {});
    expect(texts(page, '.store-tab')).toEqual(['街角咖啡', '老街面包房']);
    expect(svc.dayBookings).toHaveBeenCalledWith('S001', '2026-11-25');
    expect(texts(page, '.row-time')).toEqual(['10:00–11:00', '11:00–12:00']);
    expect(texts(page, '.row-status')).toEqual(['待确认', '已确认']);
    expect(page.querySelectorAll('.confirm')).toHaveLength(1);
  });

  it('switches store from the picker', async () => {
    const page = await openPage(pageId, {});
    await tap(page, '.store-tab', 1);
    expect(svc.dayBookings).toHaveBeenLastCalledWith('S008', '2026-11-25');
  });

  it('confirms a pending booking and reloads the day', async () => {
    svc.confirmBooking.mockResolvedValue({ ok: true, data: { booking: row('bk_1', '10', 'confirmed') } });
    const page = await openPage(pageId, {});
    await tap(page, '.confirm');
    expect(svc.confirmBooking).toHaveBeenCalledWith('bk_1');
    expect(svc.dayBookings).toHaveBeenCalledTimes(2);
    expect(texts(page, '.scan-result')).toEqual(['已确认 10:00–11:00 的预约']);
  });

  it('checks a customer in from the scanned code', async () => {
    svc.checkIn.mockResolvedValue({ ok: true, data: { booking: row('bk_1', '10', 'checked_in') } });
    const page = await openPage(pageId, {});
    await tap(page, '.scan');
    expect(svc.checkIn).toHaveBeenCalledWith('ABCD2345');
    expect(texts(page, '.result-ok')).toEqual(['核销成功：10:00–11:00 的预约（ABCD2345）']);
  });

  it.each([
    [fail('PERMISSION_DENIED', 'WRONG_STORE'), '这不是本店的预约，请让顾客确认门店'],
    [fail('FAILED_PRECONDITION', 'TOO_EARLY'), '还没到核销时间：开始前 30 分钟起才能核销'],
    [fail('FAILED_PRECONDITION', 'ALREADY_CHECKED_IN'), '这个预约已经到店核销过了'],
    [fail('FAILED_PRECONDITION', 'TOO_LATE'), '这个预约的时段已经结束，不能核销'],
    [fail('FAILED_PRECONDITION', 'CANCELLED'), '这个预约已经取消了'],
    [fail('NOT_FOUND'), '没有找到这个核销码对应的预约'],
    [fail('INVALID_ARGUMENT'), '这不是预约核销码：核销码是 8 位字母和数字'],
  ])('says clearly why a scan was refused (%j)', async (answer, words) => {
    svc.checkIn.mockResolvedValue(answer);
    const page = await openPage(pageId, {});
    await tap(page, '.scan');
    expect(texts(page, '.result-err')).toEqual([words]);
  });

  it('does nothing when the scan is cancelled', async () => {
    svc.scanCode.mockResolvedValue({ ok: false, cancelled: true });
    const page = await openPage(pageId, {});
    await tap(page, '.scan');
    expect(svc.checkIn).not.toHaveBeenCalled();
    expect(texts(page, '.scan-result')).toEqual([]);
  });

  it('tells a customer who is no staff member so', async () => {
    svc.staffStores.mockResolvedValue({ ok: true, data: { stores: [] } });
    const page = await openPage(pageId, {});
    expect(texts(page, '.not-staff')).toEqual(['你还不是任何门店的店员']);
    expect(svc.dayBookings).not.toHaveBeenCalled();
  });
});
