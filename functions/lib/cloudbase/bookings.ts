import { createHash } from 'node:crypto';
import {
  decideCreate,
  decideReschedule,
  effectsOfMove,
  isUpcoming,
  rememberedNoShows,
  type Booking,
  type Contact,
  type CreateFacts,
} from '../../../shared/booking';
import { newBookingId, newCheckInCode, type RandomSource } from '../../../shared/checkin-code';
import { slotKey } from '../../../shared/slots';
import type { AfterCreate, BookingStore, CreateBookingOutcome, MoveBookingOutcome, RescheduleOutcome } from '../ports';
import { cryptoRandom } from '../random';
import type { CloudbaseDb } from './db';
import type { ChainQuery, Doc, DocTransaction } from './sdk';
import { readAll, type PagingCommand } from './paging';
import { inTransaction } from './transaction';

/**
 * Bookings in CloudBase. Every write is ONE `runTransaction` of `doc(id)` reads and writes (the
 * only operations that join a transaction): it reads the facts, asks the rule in shared/booking.ts
 * (`decideCreate`, or the move's rule) and writes the answer, all or nothing. A function stopped
 * anywhere (a timeout, a crash) leaves either everything or nothing: there is no compensation.
 *
 * Documents, each with a deterministic `_id` so that two racing transactions meet on it:
 * - `bookings/{id}`: the booking; `id` = `bk_r` + sha256(openid, requestId) when the request has
 *   a requestId (a copy of the request reads the first's booking: the replay), else random.
 * - `slot_counters/{storeId|slotKey}`: `booked`, the places taken, in people (made by the first booking).
 * - `booking_customers/{openid}`: `active`, the customer's active bookings with their store, slot
 *   and party size: the customer's holds; `noShows`, the ends of their recent no-shows. Every
 *   transaction that adds, moves or removes an active booking writes it, so the "already booked",
 *   "5 upcoming" and "no-shows" facts are exact at any "now" without a query in the transaction,
 *   and two creates of one customer conflict instead of both passing a count.
 * - `booking_codes/{code}`: `bookingId`: the check-in code taken in the same transaction as the
 *   booking (read first, drawn again when taken; a racing transaction on the same code conflicts).
 *
 * Conflicts: the SDK's `runTransaction` runs the callback again at once up to 3 times;
 * `inTransaction` (./transaction.ts) adds rounds after jittered, doubling pauses, and then throws
 * `Contended` (answered `RESOURCE_EXHAUSTED` reason `CONTENDED`): nothing was written, and the
 * client may send the same request (same requestId) again.
 */

export const BOOKING_COLLECTIONS = {
  bookings: 'bookings',
  counters: 'slot_counters',
  customers: 'booking_customers',
  codes: 'booking_codes',
} as const;

/** Draws of a check-in code before giving up (a clash is ~1 in 10^11 per booking). */
const CODE_DRAWS = 6;

export type BookingsTransaction = DocTransaction;
type BookingsQuery = ChainQuery<BookingsQuery>;

/** The slice of the SDK's database this adapter uses. */
export interface BookingsDb {
  command: {
    gt(value: unknown): unknown;
    lte(value: unknown): unknown;
    in(values: unknown[]): unknown;
  } & PagingCommand;
  collection(name: string): BookingsQuery & { doc(id: string): { get(): Promise<{ data: Doc[] }> } };
  runTransaction<T>(run: (tx: BookingsTransaction) => Promise<T>, times?: number): Promise<T>;
}

/** The SDK's database as this adapter's narrow interface (its `runTransaction` is declared `any` by the SDK). */
export function asBookingsDb(db: CloudbaseDb): BookingsDb {
  const checked: Omit<BookingsDb, 'runTransaction'> = db;
  return checked as BookingsDb;
}

/** The counter document of a store's slot (by the slot's start), inside a transaction. */
const counterDoc = (tx: BookingsTransaction, storeId: string, start: string) =>
  tx.collection(BOOKING_COLLECTIONS.counters).doc(counterId(storeId, slotKey(start)));

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\n')).digest('hex');

/** The booking id of a request: derived from (openid, requestId), so its copies share one `_id`. */
export function requestBookingId(openid: string, requestId: string): string {
  return `bk_r${digest('request', openid, requestId).slice(0, 40)}`;
}
export const counterId = (storeId: string, key: string): string => `${storeId}|${key}`;

