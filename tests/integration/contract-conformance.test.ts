/**
 * API.md read sentence by sentence, checked the way an outside acceptance check calls the local
 * host: POST /functions/{name}, X-WX-OPENID for the caller, X-Nearby-Now for the time. Only what the
 * other integration tests leave unchecked is here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { destination } from '@turf/turf';
import { functionActions } from '../../functions/lib/actions';
import { openDatabase, sqlitePorts } from '../../functions/lib/sqlite';
import { createHost } from '../../functions/local/host';
import { ERROR_CODES } from '../../shared/result';
import { settingsFrom } from '../../functions/local/main';
import { ADMIN, startCloud, type TestCloud } from '../support/host';
import { square } from '../support/places';
import { DEFAULT_TARIFF_FEES } from '../support/tariff-cases';

// Wednesday 2026-11-25, 09:00 in Shanghai.
const NOW = '2026-11-25T01:00:00Z';
const at = (hhmm: string, date = '2026-11-26') => `${date}T${hhmm}:00+08:00`;
const everyDay = (open: string, close: string) => [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open, close }));
const STORE = 'CC1';
const OTHER = 'CC2';
const STAFF = 'cc-staff';
const OTHER_STAFF = 'cc-other-staff';
// A square parking zone of about 110 m a side (south-west corner at 20° N, 110° E), far from everything else.
const ZONE = square(20, 110, 0.001);
const IN_ZONE = { lat: 20.0005, lng: 110.0005 };
const OUTSIDE = { lat: 20.01, lng: 110.01 };

let cloud: TestCloud;
let serial = 0;
const someone = () => `cc-user-${++serial}`;
const bookings = (event: object, openid?: string, now = NOW) => cloud.call('bookings', event, { openid, now });
const rides = (event: object, openid?: string, now = NOW) => cloud.call('rides', event, { openid, now });
const create = (start: string, openid: string, extra: object = {}, now = NOW) => bookings({ action: 'create', storeId: STORE, start, ...extra }, openid, now);

beforeAll(async () => {
  cloud = await startCloud({ seed: 'none' });
  const store = (id: string) => ({
    kind: 'store',
    id,
    name: `Conformance ${id}`,
    address: '1 Contract Road',
    lat: 20.0,
    lng: 110.0,
    category: 'coffee',
    openingHours: everyDay('09:00', '21:00'),
    slot: { minutes: 60, capacity: 2 },
  });
  const station = { kind: 'station', id: 'CCP', name: 'Contract gate', lat: IN_ZONE.lat, lng: IN_ZONE.lng, zone: ZONE };
  expect((await cloud.call('admin', { action: 'upsertPlaces', places: [store(STORE), store(OTHER), station] }, { openid: ADMIN })).ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: STAFF, storeIds: [STORE] }, { openid: ADMIN })).ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: OTHER_STAFF, storeIds: [OTHER] }, { openid: ADMIN })).ok).toBe(true);
});
afterAll(() => cloud.close());

describe('Results', () => {
  const anonymousAllowed = new Set(['geo.nearby', 'geo.search', 'geo.get', 'bookings.slots', 'subscriptions.templates', 'bills.billers']);
  const needCaller = Object.entries(functionActions).flatMap(([fn, actions]) =>
    Object.keys(actions)
      .filter((action) => !anonymousAllowed.has(`${fn}.${action}`))
      .map((action) => [fn, action] as const),
  );

  it.each(needCaller)('%s.%s without a caller is UNAUTHENTICATED, whatever the input', async (fn, action) => {
    const res = await cloud.call(fn, { action });
    expect(res).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('serves geo.nearby and bookings.slots to anonymous callers', async () => {
    expect((await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 20, lng: 110 })).ok).toBe(true);
    expect((await bookings({ action: 'slots', storeId: STORE, date: '2026-11-26' })).ok).toBe(true);
  });

  it.each(Object.keys(functionActions))('an unknown action of %s is INVALID_ARGUMENT, for anybody', async (fn) => {
    for (const openid of [undefined, someone(), ADMIN]) {
      const res = await cloud.call(fn, { action: 'noSuchAction' }, { openid });
      expect(res.error.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('only ever answers one of the eight codes, and nothing but code, message and reason', async () => {
    // The codes as API.md's sentence names them ("`CODE` is one of …"), and the contract's list is the same eight.
    const sentence = /`CODE` is one of ([^.]+)\./.exec(readFileSync(join(__dirname, '../../docs/api.md'), 'utf8'))?.[1] ?? '';
    const codes = [...sentence.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    expect(codes).toHaveLength(8);
    expect([...ERROR_CODES].sort()).toEqual([...codes].sort());
    const answers = [
      await bookings({ action: 'create', storeId: 'NOPE', start: at('10:00') }, someone()),
      await bookings({ action: 'cancel', bookingId: 'bk_none' }, someone()),
      await rides({ action: 'unlock', bikeCode: 'NOSUCH', ...IN_ZONE }, someone()),
      await cloud.call('admin', { action: 'setStaff', openid: 'x', storeIds: [] }, { openid: someone() }),
      await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 20, lng: 110, limit: 101 }),
    ];
    for (const res of answers) {
      expect(res.ok).toBe(false);
      expect(codes).toContain(res.error.code);
      expect(Object.keys(res.error).every((k) => ['code', 'message', 'reason'].includes(k))).toBe(true);
      expect(typeof res.error.message).toBe('string');
    }
  });

  it('does not clamp out-of-range values: a radius over 50000 and a limit over 100 are refused', async () => {
    for (const extra of [{ radius: 50000.5 }, { radius: 100000 }, { limit: 101 }, { limit: 1000 }]) {
      const res = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 20, lng: 110, ...extra });
      expect(res.error.code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('Calling the local host', () => {
  it('takes the JSON event whatever the content type, and the caller header in any case', async () => {
    const who = someone();
    const types: Array<Record<string, string>> = [{ 'content-type': 'text/plain' }, {}, { 'content-type': 'application/json; charset=utf-8' }];
    for (const headers of types) {
      const res = await fetch(`${cloud.url}/functions/rides`, {
        method: 'POST',
        body: JSON.stringify({ action: 'current' }),
        headers: { ...headers, 'x-WX-openid': who },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, data: { ride: null, reservation: null } });
    }
  });

  it('ignores a query string on the function URL', async () => {
    const res = await cloud.post('/functions/geo?env=test', JSON.stringify({ action: 'nearby', kind: 'store', lat: 20, lng: 110 }));
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
  });

  it('reads an empty NEARBY_ADMIN_OPENIDS as unset (local-admin), like every other setting', () => {
    expect(settingsFrom({ NEARBY_ADMIN_OPENIDS: '' }).admins).toEqual(new Set(['local-admin']));
    expect(settingsFrom({ NEARBY_ADMIN_OPENIDS: 'a1,a2' }).admins).toEqual(new Set(['a1', 'a2']));
  });
});

describe('INTERNAL never carries a stack trace or a database message', () => {
  it('answers a failing database with INTERNAL and a plain message', async () => {
    const db = openDatabase(':memory:');
    const ports = sqlitePorts(db);
    const boom = () => {
      const err = new Error('SqliteError: SQLITE_CORRUPT: database disk image is malformed (table bookings)');
      (err as Error & { code: string }).code = 'SQLITE_CORRUPT';
      throw err;
    };
    ports.places.get = async () => boom();
    ports.places.nearby = async () => boom();
    ports.rides.reserve = async () => boom();
    const logged: unknown[] = [];
    const host = createHost({ ports, admins: new Set([ADMIN]), clock: 'header', log: (line) => logged.push(line) });
    const url = await host.listen(0);
    try {
      const calls: Array<[string, object]> = [
        ['bookings', { action: 'slots', storeId: 'S1', date: '2026-11-26' }],
        ['geo', { action: 'nearby', kind: 'store', lat: 20, lng: 110 }],
        ['rides', { action: 'unlock', bikeCode: 'B1', lat: 20, lng: 110 }],
      ];
      for (const [fn, event] of calls) {
        const res = await fetch(`${url}/functions/${fn}`, { method: 'POST', body: JSON.stringify(event), headers: { 'x-wx-openid': 'someone' } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
        expect(text).not.toMatch(/SQLITE|Sqlite|malformed|bookings\)|\n\s+at |\.ts:\d+|\.js:\d+/);
      }
      // The stack goes to the log, for the operator.
      expect(JSON.stringify(logged)).toMatch(/SQLITE_CORRUPT/);
    } finally {
      await host.close();
      db.close();
    }
  });
});

describe('bookings, as API.md words them', () => {
  it('create answers { booking } with exactly id, storeId, start, end, status "pending", code and partySize (plus the store name), and the slot and holds the store page shows next', async () => {
    const who = someone();
    const res = await create(at('19:00', '2026-11-28'), who);
    expect(res.ok).toBe(true);
    // Added by issue 20 (docs/api.md): the slot's places after this booking, the caller's active bookings.
    expect(Object.keys(res.data)).toEqual(['booking', 'slot', 'active']);
    // Nobody else books Saturday 19:00: 1 of the 2 places taken.
    expect(res.data.slot).toEqual({ start: at('19:00', '2026-11-28'), end: at('20:00', '2026-11-28'), capacity: 2, remaining: 1 });
    expect(res.data.active).toEqual([{ id: res.data.booking.id, storeId: STORE, start: at('19:00', '2026-11-28'), end: at('20:00', '2026-11-28') }]);
    expect(res.data.booking).toEqual({
      id: expect.any(String),
      storeId: STORE,
      storeName: `Conformance ${STORE}`,
      start: at('19:00', '2026-11-28'),
      end: at('20:00', '2026-11-28'),
      status: 'pending',
      code: expect.stringMatching(/^[A-Z0-9]{4,12}$/),
      // Issue 19: places counted per person, 1 by default.
      partySize: 1,
    });
  });

  it('reschedule answers { booking } moved (same id and code), with the new slot, the left slot and the holds the store page shows next', async () => {
    const who = someone();
    const made = await create(at('16:00', '2026-11-29'), who);
    expect(made.ok).toBe(true);
    const res = await bookings({ action: 'reschedule', bookingId: made.data.booking.id, start: at('17:00', '2026-11-29') }, who);
    expect(res.ok).toBe(true);
    // Added like create's (docs/api.md): every field of `{ booking }` kept.
    expect(Object.keys(res.data)).toEqual(['booking', 'slot', 'active', 'left']);
    expect(res.data.booking).toEqual({ ...made.data.booking, start: at('17:00', '2026-11-29'), end: at('18:00', '2026-11-29') });
    // Nobody else books Sunday 16:00 or 17:00: the move takes 1 of 17:00's 2 places and gives 16:00's back.
    expect(res.data.slot).toEqual({ start: at('17:00', '2026-11-29'), end: at('18:00', '2026-11-29'), capacity: 2, remaining: 1 });
    expect(res.data.left).toEqual({ start: at('16:00', '2026-11-29'), end: at('17:00', '2026-11-29'), capacity: 2, remaining: 2 });
    expect(res.data.active).toEqual([{ id: made.data.booking.id, storeId: STORE, start: at('17:00', '2026-11-29'), end: at('18:00', '2026-11-29') }]);
  });

  it("takes a start written in any offset, Z or with milliseconds, and answers it in the store's offset", async () => {
    const who = someone();
    const utc = await create('2026-11-26T03:00:00Z', who); // 11:00 in Shanghai
    expect(utc.data.booking).toMatchObject({ start: at('11:00'), end: at('12:00') });
    const tokyo = await create('2026-11-26T13:00:00.000+09:00', who); // 12:00 in Shanghai
    expect(tokyo.data.booking).toMatchObject({ start: at('12:00'), end: at('13:00') });
  });

  it('refuses a start without an offset, or a date alone, as INVALID_ARGUMENT naming start', async () => {
    for (const start of ['2026-11-26T10:00:00', '2026-11-26', '10:00', 1764122400000]) {
      const res = await create(start as string, someone());
      expect(res.error.code).toBe('INVALID_ARGUMENT');
      expect(res.error.message).toMatch(/^start: /);
    }
  });

  it('answers the same booking to the same requestId, even after it was cancelled (and books nothing new)', async () => {
    const who = someone();
    const first = await create(at('14:00'), who, { requestId: 'r-cancel' });
    const cancelled = await bookings({ action: 'cancel', bookingId: first.data.booking.id }, who);
    expect(cancelled.data.booking.status).toBe('cancelled');
    const retry = await create(at('14:00'), who, { requestId: 'r-cancel' });
    expect(retry.ok).toBe(true);
    expect(retry.data.booking).toMatchObject({ id: first.data.booking.id, code: first.data.booking.code, status: 'cancelled' });
    expect((await bookings({ action: 'mine' }, who)).data.bookings).toHaveLength(1);
    // Without the requestId, the caller books the slot anew.
    const fresh = await create(at('14:00'), who);
    expect(fresh.ok).toBe(true);
    expect(fresh.data.booking.id).not.toBe(first.data.booking.id);
  });

  it('answers the first booking to a requestId reused for another slot', async () => {
    const who = someone();
    const first = await create(at('15:00'), who, { requestId: 'r-reuse' });
    const second = await create(at('16:00'), who, { requestId: 'r-reuse' });
    expect(second.data.booking).toEqual(first.data.booking);
  });

  it('counts only upcoming active bookings toward the 5: past ones free the room', async () => {
    const who = someone();
    for (const h of ['10', '11', '12', '13', '14']) expect((await create(at(`${h}:00`, '2026-11-27'), who)).ok).toBe(true);
    const sixth = await create(at('15:00', '2026-11-27'), who);
    expect(sixth.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'TOO_MANY_BOOKINGS' });
    // The next day, the five are past: the caller may book again.
    const later = await create(at('10:00', '2026-11-30'), who, {}, '2026-11-28T01:00:00Z');
    expect(later.ok).toBe(true);
  });

  it('holds the 5-booking limit when one caller sends ten creates at once', async () => {
    const who = someone();
    const hours = ['09', '10', '11', '12', '13', '14', '15', '16', '17', '18'];
    const answers = await Promise.all(hours.map((h) => bookings({ action: 'create', storeId: OTHER, start: at(`${h}:00`, '2026-12-01') }, who)));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'TOO_MANY_BOOKINGS' });
    expect((await bookings({ action: 'mine' }, who)).data.bookings).toHaveLength(5);
  });

  it('gives a place freed by a cancel to exactly one of the callers racing for it', async () => {
    const start = at('20:00', '2026-12-01');
    const holders = [someone(), someone()];
    const held = [];
    for (const h of holders) held.push((await bookings({ action: 'create', storeId: OTHER, start }, h)).data.booking);
    expect((await bookings({ action: 'create', storeId: OTHER, start }, someone())).error).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    const [cancelled, ...racers] = await Promise.all([
      bookings({ action: 'cancel', bookingId: held[0].id }, holders[0]),
      ...Array.from({ length: 6 }, () => bookings({ action: 'create', storeId: OTHER, start }, someone())),
    ]);
    expect(cancelled.ok).toBe(true);
    expect(racers.filter((r) => r.ok).length).toBeLessThanOrEqual(1);
    const slots = await bookings({ action: 'slots', storeId: OTHER, date: '2026-12-01' });
    const slot = slots.data.slots.find((s: { start: string }) => s.start === start);
    expect(slot.remaining).toBe(1 - racers.filter((r) => r.ok).length);
    const live = (await bookings({ action: 'day', storeId: OTHER, date: '2026-12-01' }, OTHER_STAFF)).data.bookings.filter(
      (b: { start: string; status: string }) => b.start === start && b.status !== 'cancelled',
    );
    expect(live.length).toBeLessThanOrEqual(2);
  });

  it('does not count a checked-in booking among the active ones', async () => {
    const who = someone();
    const made = [];
    for (const h of ['10', '11', '12', '13', '14']) made.push((await create(at(`${h}:00`, '2026-11-29'), who)).data.booking);
    const checkedIn = await bookings({ action: 'checkIn', code: made[0].code }, STAFF, '2026-11-29T01:45:00Z');
    expect(checkedIn.data.booking.status).toBe('checked_in');
    expect((await create(at('15:00', '2026-11-29'), who, {}, '2026-11-29T01:45:00Z')).ok).toBe(true);
  });

  it('lets the owner cancel a confirmed booking before the start, and no longer once it has started', async () => {
    const who = someone();
    const a = (await create(at('17:00'), who)).data.booking;
    expect((await bookings({ action: 'confirm', bookingId: a.id }, STAFF)).data.booking.status).toBe('confirmed');
    const cancelled = await bookings({ action: 'cancel', bookingId: a.id }, who, '2026-11-26T08:59:59Z');
    expect(cancelled).toEqual({ ok: true, data: { booking: expect.objectContaining({ id: a.id, status: 'cancelled' }) } });

    const b = (await create(at('18:00'), who)).data.booking;
    const atStart = await bookings({ action: 'cancel', bookingId: b.id }, who, at('18:00'));
    expect(atStart.error.code).toBe('FAILED_PRECONDITION');
    expect((await bookings({ action: 'mine' }, who, at('18:00'))).data.bookings.find((x: { id: string }) => x.id === b.id).status).toBe('pending');
  });

  it('checks in a confirmed booking by its code, for staff of that store only', async () => {
    const who = someone();
    const b = (await create(at('19:00'), who)).data.booking;
    await bookings({ action: 'confirm', bookingId: b.id }, STAFF);
    const inWindow = '2026-11-26T10:45:00Z'; // 18:45 in Shanghai
    expect((await bookings({ action: 'checkIn', code: b.code }, OTHER_STAFF, inWindow)).error.code).toBe('PERMISSION_DENIED');
    expect((await bookings({ action: 'checkIn', code: b.code }, who, inWindow)).error.code).toBe('PERMISSION_DENIED');
    expect((await bookings({ action: 'checkIn', code: b.code }, ADMIN, inWindow)).error.code).toBe('PERMISSION_DENIED');
    const done = await bookings({ action: 'checkIn', code: b.code }, STAFF, inWindow);
    expect(done).toEqual({
      ok: true,
      data: { booking: { id: b.id, storeId: STORE, start: b.start, end: b.end, status: 'checked_in', code: b.code, partySize: 1 } },
    });
  });

  it("answers mine and day with { bookings } of the contract's booking shape", async () => {
    const who = someone();
    const b = (await create(at('20:00'), who)).data.booking;
    const mine = await bookings({ action: 'mine' }, who);
    // Issue 19 adds whether the caller's no-shows stop them booking (null: they may book).
    expect(Object.keys(mine.data)).toEqual(['bookings', 'noShowBlock']);
    expect(mine.data.noShowBlock).toBeNull();
    expect(mine.data.bookings).toEqual([b]);
    const day = await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, STAFF);
    expect(Object.keys(day.data)).toEqual(['bookings']);
    const mineInDay = day.data.bookings.find((x: { id: string }) => x.id === b.id);
    expect(mineInDay).toMatchObject({ id: b.id, storeId: STORE, start: b.start, end: b.end, status: 'pending', code: b.code });
    expect(JSON.stringify(day.data)).not.toContain(who);
    expect((await bookings({ action: 'day', storeId: STORE, date: '2026-11-26' }, OTHER_STAFF)).error.code).toBe('PERMISSION_DENIED');
  });

  it('answers slots with { start, end, capacity, remaining } of that store-local date, inside the hours', async () => {
    const res = await bookings({ action: 'slots', storeId: STORE, date: '2026-11-28' });
    expect(res.data.slots).toHaveLength(12);
    for (const s of res.data.slots) {
      expect(s).toMatchObject({
        start: expect.stringMatching(/^2026-11-28T(09|1\d|20):00:00\+08:00$/),
        end: expect.any(String),
        capacity: 2,
        remaining: expect.any(Number),
      });
    }
  });
});

describe('rides, as API.md words them', () => {
  let bikes = 0;
  async function bike(where: { lat: number; lng: number } = IN_ZONE) {
    const code = `CCB${++bikes}`;
    const res = await cloud.call(
      'admin',
      { action: 'upsertPlaces', places: [{ kind: 'bike', id: code, code, ...where, status: 'available' }] },
      { openid: ADMIN },
    );
    expect(res.ok).toBe(true);
    return code;
  }
  const T0 = Date.parse('2026-11-25T08:00:00+08:00');
  const t = (sec: number) => new Date(T0 + sec * 1000).toISOString();
  async function ride() {
    const who = someone();
    const code = await bike();
    const res = await rides({ action: 'unlock', bikeCode: code, ...IN_ZONE }, who, t(0));
    expect(res.ok).toBe(true);
    return { who, code, ride: res.data.ride };
  }

  it('unlocks from 99.5 m and refuses from 100.5 m (TOO_FAR is more than 100 m)', async () => {
    const from = (m: number) => {
      const [lng, lat] = destination([IN_ZONE.lng, IN_ZONE.lat], m, 0, { units: 'meters' }).geometry.coordinates;
      return { lat, lng };
    };
    const far = await rides({ action: 'unlock', bikeCode: await bike(), ...from(100.5) }, someone(), t(0));
    expect(far.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'TOO_FAR' });
    expect((await rides({ action: 'unlock', bikeCode: await bike(), ...from(99.5) }, someone(), t(0))).ok).toBe(true);
  });

  it('answers an unknown bike code with an error, never a ride', async () => {
    const res = await rides({ action: 'unlock', bikeCode: 'NOBIKE42', ...IN_ZONE }, someone(), t(0));
    expect(res.ok).toBe(false);
    expect(['NOT_FOUND', 'FAILED_PRECONDITION']).toContain(res.error.code);
  });

  it('answers current with { ride } while riding and { ride: null } for a caller who never rode', async () => {
    const { who, ride: r } = await ride();
    expect(await rides({ action: 'current' }, who, t(10))).toEqual({ ok: true, data: { ride: r, reservation: null } });
    expect(await rides({ action: 'current' }, someone(), t(10))).toEqual({ ok: true, data: { ride: null, reservation: null } });
  });

  it.each(DEFAULT_TARIFF_FEES)('charges a ride of %i s %i fen, with a bill only when the fee is not 0', async (sec, fee) => {
    const { who, ride: r } = await ride();
    const res = await rides({ action: 'end', rideId: r.id, ...IN_ZONE }, who, t(sec));
    expect(res.data.ride).toMatchObject({ id: r.id, status: 'ended', endAt: t(sec), durationSec: sec, feeFen: fee, surchargeFen: 0 });
    if (fee === 0) expect(res.data.ride.billId).toBeNull();
    else expect(res.data.ride.billId).toEqual(expect.any(String));
  });

  it('adds the 500 fen surcharge to a free ride ended outside every zone, with a bill', async () => {
    const { who, ride: r } = await ride();
    const res = await rides({ action: 'end', rideId: r.id, ...OUTSIDE, acceptSurcharge: true }, who, t(60));
    expect(res.data.ride).toMatchObject({ status: 'ended', durationSec: 60, feeFen: 500, surchargeFen: 500, billId: expect.any(String) });
  });

  it('adds no surcharge inside a zone, acceptSurcharge or not', async () => {
    const { who, ride: r } = await ride();
    const res = await rides({ action: 'end', rideId: r.id, ...IN_ZONE, acceptSurcharge: true }, who, t(600));
    expect(res.data.ride).toMatchObject({ feeFen: 150, surchargeFen: 0 });
  });

  it('keeps the ride active outside every zone with acceptSurcharge: false', async () => {
    const { who, ride: r } = await ride();
    const res = await rides({ action: 'end', rideId: r.id, ...OUTSIDE, acceptSurcharge: false }, who, t(600));
    expect(res.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'OUTSIDE_PARKING_ZONE' });
    expect((await rides({ action: 'current' }, who, t(601))).data.ride).toEqual(r);
  });

  it('leaves the bike available where it was left, for the next rider', async () => {
    const { who, code, ride: r } = await ride();
    const spot = { lat: 20.0009, lng: 110.0009 };
    await rides({ action: 'end', rideId: r.id, ...spot }, who, t(60));
    const near = await cloud.call('geo', { action: 'nearby', kind: 'bike', ...spot, radius: 1 });
    expect(near.data.items.map((b: { code: string }) => b.code)).toContain(code);
    expect((await rides({ action: 'unlock', bikeCode: code, ...spot }, someone(), t(120))).ok).toBe(true);
  });
});
