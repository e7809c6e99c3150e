/**
 * A rides world for the rides port contract suite: the same use cases over the SQLite adapters or
 * over the CloudBase adapters on the shared fake (functions/local/cloudbase-standin.ts), with a lock the
 * test controls, and the stored state read back for the invariants.
 */
import { randomBytes } from 'node:crypto';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { timedLock } from '../../functions/lib/lock';
import type { PlaceStore } from '../../functions/lib/ports';
import { openDatabase, sqlitePorts } from '../../functions/lib/sqlite';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import type { RideDeps } from '../../functions/lib/usecases/ride';
import { upsertPlacesParams } from '../../shared/contract/admin';
import type { Place } from '../../shared/places';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { crashAtEveryCall, type CrashReport, type Stoppable } from './port-suite';
import { stoppableSqlite } from './sqlite-stop';

export type Adapter = 'sqlite' | 'cloudbase';
export const ADAPTERS: Adapter[] = ['sqlite', 'cloudbase'];

export const LOCK_TIMEOUT_MS = 3000;
export const T0 = Date.parse('2026-11-25T00:00:00Z');
export const at = (sec: number) => new Date(T0 + sec * 1000);

/** Where the riders stand; station P's square zone (about 220 m a side) holds it. */
export const HERE = { lat: 30, lng: 120 };
const ZONE = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [119.999, 29.999],
      [120.001, 29.999],
      [120.001, 30.001],
      [119.999, 30.001],
      [119.999, 29.999],
    ],
  ] as [number, number][][],
};
/** Outside every zone. */
export const NOWHERE = { lat: 30.01, lng: 120.01 };

/** Bikes A, B, C at HERE, M in maintenance at HERE, F 200 m north; station P. */
export const PLACES: Place[] = [
  ...['A', 'B', 'C'].map((id): Place => ({ kind: 'bike', id, code: id, ...HERE, status: 'available' })),
  { kind: 'bike', id: 'M', code: 'M', ...HERE, status: 'maintenance' },
  { kind: 'bike', id: 'F', code: 'F', lat: 30.0018, lng: 120, status: 'available' },
  { kind: 'station', id: 'P', name: 'P', ...HERE, zone: ZONE },
];

export interface StoredRide {
  id: string;
  requestedAt?: string;
  openid: string;
  bikeId: string;
  status: string;
  feeFen: number | null;
  billId: string | null;
}
export interface StoredBike {
  id: string;
  status: string;
  afterRide?: string | null;
  /** CloudBase only: the open ride the bike document names. */
  rideId?: string | null;
  heldBy?: string | null;
  heldUntil?: string | null;
}
/** A rider's kept reservation (SQLite: the latest still `held`; CloudBase: the rider document's `hold`). */
export interface StoredHold {
  openid: string;
  bikeId: string;
  until: string;
}
export interface StoredBill {
  id: string;
  openid: string;
  rideId: string;
  amountFen: number;
  status: string;
}
export interface State {
  rides: StoredRide[];
  bikes: StoredBike[];
  bills: StoredBill[];
  holds: StoredHold[];
  /** CloudBase only: the lapses each rider document keeps (`until`s). */
  lapses?: Map<string, string[]>;
  /** CloudBase only: the per-rider documents. */
  riders?: Map<string, { openRideId: string | null; unpaidRideBills: string[] }>;
}

export interface RideWorld {
  adapter: Adapter;
  deps: RideDeps & { places: PlaceStore };
  fake?: FakeCloudbase;
  /** The database with fault injection (tests/support/port-suite.ts): the fake, or a stoppable SQLite. */
  faults: Stoppable;
  /** What the lock answers next. */
  lockAnswer: 'ok' | 'failed';
  state(): State;
  /** A restarted function: new adapter instances over the same data. */
  renew(): void;
  close(): void;
}

