import { ADMIN, startCloud, storedCounts, type TestCloud } from '../support/host';
import { testStore } from '../support/port-fakes';

// Wednesday 2026-11-25, 09:00 in Shanghai: "today" for every call below.
const NOW = '2026-11-25T01:00:00Z';
const STORE = 'BK1';
const OTHER = 'BK2';
const STAFF = 'staff-bk1';
const OTHER_STAFF = 'staff-bk2';
const at = (hhmm: string, date = '2026-11-25') => `${date}T${hhmm}:00+08:00`;

let cloud: TestCloud;
let n = 0;
/** A customer nobody else uses in this file (the 5-booking limit is per customer). */
const newCustomer = () => `customer-${++n}`;

const bookings = (event: Record<string, unknown>, openid?: string, now = NOW) => cloud.call('bookings', event, { openid, now });
const rows = () => storedCounts(cloud).bookings ?? 0;
/** The slot's counter, read through the bookings port (either back end). */
const counterOf = async (start: string) => (await cloud.ports.bookings.booked(STORE, [start])).get(start) ?? 0;
const remaining = async (start: string) => {
  const res = await bookings({ action: 'slots', storeId: STORE, date: start.slice(0, 10) });
  return res.data.slots.find((s: { start: string }) => s.start === start)?.remaining;
};

beforeAll(async () => {
  cloud = await startCloud({ seed: 'none' });
  const store = (id: string, name: string) => testStore(id, { minutes: 60, capacity: 3 }, name);
  const up = await cloud.call('admin', { action: 'upsertPlaces', places: [store(STORE, 'Booking One'), store(OTHER, 'Booking Two')] }, { openid: ADMIN });
  expect(up.ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: STAFF, storeIds: [STORE] }, { openid: ADMIN })).ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: OTHER_STAFF, storeIds: [OTHER] }, { openid: ADMIN })).ok).toBe(true);
});
afterAll(() => cloud.close());

describe('slots', () => {
  it("lists the day's slots with their places, to anonymous callers too", async () => {
    const res = await bookings({ action: 'slots', storeId: STORE, date: '2026-11-26' });
    expect(res.ok).toBe(true);
    expect(res.data.slots).toHaveLength(12);
    expect(res.data.slots[0]).toEqual({ start: at('09:00', '2026-11-26'), end: at('10:00', '2026-11-26'), capacity: 3, remaining: 3, bookable: true });
  });

  it('marks slots that have started, and dates past the 7 bookable ones, as not bookable', async () => {
    const today = await bookings({ action: 'slots', storeId: STORE, date: '2026-11-25' });
    expect(today.data.slots[0]).toMatchObject({ start: at('09:00'), bookable: false });
    expect(today.data.slots[1]).toMatchObject({ start: at('10:00'), bookable: true });
    const eighth = await bookings({ action: 'slots', storeId: STORE, date: '2026-12-02' });
    expect(eighth.data.slots.every((s: { bookable: boolean }) => !s.bookable)).toBe(true);
  });

  it('answers NOT_FOUND for an unknown store', async () => {
    const res = await bookings({ action: 'slots', storeId: 'NOPE', date: '2026-11-26' });
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(res.error.message).toMatch(/^storeId:/);
  });
});

