import { slotKey, type SlotCheck, type SlotTime } from './slots';

/**
 * The booking rules: states and their moves, the check-in window, the per-customer limit, and
 * the one decision of a create (replay, slot, already booked, limit, full: in that order).
 * Pure: every rule takes `now` and the facts it needs as arguments; both back ends read the
 * facts inside their atomic step, ask these rules and write what they answer. No adapter decides,
 * orders or words a refusal.
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
  code: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'FAILED_PRECONDITION' | 'PERMISSION_DENIED' | 'ALREADY_EXISTS' | 'RESOURCE_EXHAUSTED';
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
  if (now.getTime() >= Date.parse(b.start))
    return refuse('FAILED_PRECONDITION', 'STARTED', `bookingId: the slot started at ${b.start}; it can no longer be cancelled`);
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

/** What a move between states does besides the status: a cancel gives the place back; leaving the active states ends the customer's hold of the slot. */
export function effectsOfMove(from: BookingStatus, to: BookingStatus): { freesPlace: boolean; leavesActive: boolean } {
  const leavesActive = isActive(from) && !isActive(to);
  return { freesPlace: leavesActive && to === 'cancelled', leavesActive };
}

/** What a create asks for, as the use case checked it: the store's slot, or why there is none. */
export type SlotRequest = { ok: true; storeId: string; slot: SlotTime; capacity: number } | { ok: false; refusal: Refusal };

/** The facts a create is decided on, read by the store inside its atomic step. */
export interface CreateFacts {
  /** The caller's booking made by this requestId, if any. */
  replay: Booking | null;
  /** The caller's active bookings (those whose slot has not ended at least; more is fine). */
  active: readonly { storeId: string; start: string; end: string }[];
  /** Places already taken in the slot (0 when nobody booked it). */
  booked: number;
}

export type CreateDecision = { kind: 'replay'; booking: Booking } | { kind: 'refuse'; refusal: Refusal } | { kind: 'book'; storeId: string; slot: SlotTime };

/**
 * THE decision of a create, in one order for both back ends:
 * 1. the requestId was seen: the first booking, whatever changed since (slot started, full, ...);
 * 2. the request itself is refused (no store, off the grid, started, too far ahead);
 * 3. the caller already holds an active booking of this slot: ALREADY_EXISTS `ALREADY_BOOKED`;
 * 4. the caller holds `MAX_UPCOMING_BOOKINGS` upcoming active bookings: RESOURCE_EXHAUSTED `TOO_MANY_BOOKINGS`;
 * 5. the slot is full (`booked >= capacity`): RESOURCE_EXHAUSTED `SLOT_FULL`;
 * else book it.
 * @example decideCreate({ ok: true, storeId: 'S1', slot, capacity: 3 }, { replay: null, active: [], booked: 3 }, now)
 * // => { kind: 'refuse', refusal: { code: 'RESOURCE_EXHAUSTED', reason: 'SLOT_FULL', ... } }
 */
export function decideCreate(request: SlotRequest, facts: CreateFacts, now: Date): CreateDecision {
  if (facts.replay) return { kind: 'replay', booking: facts.replay };
  if (!request.ok) return { kind: 'refuse', refusal: request.refusal };
  const { storeId, slot, capacity } = request;
  const key = slotKey(slot.start);
  if (facts.active.some((b) => b.storeId === storeId && slotKey(b.start) === key)) {
    return { kind: 'refuse', refusal: refuse('ALREADY_EXISTS', 'ALREADY_BOOKED', `start: you already hold a booking for the slot at ${slot.start}`) };
  }
  if (facts.active.filter((b) => isUpcoming(b, now)).length >= MAX_UPCOMING_BOOKINGS) {
    return {
      kind: 'refuse',
      refusal: refuse('RESOURCE_EXHAUSTED', 'TOO_MANY_BOOKINGS', `you already hold ${MAX_UPCOMING_BOOKINGS} upcoming bookings, the most one customer may hold`),
    };
  }
  if (facts.booked >= capacity) {
    return { kind: 'refuse', refusal: refuse('RESOURCE_EXHAUSTED', 'SLOT_FULL', `start: the slot at ${slot.start} is full`) };
  }
  return { kind: 'book', storeId, slot };
}

/** The request's own verdict: the slot rules' answer on the requested start, as a SlotRequest. */
export function slotRequest(storeId: string, capacity: number, check: SlotCheck): SlotRequest {
  if (!check.ok) return { ok: false, refusal: refuse(check.code, check.reason, check.message) };
  return { ok: true, storeId, slot: check.slot, capacity };
}

/** No store of that id (a create's request refusal; a replay still wins over it). */
export function noStore(storeId: string): Refusal {
  return refuse('NOT_FOUND', 'NO_STORE', `storeId: no store "${storeId}"`);
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
