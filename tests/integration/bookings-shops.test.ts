/**
 * Bookings as shops run them (issue 19) through the real local host: party size and contact,
 * auto-confirm, reschedule, reject with a reason, no-shows, and bad input naming its field.
 */
import { ADMIN, startCloud, storedCounts, storedState, type TestCloud } from '../support/host';

// Wednesday 2026-11-25, 09:00 in Shanghai.
const NOW = '2026-11-25T01:00:00Z';
const STORE = 'SH1';
const AUTO = 'SH2';
const STAFF = 'staff-sh1';
const STRANGER_STAFF = 'staff-sh2';
const everyDay = (open: string, close: string) => [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open, close }));
const at = (hhmm: string, date = '2026-11-26') => `${date}T${hhmm}:00+08:00`;

let cloud: TestCloud;
let n = 0;
const newCustomer = () => `shop-customer-${++n}`;
const bookings = (event: Record<string, unknown>, openid?: string, now = NOW) => cloud.call('bookings', event, { openid, now });
const rows = () => storedCounts(cloud).bookings ?? 0;
/** Everything stored (bookings, counters, customers' documents), on either back end. */
const snapshot = () => storedState(cloud);
const remaining = async (start: string, storeId = STORE) => {
  const res = await bookings({ action: 'slots', storeId, date: start.slice(0, 10) });
  return res.data.slots.find((s: { start: string }) => s.start === start)?.remaining;
};

beforeAll(async () => {
  cloud = await startCloud({ seed: 'none' });
  const store = (id: string, slot: Record<string, unknown>) => ({
    kind: 'store',
    id,
    name: `Shop ${id}`,
    address: '2 Test Road',
    lat: 31.23,
    lng: 121.47,
    category: 'restaurant',
    openingHours: everyDay('09:00', '21:00'),
    slot,
  });
  const up = await cloud.call(
    'admin',
    {
      action: 'upsertPlaces',
      places: [
        store(STORE, { minutes: 60, capacity: 6 }),
        store(AUTO, { minutes: 60, capacity: 4, autoConfirm: true }),
        store('SH3', { minutes: 60, capacity: 1 }),
      ],
    },
    { openid: ADMIN },
  );
  expect(up).toEqual({ ok: true, data: expect.objectContaining({ upserted: 3 }) });
  expect((await cloud.call('admin', { action: 'setStaff', openid: STAFF, storeIds: [STORE, AUTO] }, { openid: ADMIN })).ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: STRANGER_STAFF, storeIds: ['SH3'] }, { openid: ADMIN })).ok).toBe(true);
});
afterAll(() => cloud.close());

describe('party and contact', () => {
  it('books a party of 4 with a contact and a note: 4 places taken, everything carried back', async () => {
    const customer = newCustomer();
    const res = await bookings(
      { action: 'create', storeId: STORE, start: at('10:00'), partySize: 4, contact: { name: ' 李雷 ', phone: '138-0013-8000' }, note: '有婴儿车' },
      customer,
    );
    expect(res.ok).toBe(true);
    expect(res.data.booking).toMatchObject({ status: 'pending', partySize: 4, contact: { name: '李雷', phone: '13800138000' }, note: '有婴儿车' });
    expect(await remaining(at('10:00'))).toBe(2);
    // The party of 3 does not fit in the 2 places left; a party of 2 does.
    const three = await bookings({ action: 'create', storeId: STORE, start: at('10:00'), partySize: 3 }, newCustomer());
    expect(three.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'SLOT_FULL' });
    expect((await bookings({ action: 'create', storeId: STORE, start: at('10:00'), partySize: 2 }, newCustomer())).ok).toBe(true);
    expect(await remaining(at('10:00'))).toBe(0);
  });

  it('shows party, contact and note to the store staff only', async () => {
    const customer = newCustomer();
    await bookings({ action: 'create', storeId: STORE, start: at('11:00'), partySize: 2, contact: { name: 'Han', phone: '13900001111' } }, customer);
    const day = await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, STAFF);
    expect(day.data.bookings.find((b: { start: string }) => b.start === at('11:00'))).toMatchObject({
      partySize: 2,
      contact: { name: 'Han', phone: '13900001111' },
    });
    expect((await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, STRANGER_STAFF)).error).toMatchObject({
      code: 'PERMISSION_DENIED',
      reason: 'WRONG_STORE',
    });
    expect((await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, customer)).error).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('confirms at once at a store with autoConfirm', async () => {
    const res = await bookings({ action: 'create', storeId: AUTO, start: at('10:00') }, newCustomer());
    expect(res.data.booking.status).toBe('confirmed');
  });
});