describe('capacity under load', () => {
  it('gives 40 customers racing for 3 places exactly 3 bookings', async () => {
    const start = at('12:00', '2026-11-27');
    const answers = await Promise.all(Array.from({ length: 40 }, () => bookings({ action: 'create', storeId: STORE, start }, newCustomer())));
    const won = answers.filter((a) => a.ok);
    const lost = answers.filter((a) => !a.ok);
    expect(won).toHaveLength(3);
    expect(lost).toHaveLength(37);
    expect(lost.every((a) => a.error.code === 'RESOURCE_EXHAUSTED' && a.error.reason === 'SLOT_FULL')).toBe(true);
    expect(new Set(won.map((a) => a.data.booking.code)).size).toBe(3);
    expect(await counterOf(start)).toBe(3);
    expect(await remaining(start)).toBe(0);
  });

  it('makes one booking of two copies of a request sent at once, and answers both with it', async () => {
    const who = newCustomer();
    const event = { action: 'create', storeId: STORE, start: at('13:00', '2026-11-27'), requestId: 'tap-1' };
    const before = rows();
    const [a, b] = await Promise.all([bookings(event, who), bookings(event, who)]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.data.booking).toEqual(b.data.booking);
    expect(rows()).toBe(before + 1);
    expect(await counterOf(event.start)).toBe(1);
    // A later retry, even after the slot has started, still answers the same booking.
    const late = await bookings(event, who, '2026-11-27T05:30:00Z');
    expect(late.data.booking.id).toBe(a.data.booking.id);
  });

  it("keys requestId on the caller: another customer's same requestId is a booking of their own", async () => {
    const event = { action: 'create', storeId: STORE, start: at('14:00', '2026-11-27'), requestId: 'same' };
    const [a, b] = await Promise.all([bookings(event, newCustomer()), bookings(event, newCustomer())]);
    expect(a.data.booking.id).not.toBe(b.data.booking.id);
  });

  it('frees one place on cancel, and a second cancel frees nothing', async () => {
    const start = at('15:00', '2026-11-27');
    const who = newCustomer();
    const made = await bookings({ action: 'create', storeId: STORE, start }, who);
    expect(await remaining(start)).toBe(2);
    const [one, two] = await Promise.all([
      bookings({ action: 'cancel', bookingId: made.data.booking.id }, who),
      bookings({ action: 'cancel', bookingId: made.data.booking.id }, who),
    ]);
    expect([one.ok, two.ok].sort()).toEqual([false, true]);
    const second = one.ok ? two : one;
    expect(second.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'CANCELLED' });
    expect((one.ok ? one : two).data.booking.status).toBe('cancelled');
    expect(await remaining(start)).toBe(3);
    const again = await bookings({ action: 'cancel', bookingId: made.data.booking.id }, who);
    expect(again.error.reason).toBe('CANCELLED');
    expect(await remaining(start)).toBe(3);
  });
});

