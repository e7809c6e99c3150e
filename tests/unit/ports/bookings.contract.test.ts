/**
 * THE bookings contract: one suite, run against the SQLite adapter (in-memory database) and the
 * CloudBase adapter (on the shared fake of the SDK's database), through the real use cases. Both
 * back ends must give the same answers; after every test the same invariants hold on both:
 * counters equal the bookings holding a place, no slot over capacity, one active booking per
 * customer and slot, at most 5 upcoming per customer, codes unique (and, in CloudBase, every hold
 * of the per-customer document names a live booking and every live booking has its hold).
 * CloudBase also gets a stop at every database call of every multi-document operation
 * (tests/support/port-suite.ts), then a restart, the client's retry and the invariants again.
 */
import { cloudbaseBookings, counterId } from '../../../functions/lib/cloudbase/bookings';
import { Contended, type PlaceStore, type StaffStore } from '../../../functions/lib/ports';
import { TRANSACTION_ROUNDS } from '../../../functions/lib/cloudbase/transaction';
import { openDatabase, type Db } from '../../../functions/lib/sqlite';
import { sqliteBookings } from '../../../functions/lib/sqlite/bookings';
import {
  cancelBooking,
  checkIn,
  confirmBooking,
  createBooking,
  dayBookings,
  listSlots,
  markNoShow,
  myBookings,
  rejectBooking,
  rescheduleBooking,
  type BookingPorts,
} from '../../../functions/lib/usecases/booking';
import { isActive, isUpcoming, MAX_UPCOMING_BOOKINGS, type Booking } from '../../../shared/booking';
import type { Store } from '../../../shared/places';
import { slotKey } from '../../../shared/slots';
import { FakeCloudbase, type FakeDoc } from '../../../functions/local/cloudbase-standin';
import { crashAtEveryCall, type CrashScenario, type Stoppable } from '../../support/port-suite';
import { stoppableSqlite } from '../../support/sqlite-stop';
import { seededSource, staffRoster, storesOnly, testStore } from '../../support/port-fakes';

// Wednesday 2026-11-25, 09:00 in Shanghai.
const NOW = new Date('2026-11-25T01:00:00Z');
const at = (hhmm: string, date = '2026-11-26') => `${date}T${hhmm}:00+08:00`;
const STAFF = 'staff-s1';

function store(id: string, capacity: number, autoConfirm?: boolean): Store {
  return testStore(id, autoConfirm === undefined ? { minutes: 60, capacity } : { minutes: 60, capacity, autoConfirm });
}
const STORES = new Map([
  ['S1', store('S1', 3)],
  ['S2', store('S2', 1)],
  // Places are people: a slot of 5 for parties of several.
  ['S3', store('S3', 5)],
  // A store that confirms its bookings itself.
  ['S4', store('S4', 4, true)],
]);
const capacityOf = (storeId: string) => STORES.get(storeId)!.slot.capacity;

const places: PlaceStore = storesOnly([...STORES.values()]);
const staff: StaffStore = staffRoster({ storesOf: { [STAFF]: ['S1', 'S3', 'S4'] }, staffOf: { S1: [STAFF] } });

/** What a back end holds, in one shape for the invariants. */
interface Held {
  bookings: Booking[];
  /** `storeId|slotKey` -> booked. */
  counters: Map<string, number>;
  /** CloudBase only: the per-customer holds, `openid` -> booking ids (SQLite's holds are its unique index). */
  holds: Map<string, string[]> | null;
  /** CloudBase only: code -> booking id. */
  codes: Map<string, string> | null;
  /** CloudBase only: the party size each hold of the per-customer documents counts. */
  parties?: Map<string, number>;
}

interface World {
  ports: BookingPorts;
  held(): Held;
  /** A new adapter instance over the same data (a new container, or a restarted host). */
  restart(): void;
  /** The database's fault injection (stop the function at a call). */
  faults: Stoppable;
  /** CloudBase only: the fake itself. */
  fake: FakeCloudbase | null;
}

interface Backend {
  name: string;
  world(): World;
}

const sqlite: Backend = {
  name: 'SQLite',
  world() {
    const db: Db = openDatabase(':memory:');
    // The adapter works on the stoppable wrapper; the invariants read the database itself.
    const stoppable = stoppableSqlite(db);
    let seed = 1;
    const world: World = {
      ports: { places, staff, bookings: sqliteBookings(stoppable.db, seededSource(seed)) },
      faults: stoppable.faults,
      fake: null,
      restart() {
        world.ports = { places, staff, bookings: sqliteBookings(stoppable.db, seededSource(++seed)) };
      },
      held() {
        const rows = db.prepare('SELECT id FROM bookings').pluck().all() as string[];
        const bookings = rows.map((id) => {
          const row = db.prepare('SELECT * FROM bookings WHERE id = ?').get(id) as Record<string, string>;
          return {
            id,
            openid: row.openid,
            storeId: row.store_id,
            start: row.start,
            end: row.end_at,
            slotDate: row.slot_date,
            status: row.status,
            code: row.code,
            requestId: row.request_id,
            createdAt: row.created_at,
            updatedAt: row.updated_at,
            partySize: Number(row.party_size),
          } as Booking;
        });
        const counters = new Map(
          (db.prepare('SELECT store_id, slot_key, booked FROM slot_counters').all() as { store_id: string; slot_key: string; booked: number }[]).map((r) => [
            counterId(r.store_id, r.slot_key),
            r.booked,
          ]),
        );
        return { bookings, counters, holds: null, codes: null };
      },
    };
    return world;
  },
};

