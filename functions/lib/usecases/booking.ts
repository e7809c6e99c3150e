import {
  canCancel,
  canCheckIn,
  canConfirm,
  canMarkNoShow,
  canReject,
  noShowBlock,
  noStore,
  orderForCustomer,
  slotRequest,
  viewOf,
  type Booking,
  type BookingStatus,
  type Refusal,
  type Verdict,
} from '../../../shared/booking';
import type {
  BookingResult,
  BookingsResult,
  CancelBookingParams,
  CreateBookingResult,
  RescheduleBookingResult,
  CheckInParams,
  ConfirmBookingParams,
  CreateBookingParams,
  DayParams,
  MyBookingsResult,
  NoShowParams,
  RejectBookingParams,
  RescheduleBookingParams,
  SlotsParams,
  SlotsResult,
  StaffStoresResult,
} from '../../../shared/contract/bookings';
import type { Store } from '../../../shared/places';
import { fail, ok, type Fail, type Result } from '../../../shared/result';
import { BOOKING_DAYS, addDays, bookableDates, checkSlotStart, placesLeft, slotBookable, slotsOn } from '../../../shared/slots';
import { openState } from '../../../shared/hours';
import type { AfterCreate, BookingStore, Call, MoveBookingOutcome, PlaceStore, StaffStore, UserCall } from '../ports';

export interface BookingPorts {
  places: PlaceStore;
  staff: StaffStore;
  bookings: BookingStore;
}

/** How many past bookings "My bookings" shows. */
export const PAST_BOOKINGS_SHOWN = 50;

const refused = (r: Refusal): Fail => fail(r.code, r.message, r.reason);

async function storeOf(ports: BookingPorts, storeId: string): Promise<Store | Fail> {
  const store = await ports.places.get('store', storeId);
  return store ?? refused(noStore(storeId));
}

const isFail = (x: unknown): x is Fail => typeof x === 'object' && x !== null && (x as Fail).ok === false;

/** The slots of a store on a local date with the places left, and whether each can be booked now. */
export async function listSlots(ports: BookingPorts, p: SlotsParams, { now }: Call): Promise<Result<SlotsResult>> {
  const store = await storeOf(ports, p.storeId);
  if (isFail(store)) return store;
  const slots = slotsOn(store, p.date);
  const taken = await ports.bookings.booked(
    store.id,
    slots.map((s) => s.start),
  );
  const { first } = bookableDates(store.timezone, now);
  const capacity = store.slot.capacity;
  const { kind: _kind, ...details } = store;
  return ok({
    storeId: store.id,
    date: p.date,
    timezone: store.timezone,
    days: Array.from({ length: BOOKING_DAYS }, (_, i) => addDays(first, i)),
    store: { ...details, ...openState(store.openingHours, store.timezone, now) },
    slots: slots.map((s) => ({
      start: s.start,
      end: s.end,
      capacity,
      remaining: placesLeft(capacity, taken.get(s.start) ?? 0),
      bookable: slotBookable(s, store.timezone, now),
    })),
  });
}

/**
 * Books a slot for the caller. The store decides inside its atomic step with `decideCreate`
 * (shared/booking.ts): a retry with the same requestId answers the first booking, even after its
 * slot has started or filled up; two copies at once make one booking.
 */
export async function createBooking(ports: BookingPorts, p: CreateBookingParams, call: UserCall): Promise<Result<CreateBookingResult>> {
  const store = await ports.places.get('store', p.storeId);
  const request = store
    ? slotRequest(store.id, store.slot.capacity, checkSlotStart(store, p.start, call.now), { partySize: p.partySize, autoConfirm: store.slot.autoConfirm })
    : { ok: false as const, refusal: noStore(p.storeId) };
  const created = await ports.bookings.create({
    openid: call.caller,
    requestId: p.requestId ?? null,
    request,
    now: call.now,
    contact: p.contact ?? null,
    note: p.note || null,
  });
  if (!created.ok) return refused(created.refusal);
  const { booking, booked, active } = created;
  // A replay may name another store than this request's.
  const its = store && store.id === booking.storeId ? store : await ports.places.get('store', booking.storeId);
  return ok({ booking: viewOf(booking, its?.name), ...afterView(booking, its, { booked, active }) });
}

