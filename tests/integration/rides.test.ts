import type { BikeLock } from '../../functions/lib/ports';
import { ADMIN, startCloud, type TestCloud } from '../support/host';

/**
 * A small world of our own, far from the demo city:
 * - station SQ: a square zone, about 190 m x 220 m, its south edge at lat 30.000;
 * - station LL: an L-shaped (concave) zone east of it, whose notch is outside.
 * Bikes are made per test so that no test leans on another's leftovers.
 */
const SQ = [
  [120.0, 30.0],
  [120.002, 30.0],
  [120.002, 30.002],
  [120.0, 30.002],
  [120.0, 30.0],
];
const LL = [
  [120.01, 30.0],
  [120.014, 30.0],
  [120.014, 30.001],
  [120.011, 30.001],
  [120.011, 30.004],
  [120.01, 30.004],
  [120.01, 30.0],
];
const IN_SQ = { lat: 30.001, lng: 120.001 };
const ON_SQ_EDGE = { lat: 30.0, lng: 120.0015 };
const IN_L_LEG = { lat: 30.003, lng: 120.0105 };
const IN_L_NOTCH = { lat: 30.003, lng: 120.013 };
const NOWHERE = { lat: 30.02, lng: 120.02 };

const T0 = Date.parse('2026-11-25T08:00:00+08:00');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();

// The lock: bikes named SILENT-* never answer, BROKEN-* refuse, the others open after 20 ms.
const lock: BikeLock = {
  async unlock(bikeId) {
    if (bikeId.startsWith('SILENT')) return new Promise<never>(() => {});
    await new Promise((r) => setTimeout(r, 20));
    return bikeId.startsWith('BROKEN') ? 'failed' : 'ok';
  },
};

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'none', rides: { lock, lockTimeoutMs: 150 } });
  const put = await cloud.call(
    'admin',
    {
      action: 'upsertPlaces',
      places: [
        { kind: 'station', id: 'SQ', name: 'Square', lat: 30.001, lng: 120.001, zone: { type: 'Polygon', coordinates: [SQ] } },
        { kind: 'station', id: 'LL', name: 'L', lat: 30.0005, lng: 120.0105, zone: { type: 'Polygon', coordinates: [LL] } },
      ],
    },
    { openid: ADMIN },
  );
  expect(put.ok).toBe(true);
});
afterAll(() => cloud.close());

let serial = 0;
/** A fresh available bike standing at `where` (inside the square by default). */
async function bike(prefix = 'B', where = IN_SQ, status: 'available' | 'maintenance' = 'available') {
  serial++;
  const id = `${prefix}-${serial}`;
  const code = `${prefix.replace(/[^A-Za-z0-9]/g, '')}X${serial}`;
  const res = await cloud.call('admin', { action: 'upsertPlaces', places: [{ kind: 'bike', id, code, ...where, status }] }, { openid: ADMIN });
  expect(res.ok).toBe(true);
  return { id, code, ...where };
}
const rider = () => `rider-${++serial}`;

const unlock = (openid: string, code: string, where: { lat: number; lng: number } = IN_SQ, sec = 0) =>
  cloud.call('rides', { action: 'unlock', bikeCode: code, ...where }, { openid, now: at(sec) });
const end = (openid: string, rideId: string, where: { lat: number; lng: number }, sec: number, extra: object = {}) =>
  cloud.call('rides', { action: 'end', rideId, ...where, ...extra }, { openid, now: at(sec) });
const current = (openid: string) => cloud.call('rides', { action: 'current' }, { openid, now: at(0) });
async function bikesAround(where: { lat: number; lng: number }, radius = 5): Promise<string[]> {
  const res = await cloud.call('geo', { action: 'nearby', kind: 'bike', ...where, radius, limit: 100 });
  expect(res.ok).toBe(true);
  return res.data.items.map((b: { id: string }) => b.id);
}
/** Every stored ride (a table on SQLite, a collection on CloudBase), oldest request first. */
const storedRides = (): { openid: string; bikeId: string; status: string; requestedAt: string }[] =>
  cloud.backend === 'sqlite'
    ? (cloud.db.prepare('SELECT openid, bike_id AS bikeId, status, requested_at AS requestedAt FROM rides ORDER BY requested_at').all() as any[])
    : ((cloud.standin!.dump().rides ?? []) as any[]).sort((a, b) => String(a.requestedAt).localeCompare(String(b.requestedAt)));
const ridesOfBike = (bikeId: string) =>
  storedRides()
    .filter((r) => r.bikeId === bikeId)
    .map((r) => r.status);
