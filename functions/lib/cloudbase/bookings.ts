import { createHash, randomBytes } from 'node:crypto';
import { ACTIVE_STATUSES, type Booking, type BookingStatus } from '../../../shared/booking';
import { newBookingId, newCheckInCode, type RandomSource } from '../../../shared/checkin-code';
import type { BookingStore, CreateBookingOutcome, NewBooking } from '../ports';
import { DUPLICATE_WRITE, errorCode, type CloudbaseDb } from './db';

/**
 * Bookings in CloudBase. No multi-document transaction is needed (a `where(...).update()` would
 * not join one anyway): every rule that must hold under concurrency is one conditional write.
 *
 * - `slot_counters`: one document per (store, slot), `_id` = `${storeId}|${slotKey}`, made lazily
 *   (two first bookings racing to make it: the loser's `add` is a duplicate and it goes on); a
 *   place is taken by `where({ _id, booked: _.lt(capacity) }).update({ booked: _.inc(1) })` and
 *   `updated === 1`, given back by `where({ _id, booked: _.gt(0) }).update({ booked: _.inc(-1) })`.
 * - `booking_holds`: `_id` = hash(openid, store, slot), added before the counter moves and
 *   removed when the booking leaves the active states: one active booking per caller and slot.
 * - `bookings`: `_id` = the booking id; with a requestId the id is derived from (openid,
 *   requestId), so a second copy of a request can only find the first's booking, never write
 *   another. A unique index on `code` (cloudbase/database.json) keeps codes unique; a clash
 *   draws again.
 * Order: hold -> counter -> booking; when a later step fails, the earlier ones are undone
 * (compensation), so a crash between them can at worst leave a place held without a booking,
 * never a booking without its place.
 * The 5-upcoming limit is a count, so two *different* concurrent requests of one caller may pass
 * it together (capacity and idempotency stay exact); SQLite checks it inside its transaction.
 */

export const BOOKING_COLLECTIONS = {
  bookings: 'bookings',
  counters: 'slot_counters',
  holds: 'booking_holds',
} as const;

/** The slice of the SDK's database this adapter uses (checked against the SDK by `asBookingsDb`). */
export interface BookingsDb {
  command: {
    lt(value: unknown): unknown;
    gt(value: unknown): unknown;
    lte(value: unknown): unknown;
    in(values: unknown[]): unknown;
    inc(n: number): unknown;
  };
  collection(name: string): BookingsCollection;
}

interface BookingsQuery {
  where(query: object): BookingsQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): BookingsQuery;
  limit(n: number): BookingsQuery;
  get(): Promise<{ data: any[] }>;
  count(): Promise<{ total?: number }>;
  update(data: object): Promise<{ updated?: number }>;
}

interface BookingsCollection extends BookingsQuery {
  doc(id: string): {
    get(): Promise<{ data: any[] }>;
    remove(): Promise<unknown>;
  };
  add(data: object): Promise<{ id?: string }>;
}

/** The SDK's database as this adapter's narrow interface (a type error here means the SDK changed). */
export function asBookingsDb(db: CloudbaseDb): BookingsDb {
  const checked: BookingsDb = db;
  return checked;
}

const cryptoRandom: RandomSource = { bytes: (n) => randomBytes(n) };
const slotKey = (iso: string): string => new Date(Date.parse(iso)).toISOString();
const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\n')).digest('hex');

/** The booking id of a request: derived from (openid, requestId), so its copies share one `_id`. */
export function requestBookingId(openid: string, requestId: string): string {
  return `bk_r${digest('request', openid, requestId).slice(0, 40)}`;
}
export const counterId = (storeId: string, key: string): string => `${storeId}|${key}`;
export const holdId = (openid: string, storeId: string, key: string): string => `h_${digest('hold', openid, storeId, key).slice(0, 40)}`;

const isDuplicate = (err: unknown): boolean => errorCode(err) === DUPLICATE_WRITE || /duplicate/i.test(String((err as Error)?.message ?? ''));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A booking as stored in CloudBase: the stored booking, keyed by `_id`, with its sortable slot keys. */
interface BookingDoc extends Omit<Booking, 'id'> {
  _id: string;
  slotKey: string;
  endKey: string;
}

