import { canCancel, canCheckIn, canConfirm, checkInWindow, orderForCustomer, type Booking } from '../../shared/booking';

const booking = (over: Partial<Booking> = {}): Booking => ({
  id: 'bk_1',
  openid: 'alice',
  storeId: 'S1',
  start: '2026-11-25T10:00:00+08:00',
  end: '2026-11-25T11:00:00+08:00',
  slotDate: '2026-11-25',
  status: 'pending',
  code: 'ABCD2345',
  requestId: null,
  createdAt: '2026-11-24T00:00:00.000Z',
  updatedAt: '2026-11-24T00:00:00.000Z',
  ...over,
});
const at = (iso: string) => new Date(iso);

describe('cancel', () => {
  it('lets the owner cancel a pending or confirmed booking before it starts', () => {
    expect(canCancel(booking(), 'alice', at('2026-11-25T09:59:59+08:00'))).toEqual({ ok: true });
    expect(canCancel(booking({ status: 'confirmed' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toEqual({ ok: true });
  });
  it('refuses a stranger', () => {
    expect(canCancel(booking(), 'mallory', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
  });
  it('refuses once the slot has started', () => {
    expect(canCancel(booking(), 'alice', at('2026-11-25T10:00:00+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'STARTED' });
  });
  it('refuses a cancelled or checked-in booking', () => {
    expect(canCancel(booking({ status: 'cancelled' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'CANCELLED' });
    expect(canCancel(booking({ status: 'checked_in' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });
  });
});

describe('confirm', () => {
  it('confirms only a pending booking whose slot has not ended', () => {
    const now = at('2026-11-25T09:00:00+08:00');
    expect(canConfirm(booking(), now)).toEqual({ ok: true });
    expect(canConfirm(booking({ status: 'confirmed' }), now)).toMatchObject({ ok: false, reason: 'ALREADY_CONFIRMED' });
    expect(canConfirm(booking({ status: 'cancelled' }), now)).toMatchObject({ ok: false, reason: 'CANCELLED' });
    expect(canConfirm(booking(), at('2026-11-25T11:00:00+08:00'))).toMatchObject({ ok: false, reason: 'TOO_LATE' });
  });
});

describe('check-in window', () => {
  it('opens 30 minutes before the start and closes at the end', () => {
    expect(checkInWindow(booking())).toEqual({ opensAt: at('2026-11-25T09:30:00+08:00'), closesAt: at('2026-11-25T11:00:00+08:00') });
  });
  it('checks in a pending or confirmed booking inside the window', () => {
    expect(canCheckIn(booking(), at('2026-11-25T09:30:00+08:00'))).toEqual({ ok: true });
    expect(canCheckIn(booking({ status: 'confirmed' }), at('2026-11-25T10:59:59+08:00'))).toEqual({ ok: true });
  });
  it('says TOO_EARLY before the window and TOO_LATE after it', () => {
    expect(canCheckIn(booking(), at('2026-11-25T09:29:59+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'TOO_EARLY' });
    expect(canCheckIn(booking(), at('2026-11-25T11:00:00+08:00'))).toMatchObject({ ok: false, reason: 'TOO_LATE' });
  });
  it('says ALREADY_CHECKED_IN and CANCELLED whatever the time', () => {
    expect(canCheckIn(booking({ status: 'checked_in' }), at('2026-11-25T10:00:00+08:00'))).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });
    expect(canCheckIn(booking({ status: 'cancelled' }), at('2026-11-25T10:00:00+08:00'))).toMatchObject({ reason: 'CANCELLED' });
  });
});

describe('My bookings order', () => {
  it('puts upcoming bookings first, soonest first, then past ones, latest first', () => {
    const b = (id: string, start: string, end: string) => booking({ id, start, end });
    const list = [
      b('past-old', '2026-11-20T10:00:00+08:00', '2026-11-20T11:00:00+08:00'),
      b('later', '2026-11-27T10:00:00+08:00', '2026-11-27T11:00:00+08:00'),
      b('past-new', '2026-11-24T10:00:00+08:00', '2026-11-24T11:00:00+08:00'),
      b('now', '2026-11-25T10:00:00+08:00', '2026-11-25T11:00:00+08:00'),
    ];
    const ordered = orderForCustomer(list, at('2026-11-25T10:30:00+08:00')).map((x) => x.id);
    expect(ordered).toEqual(['now', 'later', 'past-new', 'past-old']);
  });
});