/** A rider's bills, read through the bills port (either back end). */
const billsOf = async (openid: string) =>
  (await cloud.ports.bills.billsOf(openid)).map((b) => ({ id: b.id, type: b.type, amount_fen: b.amountFen, status: b.status, ride_id: b.rideId ?? null }));
const bikeRow = async (id: string) => {
  const bike = await cloud.ports.places.get('bike', id);
  return bike && { status: bike.status, lat: bike.lat, lng: bike.lng };
};

async function riding(where = IN_SQ) {
  const b = await bike('B', where);
  const who = rider();
  const res = await unlock(who, b.code, where);
  expect(res.ok).toBe(true);
  return { bike: b, who, ride: res.data.ride };
}

describe('unlocking', () => {
  it('shows a bike and the tariff before unlocking it', async () => {
    const b = await bike();
    const res = await cloud.call('rides', { action: 'preview', bikeCode: b.code }, { openid: rider() });
    expect(res).toEqual({
      ok: true,
      data: {
        bike: { id: b.id, code: b.code, lat: b.lat, lng: b.lng, available: true },
        tariff: { freeSec: 120, unitSec: 1800, unitFeeFen: 150, parkingSurchargeFen: 500, dailyCapFen: null },
        maxUnlockDistanceM: 100,
      },
    });
  });

  it('starts a ride when the lock confirms, at the time of the request', async () => {
    const b = await bike();
    const who = rider();
    const res = await unlock(who, b.code, IN_SQ, 5);
    expect(res).toEqual({ ok: true, data: { ride: { id: expect.any(String), bikeId: b.id, bikeCode: b.code, startAt: at(5), status: 'active' } } });
    expect(await current(who)).toEqual({ ok: true, data: { ride: res.data.ride, reservation: null } });
    expect(await bikesAround(b)).not.toContain(b.id);
  });

  it('gives the bike to exactly one of five riders racing for it', async () => {
    const b = await bike();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => unlock(rider(), b.code)));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'BIKE_UNAVAILABLE' });
    expect(ridesOfBike(b.id)).toEqual(['active']);
  });

  it('gives one rider racing for two bikes at once one ride, and leaves the other bike free', async () => {
    const [b1, b2] = [await bike(), await bike()];
    const who = rider();
    const answers = await Promise.all([unlock(who, b1.code), unlock(who, b2.code)]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => !a.ok).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ACTIVE_RIDE' });
    const won = answers.find((a) => a.ok).data.ride.bikeId;
    const lost = won === b1.id ? b2.id : b1.id;
    expect(await bikesAround(IN_SQ)).toContain(lost);
    expect(storedRides().filter((r) => r.openid === who && (r.status === 'unlocking' || r.status === 'active'))).toHaveLength(1);
  });

  it('rolls back when the lock does not answer in time: no ride, the bike free again', async () => {
    const b = await bike('SILENT');
    const who = rider();
    const res = await unlock(who, b.code);
    expect(res.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'LOCK_FAILED' });
    expect((await current(who)).data.ride).toBeNull();
    expect(await bikesAround(b)).toContain(b.id);
    expect(ridesOfBike(b.id)).toEqual(['aborted']);
    // and the rider is free to take another bike
    expect((await unlock(who, (await bike()).code)).ok).toBe(true);
  });

  it('rolls back when the lock refuses: no ride, the bike free again', async () => {
    const b = await bike('BROKEN');
    const who = rider();
    expect((await unlock(who, b.code)).error).toMatchObject({ reason: 'LOCK_FAILED' });
    expect((await current(who)).data.ride).toBeNull();
    expect((await bikeRow(b.id))?.status).toBe('available');
    expect(await bikesAround(b)).toContain(b.id);
  });

  it('refuses a rider more than 100 m from the bike, saying how far', async () => {
    const b = await bike();
    const res = await unlock(rider(), b.code, { lat: IN_SQ.lat + 0.0015, lng: IN_SQ.lng }); // ~167 m north
    expect(res.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'TOO_FAR' });
    expect(res.error.message).toMatch(/167 m/);
    expect((await bikeRow(b.id))?.status).toBe('available');
  });

  it('unlocks from 90 m away', async () => {
    const b = await bike();
    expect((await unlock(rider(), b.code, { lat: IN_SQ.lat + 0.00081, lng: IN_SQ.lng })).ok).toBe(true);
  });

  it('refuses a bike in maintenance', async () => {
    const b = await bike('B', IN_SQ, 'maintenance');
    const res = await unlock(rider(), b.code);
    expect(res.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'BIKE_UNAVAILABLE' });
    expect(res.error.message).toMatch(/maintenance/);
    expect(ridesOfBike(b.id)).toEqual([]);
  });

  it('refuses a bike somebody rides', async () => {
    const { bike: b } = await riding();
    expect((await unlock(rider(), b.code)).error).toMatchObject({ reason: 'BIKE_UNAVAILABLE' });
  });

  it('refuses a rider who already rides', async () => {
    const { who } = await riding();
    const other = await bike();
    expect((await unlock(who, other.code)).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ACTIVE_RIDE' });
    expect((await bikeRow(other.id))?.status).toBe('available');
  });

  it('refuses a rider with an unpaid ride bill', async () => {
    const { who, ride } = await riding();
    expect((await end(who, ride.id, IN_SQ, 600)).ok).toBe(true);
    const next = await bike();
    expect((await unlock(who, next.code, IN_SQ, 700)).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'UNPAID_BILL' });
    expect((await bikeRow(next.id))?.status).toBe('available');
  });
});

