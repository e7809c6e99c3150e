/**
 * The CloudBase bookings adapter on the shared fake of the SDK's database (tests/support/cloudbase-fake.ts):
 * every call yields to the event loop, so concurrent requests interleave between a read and a write.
 */
import { randomBytes } from 'node:crypto';
import { cloudbaseBookings, counterId } from '../../functions/lib/cloudbase/bookings';
import type { PlaceStore, StaffStore } from '../../functions/lib/ports';
import { cancelBooking, createBooking, type BookingPorts } from '../../functions/lib/usecases/booking';
import type { Store } from '../../shared/places';
import { FakeCloudbase } from '../support/cloudbase-fake';

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

function world() {
  const fake = new FakeCloudbase({ unique: { bookings: ['code'] } });
  const ports: BookingPorts = { places, staff, bookings: cloudbaseBookings(fake, { bytes: (n) => randomBytes(n) }) };
  return { table: (name: string) => fake.table(name), ports };
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
