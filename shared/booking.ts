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
 *   pending | confirmed --reject (staff, before the start, with a reason)--> rejected
 *   pending | confirmed --noShow (staff, after the slot's end)--> no_show
 *   pending | confirmed --reschedule (owner, before the start)--> pending (confirmed: autoConfirm)
 *
 * Places are counted per person: a booking of a party of 3 takes 3 of the slot's capacity.
 */

export type BookingStatus = 'pending' | 'confirmed' | 'checked_in' | 'cancelled' | 'rejected' | 'no_show';

/** Who is coming, for staff to reach them: shown to the store's staff and to the customer only. */
export interface Contact {
  name: string;
  /** A mainland mobile number, 11 digits starting 1. */
  phone: string;
}

/** The largest party one booking may hold (places counted per person). */
export const MAX_PARTY_SIZE = 10;

/** Statuses that hold a place of the slot. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['pending', 'confirmed'];
/**
 * `ACTIVE_STATUSES` as an SQL list, for `status IN (…)`; the text matches the partial indexes of
 * the migrations (`WHERE status IN ('pending', 'confirmed')`), which SQLite needs to use them.
 * @example ACTIVE_STATUSES_SQL // => "'pending', 'confirmed'"
 */
export const ACTIVE_STATUSES_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

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
  /** Places the booking takes (people). */
  partySize: number;
  contact: Contact | null;
  note: string | null;
  /** Staff's reason, once rejected. */
  reason: string | null;
  /** Times it was moved to another slot: each slot's reminders go once (reminder keys carry it). */
  moves: number;
}

