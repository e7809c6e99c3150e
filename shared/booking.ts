/**
 * The booking rules: states and their moves, the check-in window, the per-customer limit.
 * Pure: every rule takes `now` as an argument.
 *
 *   pending --confirm (staff)--> confirmed
 *   pending | confirmed --checkIn (staff, inside the window)--> checked_in
 *   pending | confirmed --cancel (owner, before the start)--> cancelled
 */

export type BookingStatus = 'pending' | 'confirmed' | 'checked_in' | 'cancelled';

/** Statuses that hold a place of the slot. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['pending', 'confirmed'];

/** A booking as stored (the owner's openid never leaves the server). */
export interface Booking {
  id: string;
  openid: string;
  storeId: string;
  /** ISO instants in the store's offset. */
  start: string;
  end: string;
  /** The store-local date the slot belongs to. */
  slotDate: string;
  status: BookingStatus;
  code: string;
  requestId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A booking as the contract shows it. */
export interface BookingView {
  id: string;
  storeId: string;
  storeName?: string;
  start: string;
  end: string;
  status: BookingStatus;
  code: string;
}

/** At most this many upcoming active bookings per customer. */
export const MAX_UPCOMING_BOOKINGS = 5;

/** Check-in opens this many minutes before the start, and closes at the slot's end. */
export const CHECK_IN_OPENS_MIN = 30;

export const isActive = (status: BookingStatus): boolean => status === 'pending' || status === 'confirmed';

/** Upcoming: the slot has not ended yet. */
export const isUpcoming = (b: { end: string }, now: Date): boolean => Date.parse(b.end) > now.getTime();

export type Refusal = {
  ok: false;
  code: 'FAILED_PRECONDITION' | 'PERMISSION_DENIED';
  reason: string;
  message: string;
};
export type Verdict = { ok: true } | Refusal;

const refuse = (code: Refusal['code'], reason: string, message: string): Refusal => ({ ok: false, code, reason, message });

/** Why a booking in `status` cannot move: CANCELLED, ALREADY_CHECKED_IN, ALREADY_CONFIRMED. */
function notFrom(status: BookingStatus, verb: string): Refusal {
  switch (status) {
    case 'cancelled':
      return refuse('FAILED_PRECONDITION', 'CANCELLED', `bookingId: the booking is cancelled; it cannot be ${verb}`);
    case 'checked_in':
      return refuse('FAILED_PRECONDITION', 'ALREADY_CHECKED_IN', `bookingId: the booking is already checked in; it cannot be ${verb}`);
    default:
      return refuse('FAILED_PRECONDITION', 'ALREADY_CONFIRMED', `bookingId: the booking is already ${status}; it cannot be ${verb}`);
  }
}

/**
 * Whether `caller` may cancel the booking at `now`: only its owner, only while it is pending or
 * confirmed, only before its start.
 * @example canCancel(booking, booking.openid, new Date(Date.parse(booking.start) - 1)) // => { ok: true }
 */
export function canCancel(b: Booking, caller: string, now: Date): Verdict {
  if (b.openid !== caller) return refuse('PERMISSION_DENIED', 'NOT_OWNER', 'bookingId: only the customer who booked may cancel this booking');
  if (!isActive(b.status)) return notFrom(b.status, 'cancelled');
  if (now.getTime() >= Date.parse(b.start)) return refuse('FAILED_PRECONDITION', 'STARTED', `bookingId: the slot started at ${b.start}; it can no longer be cancelled`);
  return { ok: true };
}

/**
 * Whether staff may confirm the booking at `now`: only a pending one whose slot has not ended.
 * @example canConfirm({ ...booking, status: 'pending' }, now) // => { ok: true }
 */
export function canConfirm(b: Booking, now: Date): Verdict {
  if (b.status !== 'pending') return notFrom(b.status, 'confirmed');
  if (now.getTime() >= Date.parse(b.end)) return refuse('FAILED_PRECONDITION', 'TOO_LATE', `bookingId: the slot ended at ${b.end}`);
  return { ok: true };
}

/**
 * The check-in window of a slot: from 30 minutes before its start to its end (end excluded).
 * @example checkInWindow({ start: '2026-11-25T10:00:00+08:00', end: '2026-11-25T11:00:00+08:00' })
 * // => { opensAt: Date(2026-11-25T01:30:00Z), closesAt: Date(2026-11-25T03:00:00Z) }
 */
export function checkInWindow(b: { start: string; end: string }): { opensAt: Date; closesAt: Date } {
  return { opensAt: new Date(Date.parse(b.start) - CHECK_IN_OPENS_MIN * 60_000), closesAt: new Date(Date.parse(b.end)) };
}

/**
 * Whether staff may check the booking in at `now`: a pending or confirmed booking inside its
 * check-in window. Reasons: CANCELLED, ALREADY_CHECKED_IN, TOO_EARLY, TOO_LATE.
 * @example canCheckIn({ ...booking, status: 'confirmed' }, new Date(Date.parse(booking.start) - 29 * 60_000)) // => { ok: true }
 */
export function canCheckIn(b: Booking, now: Date): Verdict {
  if (b.status === 'cancelled') return refuse('FAILED_PRECONDITION', 'CANCELLED', 'code: this booking was cancelled');
  if (b.status === 'checked_in') return refuse('FAILED_PRECONDITION', 'ALREADY_CHECKED_IN', 'code: this code has already been used to check in');
  const { opensAt, closesAt } = checkInWindow(b);
  if (now < opensAt) return refuse('FAILED_PRECONDITION', 'TOO_EARLY', `code: check-in opens ${CHECK_IN_OPENS_MIN} minutes before the slot (${b.start})`);
  if (now >= closesAt) return refuse('FAILED_PRECONDITION', 'TOO_LATE', `code: the slot ended at ${b.end}`);
  return { ok: true };
}

/**
 * A customer's bookings for "My bookings": upcoming ones (the slot has not ended) first, soonest
 * first; then past ones, latest first.
 */
export function orderForCustomer<T extends { start: string; end: string }>(bookings: readonly T[], now: Date): T[] {
  const upcoming = bookings.filter((b) => isUpcoming(b, now)).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const past = bookings.filter((b) => !isUpcoming(b, now)).sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return [...upcoming, ...past];
}

/** The contract's view of a booking. */
export function viewOf(b: Booking, storeName?: string): BookingView {
  const view: BookingView = { id: b.id, storeId: b.storeId, start: b.start, end: b.end, status: b.status, code: b.code };
  if (storeName !== undefined) view.storeName = storeName;
  return view;
}
