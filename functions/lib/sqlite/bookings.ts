import {
  ACTIVE_STATUSES_SQL,
  decideCreate,
  decideReschedule,
  effectsOfMove,
  NO_SHOW_MEMORY_MS,
  type ActiveHold,
  type Booking,
  type BookingStatus,
} from '../../../shared/booking';
import { newBookingId, newCheckInCode, type RandomSource } from '../../../shared/checkin-code';
import { slotKey } from '../../../shared/slots';
import type { AfterCreate, BookingStore, CreateBookingOutcome, MoveBookingOutcome, RescheduleOutcome } from '../ports';
import { cryptoRandom } from '../random';
import { atomically, type Db } from './db';

/** A row of `bookings` (migrations.ts). */
export interface BookingRow {
  id: string;
  openid: string;
  store_id: string;
  start: string;
  end_at: string;
  slot_date: string;
  status: BookingStatus;
  code: string;
  request_id: string | null;
  created_at: string;
  updated_at: string;
  party_size: number;
  contact_name: string | null;
  contact_phone: string | null;
  note: string | null;
  reason: string | null;
  moves: number;
}

export const toBooking = (r: BookingRow): Booking => ({
  id: r.id,
  openid: r.openid,
  storeId: r.store_id,
  start: r.start,
  end: r.end_at,
  slotDate: r.slot_date,
  status: r.status,
  code: r.code,
  requestId: r.request_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  partySize: r.party_size ?? 1,
  contact: r.contact_name && r.contact_phone ? { name: r.contact_name, phone: r.contact_phone } : null,
  note: r.note ?? null,
  reason: r.reason ?? null,
  moves: r.moves ?? 0,
});

/**
 * Bookings in SQLite. Each write is one IMMEDIATE transaction that reads the facts, asks the rule
 * (`decideCreate`, or the move's rule) and writes its answer: capacity is a counter row per
 * (store, slot) moved only with the booking it pays for; the unique indexes (requestId, one
 * active booking per caller and slot, code) stand behind the rule as a last line.
 */