describe('ending a ride', () => {
  it('inside a zone: charges the tariff, writes the ride bill, leaves the bike available where it stands', async () => {
    const { who, ride, bike: b } = await riding();
    const spot = { lat: 30.0012, lng: 120.0013 };
    const res = await end(who, ride.id, spot, 600);
    expect(res).toEqual({
      ok: true,
      data: {
        ride: {
          ...ride,
          status: 'ended',
          endAt: at(600),
          durationSec: 600,
          feeFen: 150,
          surchargeFen: 0,
          billId: expect.any(String),
          endLat: spot.lat,
          endLng: spot.lng,
          stationId: 'SQ',
        },
      },
    });
    expect(await billsOf(who)).toEqual([{ id: res.data.ride.billId, type: 'ride', amount_fen: 150, status: 'unpaid', ride_id: ride.id }]);
    expect(await bikesAround(spot, 1)).toContain(b.id);
    expect(await bikesAround(IN_SQ, 1)).not.toContain(b.id);
    expect((await current(who)).data.ride).toBeNull();
  });

  it('charges 300 fen for 1801 s', async () => {
    const { who, ride } = await riding();
    expect((await end(who, ride.id, IN_SQ, 1801)).data.ride.feeFen).toBe(300);
  });

  it('writes no bill for a free ride', async () => {
    const { who, ride } = await riding();
    const res = await end(who, ride.id, IN_SQ, 120);
    expect(res.data.ride).toMatchObject({ durationSec: 120, feeFen: 0, billId: null });
    expect(await billsOf(who)).toEqual([]);
  });

  it('outside every zone: refuses, and the ride goes on', async () => {
    const { who, ride, bike: b } = await riding();
    const res = await end(who, ride.id, NOWHERE, 300);
    expect(res.error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'OUTSIDE_PARKING_ZONE' });
    expect(Object.keys(res.error).sort()).toEqual(['code', 'message', 'reason']);
    expect((await current(who)).data.ride).toEqual(ride);
    expect((await bikeRow(b.id))?.status).toBe('riding');
    expect(await billsOf(who)).toEqual([]);
  });

  it('outside every zone with the surcharge accepted: ends with 500 fen added', async () => {
    const { who, ride, bike: b } = await riding();
    const res = await end(who, ride.id, NOWHERE, 600, { acceptSurcharge: true });
    expect(res.data.ride).toMatchObject({ status: 'ended', feeFen: 650, surchargeFen: 500, stationId: null });
    expect((await billsOf(who))[0]).toMatchObject({ amount_fen: 650, type: 'ride' });
    expect(await bikesAround(NOWHERE, 1)).toContain(b.id);
  });

  it('on the edge of a zone counts as inside', async () => {
    const { who, ride } = await riding();
    expect((await end(who, ride.id, ON_SQ_EDGE, 60)).data.ride).toMatchObject({ status: 'ended', stationId: 'SQ', surchargeFen: 0 });
  });

  it('in the notch of a concave zone is outside, in its leg inside', async () => {
    const { who, ride } = await riding();
    expect((await end(who, ride.id, IN_L_NOTCH, 60)).error).toMatchObject({ reason: 'OUTSIDE_PARKING_ZONE' });
    expect((await end(who, ride.id, IN_L_LEG, 90)).data.ride).toMatchObject({ status: 'ended', stationId: 'LL', durationSec: 90 });
  });

  it('ends once: a second end, or two at once, find the ride ended', async () => {
    const { who, ride } = await riding();
    const both = await Promise.all([end(who, ride.id, IN_SQ, 60), end(who, ride.id, IN_SQ, 60)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok).error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'RIDE_NOT_ACTIVE' });
  });

  it("lets no stranger end someone's ride: NOT_FOUND, as for a ride that does not exist", async () => {
    const { who, ride, bike: b } = await riding();
    const res = await end(rider(), ride.id, IN_SQ, 600);
    expect(res.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(res.error.message).toBe(`rideId: no ride "${ride.id}" of yours`);
    expect((await end(rider(), 'Rnothing', IN_SQ, 600)).error.message).toBe('rideId: no ride "Rnothing" of yours');
    expect((await current(who)).data.ride).toEqual(ride);
    expect(await bikeRow(b.id)).toMatchObject({ status: 'riding', lat: IN_SQ.lat, lng: IN_SQ.lng });
  });
});

