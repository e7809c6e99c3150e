import {
  ACTIVE_STATUSES,
  MAX_UPCOMING_BOOKINGS,
  canCancel,
  canCheckIn,
  canConfirm,
  orderForCustomer,
  viewOf,
  type Booking,
  type Refusal,
} from '../../../shared/booking';
import type {
  BookingResult,
  BookingsResult,
  CancelBookingParams,
  CheckInParams,
  ConfirmBookingParams,
  CreateBookingParams,
  DayParams,
  SlotsParams,
  SlotsResult,
  StaffStoresResult,
} from '../../../shared/contract/bookings';
import type { Store } from '../../../shared/places';
import { fail, ok, type Fail, type Result } from '../../../shared/result';
import { BOOKING_DAYS, addDays, bookableDates, checkSlotStart, slotsOn } from '../../../shared/slots';
import { openState } from '../../../shared/hours';
import type { BookingStore, PlaceStore, StaffStore } from '../ports';

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
  return store ?? fail('NOT_FOUND', `storeId: no store "${storeId}"`);
}

const isFail = (x: unknown): x is Fail => typeof x === 'object' && x !== null && (x as Fail).ok === false;

/** The slots of a store on a local date with the places left, and whether each can be booked now. */
export async function listSlots(ports: BookingPorts, p: SlotsParams, now: Date): Promise<Result<SlotsResult>> {
  const store = await storeOf(ports, p.storeId);
  if (isFail(store)) return store;
  const slots = slotsOn(store, p.date);
  const taken = await ports.bookings.booked(store.id, slots.map((s) => s.start));
  const { first, last } = bookableDates(store.timezone, now);
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
      remaining: Math.max(0, capacity - (taken.get(s.start) ?? 0)),
      bookable: Date.parse(s.start) > now.getTime() && s.date <= last,
    })),
  });
}

/**
 * Books a slot for the caller. A retry with the same requestId answers the first booking, even
 * after its slot has started or filled up; two copies at once make one booking.
 */
export async function createBooking(ports: BookingPorts, p: CreateBookingParams, caller: string, now: Date): Promise<Result<BookingResult>> {
  if (p.requestId !== undefined) {
    const earlier = await ports.bookings.byRequest(caller, p.requestId);
    if (earlier) return ok({ booking: await withStoreName(ports, earlier) });
  }
  const store = await storeOf(ports, p.storeId);
  if (isFail(store)) return store;
  const check = checkSlotStart(store, p.start, now);
  if (!check.ok) return fail(check.code, check.message, check.reason);
  const created = await ports.bookings.create({
    openid: caller,
    storeId: store.id,
    start: check.slot.start,
    end: check.slot.end,
    slotDate: check.slot.date,
    capacity: store.slot.capacity,
    requestId: p.requestId ?? null,
    now,
    maxUpcoming: MAX_UPCOMING_BOOKINGS,
  });
  if (!created.ok) {
    switch (created.refusal) {
      case 'ALREADY_BOOKED':
        return fail('ALREADY_EXISTS', `start: you already hold a booking for the slot at ${check.slot.start}`, 'ALREADY_BOOKED');
      case 'TOO_MANY_BOOKINGS':
        return fail('RESOURCE_EXHAUSTED', `you already hold ${MAX_UPCOMING_BOOKINGS} upcoming bookings, the most one customer may hold`, 'TOO_MANY_BOOKINGS');
      case 'SLOT_FULL':
        return fail('RESOURCE_EXHAUSTED', `start: the slot at ${check.slot.start} is full`, 'SLOT_FULL');
    }
  }
  return ok({ booking: viewOf(created.booking, store.name) });
}

/** The owner cancels before the start; the place is freed once, whoever races. */
export async function cancelBooking(ports: BookingPorts, p: CancelBookingParams, caller: string, now: Date): Promise<Result<BookingResult>> {
  const booking = await ports.bookings.get(p.bookingId);
  if (!booking) return fail('NOT_FOUND', `bookingId: no booking "${p.bookingId}"`);
  const verdict = canCancel(booking, caller, now);
  if (!verdict.ok) return refused(verdict);
  const moved = await ports.bookings.move(booking.id, ACTIVE_STATUSES, 'cancelled', now);
  if (!moved) return lostRace(ports, booking.id, (b) => canCancel(b, caller, now));
  return ok({ booking: await withStoreName(ports, moved) });
}

