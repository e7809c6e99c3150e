import { loadPage, openPage, tap, texts, wxMock } from './harness';

jest.mock('../../miniprogram/services/bookings', () => ({
  staffStores: jest.fn(),
  dayBookings: jest.fn(),
  slots: jest.fn(),
  confirmBooking: jest.fn(),
  rejectBooking: jest.fn(),
  markNoShow: jest.fn(),
  checkIn: jest.fn(),
  scanCode: jest.fn(),
  callPhone: jest.fn(),
}));
jest.mock('../../miniprogram/services/subscribe', () => ({
  SUBSCRIBE_FOR: { staffAction: ['newBooking'] },
  prefetchTemplates: jest.fn(() => Promise.resolve()),
  subscribeFor: jest.fn(() => Promise.resolve({ asked: false, why: 'no-templates' })),
  quotaLeft: jest.fn(),
}));
const svc = jest.requireMock('../../miniprogram/services/bookings') as Record<
  'staffStores' | 'dayBookings' | 'slots' | 'confirmBooking' | 'rejectBooking' | 'markNoShow' | 'checkIn' | 'scanCode' | 'callPhone',
  jest.Mock
>;
const subscribe = jest.requireMock('../../miniprogram/services/subscribe') as Record<'subscribeFor' | 'quotaLeft', jest.Mock>;

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
  svc.slots.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: 'not needed' } });
  subscribe.quotaLeft.mockResolvedValue({ newBooking: 2 });
});

/** A booking `hoursFromNow` hours from the real clock (the desk judges reject and no-show on it). */
const shopRow = (id: string, hoursFromNow: number, status: string, extra: Record<string, unknown> = {}) => {
  const start = new Date(Date.now() + hoursFromNow * 3600_000);
  start.setUTCMinutes(0, 0, 0);
  const iso = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
  return { id, storeId: 'S001', start: iso(start), end: iso(new Date(start.getTime() + 3600_000)), status, code: 'WXYZ2345', partySize: 1, ...extra };
};

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
    // Not a dead end: a way on to the map.
    expect(texts(page, '.not-staff-go')).toEqual(['去附近看看']);
    await tap(page, '.not-staff-go');
    expect(wxMock().switchTab).toHaveBeenCalledWith({ url: '/pages/nearby/index' });
  });

  it("lists check-in codes masked: the customer's code is theirs to show", async () => {
    svc.dayBookings.mockResolvedValue({ ok: true, data: { bookings: [shopRow('bk_a', 5, 'pending'), shopRow('bk_b', 6, 'confirmed', { code: 'QRST6789' })] } });
    const page = await openPage(pageId, {});
    expect(texts(page, '.row-code')).toEqual(['WX••••••', 'QR••••••']);
  });

  it('shows party, contact (tap to call) and note, the day totals, and filters by status', async () => {
    svc.dayBookings.mockResolvedValue({
      ok: true,
      data: {
        bookings: [
          shopRow('bk_a', 5, 'pending', { partySize: 3, contact: { name: '李雷', phone: '13800138000' }, note: '靠窗' }),
          shopRow('bk_b', 6, 'confirmed', { partySize: 2 }),
          shopRow('bk_c', 7, 'cancelled', { partySize: 4 }),
          shopRow('bk_d', -3, 'checked_in', { partySize: 1 }),
        ],
      },
    });
    svc.slots.mockResolvedValue({
      ok: true,
      data: {
        slots: [
          { bookable: true, remaining: 4 },
          { bookable: true, remaining: 3 },
          { bookable: false, remaining: 9 },
        ],
      },
    });
    const page = await openPage(pageId, {});
    expect(texts(page, '.row-party')).toEqual(['3人', '2人', '4人', '1人']);
    expect(texts(page, '.contact-name')).toEqual(['李雷']);
    expect(texts(page, '.row-note')).toEqual(['备注：靠窗']);
    // People: 3 + 2 + 1 hold places (the cancelled 4 do not); places left in the slots still open.
    expect(texts(page, '.totals')).toEqual(['预约 6 人 · 已确认 2 · 已到店 1 · 余位 7']);
    expect(texts(page, '.notice-quota')).toEqual(['新预约通知：还可接收 2 条']);
    await tap(page, '.contact-phone');
    expect(svc.callPhone).toHaveBeenCalledWith('13800138000');
    await tap(page, '.filter', 1);
    expect(texts(page, '.row-party')).toEqual(['3人']);
    await tap(page, '.filter', 4);
    expect(texts(page, '.row-party')).toEqual(['4人']);
    await tap(page, '.filter', 0);
    expect(texts(page, '.row-party')).toHaveLength(4);
  });

  it('rejects with a reason picked from the list, asking for the next notification inside the tap', async () => {
    svc.dayBookings.mockResolvedValue({ ok: true, data: { bookings: [shopRow('bk_a', 5, 'confirmed', { partySize: 2 })] } });
    svc.rejectBooking.mockResolvedValue({ ok: true, data: { booking: shopRow('bk_a', 5, 'rejected', { reason: '临时闭店' }) } });
    const page = await openPage(pageId, {});
    expect(page.querySelectorAll('.no-show')).toHaveLength(0);
    await tap(page, '.reject');
    expect(texts(page, '.reason')).toEqual(['设备故障，暂停服务', '临时闭店', '该时段人数已满', '人手不足', '门店包场活动']);
    expect(svc.rejectBooking).not.toHaveBeenCalled();
    await tap(page, '.reason', 1);
    expect(subscribe.subscribeFor).toHaveBeenCalledWith(['newBooking']);
    expect(svc.rejectBooking).toHaveBeenCalledWith('bk_a', '临时闭店');
    expect(texts(page, '.result-ok')[0]).toMatch(/^已拒绝 .* 的预约，已通知顾客$/);
    expect(page.querySelectorAll('.reason')).toHaveLength(0);
  });

  it('offers 未到店 only once the slot is over, and marks it', async () => {
    svc.dayBookings.mockResolvedValue({ ok: true, data: { bookings: [shopRow('bk_late', -3, 'confirmed'), shopRow('bk_soon', 3, 'confirmed')] } });
    svc.markNoShow.mockResolvedValue({ ok: true, data: { booking: shopRow('bk_late', -3, 'no_show') } });
    const page = await openPage(pageId, {});
    expect(page.querySelectorAll('.no-show')).toHaveLength(1);
    expect(page.querySelectorAll('.reject')).toHaveLength(1);
    await tap(page, '.no-show');
    expect(svc.markNoShow).toHaveBeenCalledWith('bk_late');
    expect(subscribe.subscribeFor).toHaveBeenCalledWith(['newBooking']);
    expect(texts(page, '.result-ok')[0]).toMatch(/^已标记 .* 的预约未到店$/);
  });

  it('opens on the store and date of a newBooking message, outlining the booking', async () => {
    const page = await openPage(pageId, { storeId: 'S008', date: '2026-11-27', bookingId: 'bk_2' });
    expect(svc.dayBookings).toHaveBeenCalledWith('S008', '2026-11-27');
    expect(page.querySelectorAll('.focused')).toHaveLength(1);
  });

  it('says when the notifications are used up', async () => {
    subscribe.quotaLeft.mockResolvedValue({ newBooking: 0 });
    const page = await openPage(pageId, {});
    expect(texts(page, '.notice-quota')).toEqual(['新预约通知已用完：点确认、核销等操作时可继续订阅']);
  });
});
