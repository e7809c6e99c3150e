import { loadPage, openPage, tap, texts, wxMock } from './harness';
import { fakeDateOnly } from './device';
import type { BookingView } from '../../shared/booking';

jest.mock('../../miniprogram/services/bookings', () => ({ myBookings: jest.fn(), cancelBooking: jest.fn() }));
const bookings = jest.requireMock('../../miniprogram/services/bookings') as Record<'myBookings' | 'cancelBooking', jest.Mock>;

const booking = (id: string, start: string, over: Partial<BookingView> = {}): BookingView => ({
  partySize: 1,
  id,
  storeId: 'S001',
  storeName: '街角咖啡',
  start: `${start}:00+08:00`,
  end: `${start.slice(0, 11)}${String(Number(start.slice(11, 13)) + 1).padStart(2, '0')}:00:00+08:00`,
  status: 'pending',
  code: `CODE${id.slice(-1)}2345`.slice(0, 8),
  ...over,
});
// Now: Wednesday 2026-11-25, 12:00 in Shanghai.
const LIST = [
  booking('bk_a', '2026-11-25T15:00', { status: 'confirmed', code: 'AAAA2345' }),
  booking('bk_b', '2026-11-27T10:00', { code: 'BBBB2345' }),
  booking('bk_c', '2026-11-20T10:00', { status: 'checked_in', code: 'CCCC2345' }),
  booking('bk_d', '2026-11-19T10:00', { status: 'cancelled', code: 'DDDD2345' }),
];

let pageId: string;
beforeAll(() => {
  fakeDateOnly(new Date('2026-11-25T04:00:00Z'));
  pageId = loadPage('packageBooking/pages/my-bookings/index');
});
afterAll(() => jest.useRealTimers());
beforeEach(() => {
  jest.clearAllMocks();
  bookings.myBookings.mockResolvedValue({ ok: true, data: { bookings: LIST } });
});

describe('My bookings: rejections and 改约', () => {
  it('shows a rejection and its reason, and offers 改约 on upcoming active bookings only', async () => {
    bookings.myBookings.mockResolvedValue({
      ok: true,
      data: {
        bookings: [
          booking('bk_r', '2026-11-26T10:00', { status: 'rejected', reason: '设备故障，暂停服务' }),
          booking('bk_p', '2026-11-27T10:00', { partySize: 3 }),
          booking('bk_old', '2026-11-20T10:00', { status: 'rejected', reason: '临时闭店' }),
        ],
        noShowBlock: null,
      },
    });
    const page = await openPage(pageId, {});
    expect(texts(page, '.upcoming .booking-status')).toEqual(['门店已拒绝', '待门店确认']);
    expect(texts(page, '.upcoming .booking-reason')).toEqual(['门店已拒绝：设备故障，暂停服务']);
    expect(texts(page, '.past .booking-reason')).toEqual(['门店已拒绝：临时闭店']);
    expect(texts(page, '.booking-party')).toEqual(['· 3人']);
    expect(page.querySelectorAll('.reschedule')).toHaveLength(1);
    await tap(page, '.reschedule');
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageBooking/pages/store/index?id=S001&reschedule=bk_p' });
  });
});