/** The caller's bookings: upcoming first (soonest first), then the latest past ones. */
export async function myBookings(ports: BookingPorts, caller: string, now: Date): Promise<Result<BookingsResult>> {
  const bookings = orderForCustomer(await ports.bookings.ofCustomer(caller, now, PAST_BOOKINGS_SHOWN), now);
  const names = await storeNames(ports, bookings.map((b) => b.storeId));
  return ok({ bookings: bookings.map((b) => viewOf(b, names.get(b.storeId))) });
}

/** Staff: a store's bookings of a local date, by start. */
export async function dayBookings(ports: BookingPorts, p: DayParams, caller: string): Promise<Result<BookingsResult>> {
  const denied = await staffCheck(ports, caller, p.storeId, 'storeId');
  if (denied) return denied;
  const bookings = await ports.bookings.ofStoreDay(p.storeId, p.date);
  return ok({ bookings: bookings.map((b) => viewOf(b)) });
}

/** Staff: pending -> confirmed. */
export async function confirmBooking(ports: BookingPorts, p: ConfirmBookingParams, caller: string, now: Date): Promise<Result<BookingResult>> {
  const booking = await ports.bookings.get(p.bookingId);
  if (!booking) return fail('NOT_FOUND', `bookingId: no booking "${p.bookingId}"`);
  const denied = await staffCheck(ports, caller, booking.storeId, 'bookingId');
  if (denied) return denied;
  const verdict = canConfirm(booking, now);
  if (!verdict.ok) return refused(verdict);
  const moved = await ports.bookings.move(booking.id, ['pending'], 'confirmed', now);
  if (!moved) return lostRace(ports, booking.id, (b) => canConfirm(b, now));
  return ok({ booking: viewOf(moved) });
}

/** Staff: checks in the booking a code names (pending or confirmed, inside the check-in window). */
export async function checkIn(ports: BookingPorts, p: CheckInParams, caller: string, now: Date): Promise<Result<BookingResult>> {
  const stores = await ports.staff.storesOf(caller);
  if (stores.length === 0) return fail('PERMISSION_DENIED', 'bookings.checkIn is for store staff only', 'NOT_STAFF');
  const booking = await ports.bookings.byCode(p.code);
  if (!booking) return fail('NOT_FOUND', `code: no booking has the code "${p.code}"`);
  if (!stores.includes(booking.storeId)) {
    return fail('PERMISSION_DENIED', `code: this booking is for store "${booking.storeId}", which you do not work for`, 'WRONG_STORE');
  }
  const verdict = canCheckIn(booking, now);
  if (!verdict.ok) return refused(verdict);
  const moved = await ports.bookings.move(booking.id, ACTIVE_STATUSES, 'checked_in', now);
  if (!moved) return lostRace(ports, booking.id, (b) => canCheckIn(b, now));
  return ok({ booking: viewOf(moved) });
}

/** Which stores the caller works for (empty for customers): what the mini program shows staff. */
export async function staffStores(ports: BookingPorts, caller: string, now: Date): Promise<Result<StaffStoresResult>> {
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

/** Another request moved the booking between our read and our write: say why with its new state. */
async function lostRace(ports: BookingPorts, bookingId: string, rule: (b: Booking) => { ok: true } | Refusal): Promise<Fail> {
  const now = await ports.bookings.get(bookingId);
  const verdict = now ? rule(now) : null;
  if (verdict && !verdict.ok) return refused(verdict);
  return fail('FAILED_PRECONDITION', 'bookingId: the booking changed meanwhile; reload and try again', 'CONFLICT');
}

async function storeNames(ports: BookingPorts, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    const store = await ports.places.get('store', id);
    if (store) names.set(id, store.name);
  }
  return names;
}

async function withStoreName(ports: BookingPorts, b: Booking) {
  const store = await ports.places.get('store', b.storeId);
  return viewOf(b, store?.name);
}