describe('bad input names its field and writes nothing', () => {
  it('refuses party sizes, contacts and notes out of their ranges', async () => {
    const before = snapshot();
    const base = { action: 'create', storeId: STORE, start: at('15:00') };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ partySize: 0 }, /^partySize: must be between 1 and 10/],
      [{ partySize: 11 }, /^partySize: must be between 1 and 10/],
      [{ partySize: 2.5 }, /^partySize:/],
      [{ partySize: '3' }, /^partySize:/],
      // Larger than the slot's capacity (6).
      [{ partySize: 7 }, /^partySize: must be at most 6/],
      [{ contact: { name: '一二三四五六七八九十一二三四五六七八九十一', phone: '13800138000' } }, /^contact\.name: must be at most 20 characters/],
      [{ contact: { name: '  ', phone: '13800138000' } }, /^contact\.name: must not be empty/],
      [{ contact: { name: 'Li', phone: '23800138000' } }, /^contact\.phone: must be a mainland mobile number/],
      [{ contact: { name: 'Li', phone: '1380013800' } }, /^contact\.phone:/],
      [{ contact: { name: 'Li', phone: '+8613800138000' } }, /^contact\.phone:/],
      [{ contact: { name: 'Li' } }, /^contact\.phone: is required/],
      [{ note: '字'.repeat(101) }, /^note: must be at most 100 characters/],
    ];
    for (const [params, message] of cases) {
      const res = await bookings({ ...base, ...params }, newCustomer());
      expect({ params, code: res.error?.code }).toEqual({ params, code: 'INVALID_ARGUMENT' });
      expect(res.error.message).toMatch(message);
    }
    expect(snapshot()).toBe(before);
  });

  it('refuses a reason empty or over 50 characters, and a reschedule start that is no instant', async () => {
    const made = await bookings({ action: 'create', storeId: STORE, start: at('16:00') }, newCustomer());
    const id = made.data.booking.id;
    const before = snapshot();
    for (const [reason, message] of [
      ['', /^reason: must not be empty/],
      ['   ', /^reason: must not be empty/],
      ['因'.repeat(51), /^reason: must be at most 50 characters/],
      [undefined, /^reason: is required/],
    ] as const) {
      const res = await bookings({ action: 'reject', bookingId: id, reason }, STAFF);
      expect(res.error.code).toBe('INVALID_ARGUMENT');
      expect(res.error.message).toMatch(message);
    }
    const bad = await bookings({ action: 'reschedule', bookingId: id, start: 'tomorrow' });
    expect(bad.error.code).toBe('UNAUTHENTICATED');
    expect((await bookings({ action: 'reschedule', bookingId: id, start: 'tomorrow' }, newCustomer())).error.message).toMatch(/^start:/);
    expect(snapshot()).toBe(before);
  });
});

describe('reschedule, reject, no-show', () => {
  it('reschedules the same booking (id and code), moving its places, and refuses a past, cancelled or rejected one', async () => {
    const customer = newCustomer();
    const made = await bookings({ action: 'create', storeId: STORE, start: at('12:00'), partySize: 3 }, customer);
    const { id, code } = made.data.booking;
    const moved = await bookings({ action: 'reschedule', bookingId: id, start: at('13:00') }, customer);
    expect(moved.data.booking).toMatchObject({ id, code, start: at('13:00'), status: 'pending', partySize: 3 });
    expect([await remaining(at('12:00')), await remaining(at('13:00'))]).toEqual([6, 3]);
    // Past: the slot started.
    const started = await bookings({ action: 'reschedule', bookingId: id, start: at('14:00') }, customer, '2026-11-26T05:00:00Z');
    expect(started.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'STARTED' });
    // Cancelled.
    expect((await bookings({ action: 'cancel', bookingId: id }, customer)).ok).toBe(true);
    expect((await bookings({ action: 'reschedule', bookingId: id, start: at('14:00') }, customer)).error).toMatchObject({
      code: 'FAILED_PRECONDITION',
      reason: 'CANCELLED',
    });
    // Rejected.
    const other = await bookings({ action: 'create', storeId: STORE, start: at('14:00') }, customer);
    expect((await bookings({ action: 'reject', bookingId: other.data.booking.id, reason: '包场' }, STAFF)).ok).toBe(true);
    expect((await bookings({ action: 'reschedule', bookingId: other.data.booking.id, start: at('17:00') }, customer)).error).toMatchObject({
      code: 'FAILED_PRECONDITION',
      reason: 'REJECTED',
    });
  });

  it('rejects before the start only, freeing the places; the customer sees the reason', async () => {
    const customer = newCustomer();
    const made = await bookings({ action: 'create', storeId: STORE, start: at('17:00'), partySize: 5 }, customer);
    const id = made.data.booking.id;
    expect(await remaining(at('17:00'))).toBe(1);
    const late = await bookings({ action: 'reject', bookingId: id, reason: '设备故障' }, STAFF, '2026-11-26T09:00:00Z');
    expect(late.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'STARTED' });
    expect((await bookings({ action: 'reject', bookingId: id, reason: '设备故障' }, customer)).error.code).toBe('PERMISSION_DENIED');
    const res = await bookings({ action: 'reject', bookingId: id, reason: '设备故障' }, STAFF);
    expect(res.data.booking).toMatchObject({ status: 'rejected', reason: '设备故障' });
    expect(await remaining(at('17:00'))).toBe(6);
    const mine = await bookings({ action: 'mine' }, customer);
    expect(mine.data.bookings[0]).toMatchObject({ id, status: 'rejected', reason: '设备故障' });
    expect(mine.data.noShowBlock).toBeNull();
  });

  it('marks no-shows after the slot only; the third within 30 days blocks booking for 7 days, NO_SHOWS', async () => {
    const customer = newCustomer();
    const ids: string[] = [];
    for (const date of ['2026-11-26', '2026-11-27', '2026-11-28']) {
      const made = await bookings({ action: 'create', storeId: STORE, start: at('18:00', date) }, customer);
      ids.push(made.data.booking.id);
    }
    const early = await bookings({ action: 'noShow', bookingId: ids[0] }, STAFF, '2026-11-26T10:59:00Z');
    expect(early.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NOT_ENDED' });
    for (const [i, date] of ['2026-11-26', '2026-11-27', '2026-11-28'].entries()) {
      const res = await bookings({ action: 'noShow', bookingId: ids[i] }, STAFF, `${date}T11:00:00Z`);
      expect(res.data.booking.status).toBe('no_show');
    }
    const after = '2026-11-28T12:00:00Z';
    expect((await bookings({ action: 'mine' }, customer, after)).data.noShowBlock).toEqual({ until: '2026-12-05T11:00:00.000Z', count: 3 });
    const before = rows();
    const refused = await bookings({ action: 'create', storeId: STORE, start: at('10:00', '2026-11-30') }, customer, after);
    expect(refused.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NO_SHOWS' });
    expect(rows()).toBe(before);
    const free = await bookings({ action: 'create', storeId: STORE, start: at('10:00', '2026-12-06') }, customer, '2026-12-05T11:00:00Z');
    expect(free.ok).toBe(true);
  });
});

