/**
 * The CloudBase rides adapter over a small in-memory stand-in of the SDK's database (conditional
 * `where().update()` counting `updated`, `add` refusing a duplicate `_id`, transactions over `doc()`
 * operations committed together), driven by the same use cases as the local host.
 */
import { cloudbaseRides, type RideDb } from '../../functions/lib/cloudbase/rides';
import { DUPLICATE_WRITE } from '../../functions/lib/cloudbase/db';
import type { BikeLock } from '../../functions/lib/ports';
import { currentRide, endRide, unlock, type RideDeps } from '../../functions/lib/usecases/ride';
import { DEFAULT_TARIFF } from '../../shared/tariff';

type Row = Record<string, unknown> & { _id: string };

class Point {
  constructor(readonly longitude: number, readonly latitude: number) {}
  toJSON() {
    return { type: 'Point', coordinates: [this.longitude, this.latitude] };
  }
}

const matches = (row: Row, where: Record<string, unknown>) => Object.entries(where).every(([k, v]) => row[k] === v);
const copy = (row: Row): Row => JSON.parse(JSON.stringify(row));

function fakeDb() {
  const tables = new Map<string, Map<string, Row>>();
  const table = (name: string) => tables.get(name) ?? (tables.set(name, new Map()), tables.get(name)!);
  const failures: { add?: (collection: string) => boolean } = {};
  const query = (name: string, where: Record<string, unknown>, limit = 100): any => ({
    where: (q: Record<string, unknown>) => query(name, { ...where, ...q }, limit),
    limit: (n: number) => query(name, where, n),
    get: async () => ({ data: [...table(name).values()].filter((r) => matches(r, where)).slice(0, limit).map(copy) }),
    update: async (data: Record<string, unknown>) => {
      let updated = 0;
      for (const r of table(name).values()) if (matches(r, where)) (Object.assign(r, JSON.parse(JSON.stringify(data))), updated++);
      return { updated };
    },
    remove: async () => {
      let deleted = 0;
      for (const [id, r] of [...table(name)]) if (matches(r, where)) (table(name).delete(id), deleted++);
      return { deleted };
    },
  });
  const db: RideDb = {
    Geo: { Point } as unknown as RideDb['Geo'],
    collection: (name) => ({
      ...query(name, {}),
      doc: (id: string) => ({ get: async () => ({ data: table(name).has(id) ? [copy(table(name).get(id)!)] : [] }) }),
      add: async (data: Record<string, unknown>) => {
        if (failures.add?.(name)) throw new Error('network down');
        const id = String(data._id);
        if (table(name).has(id)) throw Object.assign(new Error('duplicate'), { code: DUPLICATE_WRITE });
        table(name).set(id, JSON.parse(JSON.stringify(data)));
        return { id };
      },
      aggregate: () => ({
        geoNear: (o: any) => ({
          limit: () => ({
            end: async () => ({ data: [...table(name).values()].filter((r) => r.location).map(copy) }),
          }),
        }),
      }),
    }),
    async runTransaction(run) {
      const writes: (() => void)[] = [];
      const result = await run({
        collection: (name) => ({
          doc: (id) => ({
            get: async () => ({ data: table(name).has(id) ? copy(table(name).get(id)!) : null }),
            set: async (data) => void writes.push(() => table(name).set(id, { ...JSON.parse(JSON.stringify(data)), _id: id })),
            update: async (data) => void writes.push(() => Object.assign(table(name).get(id)!, JSON.parse(JSON.stringify(data)))),
            remove: async () => void writes.push(() => table(name).delete(id)),
          }),
        }),
      });
      writes.forEach((w) => w());
      return result;
    },
  };
  return { db, table, failures };
}

const HERE = { lat: 30, lng: 120 };
const ZONE = { type: 'Polygon', coordinates: [[[119.999, 29.999], [120.001, 29.999], [120.001, 30.001], [119.999, 30.001], [119.999, 29.999]]] };
const T0 = Date.parse('2026-11-25T00:00:00Z');
const call = (caller: string, sec = 0) => ({ caller, now: new Date(T0 + sec * 1000) });

function world(lock: BikeLock = { unlock: async () => 'ok' }) {
  const fake = fakeDb();
  for (const id of ['A', 'B']) {
    fake.table('places_bike').set(`bike:${id}`, { _id: `bike:${id}`, kind: 'bike', id, code: id, ...HERE, status: 'available', location: { type: 'Point', coordinates: [HERE.lng, HERE.lat] } });
  }
  fake.table('places_station').set('station:P', { _id: 'station:P', kind: 'station', id: 'P', name: 'P', ...HERE, zone: ZONE, location: { type: 'Point', coordinates: [HERE.lng, HERE.lat] } });
  const deps: RideDeps = { rides: cloudbaseRides(fake.db), lock, tariff: DEFAULT_TARIFF };
  const bike = (id: string) => fake.table('places_bike').get(`bike:${id}`)!;
  return { ...fake, deps, bike };
}