describe('My bookings', () => {
  it('shows upcoming bookings first, then past ones, with their state', async () => {
    const page = await openPage(pageId, {});
    expect(texts(page, '.upcoming .booking-when')).toEqual(['今天 15:00–16:00', '11-27 周五 10:00–11:00']);
    expect(texts(page, '.upcoming .booking-status')).toEqual(['已确认', '待门店确认']);
    expect(texts(page, '.past .booking-when')).toEqual(['11-20 周五 10:00–11:00', '11-19 周四 10:00–11:00']);
    expect(texts(page, '.past .booking-status')).toEqual(['已到店', '已取消']);
    // Each status has its colour (the tag classes of app.wxss), the words saying it too.
    expect(page.querySelectorAll('.booking-status').map((n) => (n.dom?.className || '').match(/tag-(\w+)/)?.[1])).toEqual([
      'success',
      'warning',
      'info',
      'muted',
    ]);
  });

  it('puts cancelled and checked-in bookings under 历史预约 even before their slot ends', async () => {
    bookings.myBookings.mockResolvedValue({
      ok: true,
      data: {
        bookings: [
          booking('bk_x', '2026-11-26T10:00', { status: 'cancelled' }),
          booking('bk_y', '2026-11-25T12:00', { status: 'checked_in' }),
          booking('bk_z', '2026-11-27T10:00'),
        ],
      },
    });
    const page = await openPage(pageId, {});
    expect(texts(page, '.upcoming .booking-status')).toEqual(['待门店确认']);
    expect(texts(page, '.past .booking-when')).toEqual(['明天 10:00–11:00', '今天 12:00–13:00']);
    expect(texts(page, '.past .booking-status')).toEqual(['已取消', '已到店']);
  });

  it("words the days in the store's zone, not the phone's (a phone in New York)", async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 2026-11-25T16:30Z: Wednesday 11:30 in New York, already Thursday 00:30 in Shanghai.
      jest.setSystemTime(new Date('2026-11-25T16:30:00Z'));
      bookings.myBookings.mockResolvedValue({ ok: true, data: { bookings: [booking('bk_t', '2026-11-26T10:00'), booking('bk_u', '2026-11-27T10:00')] } });
      const page = await openPage(pageId, {});
      expect(texts(page, '.upcoming .booking-when')).toEqual(['今天 10:00–11:00', '明天 10:00–11:00']);
    } finally {
      process.env.TZ = tz;
      jest.setSystemTime(new Date('2026-11-25T04:00:00Z'));
    }
  });

  it("shows the next booking's check-in code as a QR code, and another one on tap", async () => {
    const page = await openPage(pageId, {});
    const qr = () => {
      const shown = page.querySelectorAll('.code-qr');
      expect(shown).toHaveLength(1);
      return shown[0] as unknown as typeof page;
    };
    expect(texts(qr(), '.qr-code')).toEqual(['AAAA2345']);
    // A version-1 QR code: 21 rows of 21 modules, some dark.
    expect(qr().querySelectorAll('.qr-row')).toHaveLength(21);
    expect(qr().querySelectorAll('.qr-cell')).toHaveLength(21 * 21);
    expect(qr().querySelectorAll('.qr-dark').length).toBeGreaterThan(100);
    await tap(page, '.show-code', 1);
    expect(texts(qr(), '.qr-code')).toEqual(['BBBB2345']);
  });

  it('cancels after a second tap, then reloads and says the place is freed', async () => {
    bookings.cancelBooking.mockResolvedValue({ ok: true, data: { booking: { ...LIST[1], status: 'cancelled' } } });
    const page = await openPage(pageId, {});
    await tap(page, '.cancel', 1);
    expect(bookings.cancelBooking).not.toHaveBeenCalled();
    await tap(page, '.cancel-confirm');
    expect(bookings.cancelBooking).toHaveBeenCalledWith('bk_b');
    expect(bookings.myBookings).toHaveBeenCalledTimes(2);
    expect(texts(page, '.message')).toEqual(['已取消预约，名额已释放']);
  });

  it('explains a refused cancel', async () => {
    bookings.cancelBooking.mockResolvedValue({ ok: false, error: { code: 'FAILED_PRECONDITION', message: 'x', reason: 'STARTED' } });
    const page = await openPage(pageId, {});
    await tap(page, '.cancel');
    await tap(page, '.cancel-confirm');
    expect(texts(page, '.message')).toEqual(['时段已开始，不能取消了']);
  });

  it('offers the map when there is no booking, and a retry when loading fails', async () => {
    bookings.myBookings.mockResolvedValueOnce({ ok: true, data: { bookings: [] } });
    const empty = await openPage(pageId, {});
    expect(texts(empty, '.empty-text')).toEqual(['还没有预约']);
    await tap(empty, '.browse');
    expect(wxMock().switchTab).toHaveBeenCalledWith({ url: '/pages/nearby/index' });

    bookings.myBookings.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器' } });
    const broken = await openPage(pageId, {});
    expect(texts(broken, '.state-title')).toEqual(['预约没有加载出来']);
    expect(texts(broken, '.error-text')).toEqual(['无法连接服务器']);
    await tap(broken, '.retry');
    expect(texts(broken, '.booking-store')).toHaveLength(4);
  });
});
