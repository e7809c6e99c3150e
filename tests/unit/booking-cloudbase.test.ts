/**
 * The CloudBase bookings adapter against a small in-memory database that behaves as CloudBase
 * does where it matters here: every call is asynchronous (so concurrent requests interleave between
 * a read and a write), `where(...).update()` is one atomic conditional write reporting `updated`,
 * `add` of an existing `_id` (or a duplicate unique `code`) throws DATABASE_DUPLICATE_WRITE.
 */
import { randomBytes } from 'node:crypto';
import { cloudbaseBookings, counterId, type BookingsDb } from '../../functions/lib/cloudbase/bookings';
import type { PlaceStore, StaffStore } from '../../functions/lib/ports';
import { cancelBooking, createBooking, type BookingPorts } from '../../functions/lib/usecases/booking';
import type { Store } from '../../shared/places';

type Row = Record<string, any>;
type Cond = { $lt?: unknown; $gt?: unknown; $lte?: unknown; $in?: unknown[] };

class Duplicate extends Error {
  code = 'DATABASE_DUPLICATE_WRITE';
}

/** A turn of the event loop, at random: lets other requests run between two database calls. */
const hop = () => new Promise<void>((r) => (Math.random() < 0.5 ? setImmediate(r) : setTimeout(r, Math.random() * 2)));

function fakeDb(options: { failAdd?: (collection: string, doc: Row) => boolean } = {}) {
  const tables = new Map<string, Map<string, Row>>();
  const table = (name: string) => tables.get(name) ?? tables.set(name, new Map()).get(name)!;
  const test = (have: any, want: any): boolean => {
    if (typeof want === 'object' && want !== null && !Array.isArray(want)) {
      const c = want as Cond;
      if ('$lt' in c) return have < (c.$lt as any);
      if ('$gt' in c) return have > (c.$gt as any);
      if ('$lte' in c) return have <= (c.$lte as any);
      if ('$in' in c) return c.$in!.includes(have);
    }
    return have === want;
  };
  const query = (name: string, where: Row = {}, order?: [string, 'asc' | 'desc'], limit = 100): any => ({
    where: (w: Row) => query(name, { ...where, ...w }, order, limit),
    orderBy: (f: string, d: 'asc' | 'desc') => query(name, where, [f, d], limit),
    limit: (n: number) => query(name, where, order, n),
    async get() {
      await hop();
      let rows = [...table(name).values()].filter((r) => Object.entries(where).every(([k, v]) => test(r[k], v)));
      if (order) rows = rows.sort((a, b) => (a[order[0]] < b[order[0]] ? -1 : 1) * (order[1] === 'asc' ? 1 : -1));
      return { data: rows.slice(0, limit).map((r) => ({ ...r })) };
    },
    async count() {
      return { total: (await this.get()).data.length };
    },
    async update(data: Row) {
      await hop();
      // One atomic step, as the database runs a conditional update.
      let updated = 0;
      for (const r of table(name).values()) {
        if (!Object.entries(where).every(([k, v]) => test(r[k], v))) continue;
        for (const [k, v] of Object.entries(data)) r[k] = typeof v === 'object' && v !== null && '$inc' in v ? r[k] + v.$inc : v;
        updated++;
      }
      return { updated };
    },
    doc: (id: string) => ({
      async get() {
        await hop();
        const r = table(name).get(id);
        return { data: r ? [{ ...r }] : [] };
      },
      async remove() {
        await hop();
        table(name).delete(id);
        return {};
      },
    }),
    async add(doc: Row) {
      await hop();
      if (options.failAdd?.(name, doc)) throw new Error('network down');
      if (table(name).has(doc._id)) throw new Duplicate(`duplicate _id ${doc._id}`);
      if (name === 'bookings' && [...table(name).values()].some((r) => r.code === doc.code)) throw new Duplicate('duplicate code');
      table(name).set(doc._id, { ...doc });
      return { id: doc._id };
    },
  });
  const db: BookingsDb = {
    command: { lt: ($lt) => ({ $lt }), gt: ($gt) => ({ $gt }), lte: ($lte) => ({ $lte }), in: ($in) => ({ $in }), inc: ($inc) => ({ $inc }) },
    collection: (name) => query(name),
  };
  return { db, table };
}