/** A fresh world of one adapter with PLACES imported. */
export async function rideWorld(adapter: Adapter): Promise<RideWorld> {
  const world = { lockAnswer: 'ok' } as RideWorld;
  const lock = timedLock({ unlock: async () => world.lockAnswer, relock: async () => 'ok' as const }, LOCK_TIMEOUT_MS);
  const random = { bytes: (n: number) => randomBytes(n) };
  if (adapter === 'sqlite') {
    // The adapters run on the stoppable wrapper; the invariants read the database itself.
    const db = openDatabase(':memory:');
    const { db: stoppable, faults } = stoppableSqlite(db);
    const ports = sqlitePorts(stoppable, { lock, lockTimeoutMs: LOCK_TIMEOUT_MS });
    Object.assign(world, {
      adapter,
      faults,
      deps: { ...ports, lock, random },
      renew: () => Object.assign(world.deps, { ...sqlitePorts(stoppable), lock, random }),
      close: () => db.close(),
      state: (): State => ({
        rides: db
          .prepare('SELECT id, openid, bike_id AS bikeId, status, fee_fen AS feeFen, bill_id AS billId, requested_at AS requestedAt FROM rides')
          .all() as StoredRide[],
        holds: db
          .prepare(
            `SELECT openid, bike_id AS bikeId, until FROM ride_holds h WHERE status = 'held'
             AND NOT EXISTS (SELECT 1 FROM ride_holds l WHERE l.openid = h.openid AND l.status = 'held' AND (l.created_at, l.id) > (h.created_at, h.id))`,
          )
          .all() as StoredHold[],
        bikes: (
          db
            .prepare(
              `SELECT id, status, json_extract(body, '$.afterRide') AS afterRide, json_extract(body, '$.status') AS bodyStatus,
                 json_extract(body, '$.heldBy') AS heldBy, json_extract(body, '$.heldUntil') AS heldUntil FROM places WHERE kind = 'bike'`,
            )
            .all() as (StoredBike & { bodyStatus: string })[]
        ).map(({ bodyStatus, ...b }) => {
          if (bodyStatus !== b.status) throw new Error(`bike ${b.id}: column status ${b.status} but body status ${bodyStatus}`);
          return b;
        }),
        bills: db.prepare(`SELECT id, openid, ride_id AS rideId, amount_fen AS amountFen, status FROM bills WHERE type = 'ride'`).all() as StoredBill[],
      }),
    });
  } else {
    const fake = new FakeCloudbase({ unique: { places_bike: ['code'] } });
    Object.assign(world, {
      adapter,
      fake,
      faults: fake,
      deps: { rides: cloudbaseRides(fake), places: cloudbasePlaces(fake), lock, tariff: DEFAULT_TARIFF, random },
      renew: () => Object.assign(world.deps, { rides: cloudbaseRides(fake), places: cloudbasePlaces(fake) }),
      close: () => {},
      state: (): State => {
        const rows = (name: string) => [...fake.table(name).entries()].map(([id, doc]) => ({ ...doc, _id: id }) as Record<string, any>);
        return {
          rides: rows('rides').map((r) => ({
            id: r._id,
            openid: r.openid,
            bikeId: r.bikeId,
            status: r.status,
            feeFen: r.feeFen ?? null,
            billId: r.billId ?? null,
            requestedAt: r.requestedAt,
          })),
          bikes: rows('places_bike').map((b) => ({
            id: b.id,
            status: b.status,
            afterRide: b.afterRide ?? null,
            rideId: b.rideId ?? null,
            heldBy: b.heldBy ?? null,
            heldUntil: b.heldUntil ?? null,
          })),
          holds: rows('riders').flatMap((r) => (r.hold ? [{ openid: r._id, bikeId: r.hold.bikeId, until: r.hold.until }] : [])),
          lapses: new Map(rows('riders').map((r) => [r._id, r.lapses ?? []])),
          bills: rows('bills')
            .filter((b) => b.type === 'ride')
            .map((b) => ({ id: b._id, openid: b.openid, rideId: b.rideId, amountFen: b.amountFen, status: b.status })),
          riders: new Map(rows('riders').map((r) => [r._id, { openRideId: r.openRideId ?? null, unpaidRideBills: r.unpaidRideBills ?? [] }])),
        };
      },
    });
  }
  const imported = await upsertPlaces(world.deps, upsertPlacesParams.parse({ places: PLACES }));
  if (!imported.ok) throw new Error(imported.error.message);
  return world;
}

const isOpen = (status: string) => status === 'unlocking' || status === 'active';