describe('an admin ending a ride for a rider who cannot', () => {
  it('ends it where the admin says, with the fee, or waived without a bill', async () => {
    const a = await riding();
    const charged = await cloud.call('rides', { action: 'forceEnd', rideId: a.ride.id, lat: NOWHERE.lat, lng: NOWHERE.lng }, { openid: ADMIN, now: at(900) });
    expect(charged.data.ride).toMatchObject({ status: 'ended', feeFen: 150, surchargeFen: 0, stationId: null, billId: expect.any(String) });
    const b = await riding();
    const waived = await cloud.call('rides', { action: 'forceEnd', rideId: b.ride.id, waiveFee: true }, { openid: ADMIN, now: at(900) });
    expect(waived.data.ride).toMatchObject({ status: 'ended', feeFen: 0, billId: null, endLat: IN_SQ.lat, endLng: IN_SQ.lng });
    expect(await billsOf(b.who)).toEqual([]);
    expect((await bikeRow(b.bike.id))?.status).toBe('available');
  });

  it('is for admins only', async () => {
    const { who, ride } = await riding();
    expect((await cloud.call('rides', { action: 'forceEnd', rideId: ride.id }, { openid: who })).error.code).toBe('PERMISSION_DENIED');
    expect((await current(who)).data.ride).toEqual(ride);
  });
});

describe('bad input: a clear error, and nothing changes', () => {
  const rows = () => storedRides().length;

  it.each([
    ['a malformed code', { bikeCode: 'B 1', ...IN_SQ }, 'INVALID_ARGUMENT', /^bikeCode: /],
    ['an unknown code', { bikeCode: 'NOSUCHBIKE', ...IN_SQ }, 'NOT_FOUND', /^bikeCode: no bike "NOSUCHBIKE"/],
    ['a latitude out of range', { bikeCode: 'X', lat: 91, lng: 120 }, 'INVALID_ARGUMENT', /^lat: must be between -90 and 90/],
    ['a longitude out of range', { bikeCode: 'X', lat: 30, lng: -181 }, 'INVALID_ARGUMENT', /^lng: /],
    ['a text for a latitude', { bikeCode: 'X', lat: '30', lng: 120 }, 'INVALID_ARGUMENT', /^lat: /],
    ['a missing code', { lat: 30, lng: 120 }, 'INVALID_ARGUMENT', /^bikeCode: is required/],
  ])('unlock with %s', async (_, params, code, message) => {
    const b = await bike();
    const before = rows();
    const res = await cloud.call('rides', { action: 'unlock', ...params }, { openid: rider(), now: at(0) });
    expect(res.error.code).toBe(code);
    expect(res.error.message).toMatch(message);
    expect(rows()).toBe(before);
    expect(await bikeRow(b.id)).toMatchObject({ status: 'available', lat: b.lat, lng: b.lng });
  });

  it.each([
    ['coordinates out of range', { lat: 30, lng: 181 }, 'INVALID_ARGUMENT'],
    ['a malformed ride id', { rideId: 'no/such ride', lat: 30, lng: 120 }, 'INVALID_ARGUMENT'],
  ])('end with %s', async (_, params, code) => {
    const { who, ride, bike: b } = await riding();
    const res = await cloud.call('rides', { action: 'end', rideId: ride.id, ...params }, { openid: who, now: at(60) });
    expect(res.error.code).toBe(code);
    expect((await current(who)).data.ride).toEqual(ride);
    expect((await bikeRow(b.id))?.status).toBe('riding');
  });

  it('needs a caller', async () => {
    const b = await bike();
    expect((await cloud.call('rides', { action: 'unlock', bikeCode: b.code, ...IN_SQ })).error.code).toBe('UNAUTHENTICATED');
    expect((await cloud.call('rides', { action: 'current' })).error.code).toBe('UNAUTHENTICATED');
  });
});