/**
 * What the store page shows after a create or a reschedule, from the step's own facts: the
 * booking's slot with its places left (`null` when its store is no longer listed) and the caller's
 * active bookings, soonest first.
 */
function afterView(booking: Booking, store: Store | null, { booked, active }: AfterCreate): Pick<CreateBookingResult, 'slot' | 'active'> {
  return {
    slot: slotAfter(booking, store, booked),
    active: active
      .map(({ bookingId, storeId, start, end }) => ({ id: bookingId, storeId, start, end }))
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

/** A slot with the places left once `booked` are taken (`null` when its store is no longer listed). */
function slotAfter(slot: { start: string; end: string }, store: Store | null, booked: number): CreateBookingResult['slot'] {
  if (!store) return null;
  const { capacity } = store.slot;
  return { start: slot.start, end: slot.end, capacity, remaining: placesLeft(capacity, booked) };
}

/** The owner cancels before the start; the place is freed once, whoever races. */
export async function cancelBooking(ports: BookingPorts, p: CancelBookingParams, call: UserCall): Promise<Result<BookingResult>> {
  const moved = await ports.bookings.move(p.bookingId, (b) => canCancel(b, call.caller, call.now), 'cancelled', call.now);
  const answer = answerOf(moved, p.bookingId);
  return answer.ok ? ok({ booking: await withStoreName(ports, answer.data) }) : answer;
}

/**
 * The owner moves the booking to another slot of its store (same id and code) under every rule of
 * a create, in one atomic step (`decideReschedule`): all or nothing. Like a create it answers the
 * new slot's places left and the caller's active bookings, from that step (the store page needs
 * no `slots` or `mine` after it).
 */
export async function rescheduleBooking(ports: BookingPorts, p: RescheduleBookingParams, call: UserCall): Promise<Result<RescheduleBookingResult>> {
  const booking = await ports.bookings.get(p.bookingId);
  if (!booking) return notFound(p.bookingId);
  // The store and the party never change: read outside the step, judged inside it.
  const store = await ports.places.get('store', booking.storeId);
  const request = store
    ? slotRequest(store.id, store.slot.capacity, checkSlotStart(store, p.start, call.now), {
        partySize: booking.partySize,
        autoConfirm: store.slot.autoConfirm,
      })
    : { ok: false as const, refusal: noStore(booking.storeId) };
  const moved = await ports.bookings.reschedule({ bookingId: booking.id, caller: call.caller, request, now: call.now });
  if (!moved.ok) return answerOf(moved, booking.id) as Fail;
  return ok({
    booking: viewOf(moved.booking, store?.name),
    ...afterView(moved.booking, store, moved),
    left: slotAfter(moved.left, store, moved.left.booked),
  });
}

/** The caller's bookings: upcoming first (soonest first), then the latest past ones; and whether no-shows stop them booking. */
export async function myBookings(ports: BookingPorts, _p: Record<string, never>, call: UserCall): Promise<Result<MyBookingsResult>> {
  const bookings = orderForCustomer(await ports.bookings.ofCustomer(call.caller, call.now, PAST_BOOKINGS_SHOWN), call.now);
  const names = await storeNames(
    ports,
    bookings.map((b) => b.storeId),
  );
  const blocked = noShowBlock(await ports.bookings.noShowsOf(call.caller, call.now), call.now);
  return ok({ bookings: bookings.map((b) => viewOf(b, names.get(b.storeId))), noShowBlock: blocked });
}

/** Staff: a store's bookings of a local date, by start. */
export async function dayBookings(ports: BookingPorts, p: DayParams, call: UserCall): Promise<Result<BookingsResult>> {
  const denied = await staffCheck(ports, call.caller, p.storeId, 'storeId');
  if (denied) return denied;
  const bookings = await ports.bookings.ofStoreDay(p.storeId, p.date);
  return ok({ bookings: bookings.map((b) => viewOf(b)) });
}

/** Staff: pending -> confirmed. */
export async function confirmBooking(ports: BookingPorts, p: ConfirmBookingParams, call: UserCall): Promise<Result<BookingResult>> {
  return staffMove(ports, p.bookingId, call, { rule: canConfirm, to: 'confirmed' });
}

/** Staff: turn a pending or confirmed booking down before its start, with a reason; its places are freed, the customer told (`bookingChanged`). */
export async function rejectBooking(ports: BookingPorts, p: RejectBookingParams, call: UserCall): Promise<Result<BookingResult>> {
  return staffMove(ports, p.bookingId, call, { rule: canReject, to: 'rejected', extra: { reason: p.reason } });
}

/** Staff: a pending or confirmed booking whose slot has ended -> no_show (3 in 30 days block the customer: `noShowBlock`). */
export async function markNoShow(ports: BookingPorts, p: NoShowParams, call: UserCall): Promise<Result<BookingResult>> {
  return staffMove(ports, p.bookingId, call, { rule: canMarkNoShow, to: 'no_show' });
}

/** Staff: checks in the booking a code names (pending or confirmed, inside the check-in window). */
export async function checkIn(ports: BookingPorts, p: CheckInParams, call: UserCall): Promise<Result<BookingResult>> {
  const stores = await ports.staff.storesOf(call.caller);
  if (stores.length === 0) return fail('PERMISSION_DENIED', 'bookings.checkIn is for store staff only', 'NOT_STAFF');
  const booking = await ports.bookings.byCode(p.code);
  if (!booking) return fail('NOT_FOUND', `code: no booking has the code "${p.code}"`);
  if (!stores.includes(booking.storeId)) {
    return fail('PERMISSION_DENIED', `code: this booking is for store "${booking.storeId}", which you do not work for`, 'WRONG_STORE');
  }
  return moveForStaff(ports, booking, call.now, { rule: canCheckIn, to: 'checked_in' });
}

/** Which stores the caller works for (empty for customers): what the mini program shows staff. */
export async function staffStores(ports: BookingPorts, _p: Record<string, never>, { caller, now }: UserCall): Promise<Result<StaffStoresResult>> {
  const ids = await ports.staff.storesOf(caller);
  const stores = [];
  for (const id of ids) {
    const store = await ports.places.get('store', id);
    if (store) stores.push({ id, name: store.name, timezone: store.timezone, today: bookableDates(store.timezone, now).first });
  }
  return ok({ stores });
}

async function staffCheck(ports: BookingPorts, caller: string, storeId: string, field: string): Promise<Fail | null> {
  const stores = await ports.staff.storesOf(caller);
  if (stores.includes(storeId)) return null;
  return fail('PERMISSION_DENIED', `${field}: only staff of store "${storeId}" may do this`, stores.length === 0 ? 'NOT_STAFF' : 'WRONG_STORE');
}

const notFound = (bookingId: string): Fail => fail('NOT_FOUND', `bookingId: no booking "${bookingId}"`);

/** A staff move: the rule asked inside the store's atomic step, the status it leads to, a reason to keep. */
interface StaffMove {
  rule: (booking: Booking, now: Date) => Verdict;
  to: BookingStatus;
  extra?: { reason?: string };
}

/** A staff action on a booking named by id: NOT_FOUND first, then the staff check, then the move. */
async function staffMove(ports: BookingPorts, bookingId: string, call: UserCall, move: StaffMove): Promise<Result<BookingResult>> {
  const booking = await ports.bookings.get(bookingId);
  if (!booking) return notFound(bookingId);
  const denied = await staffCheck(ports, call.caller, booking.storeId, 'bookingId');
  if (denied) return denied;
  return moveForStaff(ports, booking, call.now, move);
}

/** The move itself; staff see the booking without its store name. */
async function moveForStaff(ports: BookingPorts, booking: Booking, now: Date, { rule, to, extra }: StaffMove): Promise<Result<BookingResult>> {
  const answer = answerOf(await ports.bookings.move(booking.id, (b) => rule(b, now), to, now, extra), booking.id);
  return answer.ok ? ok({ booking: viewOf(answer.data) }) : answer;
}

/** A move's outcome as a result: the rule's refusal, or NOT_FOUND. */
function answerOf(moved: MoveBookingOutcome, bookingId: string): Result<Booking> {
  if (moved.ok) return ok(moved.booking);
  if ('missing' in moved) return notFound(bookingId);
  return refused(moved.refusal);
}

async function storeNames(ports: BookingPorts, ids: readonly string[]): Promise<Map<string, string>> {
  const stores = await ports.places.getMany('store', ids);
  return new Map([...stores].map(([id, store]) => [id, store.name]));
}

async function withStoreName(ports: BookingPorts, b: Booking) {
  const store = await ports.places.get('store', b.storeId);
  return viewOf(b, store?.name);
}
