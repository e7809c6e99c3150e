/**
 * Reservations, fault reports (with photo uploads), the ride history and the ride bill, through
 * the real local host (issue 17): what a client sees over HTTP, bad input refused with nothing
 * written.
 */
import { ADMIN, startCloud, storedState, type TestCloud } from '../support/host';

const HERE = { lat: 31.5, lng: 121.5 };
const ZONE = [
  [121.499, 31.499],
  [121.501, 31.499],
  [121.501, 31.501],
  [121.499, 31.501],
  [121.499, 31.499],
];
const T0 = Date.parse('2026-11-25T08:00:00+08:00');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();
/** The smallest PNG header (the host checks the signature, not the picture). */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'none', rides: { lock: { delayMs: 0 } } });
  const bikes = ['K1', 'K2', 'K3', 'K4', 'K5'].map((id) => ({ kind: 'bike', id, code: id, ...HERE, status: 'available' }));
  const put = await cloud.call(
    'admin',
    {
      action: 'upsertPlaces',
      places: [
        ...bikes,
        { kind: 'bike', id: 'KM', code: 'KM', ...HERE, status: 'maintenance' },
        { kind: 'station', id: 'KS', name: 'KS', ...HERE, zone: { type: 'Polygon', coordinates: [ZONE] } },
      ],
    },
    { openid: ADMIN },
  );
  expect(put.ok).toBe(true);
});
afterAll(() => cloud.close());

const rides = (event: object, openid: string, sec: number) => cloud.call('rides', event, { openid, now: at(sec) });
const nearbyBikes = async (openid: string | undefined, sec: number) => {
  const answer = await cloud.call('geo', { action: 'nearby', kind: 'bike', ...HERE, limit: 20 }, { openid, now: at(sec) });
  return answer.data.items.map((i: { code: string }) => i.code).sort();
};

/** Station KS's `bikesAvailable` as `geo.nearby` (kind station) and `geo.get` answer it to `openid`. */
const stationCount = async (openid: string | undefined, sec: number) => {
  const listed = await cloud.call('geo', { action: 'nearby', kind: 'station', ...HERE, limit: 20 }, { openid, now: at(sec) });
  const single = await cloud.call('geo', { action: 'get', kind: 'station', id: 'KS' }, { openid, now: at(sec) });
  return { listed: listed.data.items.map((i: { bikesAvailable: number }) => i.bikesAvailable), single: single.data.item.bikesAvailable };
};

describe('reserve', () => {
  it('holds K1 for its rider: hidden from others, refused to their unlock, unlocked by the holder', async () => {
    expect(await rides({ action: 'reserve', bikeCode: 'K1', ...HERE }, 'amy', 0)).toEqual({
      ok: true,
      data: { reservation: { bikeCode: 'K1', until: '2026-11-25T00:10:00.000Z', ...HERE } },
    });
    expect(await rides({ action: 'current' }, 'amy', 30)).toEqual({
      ok: true,
      data: { ride: null, reservation: { bikeCode: 'K1', until: '2026-11-25T00:10:00.000Z', ...HERE } },
    });
    expect(await nearbyBikes('ben', 30)).toEqual(['K2', 'K3', 'K4', 'K5']);
    expect(await nearbyBikes(undefined, 30)).toEqual(['K2', 'K3', 'K4', 'K5']);
    expect(await nearbyBikes('amy', 30)).toEqual(['K1', 'K2', 'K3', 'K4', 'K5']);
    // KS's zone holds K1 to K5 (KM is in maintenance): K1 held for amy counts for amy alone.
    expect(await stationCount('ben', 30)).toEqual({ listed: [4], single: 4 });
    expect(await stationCount(undefined, 30)).toEqual({ listed: [4], single: 4 });
    expect(await stationCount('amy', 30)).toEqual({ listed: [5], single: 5 });
    expect(await rides({ action: 'unlock', bikeCode: 'K1', ...HERE }, 'ben', 30)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike K1 is reserved by another rider', reason: 'BIKE_RESERVED' },
    });
    const started = await rides({ action: 'unlock', bikeCode: 'K1', ...HERE }, 'amy', 60);
    expect(started).toMatchObject({ ok: true, data: { ride: { bikeCode: 'K1', status: 'active' } } });
    expect(await rides({ action: 'current' }, 'amy', 61)).toMatchObject({ data: { ride: { bikeCode: 'K1' }, reservation: null } });
    // A ride of 10 minutes: 150 fen, billed; the next unlock refusal says how much is owed.
    const ended = await rides({ action: 'end', rideId: started.data.ride.id, ...HERE }, 'amy', 660);
    expect(ended).toMatchObject({ ok: true, data: { ride: { feeFen: 150 } } });
    expect(await rides({ action: 'reserve', bikeCode: 'K2', ...HERE }, 'amy', 700)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'you have an unpaid ride bill of ¥1.50: pay it before the next ride', reason: 'UNPAID_BILL' },
    });
    // The ride bill says which ride.
    // The ride as its bill and the history both tell it: 00:01 to 00:11, 600 s, one started
    // half hour past the free two minutes: 150 fen, no surcharge.
    const theRide = {
      bikeCode: 'K1',
      startAt: '2026-11-25T00:01:00.000Z',
      endAt: '2026-11-25T00:11:00.000Z',
      durationSec: 600,
      feeFen: 150,
      surchargeFen: 0,
    };
    expect(await cloud.call('bills', { action: 'get', billId: ended.data.ride.billId }, { openid: 'amy', now: at(700) })).toEqual({
      ok: true,
      data: {
        bill: {
          id: ended.data.ride.billId,
          type: 'ride',
          amountFen: 150,
          status: 'unpaid',
          rideId: started.data.ride.id,
          ...theRide,
        },
      },
    });
    expect(await cloud.call('bills', { action: 'get', billId: ended.data.ride.billId }, { openid: 'ben', now: at(700) })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // The history lists it, its bill unpaid.
    expect(await rides({ action: 'history' }, 'amy', 700)).toEqual({
      ok: true,
      data: {
        rides: [
          {
            id: started.data.ride.id,
            ...theRide,
            from: HERE,
            to: HERE,
            billId: ended.data.ride.billId,
            billStatus: 'unpaid',
          },
        ],
        next: null,
      },
    });
  });

  it('refuses a bike in maintenance, an unknown bike, a second hold; cancels', async () => {
    expect(await rides({ action: 'reserve', bikeCode: 'KM', ...HERE }, 'cat', 0)).toMatchObject({ ok: false, error: { reason: 'BIKE_UNAVAILABLE' } });
    expect(await rides({ action: 'reserve', bikeCode: 'NOPE', ...HERE }, 'cat', 0)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'bikeCode: no bike "NOPE"' },
    });
    expect((await rides({ action: 'reserve', bikeCode: 'K3', ...HERE }, 'cat', 0)).ok).toBe(true);
    expect(await rides({ action: 'reserve', bikeCode: 'K4', ...HERE }, 'cat', 1)).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(await rides({ action: 'cancelReservation' }, 'cat', 2)).toEqual({ ok: true, data: { reservation: null } });
    expect(await nearbyBikes('dan', 3)).toContain('K3');
    expect(await rides({ action: 'reserve' }, undefined as unknown as string, 3)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});