const toBooking = (d: BookingDoc): Booking => ({
  id: d._id,
  openid: d.openid,
  storeId: d.storeId,
  start: d.start,
  end: d.end,
  slotDate: d.slotDate,
  status: d.status,
  code: d.code,
  requestId: d.requestId ?? null,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export function cloudbaseBookings(db: BookingsDb, random: RandomSource = cryptoRandom): BookingStore {
  const _ = db.command;
  const bookings = () => db.collection(BOOKING_COLLECTIONS.bookings);
  const counters = () => db.collection(BOOKING_COLLECTIONS.counters);
  const holds = () => db.collection(BOOKING_COLLECTIONS.holds);

  async function get(id: string): Promise<Booking | null> {
    const { data } = await bookings().doc(id).get();
    return data[0] ? toBooking(data[0] as BookingDoc) : null;
  }

  /** Takes a place: the conditional increment, making the counter first if it does not exist. */
  async function takePlace(storeId: string, key: string, capacity: number): Promise<boolean> {
    const id = counterId(storeId, key);
    const inc = () => counters().where({ _id: id, booked: _.lt(capacity) }).update({ booked: _.inc(1) });
    if ((await inc()).updated === 1) return true;
    const { data } = await counters().doc(id).get();
    if (data.length > 0) return false; // it exists and is full
    try {
      await counters().add({ _id: id, storeId, slotKey: key, booked: 0 });
    } catch (err) {
      if (!isDuplicate(err)) throw err; // another first booking made it meanwhile: fine
    }
    return (await inc()).updated === 1;
  }

  async function freePlace(storeId: string, key: string): Promise<void> {
    await counters().where({ _id: counterId(storeId, key), booked: _.gt(0) }).update({ booked: _.inc(-1) });
  }

  async function removeHold(openid: string, storeId: string, key: string): Promise<void> {
    await holds().doc(holdId(openid, storeId, key)).remove();
  }

  /** A copy of the request that lost the race for the hold: wait a little for the winner's booking. */
  async function awaitReplay(id: string): Promise<Booking | null> {
    for (let i = 0; i < 20; i++) {
      const found = await get(id);
      if (found) return found;
      await sleep(100);
    }
    return null;
  }

  async function attempt(input: NewBooking): Promise<CreateBookingOutcome | 'again'> {
    const key = slotKey(input.start);
    const id = input.requestId !== null ? requestBookingId(input.openid, input.requestId) : newBookingId(random);
    if (input.requestId !== null) {
      const earlier = await get(id);
      if (earlier) return { ok: true, booking: earlier, replayed: true };
    }
    const upcoming = await bookings()
      .where({ openid: input.openid, endKey: _.gt(input.now.toISOString()), status: _.in([...ACTIVE_STATUSES]) })
      .count();
    if ((upcoming.total ?? 0) >= input.maxUpcoming) return { ok: false, refusal: 'TOO_MANY_BOOKINGS' };

    // 1. The hold: one active booking per caller and slot.
    try {
      await holds().add({ _id: holdId(input.openid, input.storeId, key), openid: input.openid, storeId: input.storeId, slotKey: key, bookingId: id, at: input.now.toISOString() });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      if (input.requestId !== null) {
        const replay = await awaitReplay(id);
        if (replay) return { ok: true, booking: replay, replayed: true };
        const { data } = await holds().doc(holdId(input.openid, input.storeId, key)).get();
        if (data.length === 0) return 'again'; // the other copy failed and let go
      }
      return { ok: false, refusal: 'ALREADY_BOOKED' };
    }

    // 2. The place.
    let placed = false;
    try {
      placed = await takePlace(input.storeId, key, input.capacity);
    } catch (err) {
      await removeHold(input.openid, input.storeId, key);
      throw err;
    }
    if (!placed) {
      await removeHold(input.openid, input.storeId, key);
      return { ok: false, refusal: 'SLOT_FULL' };
    }

    // 3. The booking; undo 2 and 1 if it cannot be written.
    const now = input.now.toISOString();
    try {
      for (let tries = 0; ; tries++) {
        const doc: BookingDoc = {
          _id: id,
          openid: input.openid,
          storeId: input.storeId,
          slotKey: key,
          start: input.start,
          end: input.end,
          endKey: slotKey(input.end),
          slotDate: input.slotDate,
          status: 'pending',
          code: newCheckInCode(random),
          requestId: input.requestId,
          createdAt: now,
          updatedAt: now,
        };
        try {
          await bookings().add(doc);
          return { ok: true, booking: toBooking(doc), replayed: false };
        } catch (err) {
          // A duplicate is the code (the id is ours: the hold is held): draw another.
          if (!isDuplicate(err) || tries >= 5) throw err;
        }
      }
    } catch (err) {
      await freePlace(input.storeId, key);
      await removeHold(input.openid, input.storeId, key);
      throw err;
    }
  }

  return {
    async create(input) {
      for (let i = 0; i < 3; i++) {
        const outcome = await attempt(input);
        if (outcome !== 'again') return outcome;
      }
      return { ok: false, refusal: 'ALREADY_BOOKED' };
    },

    async byRequest(openid, requestId) {
      return get(requestBookingId(openid, requestId));
    },

    get,

    async byCode(code) {
      const { data } = await bookings().where({ code }).limit(1).get();
      return data[0] ? toBooking(data[0] as BookingDoc) : null;
    },

    async move(bookingId, from, to, now) {
      const before = await get(bookingId);
      if (!before || !from.includes(before.status)) return null;
      const { updated } = await bookings()
        .where({ _id: bookingId, status: _.in([...from]) })
        .update({ status: to, updatedAt: now.toISOString() });
      if (updated !== 1) return null;
      // Only the write that took the booking out of the active states gives back its place and hold.
      if (!ACTIVE_STATUSES.includes(to)) {
        const key = slotKey(before.start);
        if (to === 'cancelled') await freePlace(before.storeId, key);
        await removeHold(before.openid, before.storeId, key);
      }
      return get(bookingId);
    },

    async ofCustomer(openid, now, pastLimit) {
      const at = now.toISOString();
      const upcoming = await bookings().where({ openid, endKey: _.gt(at) }).orderBy('slotKey', 'asc').limit(100).get();
      const past = await bookings().where({ openid, endKey: _.lte(at) }).orderBy('slotKey', 'desc').limit(pastLimit).get();
      return [...upcoming.data, ...past.data].map((d) => toBooking(d as BookingDoc));
    },

    async ofStoreDay(storeId, slotDate) {
      const { data } = await bookings().where({ storeId, slotDate }).orderBy('slotKey', 'asc').limit(1000).get();
      return data.map((d) => toBooking(d as BookingDoc));
    },

    async booked(storeId, starts) {
      const taken = new Map<string, number>(starts.map((s) => [s, 0]));
      const byKey = new Map(starts.map((s) => [slotKey(s), s]));
      for (let i = 0; i < starts.length; i += 100) {
        const keys = starts.slice(i, i + 100).map(slotKey);
        const { data } = await counters().where({ storeId, slotKey: _.in(keys) }).limit(100).get();
        for (const d of data) {
          const start = byKey.get(String(d.slotKey));
          if (start !== undefined) taken.set(start, Number(d.booked) || 0);
        }
      }
      return taken;
    },
  };
}