/** A booking as stored in CloudBase: the booking, keyed by `_id`, with its sortable slot keys. */
type BookingDoc = Omit<Booking, 'id'> & { _id: string; slotKey: string; endKey: string };
/** One active booking of a customer, as `booking_customers/{openid}.active` lists it. */
type ActiveEntry = { bookingId: string; storeId: string; start: string; end: string; partySize: number };

/** A stored party size: documents written before party sizes (issue 19) count as one person. */
const partyOf = (stored: unknown): number => Number(stored) || 1;

/** A `bookings` document as a Booking. */
export const toBooking = (d: Doc): Booking => {
  const b = d as Partial<BookingDoc> & Doc;
  const contact = b.contact as Contact | null | undefined;
  return {
    id: b._id,
    openid: String(b.openid),
    storeId: String(b.storeId),
    start: String(b.start),
    end: String(b.end),
    slotDate: String(b.slotDate),
    status: b.status as Booking['status'],
    code: String(b.code),
    requestId: (b.requestId as string | null | undefined) ?? null,
    createdAt: String(b.createdAt),
    updatedAt: String(b.updatedAt),
    partySize: partyOf(b.partySize),
    contact: contact && typeof contact.name === 'string' && typeof contact.phone === 'string' ? { name: contact.name, phone: contact.phone } : null,
    note: typeof b.note === 'string' && b.note !== '' ? b.note : null,
    reason: typeof b.reason === 'string' ? b.reason : null,
    moves: Number(b.moves) || 0,
  };
};

const activeOf = (d: Doc | null): ActiveEntry[] =>
  Array.isArray(d?.active) ? (d.active as ActiveEntry[]).map((e) => ({ ...e, partySize: partyOf(e.partySize) })) : [];
/** The customer's holds as the port answers them (the party size stays in the document). */
const holdsOf = (active: ActiveEntry[]): AfterCreate['active'] => active.map(({ bookingId, storeId, start, end }) => ({ bookingId, storeId, start, end }));
const noShowsIn = (d: Doc | null): string[] => (Array.isArray(d?.noShows) ? (d.noShows as unknown[]).map(String) : []);