describe('create refuses what the contract names', () => {
  const create = (start: string, who = newCustomer(), storeId = STORE) => bookings({ action: 'create', storeId, start }, who);

  it('books a slot: pending, with a short code', async () => {
    const res = await create(at('16:00', '2026-11-26'));
    expect(res.ok).toBe(true);
    expect(res.data.booking).toMatchObject({
      storeId: STORE,
      storeName: 'Booking One',
      start: at('16:00', '2026-11-26'),
      end: at('17:00', '2026-11-26'),
      status: 'pending',
    });
    expect(res.data.booking.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
  });

  it('NOT_FOUND for an unknown store', async () => {
    expect((await create(at('16:00', '2026-11-26'), newCustomer(), 'NOPE')).error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('INVALID_ARGUMENT for a start off the grid', async () => {
    const res = await create(at('16:20', '2026-11-26'));
    expect(res.error).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'OFF_GRID' });
    expect(res.error.message).toMatch(/^start:/);
  });

  it('FAILED_PRECONDITION for a slot in the past, outside the hours, or more than 7 days ahead', async () => {
    expect((await create(at('09:00'))).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED' });
    expect((await create(at('10:00', '2026-11-20'))).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED' });
    expect((await create(at('22:00'))).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'OUTSIDE_HOURS' });
    expect((await create(at('20:00', '2026-12-01'))).ok).toBe(true);
    expect((await create(at('09:00', '2026-12-02'))).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'TOO_FAR_AHEAD' });
  });

  it('ALREADY_EXISTS when the caller already holds that slot', async () => {
    const who = newCustomer();
    expect((await create(at('17:00', '2026-11-26'), who)).ok).toBe(true);
    expect((await create(at('17:00', '2026-11-26'), who)).error).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('RESOURCE_EXHAUSTED TOO_MANY_BOOKINGS at the sixth upcoming booking, and room again after a cancel', async () => {
    const who = newCustomer();
    const made = [];
    for (const h of ['10', '11', '12', '13', '14']) made.push(await create(at(`${h}:00`, '2026-11-28'), who));
    expect(made.every((m) => m.ok)).toBe(true);
    expect((await create(at('15:00', '2026-11-28'), who)).error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'TOO_MANY_BOOKINGS' });
    await bookings({ action: 'cancel', bookingId: made[0].data.booking.id }, who);
    expect((await create(at('15:00', '2026-11-28'), who)).ok).toBe(true);
  });

  it('UNAUTHENTICATED for every action but slots without a caller', async () => {
    for (const event of [
      { action: 'create', storeId: STORE, start: at('18:00', '2026-11-26') },
      { action: 'cancel', bookingId: 'bk_x' },
      { action: 'mine' },
      { action: 'day', storeId: STORE, date: '2026-11-26' },
      { action: 'confirm', bookingId: 'bk_x' },
      { action: 'checkIn', code: 'ABCD2345' },
      { action: 'staffStores' },
    ]) {
      expect((await bookings(event)).error.code).toBe('UNAUTHENTICATED');
    }
  });

  it("ignores an openid in the body: the booking is the caller's", async () => {
    const alice = newCustomer();
    const bob = newCustomer();
    const res = await bookings({ action: 'create', storeId: STORE, start: at('18:00', '2026-11-26'), openid: bob }, alice);
    expect(res.ok).toBe(true);
    expect((await bookings({ action: 'mine' }, alice)).data.bookings.map((b: { id: string }) => b.id)).toEqual([res.data.booking.id]);
    expect((await bookings({ action: 'mine', openid: alice }, bob)).data.bookings).toEqual([]);
  });

  it('names the field of bad input and writes nothing', async () => {
    const before = rows();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ storeId: STORE, start: '2026-11-26 10:00' }, /^start:/],
      [{ storeId: STORE, start: '2026-13-45T10:00:00+08:00' }, /^start:/],
      [{ storeId: STORE, start: 'x'.repeat(100_000) }, /^start:/],
      [{ storeId: 'S'.repeat(10_000), start: at('10:00', '2026-11-26') }, /^storeId:/],
      [{ storeId: STORE }, /^start: is required/],
      [{ storeId: STORE, start: at('10:00', '2026-11-26'), requestId: 'r'.repeat(1000) }, /^requestId:/],
      [{ storeId: 42, start: at('10:00', '2026-11-26') }, /^storeId:/],
    ];
    for (const [params, message] of cases) {
      const res = await bookings({ action: 'create', ...params }, newCustomer());
      expect(res.error.code).toBe('INVALID_ARGUMENT');
      expect(res.error.message).toMatch(message);
    }
    expect((await bookings({ action: 'slots', storeId: STORE, date: '2026-02-30' })).error.message).toMatch(/^date:/);
    expect((await bookings({ action: 'checkIn', code: 'not a code' }, STAFF)).error.message).toMatch(/^code:/);
    expect(rows()).toBe(before);
  });
});

