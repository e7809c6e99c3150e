import { ADMIN, startCloud, storedCounts, type TestCloud } from '../support/host';
import { polygon, station as stationAt, store as storeAt } from '../support/places';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'demo' });
});
afterAll(() => cloud.close());

/** Rows of every table (documents of every collection): what a refused request must leave as it was. */
function everyRow(): Record<string, number> {
  return storedCounts(cloud);
}

/** A raw exchange, keeping the text: no answer may carry a stack trace or a database message. */
async function raw(path: string, init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${cloud.url}${path}`, {
    method: init.method ?? 'POST',
    body: init.body,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|SqliteError|SQLITE_|constraint failed/);
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

const store = storeAt('S900', { lat: 31.23, lng: 121.47 });
const station = stationAt('P900', { lat: 31.23, lng: 121.47 });
const nearby = { action: 'nearby', kind: 'store', lat: 31.23, lng: 121.47 };
const upsert = (place: object) => ({ action: 'upsertPlaces', places: [store, place] });
/** An upsert of a second store, S901, open one interval a week: `day`, `open` to `close`. */
const storeHours = (day: number, open: string, close: string) => upsert({ ...store, id: 'S901', openingHours: [{ day, open, close }] });
/** S001's slots of `date`; a booking of S001 at `start` (the demo city's store). */
const slotsOf = (date: string) => ({ action: 'slots', storeId: 'S001', date });
const createAt = (start: string) => ({ action: 'create', storeId: 'S001', start });
const deep = (depth: number): unknown => (depth === 0 ? 1 : [deep(depth - 1)]);

describe('every malformed request gets INVALID_ARGUMENT naming the field, and writes nothing', () => {
  const cases: Array<[string, string, object, RegExp]> = [
    ['lat 91', 'geo', { ...nearby, lat: 91 }, /^lat: /],
    ['lat -91', 'geo', { ...nearby, lat: -91 }, /^lat: /],
    ['lat missing', 'geo', { action: 'nearby', kind: 'store', lng: 1 }, /^lat: /],
    ['lat as a string', 'geo', { ...nearby, lat: '31.2' }, /^lat: /],
    ['lng "x"', 'geo', { ...nearby, lng: 'x' }, /^lng: /],
    ['lng 180.5', 'geo', { ...nearby, lng: 180.5 }, /^lng: /],
    ['lng an object', 'geo', { ...nearby, lng: { $gt: 0 } }, /^lng: /],
    ['radius 50001', 'geo', { ...nearby, radius: 50001 }, /^radius: must be at most 50000/],
    ['radius -5', 'geo', { ...nearby, radius: -5 }, /^radius: /],
    ['radius Infinity (sent as null)', 'geo', { ...nearby, radius: 1e308 * 10 }, /^radius: /],
    ['limit 101', 'geo', { ...nearby, limit: 101 }, /^limit: must be at most 100/],
    ['limit 0', 'geo', { ...nearby, limit: 0 }, /^limit: must be at least 1/],
    ['limit 1.5', 'geo', { ...nearby, limit: 1.5 }, /^limit: /],
    ['kind car', 'geo', { ...nearby, kind: 'car' }, /^kind: /],
    ['kind missing', 'geo', { action: 'nearby', lat: 1, lng: 1 }, /^kind: /],
    ['category a number', 'geo', { ...nearby, category: 7 }, /^category: /],
    ['category huge', 'geo', { ...nearby, category: 'c'.repeat(1_000_000) }, /^category: must be at most 40/],
    ['openNow "true"', 'geo', { ...nearby, openNow: 'true' }, /^openNow: /],
    ['kind huge', 'geo', { ...nearby, kind: 'k'.repeat(1_000_000) }, /^kind: /],
    ['lat nested garbage', 'geo', { ...nearby, lat: deep(50) }, /^lat: /],
    ['openingHours day 8', 'admin', storeHours(8, '09:00', '10:00'), /^places\[1\]\.openingHours\[0\]\.day: /],
    ['close 25:00', 'admin', storeHours(1, '09:00', '25:00'), /^places\[1\]\.openingHours\[0\]\.close: /],
    ['zone not closed', 'admin', upsert({ ...station, zone: polygon('0 0, 1 0, 1 1, 0 1') }), /^places\[1\]\.zone\.coordinates\[0\]: a ring must be closed/],
    [
      'zone nested garbage',
      'admin',
      upsert({ ...station, zone: { type: 'Polygon', coordinates: [[[[[[1]]]], [1, 0], [1, 1], [0, 0]]] } }),
      /^places\[1\]\.zone\.coordinates\[0\]\[0\]/,
    ],
    ['zone a string', 'admin', upsert({ ...station, zone: 'POLYGON((0 0, 1 0, 1 1, 0 0))' }), /^places\[1\]\.zone: /],
    ['name huge', 'admin', upsert({ ...store, id: 'S901', name: 'n'.repeat(2_000_000) }), /^places\[1\]\.name: must be at most 80/],
    ['id with a quote', 'admin', upsert({ ...store, id: "S'; DROP TABLE places; --" }), /^places\[1\]\.id: /],
    ['places not a list', 'admin', { action: 'upsertPlaces', places: 'all of them' }, /^places: /],
    ['places of nulls', 'admin', { action: 'upsertPlaces', places: [null] }, /^places\[0\]/],
    ['places missing', 'admin', { action: 'upsertPlaces' }, /^places: /],
    ['crs unknown', 'admin', { action: 'upsertPlaces', places: [store], crs: 'wgs72' }, /^crs: /],
    ['setStaff storeIds a string', 'admin', { action: 'setStaff', openid: 'x', storeIds: 'S001' }, /^storeIds: /],
    ['setStaff openid missing', 'admin', { action: 'setStaff', storeIds: [] }, /^openid: /],
    // Strict inputs: dates and times that do not exist, or years no booking or clock can mean.
    ['slots date 2026-02-30', 'bookings', slotsOf('2026-02-30'), /^date: must be a real date: the day must be 01\.\.28 in 2026-02/],
    ['slots date 2026-04-31 (a 30-day month)', 'bookings', slotsOf('2026-04-31'), /^date: must be a real date: the day must be 01\.\.30/],
    ['slots date 2026-13-01', 'bookings', slotsOf('2026-13-01'), /^date: must be a real date: the month/],
    ['slots date 0000-01-01', 'bookings', slotsOf('0000-01-01'), /^date: must be a real date: the year must be between 2000 and 2099/],
    ['slots date 2100-01-01', 'bookings', slotsOf('2100-01-01'), /^date: .*2099/],
    ['slots date 1999-12-31', 'bookings', slotsOf('1999-12-31'), /^date: .*2000/],
    ['slots date 2026-2-3', 'bookings', slotsOf('2026-2-3'), /^date: must be a date "YYYY-MM-DD"/],
    ['day date 0000-01-01', 'bookings', { action: 'day', storeId: 'S001', date: '0000-01-01' }, /^date: .*2000/],
    [
      'create start 2026-11-31 (no 31 November)',
      'bookings',
      createAt('2026-11-31T10:00:00+08:00'),
      /^start: must be a real time: the day must be 01\.\.30 in 2026-11/,
    ],
    ['create start 2026-02-30', 'bookings', createAt('2026-02-30T10:00:00+08:00'), /^start: must be a real time: the day/],
    ['create start 24:30', 'bookings', createAt('2026-11-26T24:30:00+08:00'), /^start: must be a real time: the hour/],
    ['create start 24:00', 'bookings', createAt('2026-11-26T24:00:00+08:00'), /^start: must be a real time: the hour/],
    ['create start 10:60', 'bookings', createAt('2026-11-26T10:60:00+08:00'), /^start: must be a real time: the minute/],
    ['create start 9999-12-31', 'bookings', createAt('9999-12-31T20:00:00Z'), /^start: must be a real time: the year must be between 2000 and 2099/],
    ['create start 0000-01-01', 'bookings', createAt('0000-01-01T10:00:00+08:00'), /^start: .*2000/],
    ['create start without an offset', 'bookings', createAt('2026-11-26T10:00:00'), /^start: must be an ISO 8601 time with an offset/],
    ['create start offset +25:00', 'bookings', createAt('2026-11-26T10:00:00+25:00'), /^start: must be a real time: the offset/],
    ['create start a number', 'bookings', { action: 'create', storeId: 'S001', start: 1764122400000 }, /^start: /],
    ['opening hours close 24:30', 'admin', storeHours(1, '09:00', '24:30'), /^places\[1\]\.openingHours\[0\]\.close: /],
    ['opening hours open 24:00', 'admin', storeHours(1, '24:00', '02:00'), /^places\[1\]\.openingHours\[0\]\.open: /],
    ['action missing', 'geo', { kind: 'store', lat: 1, lng: 1 }, /^action: /],
    ['action a number', 'geo', { ...nearby, action: 1 }, /^action: /],
    ['unknown action', 'geo', { ...nearby, action: 'teleport' }, /^action: unknown action "teleport"/],
    ['action from the prototype', 'geo', { ...nearby, action: 'constructor' }, /^action: unknown action "constructor"/],
    ['action __proto__', 'admin', { ...nearby, action: '__proto__' }, /^action: unknown action/],
  ];

  it.each(cases)('%s', async (_name, fn, event, message) => {
    const before = everyRow();
    const res = await raw(`/functions/${fn}`, { body: JSON.stringify(event), headers: { 'x-wx-openid': ADMIN } });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(false);
    expect(res.json.error.code).toBe('INVALID_ARGUMENT');
    expect(res.json.error.message).toMatch(message);
    expect(res.json.error.message.length).toBeLessThan(500);
    expect(everyRow()).toEqual(before);
  });
});

describe('malformed exchanges with the host', () => {
  it('answers an unknown function with HTTP 404 and INVALID_ARGUMENT', async () => {
    for (const name of ['teleport', 'constructor', '__proto__', 'geo%2F..']) {
      const res = await raw(`/functions/${name}`, { body: JSON.stringify(nearby) });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^unknown function/) } });
    }
  });

  it.each([
    ['not JSON', 'lat=1&lng=2'],
    ['truncated JSON', '{"action":"nearby",'],
    ['empty', ''],
  ])('answers a body that is %s with HTTP 400 and the error shape', async (_name, body) => {
    const before = everyRow();
    const res = await raw('/functions/admin', { body, headers: { 'x-wx-openid': ADMIN } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'the body must be JSON' } });
    expect(everyRow()).toEqual(before);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[{"action":"nearby"}]'],
    ['a string', '"nearby"'],
    ['a number', '42'],
  ])('refuses an event that is %s with INVALID_ARGUMENT', async (_name, body) => {
    const res = await raw('/functions/geo', { body });
    expect(res.status).toBe(200);
    expect(res.json.error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers a body over 6 MiB with HTTP 400, and writes nothing', async () => {
    const before = everyRow();
    const places = Array.from({ length: 1000 }, (_, i) => ({ ...store, id: `BIG${i}`, address: 'a'.repeat(200), name: 'n'.repeat(80) }));
    const body = JSON.stringify({ action: 'upsertPlaces', places, pad: 'x'.repeat(6 * 1024 * 1024) });
    const res = await raw('/functions/admin', { body, headers: { 'x-wx-openid': ADMIN } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/6 MiB/) } });
    expect(everyRow()).toEqual(before);
  });

  it('takes a body of just under 6 MiB', async () => {
    const body = JSON.stringify({ ...nearby, pad: '' });
    const padded = body.replace('"pad":""', `"pad":"${'x'.repeat(6 * 1024 * 1024 - body.length - 10)}"`);
    const res = await raw('/functions/geo', { body: padded });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
  });

  it('answers GET /functions/geo with 405', async () => {
    const res = await raw('/functions/geo', { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe('INVALID_ARGUMENT');
  });

  it('survives JSON nested too deep to parse comfortably', async () => {
    const body = `{"action":"nearby","kind":"store","lng":1,"lat":${'['.repeat(100000)}${']'.repeat(100000)}}`;
    const res = await raw('/functions/geo', { body });
    expect([200, 400]).toContain(res.status);
    expect(res.json.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('the local host refuses a clock or a path it cannot read, and writes nothing', () => {
  const create = createAt('2026-11-26T10:00:00+08:00');
  it.each([
    ['1', /^X-Nearby-Now: must be an ISO 8601 time with an offset/],
    ['2026-11-25T10:00:00', /^X-Nearby-Now: must be an ISO 8601 time with an offset/],
    ['2026-11-25', /^X-Nearby-Now: must be an ISO 8601 time with an offset/],
    ['Wed, 25 Nov 2026 02:00:00 GMT', /^X-Nearby-Now: must be an ISO 8601 time with an offset/],
    ['yesterday', /^X-Nearby-Now: must be an ISO 8601 time with an offset/],
    ['2026-11-31T10:00:00+08:00', /^X-Nearby-Now: must be a real time: the day/],
    ['9999-12-31T20:00:00Z', /^X-Nearby-Now: must be a real time: the year/],
    ['2026-11-25T24:30:00Z', /^X-Nearby-Now: must be a real time: the hour/],
  ])('X-Nearby-Now: %s is HTTP 400 with the error shape', async (header, message) => {
    const before = everyRow();
    const res = await raw('/functions/bookings', { body: JSON.stringify(create), headers: { 'x-wx-openid': 'strict-clock', 'x-nearby-now': header } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) } });
    expect(everyRow()).toEqual(before);
  });

  it('takes X-Nearby-Now in Z and in an offset alike', async () => {
    const utc = await raw('/functions/bookings', {
      body: JSON.stringify(slotsOf('2026-11-26')),
      headers: { 'x-nearby-now': '2026-11-25T02:00:00Z' },
    });
    const local = await raw('/functions/bookings', {
      body: JSON.stringify(slotsOf('2026-11-26')),
      headers: { 'x-nearby-now': '2026-11-25T10:00:00.000+08:00' },
    });
    expect(utc.json.ok).toBe(true);
    expect(local.json).toEqual(utc.json);
  });

  it.each(['%ZZ', '%', 'geo%E0%A4%A'])('POST /functions/%s (a path that does not decode) is HTTP 404 like an unknown function', async (name) => {
    const before = everyRow();
    const res = await raw(`/functions/${name}`, { body: JSON.stringify(nearby), headers: { 'x-wx-openid': ADMIN } });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^unknown function ".*" \(known: /) } });
    expect(everyRow()).toEqual(before);
  });
});

describe('the caller comes from the header, never from the body', () => {
  const place = { ...store, id: 'S950' };
  for (const [name, field] of [
    ['openid', { openid: ADMIN }],
    ['OPENID', { OPENID: ADMIN }],
    ['userInfo.openId', { userInfo: { openId: ADMIN, appId: 'wx' } }],
    ['X-WX-OPENID', { 'X-WX-OPENID': ADMIN }],
  ] as const) {
    it(`a body field ${name} grants nothing: anonymous stays UNAUTHENTICATED, a user stays PERMISSION_DENIED`, async () => {
      const before = everyRow();
      const event = { action: 'upsertPlaces', places: [place], ...field };
      expect((await raw('/functions/admin', { body: JSON.stringify(event) })).json.error.code).toBe('UNAUTHENTICATED');
      expect((await raw('/functions/admin', { body: JSON.stringify(event), headers: { 'x-wx-openid': 'mallory' } })).json.error.code).toBe('PERMISSION_DENIED');
      expect(everyRow()).toEqual(before);
    });
  }

  it("an unknown field such as caller in an admin's call is ignored, never read as the caller", async () => {
    const res = await raw('/functions/admin', {
      body: JSON.stringify({ action: 'setStaff', openid: 'clerk', storeIds: ['S001'], caller: 'someone' }),
      headers: { 'x-wx-openid': ADMIN },
    });
    expect(res.json).toEqual({ ok: true, data: { staff: { openid: 'clerk', storeIds: ['S001'] } } });
  });

  it('a blank X-WX-OPENID is anonymous', async () => {
    const res = await raw('/functions/admin', { body: JSON.stringify({ action: 'upsertPlaces', places: [place] }), headers: { 'x-wx-openid': '   ' } });
    expect(res.json.error.code).toBe('UNAUTHENTICATED');
  });
});

it('never answers INTERNAL to any of the above', async () => {
  // A final sweep of odd but well-formed values through both foundation functions.
  const odd: object[] = [
    { ...nearby, lat: 90, lng: 180, radius: 50000, limit: 100 },
    { ...nearby, lat: -90, lng: -180, radius: 50000, limit: 100, openNow: true },
    { ...nearby, radius: 1e-9, limit: 1 },
    { ...nearby, kind: 'station', lat: 0, lng: 0, radius: 50000 },
    { ...nearby, kind: 'bike', category: 'coffee' },
    { ...nearby, category: '咖啡' },
  ];
  for (const event of odd) {
    const res = await raw('/functions/geo', { body: JSON.stringify(event) });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
  }
});