/** A booking as the contract shows it (to its customer and to its store's staff, nobody else). */
export interface BookingView {
  id: string;
  storeId: string;
  storeName?: string;
  start: string;
  end: string;
  status: BookingStatus;
  code: string;
  partySize: number;
  contact?: Contact;
  note?: string;
  /** Why staff rejected it (status `rejected` only). */
  reason?: string;
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

/** Why a booking in `status` cannot move: CANCELLED, REJECTED, NO_SHOW, ALREADY_CHECKED_IN, ALREADY_CONFIRMED. */
function notFrom(status: BookingStatus, verb: string): Refusal {
  switch (status) {
    case 'cancelled':
      return refuse('FAILED_PRECONDITION', 'CANCELLED', `bookingId: the booking is cancelled; it cannot be ${verb}`);
    case 'rejected':
      return refuse('FAILED_PRECONDITION', 'REJECTED', `bookingId: the store rejected the booking; it cannot be ${verb}`);
    case 'no_show':
      return refuse('FAILED_PRECONDITION', 'NO_SHOW', `bookingId: the booking was marked a no-show; it cannot be ${verb}`);
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
  if (b.status === 'rejected') return refuse('FAILED_PRECONDITION', 'REJECTED', 'code: the store rejected this booking');
  if (b.status === 'no_show') return refuse('FAILED_PRECONDITION', 'NO_SHOW', 'code: this booking was marked a no-show');
  if (b.status === 'checked_in') return refuse('FAILED_PRECONDITION', 'ALREADY_CHECKED_IN', 'code: this code has already been used to check in');
  const { opensAt, closesAt } = checkInWindow(b);
  if (now < opensAt) return refuse('FAILED_PRECONDITION', 'TOO_EARLY', `code: check-in opens ${CHECK_IN_OPENS_MIN} minutes before the slot (${b.start})`);
  if (now >= closesAt) return refuse('FAILED_PRECONDITION', 'TOO_LATE', `code: the slot ended at ${b.end}`);
  return { ok: true };
}

/**
 * Whether staff may turn the booking down at `now`: a pending or confirmed one, before its start.
 * (The reason, 1 to 50 characters, is the request's: checked by its schema.)
 * @example canReject({ ...booking, status: 'confirmed' }, new Date(Date.parse(booking.start) - 1)) // => { ok: true }
 */
export function canReject(b: Booking, now: Date): Verdict {
  if (!isActive(b.status)) return notFrom(b.status, 'rejected');
  if (now.getTime() >= Date.parse(b.start))
    return refuse('FAILED_PRECONDITION', 'STARTED', `bookingId: the slot started at ${b.start}; it can no longer be rejected`);
  return { ok: true };
}

/**
 * Whether staff may mark the booking a no-show at `now`: a pending or confirmed one, once its slot has ended.
 * @example canMarkNoShow({ ...booking, status: 'confirmed' }, new Date(Date.parse(booking.end))) // => { ok: true }
 */
export function canMarkNoShow(b: Booking, now: Date): Verdict {
  if (!isActive(b.status)) return notFrom(b.status, 'marked a no-show');
  if (now.getTime() < Date.parse(b.end))
    return refuse('FAILED_PRECONDITION', 'NOT_ENDED', `bookingId: the slot ends at ${b.end}; a no-show can be marked only after it`);
  return { ok: true };
}

/**
 * What a move between states does besides the status: a cancel or a reject gives the places back
 * (a check-in or a no-show keeps them: the slot was held); leaving the active states ends the
 * customer's hold of the slot.
 */
export function effectsOfMove(from: BookingStatus, to: BookingStatus): { freesPlace: boolean; leavesActive: boolean } {
  const leavesActive = isActive(from) && !isActive(to);
  return { freesPlace: leavesActive && (to === 'cancelled' || to === 'rejected'), leavesActive };
}

// ---------------------------------------------------------------------------------------------
// No-shows: 3 within 30 days stop the customer booking until 7 days after the third

export const NO_SHOW_LIMIT = 3;
export const NO_SHOW_WINDOW_DAYS = 30;
export const NO_SHOW_BLOCK_DAYS = 7;
const DAY_MS = 24 * 3600_000;
/** How far back a no-show can still matter (a window and a block): older ones may be forgotten. */
export const NO_SHOW_MEMORY_MS = (NO_SHOW_WINDOW_DAYS + NO_SHOW_BLOCK_DAYS) * DAY_MS;

/**
 * Whether the customer's no-shows stop them booking at `now`, counted from the slots' ends: any
 * 3 no-shows whose ends lie within 30 days of each other block until 7 days after the third's end.
 * `count`: the no-shows of the last 30 days (for the store page's words).
 * @example noShowBlock(['2026-11-01T03:00:00Z', '2026-11-10T03:00:00Z', '2026-11-20T03:00:00Z'], new Date('2026-11-25T00:00:00Z'))
 * // => { until: '2026-11-27T03:00:00.000Z', count: 3 }
 */
export function noShowBlock(noShowEnds: readonly string[], now: Date): { until: string; count: number } | null {
  const ends = noShowEnds
    .map((e) => Date.parse(e))
    .filter((t) => Number.isFinite(t) && t <= now.getTime())
    .sort((a, b) => a - b);
  let until = Number.NEGATIVE_INFINITY;
  for (let i = NO_SHOW_LIMIT - 1; i < ends.length; i++) {
    if (ends[i] - ends[i - NO_SHOW_LIMIT + 1] <= NO_SHOW_WINDOW_DAYS * DAY_MS) until = Math.max(until, ends[i] + NO_SHOW_BLOCK_DAYS * DAY_MS);
  }
  if (until <= now.getTime()) return null;
  const count = ends.filter((t) => t > now.getTime() - NO_SHOW_WINDOW_DAYS * DAY_MS).length;
  return { until: new Date(until).toISOString(), count };
}

/** The no-shows a store keeps for the rule: those whose end is within `NO_SHOW_MEMORY_MS` of now. */
export const rememberedNoShows = (ends: readonly string[], now: Date): string[] => ends.filter((e) => Date.parse(e) > now.getTime() - NO_SHOW_MEMORY_MS);

// ---------------------------------------------------------------------------------------------
// Create and reschedule

/** What a create asks for, as the use case checked it: the store's slot, or why there is none. */
export type SlotRequest =
  | {
      ok: true;
      storeId: string;
      slot: SlotTime;
      capacity: number;
      /** Places asked for (people); 1 when absent. */
      partySize?: number;
      /** The store confirms its bookings itself: they start `confirmed`. */
      autoConfirm?: boolean;
    }
  | { ok: false; refusal: Refusal };

/** One active booking of the customer, as the facts of a create list it. */
export type ActiveHold = { storeId: string; start: string; end: string; bookingId?: string };

/** The facts a create is decided on, read by the store inside its atomic step. */
export interface CreateFacts {
  /** The caller's booking made by this requestId, if any. */
  replay: Booking | null;
  /** The caller's active bookings (those whose slot has not ended at least; more is fine). */
  active: readonly ActiveHold[];
  /** Places already taken in the slot (0 when nobody booked it). */
  booked: number;
  /** Ends of the caller's no-shows (the recent ones at least; more is fine). */
  noShowEnds?: readonly string[];
}

export type CreateDecision =
  | { kind: 'replay'; booking: Booking }
  | { kind: 'refuse'; refusal: Refusal }
  | { kind: 'book'; storeId: string; slot: SlotTime; partySize: number; status: 'pending' | 'confirmed' };

/** The customer-and-slot refusals shared by create and reschedule, in their order. */
function holdRefusal(
  request: { storeId: string; slot: SlotTime; capacity: number; partySize: number },
  facts: { active: readonly ActiveHold[]; booked: number; noShowEnds?: readonly string[] },
  now: Date,
): Refusal | null {
  const { storeId, slot, capacity, partySize } = request;
  const blocked = noShowBlock(facts.noShowEnds ?? [], now);
  if (blocked)
    return refuse('FAILED_PRECONDITION', 'NO_SHOWS', `${NO_SHOW_LIMIT} no-shows within ${NO_SHOW_WINDOW_DAYS} days: you can book again from ${blocked.until}`);
  const key = slotKey(slot.start);
  if (facts.active.some((b) => b.storeId === storeId && slotKey(b.start) === key))
    return refuse('ALREADY_EXISTS', 'ALREADY_BOOKED', `start: you already hold a booking for the slot at ${slot.start}`);
  if (facts.active.filter((b) => isUpcoming(b, now)).length >= MAX_UPCOMING_BOOKINGS)
    return refuse('RESOURCE_EXHAUSTED', 'TOO_MANY_BOOKINGS', `you already hold ${MAX_UPCOMING_BOOKINGS} upcoming bookings, the most one customer may hold`);
  if (facts.booked + partySize > capacity) {
    const left = Math.max(0, capacity - facts.booked);
    return refuse(
      'RESOURCE_EXHAUSTED',
      'SLOT_FULL',
      left === 0 ? `start: the slot at ${slot.start} is full` : `start: the slot at ${slot.start} has ${left} places left, fewer than a party of ${partySize}`,
    );
  }
  return null;
}

/**
 * THE decision of a create, in one order for both back ends:
 * 1. the requestId was seen: the first booking, whatever changed since (slot started, full, ...);
 * 2. the request itself is refused (no store, a party larger than the slot, off the grid, started, too far ahead);
 * 3. the caller's no-shows block them (`noShowBlock`): FAILED_PRECONDITION `NO_SHOWS`;
 * 4. the caller already holds an active booking of this slot: ALREADY_EXISTS `ALREADY_BOOKED`;
 * 5. the caller holds `MAX_UPCOMING_BOOKINGS` upcoming active bookings: RESOURCE_EXHAUSTED `TOO_MANY_BOOKINGS`;
 * 6. the party does not fit (`booked + partySize > capacity`): RESOURCE_EXHAUSTED `SLOT_FULL`;
 * else book it: `pending`, or `confirmed` at a store that confirms automatically.
 * @example decideCreate({ ok: true, storeId: 'S1', slot, capacity: 3 }, { replay: null, active: [], booked: 3 }, now)
 * // => { kind: 'refuse', refusal: { code: 'RESOURCE_EXHAUSTED', reason: 'SLOT_FULL', ... } }
 */
export function decideCreate(request: SlotRequest, facts: CreateFacts, now: Date): CreateDecision {
  if (facts.replay) return { kind: 'replay', booking: facts.replay };
  if (!request.ok) return { kind: 'refuse', refusal: request.refusal };
  const partySize = request.partySize ?? 1;
  const refusal = holdRefusal({ ...request, partySize }, facts, now);
  if (refusal) return { kind: 'refuse', refusal };
  return { kind: 'book', storeId: request.storeId, slot: request.slot, partySize, status: request.autoConfirm ? 'confirmed' : 'pending' };
}

export type RescheduleDecision = { kind: 'refuse'; refusal: Refusal } | { kind: 'move'; slot: SlotTime; status: 'pending' | 'confirmed' };

/**
 * THE decision of a reschedule: the booking moved to another slot of its store, under every rule
 * of a create. In order: only the owner (`NOT_OWNER`); only a pending or confirmed booking
 * (`CANCELLED`, `REJECTED`, ...); only before its start (`STARTED`); the new start's own refusal
 * (off the grid, outside the hours, started, too far ahead; a party larger than the slot); the
 * same slot (`ALREADY_BOOKED`); then create's: `NO_SHOWS`, `ALREADY_BOOKED`, `TOO_MANY_BOOKINGS`,
 * `SLOT_FULL` with the booking's own hold left out of the facts. It returns to `pending` unless the
 * store confirms automatically.
 * @example decideReschedule(booking, booking.openid, { ok: true, storeId: 'S1', slot: later, capacity: 4, partySize: 2 }, { active: [], booked: 2 }, now)
 * // => { kind: 'move', slot: later, status: 'pending' }
 */
export function decideReschedule(
  b: Booking,
  caller: string,
  request: SlotRequest,
  facts: { active: readonly ActiveHold[]; booked: number; noShowEnds?: readonly string[] },
  now: Date,
): RescheduleDecision {
  const no = (refusal: Refusal): RescheduleDecision => ({ kind: 'refuse', refusal });
  if (b.openid !== caller) return no(refuse('PERMISSION_DENIED', 'NOT_OWNER', 'bookingId: only the customer who booked may reschedule this booking'));
  if (!isActive(b.status)) return no(notFrom(b.status, 'rescheduled'));
  if (now.getTime() >= Date.parse(b.start))
    return no(refuse('FAILED_PRECONDITION', 'STARTED', `bookingId: the slot started at ${b.start}; it can no longer be rescheduled`));
  if (!request.ok) return no(request.refusal);
  if (request.storeId === b.storeId && slotKey(request.slot.start) === slotKey(b.start))
    return no(refuse('ALREADY_EXISTS', 'ALREADY_BOOKED', `start: the booking is already for the slot at ${b.start}`));
  const others = facts.active.filter((h) => !(h.bookingId === b.id || (h.storeId === b.storeId && slotKey(h.start) === slotKey(b.start))));
  const refusal = holdRefusal({ ...request, partySize: b.partySize }, { ...facts, active: others }, now);
  if (refusal) return no(refusal);
  return { kind: 'move', slot: request.slot, status: request.autoConfirm ? 'confirmed' : 'pending' };
}

/**
 * The request's own verdict: the slot rules' answer on the requested start, as a SlotRequest; a
 * party larger than the slot's capacity is INVALID_ARGUMENT naming `partySize` (it could never fit).
 */
export function slotRequest(storeId: string, capacity: number, check: SlotCheck, options: { partySize?: number; autoConfirm?: boolean } = {}): SlotRequest {
  const partySize = options.partySize ?? 1;
  if (partySize > capacity)
    return { ok: false, refusal: refuse('INVALID_ARGUMENT', 'PARTY_TOO_LARGE', `partySize: must be at most ${capacity}, the slot's capacity`) };
  if (!check.ok) return { ok: false, refusal: refuse(check.code, check.reason, check.message) };
  return { ok: true, storeId, slot: check.slot, capacity, partySize, autoConfirm: options.autoConfirm === true };
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

/**
 * The contract's view of a booking, for its customer or its store's staff (the only callers who
 * ever see one): party, contact and note included; a rejection's reason.
 */
export function viewOf(b: Booking, storeName?: string): BookingView {
  const view: BookingView = { id: b.id, storeId: b.storeId, start: b.start, end: b.end, status: b.status, code: b.code, partySize: b.partySize };
  if (storeName !== undefined) view.storeName = storeName;
  if (b.contact) view.contact = b.contact;
  if (b.note) view.note = b.note;
  if (b.status === 'rejected' && b.reason) view.reason = b.reason;
  return view;
}