const cloudbase: Backend = {
  name: 'CloudBase',
  world() {
    const fake = new FakeCloudbase({ unique: { bookings: ['code'] } });
    let seed = 1;
    const adapter = () => cloudbaseBookings(fake, seededSource(seed++));
    const world: World = {
      ports: { places, staff, bookings: adapter() },
      faults: fake,
      fake,
      restart() {
        world.ports = { places, staff, bookings: adapter() };
      },
      held() {
        const all = fake.dump();
        const bookings = (all.bookings ?? []).map((d: FakeDoc) => ({ ...(d as unknown as Booking), id: d._id }));
        const parties = new Map(
          (all.booking_customers ?? []).flatMap((d) =>
            (d.active as { bookingId: string; partySize: number }[]).map((e) => [e.bookingId, e.partySize] as const),
          ),
        );
        const counters = new Map((all.slot_counters ?? []).map((d) => [d._id, Number(d.booked)]));
        const holds = new Map((all.booking_customers ?? []).map((d) => [d._id, (d.active as { bookingId: string }[]).map((e) => e.bookingId)]));
        const codes = new Map((all.booking_codes ?? []).map((d) => [d._id, String(d.bookingId)]));
        return { bookings, counters, holds, codes, parties };
      },
    };
    return world;
  },
};

/** Every invariant of the bookings port, at `now`. */
function checkInvariants(world: World, now = NOW): void {
  const { bookings, counters, holds, codes, parties } = world.held();
  // Counters equal the people of the bookings holding places (every state but cancelled and rejected); none over capacity.
  const holding = new Map<string, number>();
  for (const b of bookings) {
    expect(b.partySize).toBeGreaterThanOrEqual(1);
    const key = counterId(b.storeId, slotKey(b.start));
    if (b.status !== 'cancelled' && b.status !== 'rejected') holding.set(key, (holding.get(key) ?? 0) + b.partySize);
  }
  for (const [key, booked] of counters) expect({ key, booked }).toEqual({ key, booked: holding.get(key) ?? 0 });
  for (const [key, n] of holding) {
    expect({ key, counter: counters.get(key) }).toEqual({ key, counter: n });
    expect(n).toBeLessThanOrEqual(capacityOf(key.split('|')[0]));
  }
  // One active booking per customer and slot; at most 5 upcoming active ones per customer.
  const active = bookings.filter((b) => isActive(b.status));
  const perSlot = new Set<string>();
  for (const b of active) {
    const key = `${b.openid}|${b.storeId}|${slotKey(b.start)}`;
    expect(perSlot.has(key)).toBe(false);
    perSlot.add(key);
  }
  const upcoming = new Map<string, number>();
  for (const b of active.filter((x) => isUpcoming(x, now))) upcoming.set(b.openid, (upcoming.get(b.openid) ?? 0) + 1);
  for (const n of upcoming.values()) expect(n).toBeLessThanOrEqual(MAX_UPCOMING_BOOKINGS);
  // Codes unique.
  expect(new Set(bookings.map((b) => b.code)).size).toBe(bookings.length);
  if (holds) {
    // No hold without a live booking of that customer; no live upcoming booking without its hold.
    const byId = new Map(bookings.map((b) => [b.id, b]));
    for (const [openid, ids] of holds) {
      for (const id of ids) {
        const b = byId.get(id);
        if (b && !isUpcoming(b, now)) continue; // an ended one may linger until the next write
        expect({ hold: id, of: openid, booking: b && isActive(b.status) ? b.openid : 'none' }).toEqual({ hold: id, of: openid, booking: openid });
      }
    }
    for (const b of active.filter((x) => isUpcoming(x, now))) {
      expect({ booking: b.id, held: holds.get(b.openid)?.includes(b.id) ?? false }).toEqual({ booking: b.id, held: true });
      // The per-customer document counts people too.
      expect({ booking: b.id, party: parties?.get(b.id) }).toEqual({ booking: b.id, party: b.partySize });
    }
  }
  if (codes) {
    for (const b of bookings) expect({ code: b.code, booking: codes.get(b.code) }).toEqual({ code: b.code, booking: b.id });
    expect(codes.size).toBe(bookings.length);
  }
}

const as = (caller: string, now = NOW) => ({ caller, now });
const reasonOf = (r: { ok: boolean; error?: { reason?: string } }) => (r.ok ? 'OK' : r.error?.reason);

