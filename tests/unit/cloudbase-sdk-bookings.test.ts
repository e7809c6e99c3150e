/**
 * What the real SDK sends for the CloudBase bookings adapter: every read and write of a create or
 * a move carries the transaction's id (so it joins the transaction), documents are written by
 * `_id`, and a conflict at commit runs the whole transaction again (the SDK's own loop).
 */
import { EJSON } from 'bson';
import { asBookingsDb, cloudbaseBookings, counterId } from '../../functions/lib/cloudbase/bookings';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import type { SlotRequest } from '../../shared/booking';
import { slotKey } from '../../shared/slots';
import { listed, recordingSdkDb, type Answer, type Sent } from '../support/sdk-recorder';

const NOW = new Date('2026-11-25T01:00:00Z');
const slot = { start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T11:00:00+08:00', date: '2026-11-26' };
/** Alice's booking bk_1 of `slot` at S1 as the bookings collection stores it (override any field). */
const storedBooking = (over: Record<string, unknown>) => ({
  _id: 'bk_1',
  openid: 'alice',
  storeId: 'S1',
  slotKey: slotKey(slot.start),
  start: slot.start,
  end: slot.end,
  endKey: slotKey(slot.end),
  slotDate: slot.date,
  status: 'pending',
  code: 'ABCDEFGH',
  requestId: null,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  ...over,
});
const request: SlotRequest = { ok: true, storeId: 'S1', slot, capacity: 3 };
const fixed = { bytes: (n: number) => new Uint8Array(n).fill(7) };

function server(overrides: Record<string, Answer> = {}): Answer {
  return (s) =>
    overrides[s.action]?.(s) ??
    {
      'database.startTransaction': { transactionId: `tx${Math.random()}` },
      'database.getDocument': listed(),
      'database.modifyDocument': { requestId: 'r', data: { updated: 0, upsert_id: 'x' } },
      'database.commitTransaction': { requestId: 'r' },
    }[s.action] ?? { requestId: 'r' };
}

const adapter = (answer: Answer) => {
  const { db, sent } = recordingSdkDb(answer);
  return { bookings: cloudbaseBookings(asBookingsDb(db as unknown as CloudbaseDb), fixed), sent };
};
/** A JSON document the SDK sent (EJSON), as plain values. */
const parsed = (text: string) => EJSON.parse(text, { relaxed: true }) as Record<string, unknown>;
const inTransaction = (sent: Sent[], id: string) => sent.filter((s) => s.params.transactionId === id);

it('creates a booking in one transaction: four reads and four writes by _id, then the commit', async () => {
  const { bookings, sent } = adapter(server({ 'database.startTransaction': () => ({ transactionId: 'tx1' }) }));
  const made = await bookings.create({ openid: 'alice', requestId: 'tap-1', request, now: NOW });
  expect(made.ok).toBe(true);
  expect(sent.map((s) => s.action)).toEqual([
    'database.startTransaction',
    'database.getDocument', // the booking of this requestId (replay)
    'database.getDocument', // the customer's holds
    'database.getDocument', // the slot's counter
    'database.getDocument', // the drawn code
    'database.modifyDocument', // counter
    'database.modifyDocument', // code
    'database.modifyDocument', // booking
    'database.modifyDocument', // customer
    'database.commitTransaction',
  ]);
  // Everything between start and commit joined the transaction.
  expect(inTransaction(sent, 'tx1')).toHaveLength(sent.length - 1);
  const writes = sent.filter((s) => s.action === 'database.modifyDocument');
  expect(writes.map((w) => [w.params.collectionName, parsed(w.params.query)._id, w.params.upsert, w.params.merge])).toEqual([
    ['slot_counters', counterId('S1', slotKey(slot.start)), true, false],
    ['booking_codes', made.ok && made.booking.code, true, false],
    ['bookings', made.ok && made.booking.id, true, false],
    ['booking_customers', 'alice', true, false],
  ]);
  expect(parsed(writes[0].params.data)).toEqual({ storeId: 'S1', slotKey: slotKey(slot.start), booked: 1 });
  expect(parsed(writes[3].params.data).active).toEqual([
    { bookingId: made.ok && made.booking.id, storeId: 'S1', start: slot.start, end: slot.end, partySize: 1 },
  ]);
});

it('runs the whole transaction again when the commit conflicts', async () => {
  let commits = 0;
  const { bookings, sent } = adapter(
    server({
      'database.commitTransaction': () =>
        ++commits === 1 ? Object.assign(new Error('conflict'), { code: 'DATABASE_TRANSACTION_CONFLICT' }) : { requestId: 'r' },
    }),
  );
  expect((await bookings.create({ openid: 'alice', requestId: 'tap-1', request, now: NOW })).ok).toBe(true);
  expect(sent.filter((s) => s.action === 'database.startTransaction')).toHaveLength(2);
  expect(sent.filter((s) => s.action === 'database.commitTransaction')).toHaveLength(2);
});

it('cancels in one transaction: the booking, its counter and the customer read and written inside', async () => {
  const booking = storedBooking({ status: 'pending' });
  const docs: Record<string, object> = {
    bookings: booking,
    slot_counters: { _id: counterId('S1', slotKey(slot.start)), booked: 2 },
    booking_customers: { _id: 'alice', active: [{ bookingId: 'bk_1', storeId: 'S1', start: slot.start, end: slot.end }] },
  };
  const { bookings, sent } = adapter(
    server({
      'database.startTransaction': () => ({ transactionId: 'tx1' }),
      'database.getDocument': (s) => listed(docs[s.params.collectionName]),
      'database.modifyDocument': () => ({ requestId: 'r', data: { updated: 1 } }),
    }),
  );
  const moved = await bookings.move('bk_1', () => ({ ok: true }), 'cancelled', NOW);
  expect(moved.ok && moved.booking.status).toBe('cancelled');
  expect(inTransaction(sent, 'tx1').map((s) => `${s.action} ${s.params.collectionName}`)).toEqual([
    'database.getDocument bookings',
    'database.modifyDocument bookings',
    'database.getDocument slot_counters',
    'database.modifyDocument slot_counters',
    'database.getDocument booking_customers',
    'database.modifyDocument booking_customers',
    'database.commitTransaction undefined',
  ]);
  const [, counter, customer] = sent.filter((s) => s.action === 'database.modifyDocument').map((s) => parsed(s.params.data));
  expect(counter).toEqual({ $set: { booked: 1 } });
  expect(customer.active).toEqual([]);
});

it('reschedules in one transaction: the booking, the customer and both counters read and written by _id, a party moved whole', async () => {
  const later = { start: '2026-11-26T12:00:00+08:00', end: '2026-11-26T13:00:00+08:00', date: '2026-11-26' };
  const booking = storedBooking({ status: 'confirmed', partySize: 3 });
  const counters: Record<string, object> = {
    [counterId('S1', slotKey(slot.start))]: { _id: counterId('S1', slotKey(slot.start)), booked: 3 },
    [counterId('S1', slotKey(later.start))]: { _id: counterId('S1', slotKey(later.start)), booked: 2 },
  };
  const docs: Record<string, (id: string) => object> = {
    bookings: () => booking,
    slot_counters: (id) => counters[id] ?? {},
    booking_customers: () => ({ _id: 'alice', active: [{ bookingId: 'bk_1', storeId: 'S1', start: slot.start, end: slot.end, partySize: 3 }] }),
  };
  const { bookings, sent } = adapter(
    server({
      'database.startTransaction': () => ({ transactionId: 'tx1' }),
      'database.getDocument': (s) => listed(docs[s.params.collectionName](String(parsed(s.params.query)._id))),
      'database.modifyDocument': () => ({ requestId: 'r', data: { updated: 1 } }),
    }),
  );
  const moved = await bookings.reschedule({
    bookingId: 'bk_1',
    caller: 'alice',
    request: { ok: true, storeId: 'S1', slot: later, capacity: 5, partySize: 3 },
    now: NOW,
  });
  expect(moved.ok && [moved.booking.id, moved.booking.code, moved.booking.start, moved.booking.status]).toEqual(['bk_1', 'ABCDEFGH', later.start, 'pending']);
  // What the store page shows next, known from what the step read and wrote (no request added): the new slot 2 + 3
  // taken, the left one 3 - 3, the customer's holds with the moved booking.
  expect(moved.ok && { booked: moved.booked, left: moved.left, active: moved.active }).toEqual({
    booked: 5,
    left: { start: slot.start, end: slot.end, booked: 0 },
    active: [{ bookingId: 'bk_1', storeId: 'S1', start: later.start, end: later.end }],
  });
  expect(inTransaction(sent, 'tx1').map((s) => `${s.action} ${s.params.collectionName}`)).toEqual([
    'database.getDocument bookings',
    'database.getDocument booking_customers',
    'database.getDocument slot_counters',
    'database.getDocument slot_counters',
    'database.modifyDocument slot_counters',
    'database.modifyDocument slot_counters',
    'database.modifyDocument bookings',
    'database.modifyDocument booking_customers',
    'database.commitTransaction undefined',
  ]);
  const writes = sent.filter((s) => s.action === 'database.modifyDocument');
  expect(writes.map((w) => parsed(w.params.query)._id)).toEqual([counterId('S1', slotKey(slot.start)), counterId('S1', slotKey(later.start)), 'bk_1', 'alice']);
  // 3 people leave the old slot (3 -> 0) and join the new one (2 -> 5).
  expect(writes.slice(0, 2).map((w) => parsed(w.params.data))).toEqual([{ $set: { booked: 0 } }, { $set: { booked: 5 } }]);
});

it('answers a replay from the same transaction: the booking, the customer and the slot counter read by _id, nothing written', async () => {
  const id = 'bk_rfirst';
  const booking = storedBooking({ _id: id, requestId: 'tap-1', partySize: 2 });
  const docs: Record<string, object> = {
    bookings: booking,
    slot_counters: { _id: counterId('S1', slotKey(slot.start)), booked: 3 },
    booking_customers: { _id: 'alice', active: [{ bookingId: id, storeId: 'S1', start: slot.start, end: slot.end, partySize: 2 }] },
  };
  const { bookings, sent } = adapter(
    server({
      'database.startTransaction': () => ({ transactionId: 'tx1' }),
      'database.getDocument': (s) => listed(docs[s.params.collectionName]),
    }),
  );
  const replayed = await bookings.create({ openid: 'alice', requestId: 'tap-1', request, now: NOW });
  expect(replayed).toMatchObject({ ok: true, replayed: true, booked: 3, active: [{ bookingId: id, storeId: 'S1', start: slot.start, end: slot.end }] });
  expect(inTransaction(sent, 'tx1').map((s) => `${s.action} ${s.params.collectionName}`)).toEqual([
    'database.getDocument bookings',
    'database.getDocument booking_customers',
    'database.getDocument slot_counters',
    'database.commitTransaction undefined',
  ]);
});
