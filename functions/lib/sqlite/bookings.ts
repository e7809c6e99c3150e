import { randomBytes } from 'node:crypto';
import { ACTIVE_STATUSES, type Booking, type BookingStatus } from '../../../shared/booking';
import { newBookingId, newCheckInCode, type RandomSource } from '../../../shared/checkin-code';
import type { BookingStore, CreateBookingOutcome } from '../ports';
import { atomically, type Db } from './db';

/** `node:crypto`: where codes and ids come from outside tests. */
export const cryptoRandom: RandomSource = { bytes: (n) => randomBytes(n) };

/** The slot's key in counters and indexes: its start as a UTC ISO string (sorts as time). */
export const slotKey = (iso: string): string => new Date(Date.parse(iso)).toISOString();

interface BookingRow {
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
}

const toBooking = (r: BookingRow): Booking => ({
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
});

/**
 * Bookings in SQLite. Capacity is a counter row per (store, slot) moved only inside one IMMEDIATE
 * transaction with the booking it pays for; the unique indexes (requestId, one active booking per
 * caller and slot, code) back the checks made in the same transaction.
 */
export function sqliteBookings(db: Db, random: RandomSource = cryptoRandom): BookingStore {
  const byId = db.prepare('SELECT * FROM bookings WHERE id = ?');
  const byCode = db.prepare('SELECT * FROM bookings WHERE code = ?');
  const byRequest = db.prepare('SELECT * FROM bookings WHERE openid = ? AND request_id = ?');
  const codeTaken = db.prepare('SELECT 1 FROM bookings WHERE code = ?').pluck();
  const idTaken = db.prepare('SELECT 1 FROM bookings WHERE id = ?').pluck();
  const activeForSlot = db
    .prepare(`SELECT 1 FROM bookings WHERE openid = ? AND store_id = ? AND slot_key = ? AND status IN ('pending', 'confirmed')`)
    .pluck();
  const upcomingCount = db
    .prepare(`SELECT count(*) FROM bookings WHERE openid = ? AND end_key > ? AND status IN ('pending', 'confirmed')`)
    .pluck();
  const ensureCounter = db.prepare('INSERT OR IGNORE INTO slot_counters (store_id, slot_key, booked) VALUES (?, ?, 0)');
  const takePlace = db.prepare('UPDATE slot_counters SET booked = booked + 1 WHERE store_id = ? AND slot_key = ? AND booked < ?');
  const freePlace = db.prepare('UPDATE slot_counters SET booked = booked - 1 WHERE store_id = ? AND slot_key = ? AND booked > 0');
  const insert = db.prepare(
    `INSERT INTO bookings (id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at)
     VALUES (@id, @openid, @storeId, @slotKey, @start, @end, @endKey, @slotDate, 'pending', @code, @requestId, @now, @now)`,
  );
  const customerUpcoming = db.prepare('SELECT * FROM bookings WHERE openid = ? AND end_key > ? ORDER BY slot_key');
  const customerPast = db.prepare('SELECT * FROM bookings WHERE openid = ? AND end_key <= ? ORDER BY slot_key DESC LIMIT ?');
  const storeDay = db.prepare('SELECT * FROM bookings WHERE store_id = ? AND slot_date = ? ORDER BY slot_key, created_at');
  const counter = db.prepare('SELECT booked FROM slot_counters WHERE store_id = ? AND slot_key = ?').pluck();

  const moves = new Map<number, { run(...args: unknown[]): { changes: number } }>();
  const moveFrom = (n: number) => {
    let stmt = moves.get(n);
    if (!stmt) {
      stmt = db.prepare(`UPDATE bookings SET status = ?, updated_at = ? WHERE id = ? AND status IN (${Array(n).fill('?').join(', ')})`);
      moves.set(n, stmt);
    }
    return stmt;
  };

  const read = (stmt: { get(...args: unknown[]): unknown }, ...args: unknown[]): Booking | null => {
    const row = stmt.get(...args) as BookingRow | undefined;
    return row === undefined ? null : toBooking(row);
  };

  /** A draw that no booking holds yet (a clash is ~1 in 10^11 per booking, so this loops rarely). */
  const fresh = (draw: () => string, taken: { get(v: string): unknown }): string => {
    for (;;) {
      const value = draw();
      if (taken.get(value) === undefined) return value;
    }
  };

  return {
    async create(input) {
      const key = slotKey(input.start);
      return atomically<CreateBookingOutcome>(db, (abort) => {
        if (input.requestId !== null) {
          const earlier = read(byRequest, input.openid, input.requestId);
          if (earlier) return { ok: true, booking: earlier, replayed: true };
        }
        if (activeForSlot.get(input.openid, input.storeId, key) !== undefined) return { ok: false, refusal: 'ALREADY_BOOKED' };
        const upcoming = upcomingCount.get(input.openid, input.now.toISOString()) as number;
        if (upcoming >= input.maxUpcoming) return { ok: false, refusal: 'TOO_MANY_BOOKINGS' };
        ensureCounter.run(input.storeId, key);
        if (takePlace.run(input.storeId, key, input.capacity).changes !== 1) abort({ ok: false, refusal: 'SLOT_FULL' });
        const now = input.now.toISOString();
        const id = fresh(() => newBookingId(random), idTaken);
        const code = fresh(() => newCheckInCode(random), codeTaken);
        insert.run({ ...input, id, code, slotKey: key, endKey: slotKey(input.end), now });
        return { ok: true, booking: read(byId, id)!, replayed: false };
      });
    },

    async byRequest(openid, requestId) {
      return read(byRequest, openid, requestId);
    },

    async get(bookingId) {
      return read(byId, bookingId);
    },

    async byCode(code) {
      return read(byCode, code);
    },

    async move(bookingId, from, to, now) {
      if (from.length === 0) return null;
      const update = moveFrom(from.length);
      return atomically(db, () => {
        const before = read(byId, bookingId);
        if (!before || update.run(to, now.toISOString(), bookingId, ...from).changes !== 1) return null;
        // Only the move that took an active booking out of its place gives the place back.
        if (to === 'cancelled' && ACTIVE_STATUSES.includes(before.status)) freePlace.run(before.storeId, slotKey(before.start));
        return read(byId, bookingId);
      });
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