describe.each([sqlite, cloudbase])('bookings port on $name', (backend) => {
  let world: World;
  /** When the invariants are checked after the test ("upcoming" depends on it). */
  let checkAt = NOW;
  beforeEach(() => {
    world = backend.world();
    checkAt = NOW;
  });
  afterEach(() => checkInvariants(world, checkAt));

  const create = (caller: string, start: string, extra: { requestId?: string; storeId?: string; now?: Date } = {}) =>
    createBooking(world.ports, { storeId: extra.storeId ?? 'S1', start, requestId: extra.requestId }, as(caller, extra.now));

  it('gives 40 concurrent customers 3 places: exactly 3 bookings, 37 SLOT_FULL, the counter at 3', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => create(`c${i}`, at('10:00'))));
    expect(answers.filter((a) => a.ok)).toHaveLength(3);
    expect(answers.filter((a) => reasonOf(a) === 'SLOT_FULL')).toHaveLength(37);
    expect(world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(3);
  });

  it('gives one customer sending 12 creates at once exactly 5 bookings, the rest TOO_MANY_BOOKINGS', async () => {
    const starts = ['09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20'].map((h) => at(`${h}:00`));
    const answers = await Promise.all(starts.map((start) => create('greedy', start)));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect(answers.filter((a) => reasonOf(a) === 'TOO_MANY_BOOKINGS')).toHaveLength(7);
    expect(world.held().bookings.filter((b) => b.openid === 'greedy')).toHaveLength(5);
    // In CloudBase they really raced: their transactions met on the customer's document.
    if (world.fake) expect(world.fake.conflicts).toBeGreaterThan(0);
  });

  it('makes one booking of the same request sent twice at once, both answered with it', async () => {
    const [a, b] = await Promise.all([create('alice', at('10:00'), { requestId: 'tap-1' }), create('alice', at('10:00'), { requestId: 'tap-1' })]);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.data.booking.id).toBe(b.data.booking.id);
    expect(world.held().bookings).toHaveLength(1);
  });

  it('lets two customers make the first booking of a slot at once (both create its counter)', async () => {
    const [a, b] = await Promise.all([create('alice', at('10:00')), create('bob', at('10:00'))]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(2);
  });

  it('answers a customer with 5 upcoming bookings who books one of them again ALREADY_EXISTS ALREADY_BOOKED', async () => {
    for (const h of ['10', '11', '12', '13', '14']) expect((await create('five', at(`${h}:00`))).ok).toBe(true);
    const again = await create('five', at('12:00'));
    expect(again.ok ? null : again.error).toEqual({
      code: 'ALREADY_EXISTS',
      reason: 'ALREADY_BOOKED',
      message: `start: you already hold a booking for the slot at ${at('12:00')}`,
    });
  });

  it('decides in one order: limit before a full slot; a replay before everything', async () => {
    expect((await create('filler', at('15:00'), { storeId: 'S2' })).ok).toBe(true); // S2 holds one place
    const first = await create('five', at('10:00'), { requestId: 'r-first' });
    for (const h of ['11', '12', '13', '14']) expect((await create('five', at(`${h}:00`))).ok).toBe(true);
    const full = await create('five', at('15:00'), { storeId: 'S2' });
    expect(full.ok ? null : full.error.code + ' ' + full.error.reason).toBe('RESOURCE_EXHAUSTED TOO_MANY_BOOKINGS');
    expect((await create('other', at('15:00'), { storeId: 'S2' })).ok ? 'OK' : 'SLOT_FULL').toBe('SLOT_FULL');
    // The same requestId later, with other parameters, after the slot started: the first booking.
    const later = new Date(Date.parse(at('10:30')));
    const replay = await create('five', at('15:00'), { requestId: 'r-first', storeId: 'S2', now: later });
    expect(replay.ok && first.ok && replay.data.booking).toEqual(first.ok && first.data.booking);
    // ...and a start that is no slot at all.
    const offGrid = await create('five', at('10:15'), { requestId: 'r-first' });
    expect(offGrid.ok && offGrid.data.booking.id).toBe(first.ok && first.data.booking.id);
    expect(reasonOf(await create('five', at('10:15')))).toBe('OFF_GRID');
    expect((await createBooking(world.ports, { storeId: 'NOPE', start: at('10:00'), requestId: 'r-first' }, as('five'))).ok).toBe(true);
    expect((await createBooking(world.ports, { storeId: 'NOPE', start: at('10:00') }, as('five'))).ok ? null : 'NOT_FOUND').toBe('NOT_FOUND');
  });

  it('counts the limit at "now": bookings whose slot has ended leave room', async () => {
    for (const h of ['10', '11', '12', '13', '14']) expect((await create('day', at(`${h}:00`, '2026-11-25'))).ok).toBe(true);
    expect(reasonOf(await create('day', at('10:00')))).toBe('TOO_MANY_BOOKINGS');
    const afterTwo = new Date(Date.parse(at('12:00', '2026-11-25')));
    expect(reasonOf(await create('day', at('10:00'), { now: afterTwo }))).toBe('OK');
    expect(reasonOf(await create('day', at('11:00'), { now: afterTwo }))).toBe('OK');
    expect(reasonOf(await create('day', at('12:00'), { now: afterTwo }))).toBe('TOO_MANY_BOOKINGS');
    checkAt = afterTwo;
  });

  it('frees one place when two cancels race; the loser is told CANCELLED; the customer may book again', async () => {
    const made = await create('alice', at('10:00'));
    if (!made.ok) throw new Error('not booked');
    const id = made.data.booking.id;
    const [x, y] = await Promise.all([cancelBooking(world.ports, { bookingId: id }, as('alice')), cancelBooking(world.ports, { bookingId: id }, as('alice'))]);
    expect([reasonOf(x), reasonOf(y)].sort()).toEqual(['CANCELLED', 'OK']);
    expect(world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(0);
    expect(reasonOf(await cancelBooking(world.ports, { bookingId: id }, as('mallory')))).toBe('NOT_OWNER');
    expect((await cancelBooking(world.ports, { bookingId: 'bk_nope' }, as('alice'))).ok ? null : 'NOT_FOUND').toBe('NOT_FOUND');
    expect(reasonOf(await create('alice', at('10:00')))).toBe('OK');
  });

  it('confirms and checks in with the same refusals on both back ends; a check-in leaves the limit but keeps the place', async () => {
    const made = await create('carol', at('10:00', '2026-11-25'));
    if (!made.ok) throw new Error('not booked');
    const { id, code } = made.data.booking;
    expect(reasonOf(await checkIn(world.ports, { code }, as(STAFF)))).toBe('TOO_EARLY');
    expect(reasonOf(await confirmBooking(world.ports, { bookingId: id }, as(STAFF)))).toBe('OK');
    expect(reasonOf(await confirmBooking(world.ports, { bookingId: id }, as(STAFF)))).toBe('ALREADY_CONFIRMED');
    const inWindow = new Date(Date.parse(at('09:45', '2026-11-25')));
    const [p, q] = await Promise.all([checkIn(world.ports, { code }, as(STAFF, inWindow)), checkIn(world.ports, { code }, as(STAFF, inWindow))]);
    expect([reasonOf(p), reasonOf(q)].sort()).toEqual(['ALREADY_CHECKED_IN', 'OK']);
    expect(reasonOf(await cancelBooking(world.ports, { bookingId: id }, as('carol', inWindow)))).toBe('ALREADY_CHECKED_IN');
    expect(world.held().counters.get(counterId('S1', slotKey(at('10:00', '2026-11-25'))))).toBe(1);
    for (const h of ['11', '12', '13', '14', '15']) expect(reasonOf(await create('carol', at(`${h}:00`), { now: inWindow }))).toBe('OK');
    checkAt = inWindow;
  });

  it('gives every booking its own code, which finds it', async () => {
    const made = await Promise.all(
      Array.from({ length: 30 }, (_, i) => create(`u${i}`, at(`${String(9 + (i % 12)).padStart(2, '0')}:00`, i < 12 ? '2026-11-26' : '2026-11-27'))),
    );
    const booked = made.flatMap((m) => (m.ok ? [m.data.booking] : []));
    expect(booked).toHaveLength(30);
    for (const b of booked) expect((await world.ports.bookings.byCode(b.code))?.id).toBe(b.id);
  });

  it("lists a customer's bookings (upcoming soonest first, then past) and a store's day by start", async () => {
    for (const [h, d] of [
      ['15', '2026-11-26'],
      ['10', '2026-11-25'],
      ['12', '2026-11-26'],
      ['11', '2026-11-26'],
    ] as const)
      expect(reasonOf(await create('lena', at(`${h}:00`, d)))).toBe('OK');
    expect(reasonOf(await create('max', at('12:00')))).toBe('OK');
    const later = new Date(Date.parse(at('11:30', '2026-11-25')));
    const mine = await myBookings(world.ports, {}, as('lena', later));
    expect(mine.ok && mine.data.bookings.map((b) => b.start)).toEqual([at('11:00'), at('12:00'), at('15:00'), at('10:00', '2026-11-25')]);
    const day = await dayBookings(world.ports, { storeId: 'S1', date: '2026-11-26' }, as(STAFF));
    expect(day.ok && day.data.bookings.map((b) => b.start)).toEqual([at('11:00'), at('12:00'), at('12:00'), at('15:00')]);
    expect(reasonOf(await dayBookings(world.ports, { storeId: 'S1', date: '2026-11-26' }, as('lena')))).toBe('NOT_STAFF');
    checkAt = later;
  });

  it('shows the places left in slots', async () => {
    await create('a', at('10:00'));
    await create('b', at('10:00'));
    const slots = await listSlots(world.ports, { storeId: 'S1', date: '2026-11-26' }, { caller: null, now: NOW });
    expect(slots.ok && slots.data.slots.find((s) => s.start === at('10:00'))?.remaining).toBe(1);
  });

  const party = (caller: string, start: string, partySize: number, extra: { storeId?: string; requestId?: string; now?: Date } = {}) =>
    createBooking(world.ports, { storeId: extra.storeId ?? 'S3', start, partySize, requestId: extra.requestId }, as(caller, extra.now));

  it('never lets parties of different sizes racing for the last places exceed capacity (3 rounds of 12 racers)', async () => {
    for (const [round, start] of [at('10:00'), at('11:00'), at('12:00')].entries()) {
      // 2 places already taken; 12 parties of 1 to 4 people race for the last 3.
      expect(reasonOf(await party(`seed${round}`, start, 2))).toBe('OK');
      const sizes = [4, 3, 1, 2, 3, 1, 4, 2, 1, 3, 2, 4];
      const answers = await Promise.all(sizes.map((n, i) => party(`r${round}-${i}`, start, n)));
      const won = sizes.filter((_, i) => answers[i].ok);
      const taken = 2 + won.reduce((a, n) => a + n, 0);
      expect(taken).toBeLessThanOrEqual(5);
      expect(world.held().counters.get(counterId('S3', slotKey(start)))).toBe(taken);
      // Every loser was refused because its party no longer fitted, never for anything else.
      for (const a of answers.filter((x) => !x.ok)) expect(reasonOf(a)).toBe('SLOT_FULL');
      // Whoever lost would not have fitted in what was left.
      const left = 5 - taken;
      for (const [i, a] of answers.entries()) if (!a.ok) expect(sizes[i]).toBeGreaterThan(left);
    }
  });

  it('counts a party of 3 as 3 places, frees 3 on a cancel, and refuses a party larger than the slot naming partySize', async () => {
    const made = await party('fam', at('10:00'), 3);
    expect(made.ok && made.data.booking.partySize).toBe(3);
    let slots = await listSlots(world.ports, { storeId: 'S3', date: '2026-11-26' }, { caller: null, now: NOW });
    expect(slots.ok && slots.data.slots.find((x) => x.start === at('10:00'))?.remaining).toBe(2);
    expect(reasonOf(await party('four', at('10:00'), 3))).toBe('SLOT_FULL');
    const tooBig = await party('crowd', at('10:00'), 6);
    expect(tooBig.ok ? null : [tooBig.error.code, tooBig.error.message]).toEqual(['INVALID_ARGUMENT', "partySize: must be at most 5, the slot's capacity"]);
    if (made.ok) expect(reasonOf(await cancelBooking(world.ports, { bookingId: made.data.booking.id }, as('fam')))).toBe('OK');
    slots = await listSlots(world.ports, { storeId: 'S3', date: '2026-11-26' }, { caller: null, now: NOW });
    expect(slots.ok && slots.data.slots.find((x) => x.start === at('10:00'))?.remaining).toBe(5);
  });

  it("answers a create with what the store page shows next: the slot's places left and the caller's active bookings, a replay alike", async () => {
    const id = (r: Awaited<ReturnType<typeof create>>) => (r.ok ? r.data.booking.id : `refused ${reasonOf(r)}`);
    const a = id(await create('pat', at('10:00', '2026-11-25'))); // today 10:00, ends 11:00
    const b = id(await create('pat', at('12:00', '2026-11-27')));
    const c = id(await create('pat', at('15:00'), { storeId: 'S2' }));
    const d = id(await create('pat', at('11:00')));
    expect(reasonOf(await cancelBooking(world.ports, { bookingId: d }, as('pat')))).toBe('OK');
    expect(reasonOf(await party('other', at('10:00'), 2))).toBe('OK');
    // S3 holds 5 people a slot: 2 taken by another party, 2 by this one, 1 left.
    const made = await party('pat', at('10:00'), 2, { requestId: 'p-1' });
    if (!made.ok) throw new Error(`not booked: ${reasonOf(made)}`);
    const e = made.data.booking.id;
    expect(made.data.slot).toEqual({ start: at('10:00'), end: at('11:00'), capacity: 5, remaining: 1 });
    // Soonest first, every store, the cancelled one left out.
    expect(made.data.active).toEqual([
      { id: a, storeId: 'S1', start: at('10:00', '2026-11-25'), end: at('11:00', '2026-11-25') },
      { id: e, storeId: 'S3', start: at('10:00'), end: at('11:00') },
      { id: c, storeId: 'S2', start: at('15:00'), end: at('16:00') },
      { id: b, storeId: 'S1', start: at('12:00', '2026-11-27'), end: at('13:00', '2026-11-27') },
    ]);
    expect(reasonOf(await party('late', at('10:00'), 1))).toBe('OK');
    // The retry at 11:30, after the last place went and today's 10:00 ended: answered as things stand now.
    const later = new Date(Date.parse(at('11:30', '2026-11-25')));
    const replay = await party('pat', at('10:00'), 2, { requestId: 'p-1', now: later });
    if (!replay.ok) throw new Error(`no replay: ${reasonOf(replay)}`);
    expect(replay.data.booking.id).toBe(e);
    expect(replay.data.slot).toEqual({ start: at('10:00'), end: at('11:00'), capacity: 5, remaining: 0 });
    expect(replay.data.active.map((x) => x.id)).toEqual([e, c, b]);
    checkAt = later;
  });

  it("answers a reschedule with what the store page shows next: both slots' places left and the caller's active bookings", async () => {
    const id = (r: Awaited<ReturnType<typeof create>>) => (r.ok ? r.data.booking.id : `refused ${reasonOf(r)}`);
    const a = id(await create('sam', at('10:00', '2026-11-25'))); // today 10:00, ends 11:00
    const c = id(await create('sam', at('15:00'), { storeId: 'S2' }));
    const made = await party('sam', at('10:00'), 2);
    if (!made.ok) throw new Error(`not booked: ${reasonOf(made)}`);
    const e = made.data.booking.id;
    expect(reasonOf(await party('other', at('10:00'), 1))).toBe('OK');
    expect(reasonOf(await party('other', at('12:00'), 1))).toBe('OK');
    // At 11:30 today (a has ended): the party of 2 leaves 10:00 (3 of 5 taken -> 1) for 12:00 (1 taken -> 3).
    const later = new Date(Date.parse(at('11:30', '2026-11-25')));
    const moved = await rescheduleBooking(world.ports, { bookingId: e, start: at('12:00') }, as('sam', later));
    if (!moved.ok) throw new Error(`not moved: ${reasonOf(moved)}`);
    expect(moved.data.booking).toMatchObject({ id: e, start: at('12:00'), partySize: 2 });
    expect(moved.data.slot).toEqual({ start: at('12:00'), end: at('13:00'), capacity: 5, remaining: 2 });
    expect(moved.data.left).toEqual({ start: at('10:00'), end: at('11:00'), capacity: 5, remaining: 4 });
    // Soonest first, every store, the ended one (a) left out.
    expect(moved.data.active).toEqual([
      { id: e, storeId: 'S3', start: at('12:00'), end: at('13:00') },
      { id: c, storeId: 'S2', start: at('15:00'), end: at('16:00') },
    ]);
    expect(moved.data.active.map((x) => x.id)).not.toContain(a);
    // What slots says afterwards is what the answer said.
    const slots = await listSlots(world.ports, { storeId: 'S3', date: '2026-11-26' }, { caller: null, now: later });
    const remaining = (start: string) => (slots.ok ? slots.data.slots.find((x) => x.start === start)?.remaining : null);
    expect([remaining(at('10:00')), remaining(at('12:00'))]).toEqual([4, 2]);
    checkAt = later;
  });

  it('carries contact and note back to the customer and to the store staff', async () => {
    const contact = { name: '王小明', phone: '13800138000' };
    const made = await createBooking(world.ports, { storeId: 'S3', start: at('10:00'), partySize: 2, contact, note: '靠窗' }, as('wang'));
    expect(made.ok && made.data.booking).toMatchObject({ partySize: 2, contact, note: '靠窗', status: 'pending' });
    const mine = await myBookings(world.ports, {}, as('wang'));
    expect(mine.ok && mine.data.bookings[0]).toMatchObject({ partySize: 2, contact, note: '靠窗' });
    const day = await dayBookings(world.ports, { storeId: 'S3', date: '2026-11-26' }, as(STAFF));
    expect(day.ok && day.data.bookings.map((b) => [b.partySize, b.contact, b.note])).toEqual([[2, contact, '靠窗']]);
  });

  it('confirms at creation at a store with autoConfirm, and on a reschedule there', async () => {
    const made = await create('auto', at('10:00'), { storeId: 'S4' });
    expect(made.ok && made.data.booking.status).toBe('confirmed');
    if (!made.ok) return;
    const moved = await rescheduleBooking(world.ports, { bookingId: made.data.booking.id, start: at('11:00') }, as('auto'));
    expect(moved.ok && moved.data.booking.status).toBe('confirmed');
  });

  it('reschedules the same booking (id, code) to another slot, moving its places; back to pending; all or nothing when refused', async () => {
    const made = await party('mover', at('10:00'), 2);
    if (!made.ok) throw new Error('not booked');
    const { id, code } = made.data.booking;
    expect(reasonOf(await confirmBooking(world.ports, { bookingId: id }, as(STAFF)))).toBe('OK');
    const moved = await rescheduleBooking(world.ports, { bookingId: id, start: at('12:00') }, as('mover'));
    expect(moved.ok && moved.data.booking).toMatchObject({ id, code, start: at('12:00'), end: at('13:00'), status: 'pending', partySize: 2 });
    const counters = world.held().counters;
    expect([counters.get(counterId('S3', slotKey(at('10:00')))), counters.get(counterId('S3', slotKey(at('12:00'))))]).toEqual([0, 2]);
    // A slot with 1 place left cannot take a party of 2: the booking stays where it was.
    expect(reasonOf(await party('other', at('14:00'), 4))).toBe('OK');
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('14:00') }, as('mover')))).toBe('SLOT_FULL');
    expect(await world.ports.bookings.get(id)).toMatchObject({ start: at('12:00'), status: 'pending' });
    // Refusals of create apply; and others' bookings are not theirs to move.
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('12:15') }, as('mover')))).toBe('OFF_GRID');
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('12:00') }, as('mover')))).toBe('ALREADY_BOOKED');
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('13:00') }, as('mallory')))).toBe('NOT_OWNER');
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('10:00', '2026-12-09') }, as('mover')))).toBe('TOO_FAR_AHEAD');
    const after = new Date(Date.parse(at('12:00')));
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('15:00') }, as('mover', after)))).toBe('STARTED');
  });

  it("lets staff reject before the start with a reason: places freed, the reason in the customer's list; never after the start", async () => {
    const made = await party('rita', at('10:00'), 3);
    if (!made.ok) throw new Error('not booked');
    const id = made.data.booking.id;
    expect(reasonOf(await rejectBooking(world.ports, { bookingId: id, reason: '设备检修' }, as('rita')))).toBe('NOT_STAFF');
    const rejected = await rejectBooking(world.ports, { bookingId: id, reason: '设备检修' }, as(STAFF));
    expect(rejected.ok && rejected.data.booking).toMatchObject({ status: 'rejected', reason: '设备检修' });
    expect(world.held().counters.get(counterId('S3', slotKey(at('10:00'))))).toBe(0);
    const mine = await myBookings(world.ports, {}, as('rita'));
    expect(mine.ok && mine.data.bookings[0]).toMatchObject({ id, status: 'rejected', reason: '设备检修' });
    expect(reasonOf(await rejectBooking(world.ports, { bookingId: id, reason: '再拒' }, as(STAFF)))).toBe('REJECTED');
    expect(reasonOf(await rescheduleBooking(world.ports, { bookingId: id, start: at('11:00') }, as('rita')))).toBe('REJECTED');
    expect(reasonOf(await cancelBooking(world.ports, { bookingId: id }, as('rita')))).toBe('REJECTED');
    const other = await party('sam', at('11:00'), 1);
    if (!other.ok) throw new Error('not booked');
    const started = new Date(Date.parse(at('11:00')));
    const late = await rejectBooking(world.ports, { bookingId: other.data.booking.id, reason: '临时关门' }, as(STAFF, started));
    expect(late.ok ? null : [late.error.code, late.error.reason]).toEqual(['FAILED_PRECONDITION', 'STARTED']);
    checkAt = started;
  });

  it('marks no-shows after the slot only; three within 30 days block booking until 7 days after the third, told in mine', async () => {
    const days = ['2026-11-26', '2026-11-27', '2026-11-28'];
    for (const d of days) expect(reasonOf(await party('nora', at('10:00', d), 1))).toBe('OK');
    const mine0 = await myBookings(world.ports, {}, as('nora'));
    const ids = mine0.ok ? mine0.data.bookings.map((b) => b.id) : [];
    const early = await markNoShow(world.ports, { bookingId: ids[0] }, as(STAFF, new Date(Date.parse(at('10:59', days[0])))));
    expect(early.ok ? null : [early.error.code, early.error.reason]).toEqual(['FAILED_PRECONDITION', 'NOT_ENDED']);
    for (const [i, d] of days.entries()) {
      const marked = await markNoShow(world.ports, { bookingId: ids[i] }, as(STAFF, new Date(Date.parse(at('11:00', d)))));
      expect(marked.ok && marked.data.booking.status).toBe('no_show');
    }
    const afterThird = new Date(Date.parse(at('12:00', '2026-11-28')));
    const mine = await myBookings(world.ports, {}, as('nora', afterThird));
    expect(mine.ok && mine.data.noShowBlock).toEqual({ until: '2026-12-05T03:00:00.000Z', count: 3 });
    const refused = await party('nora', at('10:00', '2026-11-30'), 1, { now: afterThird });
    expect(refused.ok ? null : [refused.error.code, refused.error.reason]).toEqual(['FAILED_PRECONDITION', 'NO_SHOWS']);
    // The last instant of the block, then free again.
    expect(reasonOf(await party('nora', at('10:00', '2026-12-06'), 1, { now: new Date(Date.parse('2026-12-05T02:59:59Z')) }))).toBe('NO_SHOWS');
    const free = new Date(Date.parse('2026-12-05T03:00:00Z'));
    expect(reasonOf(await party('nora', at('10:00', '2026-12-06'), 1, { now: free }))).toBe('OK');
    checkAt = free;
  });

  it('leaves one consistent booking when a reschedule races a cancel, and when it races a reject (20 races each)', async () => {
    for (let i = 0; i < 20; i++) {
      const caller = `race${i}`;
      const from = at(`${String(9 + (i % 6)).padStart(2, '0')}:00`);
      const to = at(`${String(15 + (i % 6)).padStart(2, '0')}:00`);
      const made = await party(caller, from, 2);
      if (!made.ok) throw new Error(`set-up ${i}: ${JSON.stringify(made)}`);
      const id = made.data.booking.id;
      const other =
        i % 2 === 0
          ? () => cancelBooking(world.ports, { bookingId: id }, as(caller))
          : () => rejectBooking(world.ports, { bookingId: id, reason: '临时关门' }, as(STAFF));
      const move = () => rescheduleBooking(world.ports, { bookingId: id, start: to }, as(caller));
      // Either one sent first.
      const [moved, ended] = i % 4 < 2 ? await Promise.all([move(), other()]) : (await Promise.all([other(), move()])).reverse();
      const b = (await world.ports.bookings.get(id))!;
      // The cancel or reject always lands (before the move, or after it on the moved booking); the move only if it came first.
      expect(ended.ok || reasonOf(ended) === 'CANCELLED').toBe(true);
      expect(b.status).toBe(i % 2 === 0 ? 'cancelled' : 'rejected');
      if (moved.ok) expect(b.start).toBe(to);
      else expect([reasonOf(moved), b.start]).toEqual([i % 2 === 0 ? 'CANCELLED' : 'REJECTED', from]);
      const counters = world.held().counters;
      expect([counters.get(counterId('S3', slotKey(from))) ?? 0, counters.get(counterId('S3', slotKey(to))) ?? 0]).toEqual([0, 0]);
    }
  });
});