describe('who may do what', () => {
  it("refuses a stranger's cancel, and leaves the booking as it was", async () => {
    const owner = newCustomer();
    const made = await bookings({ action: 'create', storeId: STORE, start: at('19:00', '2026-11-26') }, owner);
    const res = await bookings({ action: 'cancel', bookingId: made.data.booking.id }, newCustomer());
    expect(res.error.code).toBe('PERMISSION_DENIED');
    expect((await bookings({ action: 'mine' }, owner)).data.bookings[0].status).toBe('pending');
    expect((await bookings({ action: 'cancel', bookingId: 'bk_nothing' }, owner)).error.code).toBe('NOT_FOUND');
  });

  it("lets only the store's staff see the day, confirm and check in", async () => {
    const owner = newCustomer();
    const made = await bookings({ action: 'create', storeId: STORE, start: at('20:00', '2026-11-26') }, owner);
    const { id, code } = made.data.booking;
    for (const outsider of [OTHER_STAFF, owner, newCustomer()]) {
      expect((await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, outsider)).error.code).toBe('PERMISSION_DENIED');
      expect((await bookings({ action: 'confirm', bookingId: id }, outsider)).error.code).toBe('PERMISSION_DENIED');
      expect((await bookings({ action: 'checkIn', code }, outsider, '2026-11-26T12:00:00Z')).error.code).toBe('PERMISSION_DENIED');
    }
    expect((await bookings({ action: 'checkIn', code }, OTHER_STAFF, '2026-11-26T12:00:00Z')).error.reason).toBe('WRONG_STORE');
    const day = await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, STAFF);
    expect(day.data.bookings.map((b: { id: string }) => b.id)).toContain(id);
    const confirmed = await bookings({ action: 'confirm', bookingId: id }, STAFF);
    expect(confirmed.data.booking.status).toBe('confirmed');
    expect((await bookings({ action: 'confirm', bookingId: id }, STAFF)).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ALREADY_CONFIRMED' });
  });

  it('tells the mini program which stores the caller works for', async () => {
    expect((await bookings({ action: 'staffStores' }, STAFF)).data).toEqual({
      stores: [{ id: STORE, name: 'Booking One', timezone: 'Asia/Shanghai', today: '2026-11-25' }],
    });
    expect((await bookings({ action: 'staffStores' }, newCustomer())).data).toEqual({ stores: [] });
  });
});

describe('check-in', () => {
  // A 10:00 slot on the 29th: the window is 09:30 to 11:00 Shanghai time.
  const start = at('10:00', '2026-11-29');
  const time = (hhmm: string) => new Date(`2026-11-29T${hhmm}:00+08:00`).toISOString();

  it('opens 30 minutes before the start, checks in once, and closes at the end', async () => {
    const owner = newCustomer();
    const { code } = (await bookings({ action: 'create', storeId: STORE, start }, owner)).data.booking;
    expect((await bookings({ action: 'checkIn', code }, STAFF, time('09:29'))).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'TOO_EARLY' });
    const done = await bookings({ action: 'checkIn', code: code.toLowerCase() }, STAFF, time('09:30'));
    expect(done.data.booking.status).toBe('checked_in');
    expect((await bookings({ action: 'checkIn', code }, STAFF, time('09:40'))).error).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });

    const late = (await bookings({ action: 'create', storeId: STORE, start }, newCustomer())).data.booking;
    expect((await bookings({ action: 'checkIn', code: late.code }, STAFF, time('11:00'))).error).toMatchObject({ reason: 'TOO_LATE' });
  });

  it("refuses a cancelled booking's code and an unknown code", async () => {
    const owner = newCustomer();
    const made = (await bookings({ action: 'create', storeId: STORE, start: at('11:00', '2026-11-29') }, owner)).data.booking;
    await bookings({ action: 'cancel', bookingId: made.id }, owner);
    expect((await bookings({ action: 'checkIn', code: made.code }, STAFF, time('11:00'))).error).toMatchObject({ reason: 'CANCELLED' });
    expect((await bookings({ action: 'checkIn', code: 'ZZZZ2222' }, STAFF, time('11:00'))).error.code).toBe('NOT_FOUND');
  });
});

describe('My bookings', () => {
  it('shows upcoming bookings first, soonest first, then past ones', async () => {
    const who = newCustomer();
    await bookings({ action: 'create', storeId: STORE, start: at('10:00', '2026-11-30') }, who);
    await bookings({ action: 'create', storeId: OTHER, start: at('10:00', '2026-11-26') }, who);
    await bookings({ action: 'create', storeId: STORE, start: at('11:00') }, who);
    // Seen at noon on the 26th: the 25th's booking is past.
    const mine = await bookings({ action: 'mine' }, who, '2026-11-26T04:00:00Z');
    expect(mine.data.bookings.map((b: { start: string; storeName: string }) => [b.start, b.storeName])).toEqual([
      [at('10:00', '2026-11-30'), 'Booking One'],
      [at('10:00', '2026-11-26'), 'Booking Two'],
      [at('11:00'), 'Booking One'],
    ]);
  });
});