/**
 * Every invariant of rides, on what is stored: one open ride per rider and per bike; a bike
 * `riding` exactly when an open ride holds it; the maintenance flag only on a ridden bike; a bill
 * for an ended ride iff its fee is above 0, of that amount; on CloudBase, the per-rider document
 * and the bike's `rideId` agree with the rides.
 */
export function checkInvariants(state: State): void {
  const open = state.rides.filter((r) => isOpen(r.status));
  const perRider = new Map<string, number>();
  const perBike = new Map<string, string>();
  for (const r of open) {
    perRider.set(r.openid, (perRider.get(r.openid) ?? 0) + 1);
    if (perBike.has(r.bikeId)) throw new Error(`bike ${r.bikeId} has two open rides: ${perBike.get(r.bikeId)} and ${r.id}`);
    perBike.set(r.bikeId, r.id);
  }
  for (const [rider, n] of perRider) if (n > 1) throw new Error(`rider ${rider} has ${n} open rides`);
  for (const bike of state.bikes) {
    const ride = perBike.get(bike.id);
    if ((bike.status === 'riding') !== (ride !== undefined))
      throw new Error(`bike ${bike.id} is ${bike.status} with ${ride ? `open ride ${ride}` : 'no open ride'}`);
    if (bike.afterRide && bike.status !== 'riding') throw new Error(`bike ${bike.id} keeps a maintenance flag while ${bike.status}`);
    if (bike.rideId !== undefined && (bike.rideId ?? null) !== (ride ?? null))
      throw new Error(`bike ${bike.id} names ride ${bike.rideId}, its open ride is ${ride ?? 'none'}`);
  }
  const bills = new Map(state.bills.map((b) => [b.id, b]));
  const billed = new Set<string>();
  for (const r of state.rides) {
    if (r.status !== 'ended') {
      if (r.billId !== null) throw new Error(`ride ${r.id} is ${r.status} with a bill`);
      continue;
    }
    if ((r.feeFen ?? 0) > 0) {
      const bill = bills.get(r.billId ?? '');
      if (!bill || bill.rideId !== r.id || bill.amountFen !== r.feeFen || bill.openid !== r.openid)
        throw new Error(`ride ${r.id} (fee ${r.feeFen}) has no matching bill`);
      billed.add(bill.id);
    } else if (r.billId !== null) throw new Error(`free ride ${r.id} has bill ${r.billId}`);
  }
  for (const b of state.bills) if (!billed.has(b.id)) throw new Error(`bill ${b.id} belongs to no ended ride with a fee`);
  checkHolds(state);
  if (state.riders) {
    const riders = new Set([...state.riders.keys(), ...open.map((r) => r.openid), ...state.bills.map((b) => b.openid)]);
    for (const openid of riders) {
      const doc = state.riders.get(openid) ?? { openRideId: null, unpaidRideBills: [] };
      const ride = open.find((r) => r.openid === openid);
      if ((doc.openRideId ?? null) !== (ride?.id ?? null))
        throw new Error(`rider ${openid}'s document names ride ${doc.openRideId}, their open ride is ${ride?.id ?? 'none'}`);
      const unpaid = state.bills
        .filter((b) => b.openid === openid && b.status === 'unpaid')
        .map((b) => b.id)
        .sort();
      if (JSON.stringify([...doc.unpaidRideBills].sort()) !== JSON.stringify(unpaid))
        throw new Error(`rider ${openid}'s document lists bills ${doc.unpaidRideBills}, unpaid are ${unpaid}`);
    }
  }
}

/**
 * Reservations, on what is stored (no clock: a lapsed hold is left as it was): a bike names a hold
 * (`heldBy`/`heldUntil`) only when that rider keeps that very hold (or an earlier one that lapsed),
 * and never while ridden; a
 * rider's kept hold is named by its bike, unless the bike was held again later or unlocked at or
 * after the hold's end (both let a lapsed hold go).
 */