it('unlocks, ends inside the zone with the fee and a bill, and leaves the bike where it was parked', async () => {
  const w = world();
  const started = await unlock(w.deps, { bikeCode: 'A', ...HERE }, call('u1'));
  expect(started.ok).toBe(true);
  expect(w.bike('A').status).toBe('riding');
  expect(w.table('ride_slots').get('u1')).toMatchObject({ bikeId: 'A' });
  const rideId = started.ok ? started.data.ride.id : '';
  const spot = { lat: 30.0005, lng: 120.0005 };
  const ended = await endRide(w.deps, { rideId, ...spot }, call('u1', 600));
  expect(ended.ok && ended.data.ride).toMatchObject({ status: 'ended', durationSec: 600, feeFen: 150, stationId: 'P' });
  const billId = ended.ok ? ended.data.ride.billId! : '';
  expect(w.table('bills').get(billId)).toMatchObject({ openid: 'u1', type: 'ride', amountFen: 150, status: 'unpaid', rideId });
  expect(w.bike('A')).toMatchObject({ status: 'available', lat: spot.lat, lng: spot.lng, location: { type: 'Point', coordinates: [spot.lng, spot.lat] } });
  expect(w.table('ride_slots').has('u1')).toBe(false);
  expect(await currentRide(w.deps, call('u1'))).toEqual({ ok: true, data: { ride: null } });
  // The unpaid bill now blocks the next ride.
  expect(await unlock(w.deps, { bikeCode: 'B', ...HERE }, call('u1', 700))).toMatchObject({ error: { reason: 'UNPAID_BILL' } });
});

it('refuses a second open ride of a rider through the slot document, and a taken bike through the conditional update', async () => {
  const w = world();
  expect((await unlock(w.deps, { bikeCode: 'A', ...HERE }, call('u1'))).ok).toBe(true);
  // Past the use case's checks, straight to the adapter: the database decides.
  const bikeB = { kind: 'bike' as const, id: 'B', code: 'B', ...HERE, status: 'available' as const };
  const bikeA = { ...bikeB, id: 'A', code: 'A' };
  const args = { at: new Date(T0), position: HERE, staleBefore: new Date(T0 - 300000) };
  expect(await w.deps.rides.reserve({ ...args, rideId: 'R2', openid: 'u1', bike: bikeB })).toEqual({ ok: false, reason: 'ACTIVE_RIDE' });
  expect(w.bike('B').status).toBe('available');
  expect(await w.deps.rides.reserve({ ...args, rideId: 'R3', openid: 'u2', bike: bikeA })).toEqual({ ok: false, reason: 'BIKE_UNAVAILABLE' });
  // u2's slot was given back: u2 can take bike B.
  expect(w.table('ride_slots').has('u2')).toBe(false);
  expect(await w.deps.rides.reserve({ ...args, rideId: 'R4', openid: 'u2', bike: bikeB })).toEqual({ ok: true });
});

it('rolls back a failed lock: the ride aborted, the bike and the slot free', async () => {
  const w = world({ unlock: async () => 'failed' });
  expect(await unlock(w.deps, { bikeCode: 'A', ...HERE }, call('u1'))).toMatchObject({ error: { reason: 'LOCK_FAILED' } });
  expect(w.bike('A').status).toBe('available');
  expect(w.table('ride_slots').has('u1')).toBe(false);
  expect([...w.table('rides').values()].map((r) => r.status)).toEqual(['aborted']);
});

it('gives the bike and the slot back when writing the ride fails', async () => {
  const w = world();
  w.failures.add = (collection) => collection === 'rides';
  await expect(unlock(w.deps, { bikeCode: 'A', ...HERE }, call('u1'))).rejects.toThrow('network down');
  expect(w.bike('A').status).toBe('available');
  expect(w.table('ride_slots').has('u1')).toBe(false);
});

it('keeps the ride active outside the zone, and ends it once', async () => {
  const w = world();
  const started = await unlock(w.deps, { bikeCode: 'A', ...HERE }, call('u1'));
  const rideId = started.ok ? started.data.ride.id : '';
  expect(await endRide(w.deps, { rideId, lat: 30.01, lng: 120.01 }, call('u1', 60))).toMatchObject({ error: { reason: 'OUTSIDE_PARKING_ZONE' } });
  expect(w.bike('A').status).toBe('riding');
  expect(await endRide(w.deps, { rideId, ...HERE }, call('stranger', 60))).toMatchObject({ error: { code: 'NOT_FOUND' } });
  expect((await endRide(w.deps, { rideId, ...HERE }, call('u1', 60))).ok).toBe(true);
  expect(await endRide(w.deps, { rideId, ...HERE }, call('u1', 61))).toMatchObject({ error: { reason: 'RIDE_NOT_ACTIVE' } });
  expect(w.table('bills').size).toBe(0);
});