export function cloudbaseBookings(db: BookingsDb, random: RandomSource = cryptoRandom): BookingStore {
  const _ = db.command;
  const bookings = () => db.collection(BOOKING_COLLECTIONS.bookings);
  const counters = () => db.collection(BOOKING_COLLECTIONS.counters);

  /** One transaction (see `inTransaction`), its pauses drawn from the random port. */
  const transact = <T>(work: (tx: BookingsTransaction) => Promise<T>): Promise<T> => inTransaction(db, work, () => random.bytes(1)[0] / 256);

  async function get(id: string): Promise<Booking | null> {
    const { data } = await bookings().doc(id).get();
    return data[0] ? toBooking(data[0]) : null;
  }

  /** The customer's holds without those whose slot has ended (no rule looks at them again). */
  const live = (active: ActiveEntry[], now: Date) => active.filter((e) => isUpcoming(e, now));

  return {
    async create(input): Promise<CreateBookingOutcome> {
      const { openid, requestId, request, now } = input;
      const replayId = requestId === null ? null : requestBookingId(openid, requestId);
      // Nothing to read: the request is refused whatever the database holds.
      if (replayId === null && !request.ok) return { ok: false, refusal: request.refusal };
      return transact(async (tx): Promise<CreateBookingOutcome> => {
        const bookingRef = (id: string) => tx.collection(BOOKING_COLLECTIONS.bookings).doc(id);
        const replay = replayId === null ? null : (await bookingRef(replayId).get()).data;
        const facts: CreateFacts = { replay: replay ? toBooking(replay) : null, active: [], booked: 0 };
        let counter: Doc | null = null;
        let active: ActiveEntry[] = [];
        let noShows: string[] = [];
        if (request.ok && !replay) {
          const customer = (await tx.collection(BOOKING_COLLECTIONS.customers).doc(openid).get()).data;
          active = activeOf(customer);
          noShows = noShowsIn(customer);
          facts.noShowEnds = noShows;
          counter = (await counterDoc(tx, request.storeId, request.slot.start).get()).data;
          facts.active = active;
          facts.booked = Number(counter?.booked ?? 0);
        }
        const decision = decideCreate(request, facts, now);
        if (decision.kind === 'replay') {
          // A retry is answered as the first call was: the holds and the slot's count, read by doc() in this step.
          const b = decision.booking;
          const customer = (await tx.collection(BOOKING_COLLECTIONS.customers).doc(openid).get()).data;
          const taken = (
            await tx
              .collection(BOOKING_COLLECTIONS.counters)
              .doc(counterId(b.storeId, slotKey(b.start)))
              .get()
          ).data;
          return { ok: true, booking: b, replayed: true, booked: Number(taken?.booked ?? 0), active: holdsOf(live(activeOf(customer), now)) };
        }
        if (decision.kind === 'refuse') return { ok: false, refusal: decision.refusal };

        const { storeId, slot, partySize, status } = decision;
        const key = slotKey(slot.start);
        const id = replayId ?? newBookingId(random);
        const code = await freeCode(tx);
        const at = now.toISOString();
        const doc: BookingDoc = {
          _id: id,
          openid,
          storeId,
          slotKey: key,
          start: slot.start,
          end: slot.end,
          endKey: slotKey(slot.end),
          slotDate: slot.date,
          status,
          code,
          requestId,
          createdAt: at,
          updatedAt: at,
          partySize,
          contact: input.contact ?? null,
          note: input.note || null,
          reason: null,
          moves: 0,
        };
        const counterRef = tx.collection(BOOKING_COLLECTIONS.counters).doc(counterId(storeId, key));
        if (counter) await counterRef.update({ booked: facts.booked + partySize });
        else await counterRef.set({ storeId, slotKey: key, booked: partySize });
        await tx.collection(BOOKING_COLLECTIONS.codes).doc(code).set({ bookingId: id });
        const { _id, ...fields } = doc;
        await bookingRef(id).set(fields);
        const entry: ActiveEntry = { bookingId: id, storeId, start: slot.start, end: slot.end, partySize };
        const holds = [...live(active, now), entry];
        await tx
          .collection(BOOKING_COLLECTIONS.customers)
          .doc(openid)
          .set({ active: holds, noShows: rememberedNoShows(noShows, now), updatedAt: at });
        // What the step wrote is what the store page needs next: no read after it.
        return { ok: true, booking: toBooking(doc), replayed: false, booked: facts.booked + partySize, active: holdsOf(holds) };
      });
    },

    get,

    async byCode(code) {
      const { data } = await db.collection(BOOKING_COLLECTIONS.codes).doc(code).get();
      return data[0] ? get(String(data[0].bookingId)) : null;
    },

    async move(bookingId, rule, to, now, extra = {}): Promise<MoveBookingOutcome> {
      return transact(async (tx): Promise<MoveBookingOutcome> => {
        const ref = tx.collection(BOOKING_COLLECTIONS.bookings).doc(bookingId);
        const { data } = await ref.get();
        if (!data) return { ok: false, missing: true };
        const before = toBooking(data);
        const verdict = rule(before);
        if (!verdict.ok) return { ok: false, refusal: verdict };
        const at = now.toISOString();
        const reason = extra.reason ?? before.reason;
        await ref.update({ status: to, updatedAt: at, reason });
        const effects = effectsOfMove(before.status, to);
        if (effects.freesPlace) {
          const counterRef = counterDoc(tx, before.storeId, before.start);
          const counter = (await counterRef.get()).data;
          const booked = Number(counter?.booked ?? 0);
          if (booked > 0) await counterRef.update({ booked: Math.max(0, booked - before.partySize) });
        }
        if (effects.leavesActive) {
          const customerRef = tx.collection(BOOKING_COLLECTIONS.customers).doc(before.openid);
          const customer = (await customerRef.get()).data;
          const active = activeOf(customer);
          // A no-show is remembered where the next create reads its facts.
          const noShows = rememberedNoShows([...noShowsIn(customer), ...(to === 'no_show' ? [before.end] : [])], now);
          await customerRef.set({ active: live(active, now).filter((e) => e.bookingId !== bookingId), noShows, updatedAt: at });
        }
        return { ok: true, booking: { ...before, status: to, updatedAt: at, reason } };
      });
    },

    async reschedule({ bookingId, caller, request, now }): Promise<RescheduleOutcome> {
      return transact(async (tx): Promise<RescheduleOutcome> => {
        const ref = tx.collection(BOOKING_COLLECTIONS.bookings).doc(bookingId);
        const { data } = await ref.get();
        if (!data) return { ok: false, missing: true };
        const before = toBooking(data);
        const customerRef = tx.collection(BOOKING_COLLECTIONS.customers).doc(before.openid);
        let customer: Doc | null = null;
        let newCounter: Doc | null = null;
        // Only a request that can move reads further (the refusals before it need no other document).
        const reads = request.ok && before.openid === caller;
        if (reads) {
          customer = (await customerRef.get()).data;
          newCounter = (await counterDoc(tx, request.storeId, request.slot.start).get()).data;
        }
        const active = activeOf(customer);
        const noShows = noShowsIn(customer);
        const booked = Number(newCounter?.booked ?? 0);
        const decision = decideReschedule(before, caller, request, { active, booked, noShowEnds: noShows }, now);
        if (decision.kind === 'refuse') return { ok: false, refusal: decision.refusal };
        const { slot, status } = decision;
        const at = now.toISOString();
        const oldRef = counterDoc(tx, before.storeId, before.start);
        const oldBooked = Number((await oldRef.get()).data?.booked ?? 0);
        const leftBooked = Math.max(0, oldBooked - before.partySize);
        await oldRef.update({ booked: leftBooked });
        const key = slotKey(slot.start);
        const newRef = tx.collection(BOOKING_COLLECTIONS.counters).doc(counterId(before.storeId, key));
        if (newCounter) await newRef.update({ booked: booked + before.partySize });
        else await newRef.set({ storeId: before.storeId, slotKey: key, booked: before.partySize });
        const moved = {
          start: slot.start,
          end: slot.end,
          slotKey: key,
          endKey: slotKey(slot.end),
          slotDate: slot.date,
          status,
          moves: before.moves + 1,
          updatedAt: at,
        };
        await ref.update(moved);
        const entry: ActiveEntry = { bookingId, storeId: before.storeId, start: slot.start, end: slot.end, partySize: before.partySize };
        const holds = [...live(active, now).filter((e) => e.bookingId !== bookingId), entry];
        await customerRef.set({ active: holds, noShows: rememberedNoShows(noShows, now), updatedAt: at });
        // What the step wrote is what the store page needs next (the new slot's count, the holds): no read after it.
        return {
          ok: true,
          booking: { ...before, start: slot.start, end: slot.end, slotDate: slot.date, status, moves: before.moves + 1, updatedAt: at },
          booked: booked + before.partySize,
          active: holdsOf(holds),
          left: { start: before.start, end: before.end, booked: leftBooked },
        };
      });
    },

    async noShowsOf(openid, now) {
      const { data } = await db.collection(BOOKING_COLLECTIONS.customers).doc(openid).get();
      return rememberedNoShows(noShowsIn(data[0] ?? null), now);
    },

    async ofCustomer(openid, now, pastLimit) {
      const at = now.toISOString();
      // Every upcoming booking (pages of 1,000 by slotKey then _id), then the latest `pastLimit` past ones.
      const upcoming = { data: await readAll(bookings, _, { openid, endKey: _.gt(at) }, 'slotKey') };
      const past = await bookings()
        .where({ openid, endKey: _.lte(at) })
        .orderBy('slotKey', 'desc')
        .orderBy('_id', 'desc')
        .limit(pastLimit)
        .get();
      return [...upcoming.data, ...past.data].map(toBooking);
    },

    async ofStoreDay(storeId, slotDate) {
      // A busy store's day can pass a page: read by (slotKey, _id), shown by slot then booking time (as SQLite).
      const docs = await readAll(bookings, _, { storeId, slotDate }, 'slotKey');
      const order = (d: Doc) => `${String(d.slotKey)}\u0000${String(d.createdAt)}\u0000${d._id}`;
      return docs
        .map((d) => [order(d), d] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([, d]) => toBooking(d));
    },

    async booked(storeId, starts) {
      const taken = new Map<string, number>(starts.map((s) => [s, 0]));
      const byKey = new Map(starts.map((s) => [slotKey(s), s]));
      for (let i = 0; i < starts.length; i += 100) {
        const keys = starts.slice(i, i + 100).map(slotKey);
        const { data } = await counters()
          .where({ storeId, slotKey: _.in(keys) })
          .limit(100)
          .get();
        for (const d of data) {
          const start = byKey.get(String(d.slotKey));
          if (start !== undefined) taken.set(start, Number(d.booked) || 0);
        }
      }
      return taken;
    },
  };

  /** A check-in code no booking holds: `booking_codes/{code}` read in the transaction that takes it. */
  async function freeCode(tx: BookingsTransaction): Promise<string> {
    for (let draw = 0; draw < CODE_DRAWS; draw++) {
      const code = newCheckInCode(random);
      if (!(await tx.collection(BOOKING_COLLECTIONS.codes).doc(code).get()).data) return code;
    }
    throw new Error(`no free check-in code in ${CODE_DRAWS} draws`);
  }
}