describe('report', () => {
  it('takes a photo upload, serves it back, files the report; two riders put the bike into maintenance; an admin resolves', async () => {
    const upload = await fetch(`${cloud.url}/uploads`, { method: 'POST', body: PNG, headers: { 'content-type': 'image/png' } });
    expect(upload.status).toBe(200);
    const { data } = (await upload.json()) as { data: { fileId: string } };
    expect(data.fileId).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/uploads\/[0-9a-f]{32}\.png$/);
    const back = await fetch(data.fileId);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);

    const filed = await rides({ action: 'report', bikeCode: 'K5', category: 'brake', note: '刹车不灵', photos: [data.fileId] }, 'eve', 0);
    expect(filed).toEqual({ ok: true, data: { report: { id: expect.stringMatching(/^RP[0-9a-f]{32}$/), status: 'open' } } });
    expect(await rides({ action: 'report', bikeCode: 'K5', category: 'tyre' }, 'eve', 10)).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', message: 'bikeCode: you already reported bike K5 today' },
    });
    expect((await rides({ action: 'report', bikeCode: 'K5', category: 'chain' }, 'fay', 20)).ok).toBe(true);
    expect(await nearbyBikes('gus', 30)).not.toContain('K5');
    const listed = await cloud.call('admin', { action: 'reports', status: 'open' }, { openid: ADMIN, now: at(40) });
    expect(listed.data.reports.map((r: { category: string }) => r.category)).toEqual(['chain', 'brake']);
    expect(listed.data.reports[1]).toEqual({
      id: filed.data.report.id,
      bikeCode: 'K5',
      category: 'brake',
      note: '刹车不灵',
      photos: [data.fileId],
      createdAt: '2026-11-25T00:00:00.000Z',
      status: 'open',
    });
    expect(await cloud.call('admin', { action: 'reports' }, { openid: 'eve' })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    const resolved = await cloud.call(
      'admin',
      { action: 'resolveReport', reportId: filed.data.report.id, bikeStatus: 'available' },
      { openid: ADMIN, now: at(50) },
    );
    expect(resolved).toMatchObject({ ok: true, data: { report: { id: filed.data.report.id, status: 'resolved' } } });
    expect(await nearbyBikes('gus', 60)).toContain('K5');
  });

  it('refuses an upload that is not an image, or is over 5 MB', async () => {
    const text = await fetch(`${cloud.url}/uploads`, { method: 'POST', body: 'hello', headers: { 'content-type': 'image/png' } });
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'file: must be a JPEG, PNG, GIF or WebP image' } });
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await fetch(`${cloud.url}/uploads`, { method: 'POST', body: big, headers: { 'content-type': 'image/png' } });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'file: must be at most 5 MB' } });
  });
});

describe('bad input: INVALID_ARGUMENT naming the field, nothing written', () => {
  const cases: [string, object, string][] = [
    ['an unknown category', { action: 'report', bikeCode: 'K2', category: 'seat' }, 'category'],
    ['a note over 200 characters', { action: 'report', bikeCode: 'K2', category: 'other', note: '坏'.repeat(201) }, 'note'],
    ['more than 3 photos', { action: 'report', bikeCode: 'K2', category: 'other', photos: Array(4).fill('cloud://env/a.jpg') }, 'photos'],
    ['a photo that is not a file id or https URL', { action: 'report', bikeCode: 'K2', category: 'other', photos: ['file:///etc/passwd'] }, 'photos'],
    ['a `before` that is not an ISO time', { action: 'history', before: 'yesterday' }, 'before'],
    ['a limit over 50', { action: 'history', limit: 51 }, 'limit'],
    ['a reserve without a position', { action: 'reserve', bikeCode: 'K2' }, 'lat'],
  ];
  it.each(cases)('%s', async (_name, event, field) => {
    const before = storedState(cloud);
    const answer = await rides(event, 'hal', 0);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(answer.error.message.startsWith(field)).toBe(true);
    expect(storedState(cloud)).toBe(before);
  });
});