export function sqliteBookings(db: Db, random: RandomSource = cryptoRandom): BookingStore {
  const byId = db.prepare('SELECT * FROM bookings WHERE id = ?');
  const byCode = db.prepare('SELECT * FROM bookings WHERE code = ?');
  const byRequest = db.prepare('SELECT * FROM bookings WHERE openid = ? AND request_id = ?');
  const codeTaken = db.prepare('SELECT 1 FROM bookings WHERE code = ?').pluck();
  const idTaken = db.prepare('SELECT 1 FROM bookings WHERE id = ?').pluck();
  // The caller's active bookings whose slot has not ended: the facts of "already booked" and the limit.
  const activeOf = db.prepare(
    `SELECT id AS bookingId, store_id AS storeId, start, end_at AS "end" FROM bookings WHERE openid = ? AND end_key > ? AND status IN (${ACTIVE_STATUSES_SQL})`,
  );
  const noShowEnds = db.prepare(`SELECT end_at FROM bookings WHERE openid = ? AND status = 'no_show' AND end_key > ? ORDER BY end_key`).pluck();
  const ensureCounter = db.prepare('INSERT OR IGNORE INTO slot_counters (store_id, slot_key, booked) VALUES (?, ?, 0)');
  // Places are people: a booking takes and gives back its party size.
  const takePlaces = db.prepare('UPDATE slot_counters SET booked = booked + ? WHERE store_id = ? AND slot_key = ?');
  const freePlaces = db.prepare('UPDATE slot_counters SET booked = MAX(0, booked - ?) WHERE store_id = ? AND slot_key = ?');
  const setStatus = db.prepare('UPDATE bookings SET status = ?, updated_at = ?, reason = COALESCE(?, reason) WHERE id = ?');
  const moveSlot = db.prepare(
    `UPDATE bookings SET slot_key = @slotKey, start = @start, end_at = @end, end_key = @endKey, slot_date = @slotDate, status = @status,
     moves = moves + 1, updated_at = @now WHERE id = @id`,
  );
  const insert = db.prepare(
    `INSERT INTO bookings (id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at,
       party_size, contact_name, contact_phone, note)
     VALUES (@id, @openid, @storeId, @slotKey, @start, @end, @endKey, @slotDate, @status, @code, @requestId, @now, @now,
       @partySize, @contactName, @contactPhone, @note)`,
  );
  const customerUpcoming = db.prepare('SELECT * FROM bookings WHERE openid = ? AND end_key > ? ORDER BY slot_key, id');
  const customerPast = db.prepare('SELECT * FROM bookings WHERE openid = ? AND end_key <= ? ORDER BY slot_key DESC, id DESC LIMIT ?');
  const storeDay = db.prepare('SELECT * FROM bookings WHERE store_id = ? AND slot_date = ? ORDER BY slot_key, created_at, id');
  const counter = db.prepare('SELECT booked FROM slot_counters WHERE store_id = ? AND slot_key = ?').pluck();

  const read = (stmt: { get(...args: unknown[]): unknown }, ...args: unknown[]): Booking | null => {
    const row = stmt.get(...args) as BookingRow | undefined;
    return row === undefined ? null : toBooking(row);
  };

  /** What the store page shows after a create, read in its transaction: the slot's places taken, the caller's holds. */
  const after = (openid: string, booking: Booking, now: Date): AfterCreate => ({
    booked: (counter.get(booking.storeId, slotKey(booking.start)) as number | undefined) ?? 0,
    active: activeOf.all(openid, now.toISOString()) as AfterCreate['active'],
  });

  const noShowsOf = (openid: string, now: Date): string[] => noShowEnds.all(openid, new Date(now.getTime() - NO_SHOW_MEMORY_MS).toISOString()) as string[];

  /** A draw that no booking holds yet (a clash is ~1 in 10^11 per booking, so this loops rarely). */
  const fresh = (draw: () => string, taken: { get(v: string): unknown }): string => {
    for (;;) {
      const value = draw();
      if (taken.get(value) === undefined) return value;
    }
  };

  return {
    async create(input) {
      return atomically<CreateBookingOutcome>(db, () => {
        const { request, openid, now } = input;
        const replay = input.requestId === null ? null : read(byRequest, openid, input.requestId);
        const slotFacts =
          request.ok && replay === null
            ? {
                active: activeOf.all(openid, now.toISOString()) as ActiveHold[],
                booked: (counter.get(request.storeId, slotKey(request.slot.start)) as number | undefined) ?? 0,
                noShowEnds: noShowsOf(openid, now),
              }
            : { active: [], booked: 0 };
        const decision = decideCreate(request, { replay, ...slotFacts }, now);
        if (decision.kind === 'replay') return { ok: true, booking: decision.booking, replayed: true, ...after(openid, decision.booking, now) };
        if (decision.kind === 'refuse') return { ok: false, refusal: decision.refusal };
        const { storeId, slot, partySize, status } = decision;
        const start = slotKey(slot.start);
        ensureCounter.run(storeId, start);
        takePlaces.run(partySize, storeId, start);
        const id = fresh(() => newBookingId(random), idTaken);
        const code = fresh(() => newCheckInCode(random), codeTaken);
        const at = now.toISOString();
        insert.run({
          id,
          openid,
          storeId,
          slotKey: start,
          start: slot.start,
          end: slot.end,
          endKey: slotKey(slot.end),
          slotDate: slot.date,
          code,
          requestId: input.requestId,
          now: at,
          status,
          partySize,
          contactName: input.contact?.name ?? null,
          contactPhone: input.contact?.phone ?? null,
          note: input.note || null,
        });
        const booking = read(byId, id)!;
        return { ok: true, booking, replayed: false, ...after(openid, booking, now) };
      });
    },

    async get(bookingId) {
      return read(byId, bookingId);
    },

    async byCode(code) {
      return read(byCode, code);
    },

    async move(bookingId, rule, to, now, extra = {}) {
      return atomically<MoveBookingOutcome>(db, () => {
        const before = read(byId, bookingId);
        if (!before) return { ok: false, missing: true };
        const verdict = rule(before);
        if (!verdict.ok) return { ok: false, refusal: verdict };
        setStatus.run(to, now.toISOString(), extra.reason ?? null, bookingId);
        if (effectsOfMove(before.status, to).freesPlace) freePlaces.run(before.partySize, before.storeId, slotKey(before.start));
        return { ok: true, booking: read(byId, bookingId)! };
      });
    },

    async reschedule({ bookingId, caller, request, now }) {
      return atomically<RescheduleOutcome>(db, () => {
        const before = read(byId, bookingId);
        if (!before) return { ok: false, missing: true };
        const facts = request.ok
          ? {
              active: activeOf.all(before.openid, now.toISOString()) as ActiveHold[],
              booked: (counter.get(request.storeId, slotKey(request.slot.start)) as number | undefined) ?? 0,
              noShowEnds: noShowsOf(before.openid, now),
            }
          : { active: [], booked: 0 };
        const decision = decideReschedule(before, caller, request, facts, now);
        if (decision.kind === 'refuse') return { ok: false, refusal: decision.refusal };
        const { slot, status } = decision;
        freePlaces.run(before.partySize, before.storeId, slotKey(before.start));
        ensureCounter.run(before.storeId, slotKey(slot.start));
        takePlaces.run(before.partySize, before.storeId, slotKey(slot.start));
        moveSlot.run({
          id: bookingId,
          slotKey: slotKey(slot.start),
          start: slot.start,
          end: slot.end,
          endKey: slotKey(slot.end),
          slotDate: slot.date,
          status,
          now: now.toISOString(),
        });
        const booking = read(byId, bookingId)!;
        // The new slot's places taken and the owner's holds, read after the move in this transaction.
        const left = { start: before.start, end: before.end, booked: (counter.get(before.storeId, slotKey(before.start)) as number | undefined) ?? 0 };
        return { ok: true, booking, left, ...after(before.openid, booking, now) };
      });
    },

    async noShowsOf(openid, now) {
      return noShowsOf(openid, now);
    },

    async ofCustomer(openid, now, pastLimit) {
      const at = now.toISOString();
      const rows = [...(customerUpcoming.all(openid, at) as BookingRow[]), ...(customerPast.all(openid, at, pastLimit) as BookingRow[])];
      return rows.map(toBooking);
    },

    async ofStoreDay(storeId, slotDate) {
      return (storeDay.all(storeId, slotDate) as BookingRow[]).map(toBooking);
    },

    async booked(storeId, starts) {
      const taken = new Map<string, number>();
      for (const start of starts) taken.set(start, (counter.get(storeId, slotKey(start)) as number | undefined) ?? 0);
      return taken;
    },
  };
}