const STORE: Store = {
  kind: 'store', id: 'S1', name: 'One', address: 'a', lat: 31, lng: 121, category: 'coffee', timezone: 'Asia/Shanghai',
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })),
  slot: { minutes: 60, capacity: 3 },
};
const places = { get: async (kind: string, id: string) => (kind === 'store' && id === 'S1' ? STORE : null) } as unknown as PlaceStore;
const staff: StaffStore = { set: async () => {}, storesOf: async () => [] };
const NOW = new Date('2026-11-25T01:00:00Z');
const START = '2026-11-26T10:00:00+08:00';
const KEY = counterId('S1', new Date(START).toISOString());

function world(options?: Parameters<typeof fakeDb>[0]) {
  const fake = fakeDb(options);
  const ports: BookingPorts = { places, staff, bookings: cloudbaseBookings(fake.db, { bytes: (n) => randomBytes(n) }) };
  return { ...fake, ports };
}

it('gives 40 concurrent customers 3 places: exactly 3 bookings, the counter at 3', async () => {
  const { ports, table } = world();
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => createBooking(ports, { storeId: 'S1', start: START }, `c${i}`, NOW)));
  expect(answers.filter((a) => a.ok)).toHaveLength(3);
  expect(answers.filter((a) => !a.ok && a.error.reason === 'SLOT_FULL')).toHaveLength(37);
  expect(table('slot_counters').get(KEY)!.booked).toBe(3);
  expect(table('bookings').size).toBe(3);
});

it('makes one booking of two copies of a request at once, both answered with it', async () => {
  const { ports, table } = world();
  const event = { storeId: 'S1', start: START, requestId: 'tap-1' };
  const [a, b] = await Promise.all([createBooking(ports, event, 'alice', NOW), createBooking(ports, event, 'alice', NOW)]);
  expect(a.ok && b.ok).toBe(true);
  if (a.ok && b.ok) expect(a.data.booking.id).toBe(b.data.booking.id);
  expect(table('bookings').size).toBe(1);
  expect(table('slot_counters').get(KEY)!.booked).toBe(1);
});

it('refuses a second active booking of the caller for the slot', async () => {
  const { ports } = world();
  await createBooking(ports, { storeId: 'S1', start: START }, 'alice', NOW);
  const again = await createBooking(ports, { storeId: 'S1', start: START }, 'alice', NOW);
  expect(again.ok ? null : again.error.code).toBe('ALREADY_EXISTS');
});

it('frees the place once when two cancels race, and lets the caller book the slot again', async () => {
  const { ports, table } = world();
  const made = await createBooking(ports, { storeId: 'S1', start: START }, 'alice', NOW);
  if (!made.ok) throw new Error('not booked');
  const [x, y] = await Promise.all([cancelBooking(ports, { bookingId: made.data.booking.id }, 'alice', NOW), cancelBooking(ports, { bookingId: made.data.booking.id }, 'alice', NOW)]);
  expect([x.ok, y.ok].sort()).toEqual([false, true]);
  expect(table('slot_counters').get(KEY)!.booked).toBe(0);
  expect((await createBooking(ports, { storeId: 'S1', start: START }, 'alice', NOW)).ok).toBe(true);
});

it('gives the place and the hold back when the booking cannot be written (compensation)', async () => {
  const { ports, table } = world({ failAdd: (collection) => collection === 'bookings' });
  await expect(createBooking(ports, { storeId: 'S1', start: START }, 'alice', NOW)).rejects.toThrow('network down');
  expect(table('slot_counters').get(KEY)!.booked).toBe(0);
  expect(table('booking_holds').size).toBe(0);
});