describe('the staff and the customer told, through the timer and the outbox', () => {
  const timer = (now: string) => cloud.call('reminders', { Type: 'Timer', TriggerName: 'every-minute', Time: now }, { now });
  const outbox = async () =>
    (
      (await (await fetch(`${cloud.url}/outbox`)).json()) as {
        messages: { openid: string; templateKey: string; page: string; data: Record<string, { value: string }> }[];
      }
    ).messages;
  // Half an hour after the bookings above were made: their new-booking look-back (15 minutes) is over.
  const at1 = (minutes: number) => new Date(Date.parse(NOW) + (30 + minutes) * 60_000).toISOString();

  it('newBooking once to the subscribed staff member of the store (SH3) at the next run; bookingChanged once to the customer after a reject', async () => {
    const templates = (await cloud.call('subscriptions', { action: 'templates' })).data.templates;
    expect(
      (await cloud.call('subscriptions', { action: 'grant', results: { [templates.newBooking]: 'accept' } }, { openid: STRANGER_STAFF, now: NOW })).ok,
    ).toBe(true);
    const customer = newCustomer();
    expect(
      (await cloud.call('subscriptions', { action: 'grant', results: { [templates.bookingChanged]: 'accept' } }, { openid: customer, now: NOW })).data.quota
        .bookingChanged,
    ).toBe(1);
    const made = await bookings({ action: 'create', storeId: 'SH3', start: at('19:00'), contact: { name: '周', phone: '13700000000' } }, customer, at1(0));
    const id = made.data.booking.id;
    const before = (await outbox()).length;
    await timer(at1(1));
    await timer(at1(2));
    const staffMessages = (await outbox()).slice(before).filter((m) => m.templateKey === 'newBooking');
    expect(staffMessages.map((m) => [m.openid, m.page, m.data.thing3.value, m.data.thing4.value])).toEqual([
      [STRANGER_STAFF, `packageBooking/pages/staff/index?storeId=SH3&date=2026-11-26&bookingId=${id}`, '1人', '周'],
    ]);
    expect((await cloud.call('subscriptions', { action: 'quota' }, { openid: STRANGER_STAFF, now: NOW })).data.quota.newBooking).toBe(0);

    expect((await bookings({ action: 'reject', bookingId: id, reason: '门店包场活动' }, STRANGER_STAFF, at1(3))).ok).toBe(true);
    await timer(at1(4));
    await timer(at1(5));
    const changed = (await outbox()).slice(before).filter((m) => m.templateKey === 'bookingChanged');
    expect(changed.map((m) => [m.openid, m.page, m.data.phrase3.value, m.data.thing4.value])).toEqual([
      [customer, `packageBooking/pages/my-bookings/index?bookingId=${id}`, '门店已拒绝', '门店包场活动'],
    ]);
  });

  it('tells nobody of a booking at a store that confirms automatically', async () => {
    const before = (await outbox()).length;
    expect((await bookings({ action: 'create', storeId: AUTO, start: at('19:00') }, newCustomer(), at1(6))).data.booking.status).toBe('confirmed');
    await timer(at1(7));
    expect((await outbox()).slice(before).filter((m) => m.templateKey === 'newBooking')).toEqual([]);
  });
});