describe('CloudBase bookings under contention', () => {
  it('throws Contended, writing nothing, while another transaction holds the customer, and books once it is gone', async () => {
    const world = cloudbase.world();
    const fake = world.fake!;
    // Another function's transaction has written this customer's document and not yet committed.
    const holder = await fake.startTransaction();
    await holder.collection('booking_customers').doc('held').set({ active: [], updatedAt: NOW.toISOString() });
    const attemptsBefore = fake.transactions;
    await expect(createBooking(world.ports, { storeId: 'S1', start: at('10:00'), requestId: 'r1' }, as('held'))).rejects.toBeInstanceOf(Contended);
    // Every round of the SDK's 4 attempts was tried, and nothing of them was written.
    expect(fake.transactions - attemptsBefore).toBe(4 * TRANSACTION_ROUNDS);
    expect(world.held().bookings).toEqual([]);
    expect(world.held().counters.size).toBe(0);
    await holder.rollback();
    expect(reasonOf(await createBooking(world.ports, { storeId: 'S1', start: at('10:00'), requestId: 'r1' }, as('held')))).toBe('OK');
    checkInvariants(world);
  });
});

describe.each([sqlite, cloudbase])('bookings on $name: a stop at every database call, a restart, the retry', (backend) => {
  /** A world with a few acknowledged bookings that no crash may lose. */
  async function acknowledged(world: World): Promise<Booking[]> {
    const out: Booking[] = [];
    for (const [caller, start] of [
      ['alice', at('10:00')],
      ['bob', at('10:00')],
      ['dave', at('11:00')],
      ['erin', at('10:00', '2026-11-25')],
    ] as const) {
      const made = await createBooking(world.ports, { storeId: 'S1', start, requestId: `ack-${caller}` }, as(caller));
      if (!made.ok) throw new Error(`set-up: ${JSON.stringify(made)}`);
      out.push((await world.ports.bookings.get(made.data.booking.id))!);
    }
    return out;
  }
  type W = { world: World; acked: Booking[] };
  const common = {
    async setUp(): Promise<W> {
      const world = backend.world();
      return { world, acked: await acknowledged(world) };
    },
    fake: (w: W) => w.world.faults,
    invariants: [
      (w: W) => checkInvariants(w.world),
      // Acknowledged bookings are never lost (their state may move only by the operation under test).
      (w: W) => {
        const ids = new Set(w.world.held().bookings.map((b) => b.id));
        for (const b of w.acked) expect({ acknowledged: b.id, present: ids.has(b.id) }).toEqual({ acknowledged: b.id, present: true });
      },
    ],
  };
  const restarted =
    <A>(run: (w: W) => Promise<A>) =>
    (w: W) => {
      w.world.restart();
      return run(w);
    };

  type Answer = { ok: boolean; error?: { reason?: string }; data?: { booking: { id: string }; slot?: unknown; left?: unknown; active?: { id: string }[] } };
  const scenarios: CrashScenario<W, Answer>[] = [
    {
      ...common,
      name: 'create with a requestId, new slot (counter made)',
      run: (w) => createBooking(w.world.ports, { storeId: 'S1', start: at('14:00'), requestId: 'tap' }, as('frank')),
      afterRetry: (w, answer) => {
        expect(answer.ok).toBe(true);
        const mine = w.world.held().bookings.filter((b) => b.openid === 'frank');
        expect(mine.map((b) => b.id)).toEqual([answer.data!.booking.id]);
      },
    },
    {
      ...common,
      name: 'create with a requestId, slot half full (counter moved)',
      run: (w) => createBooking(w.world.ports, { storeId: 'S1', start: at('10:00'), requestId: 'tap' }, as('frank')),
      afterRetry: (w, answer) => {
        expect(answer.ok).toBe(true);
        expect(w.world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(3);
        // Answered, first time or replayed, from the step itself: alice, bob and frank fill the 3 places.
        expect(answer.data!.slot).toEqual({ start: at('10:00'), end: at('11:00'), capacity: 3, remaining: 0 });
        expect(answer.data!.active!.map((x) => x.id)).toEqual([answer.data!.booking.id]);
      },
    },
    {
      ...common,
      name: 'create without a requestId',
      run: (w) => createBooking(w.world.ports, { storeId: 'S1', start: at('11:00') }, as('alice')),
      // A lost answer and a retry without requestId: the customer holds the slot already.
      afterRetry: (_w, answer) => expect(['OK', 'ALREADY_BOOKED']).toContain(reasonOf(answer)),
    },
    {
      ...common,
      name: 'cancel',
      run: (w) => cancelBooking(w.world.ports, { bookingId: w.acked[0].id }, as('alice')),
      afterRetry: (w, answer) => {
        expect(['OK', 'CANCELLED']).toContain(reasonOf(answer));
        expect(w.world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(1);
      },
    },
    {
      ...common,
      name: 'confirm',
      run: (w) => confirmBooking(w.world.ports, { bookingId: w.acked[0].id }, as(STAFF)),
      afterRetry: (_w, answer) => expect(['OK', 'ALREADY_CONFIRMED']).toContain(reasonOf(answer)),
    },
    {
      ...common,
      name: 'create of a party of 2 with contact and note',
      run: (w) =>
        createBooking(
          w.world.ports,
          { storeId: 'S3', start: at('10:00'), requestId: 'tap', partySize: 2, contact: { name: '赵', phone: '13900000000' }, note: 'n' },
          as('gina'),
        ),
      afterRetry: (w, answer) => {
        expect(answer.ok).toBe(true);
        expect(w.world.held().counters.get(counterId('S3', slotKey(at('10:00'))))).toBe(2);
      },
    },
    {
      ...common,
      name: 'reschedule',
      run: (w) => rescheduleBooking(w.world.ports, { bookingId: w.acked[0].id, start: at('12:00') }, as('alice')),
      afterRetry: (w, answer) => {
        // The retry of a move that landed finds the booking already there.
        expect(['OK', 'ALREADY_BOOKED']).toContain(reasonOf(answer));
        const counters = w.world.held().counters;
        expect([counters.get(counterId('S1', slotKey(at('10:00')))), counters.get(counterId('S1', slotKey(at('12:00'))))]).toEqual([1, 1]);
        if (answer.ok) {
          // Answered from the move's own step: alice at 12:00 (1 of 3), bob alone left at 10:00.
          expect(answer.data!.slot).toEqual({ start: at('12:00'), end: at('13:00'), capacity: 3, remaining: 2 });
          expect(answer.data!.left).toEqual({ start: at('10:00'), end: at('11:00'), capacity: 3, remaining: 2 });
          expect(answer.data!.active!.map((x) => x.id)).toEqual([w.acked[0].id]);
        }
      },
    },
    {
      ...common,
      name: 'reject',
      run: (w) => rejectBooking(w.world.ports, { bookingId: w.acked[1].id, reason: '设备检修' }, as(STAFF)),
      afterRetry: (w, answer) => {
        expect(['OK', 'REJECTED']).toContain(reasonOf(answer));
        expect(w.world.held().counters.get(counterId('S1', slotKey(at('10:00'))))).toBe(1);
      },
    },
    {
      ...common,
      name: 'no-show',
      run: (w) => markNoShow(w.world.ports, { bookingId: w.acked[3].id }, as(STAFF, new Date(Date.parse(at('11:00', '2026-11-25'))))),
      afterRetry: async (w, answer) => {
        expect(['OK', 'NO_SHOW']).toContain(reasonOf(answer));
        expect(await w.world.ports.bookings.noShowsOf('erin', new Date(Date.parse(at('11:00', '2026-11-25'))))).toEqual([at('11:00', '2026-11-25')]);
      },
    },
    {
      ...common,
      name: 'check-in',
      run: (w) => checkIn(w.world.ports, { code: w.acked[3].code }, as(STAFF, new Date(Date.parse(at('09:45', '2026-11-25'))))),
      afterRetry: (w, answer) => {
        expect(['OK', 'ALREADY_CHECKED_IN']).toContain(reasonOf(answer));
        const holds = w.world.held().holds;
        if (holds) expect(holds.get('erin') ?? []).toEqual([]);
      },
    },
  ];

  const totals = { calls: 0, stops: 0 };
  afterAll(() => {
    if (process.env.NEARBY_CRASH_FIGURES) console.log(`${backend.name}: ${totals.calls} calls, ${totals.stops} stops`);
  });
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const result = await crashAtEveryCall({ ...scenario, retry: restarted(scenario.run) });
    totals.calls += result.calls;
    totals.stops += result.stops;
    // Every call was stopped twice (not applied; applied with the answer lost); a multi-document write has several.
    expect(result.stops).toBe(2 * result.calls);
    expect(result.calls).toBeGreaterThanOrEqual(5);
    expect(result.missed).toBe(0);
  });
});