export function checkHolds(state: State): void {
  const kept = new Map(state.holds.map((h) => [h.openid, h]));
  for (const bike of state.bikes) {
    if (!bike.heldBy) continue;
    if (bike.status === 'riding') throw new Error(`bike ${bike.id} is ridden and held for ${bike.heldBy}`);
    const hold = kept.get(bike.heldBy);
    const until = bike.heldUntil ?? '';
    // The rider's kept hold, or an earlier one that lapsed (a later hold superseded it, or CloudBase
    // moved it to the rider's lapses).
    const named = hold ? (hold.bikeId === bike.id ? hold.until === until : hold.until > until) : (state.lapses?.get(bike.heldBy) ?? []).includes(until);
    if (!named) throw new Error(`bike ${bike.id} is held for ${bike.heldBy} until ${until}, a hold that rider does not keep`);
  }
  for (const hold of state.holds) {
    const bike = state.bikes.find((b) => b.id === hold.bikeId);
    if (!bike) throw new Error(`${hold.openid} holds bike ${hold.bikeId}, which does not exist`);
    if (bike.heldBy === hold.openid && bike.heldUntil === hold.until) continue;
    if (bike.heldUntil && bike.heldUntil > hold.until) continue;
    if (state.rides.some((r) => r.bikeId === bike.id && (r.requestedAt ?? '') >= hold.until)) continue;
    throw new Error(`${hold.openid} keeps a hold of bike ${bike.id} until ${hold.until} that the bike does not name`);
  }
}

/** Who calls a use case at T0 + `sec` (the context the ride use cases take). */
export const as = (caller: string, sec = 0) => ({ caller, now: at(sec) });
export const ADMIN = { caller: 'admin', now: at(0) };

/**
 * Registers a fresh world of `adapter` before each test of the enclosing block and, after it,
 * checks every invariant and closes it. The answer stands for the running test's world (read it
 * inside a test or a hook, never at the block's top level).
 */
export function rideWorldEach(adapter: Adapter): RideWorld {
  let current: RideWorld | undefined;
  beforeEach(async () => {
    current = await rideWorld(adapter);
  });
  afterEach(() => {
    const w = current;
    current = undefined;
    if (!w) return;
    checkInvariants(w.state());
    w.close();
  });
  return new Proxy({} as RideWorld, {
    get(_target, key) {
      if (!current) throw new Error('no ride world outside a test (rideWorldEach)');
      const value = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set(_target, key, value) {
      if (!current) throw new Error('no ride world outside a test (rideWorldEach)');
      return Reflect.set(current, key, value);
    },
  });
}

/** One crash scenario of the rides port (see rideCrashScenarios). */
export interface RideScenario {
  setUp?: (w: RideWorld) => Promise<void>;
  run: (w: RideWorld) => Promise<unknown>;
  /** What the client's retry calls (default: `run` again). */
  retry?: (w: RideWorld) => Promise<unknown>;
  /** The retry's answer, read as the scenario's own use case answers. */
  check: (w: RideWorld, answer: any) => void | Promise<void>;
  /** What the lock answers during the run (default ok). */
  lock?: 'ok' | 'failed';
}

/**
 * Registers crash scenarios on `adapter`: each stops its run at every database call
 * (tests/support/port-suite.ts), then retries on a restarted function (new adapter instances over
 * the same data), every invariant checked after each stop and each retry; then the scenario's
 * `check` of the retry's answer, and `after` when given. `reports` fill in as the tests run.
 */
export function rideCrashScenarios(adapter: Adapter, after?: (w: RideWorld) => Promise<void>) {
  const reports: Record<string, CrashReport> = {};
  const scenario = (name: string, build: RideScenario) =>
    it(`${name}: every invariant holds after each stop and each retry`, async () => {
      reports[name] = await crashAtEveryCall<RideWorld, unknown>({
        name,
        async setUp() {
          const w = await rideWorld(adapter);
          await build.setUp?.(w);
          w.lockAnswer = build.lock ?? 'ok';
          return w;
        },
        fake: (w) => w.faults,
        run: build.run,
        retry: (w) => (w.renew(), (build.retry ?? build.run)(w)),
        invariants: [(w) => checkInvariants(w.state())],
        async afterRetry(w, answer) {
          await build.check(w, answer);
          await after?.(w);
        },
      });
      expect(reports[name].stops).toBeGreaterThan(0);
    }, 120_000);
  return { scenario, reports };
}
