/**
 * The CloudBase rides adapter on the shared fake of the SDK's database (tests/support/cloudbase-fake.ts):
 * what only CloudBase has (the per-rider document, the bike's `rideId`, conflicts), and a stop at
 * every database call of every multi-document operation (tests/support/port-suite.ts): after each
 * stop, and after the client's retry, every invariant of rides holds, and once the clock is past the
 * lock timeout and a sweep runs nothing is stuck. (The same cases against both back ends are in
 * rides-port.test.ts; SQLite's own crash test is the kill -9 of `npm start`, crash-start.test.ts.)
 */
import { Contended } from '../../functions/lib/ports';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { currentRide, endRide, forceEndRide, sweepStaleUnlocks, unlock } from '../../functions/lib/usecases/ride';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import { upsertPlacesParams } from '../../shared/contract/admin';
import { crashAtEveryCall, type CrashReport } from '../support/port-suite';
import { HERE, LOCK_TIMEOUT_MS, at, checkInvariants, rideWorld, type RideWorld } from '../support/rides-world';

const as = (caller: string, sec = 0) => ({ caller, now: at(sec) });
const LATER = 2 * 3600;

it('keeps the per-rider document and the bike document in step with the ride', async () => {
  const w = await rideWorld('cloudbase');
  const started = await unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1'));
  const rideId = started.ok ? started.data.ride.id : '';
  expect(w.fake!.table('riders').get('u1')).toMatchObject({ openRideId: rideId, unpaidRideBills: [] });
  expect(w.fake!.table('places_bike').get('bike:A')).toMatchObject({ status: 'riding', rideId });
  const ended = await endRide(w.deps, { rideId, ...HERE }, as('u1', 600));
  const billId = ended.ok ? ended.data.ride.billId : null;
  expect(w.fake!.table('riders').get('u1')).toMatchObject({ openRideId: null, unpaidRideBills: [billId] });
  expect(w.fake!.table('places_bike').get('bike:A')).toMatchObject({ status: 'available', rideId: null });
  checkInvariants(w.state());
});

it('answers Contended, with nothing written, when conflicts outlast every retry', async () => {
  const w = await rideWorld('cloudbase');
  const fake = w.fake!;
  // Every transaction of this fake conflicts: a hot document someone else keeps writing.
  const run = fake.runTransaction.bind(fake);
  let attempts = 0;
  fake.runTransaction = (async () => {
    attempts++;
    throw Object.assign(new Error('conflict'), { code: 'DATABASE_TRANSACTION_CONFLICT' });
  }) as typeof fake.runTransaction;
  const rides = cloudbaseRides(fake, () => 0);
  await expect(rides.reserve({ rideId: 'R1', openid: 'u1', bikeCode: 'A', position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS })).rejects.toBeInstanceOf(Contended);
  expect(attempts).toBe(4);
  fake.runTransaction = run;
  expect(fake.table('rides').size).toBe(0);
  expect(fake.table('places_bike').get('bike:A')).toMatchObject({ status: 'available' });
});

it('undoes a failed import only where the document is still as the import wrote it: a bike unlocked meanwhile stays ridden', async () => {
  const w = await rideWorld('cloudbase');
  const fake = w.fake!;
  const moved = { lat: 30.0001, lng: 120.0001 };
  // Chunk 1 (100 places): A and B moved, 98 new bikes; chunk 2: 10 more new bikes.
  const places = [
    { kind: 'bike', id: 'A', code: 'A', ...moved, status: 'available' },
    { kind: 'bike', id: 'B', code: 'B', ...moved, status: 'available' },
    ...Array.from({ length: 108 }, (_, i) => ({ kind: 'bike', id: `N${i}`, code: `N${i}`, ...HERE, status: 'available' })),
  ];
  const run = fake.runTransaction.bind(fake);
  let imports = 0;
  fake.runTransaction = (async (callback: never, times?: number) => {
    if (++imports === 2) {
      // Between the chunks a rider unlocks A (its document changes), then chunk 2 fails.
      fake.runTransaction = run;
      expect((await unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1'))).ok).toBe(true);
      throw new Error('network down');
    }
    return run(callback, times);
  }) as typeof fake.runTransaction;
  await expect(upsertPlaces(w.deps, upsertPlacesParams.parse({ places }))).rejects.toThrow('network down');
  const bikes = fake.table('places_bike');
  expect(bikes.get('bike:B')).toMatchObject({ ...HERE, status: 'available' });
  expect([...bikes.keys()].filter((id) => id.startsWith('bike:N'))).toEqual([]);
  // A keeps its rider (and the position the import wrote: restoring it would free nothing, but it is no longer the import's).
  expect(bikes.get('bike:A')).toMatchObject({ status: 'riding', ...moved });
  checkInvariants(w.state());
  expect(await unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u2', 1))).toMatchObject({ error: { reason: 'BIKE_UNAVAILABLE' } });
});

describe('a stop at every database call', () => {
  const reports: Record<string, CrashReport> = {};
  afterAll(() => {
    // The figures of the closing note: calls per operation and stops injected.
    console.log(Object.entries(reports).map(([name, r]) => `${name}: ${r.calls} calls, ${r.stops} stops`).join('\n'));
  });

  /** After the retry: past the lock timeout, a sweep leaves nobody and no bike stuck. */
  async function nothingStuck(w: RideWorld) {
    await sweepStaleUnlocks(w.deps, as('sweeper', LATER));
    const state = w.state();
    checkInvariants(state);
    expect(state.rides.filter((r) => r.status === 'unlocking')).toEqual([]);
    for (const b of state.bikes) if (b.status === 'riding') expect(state.rides.find((r) => r.bikeId === b.id && r.status === 'active')).toBeDefined();
  }

  const scenario = (name: string, build: { setUp?: (w: RideWorld) => Promise<void>; run: (w: RideWorld) => Promise<unknown>; retry?: (w: RideWorld) => Promise<unknown>; check: (w: RideWorld, answer: any) => void | Promise<void>; lock?: 'ok' | 'failed' }) =>
    it(`${name}: every invariant holds after each stop and each retry`, async () => {
      reports[name] = await crashAtEveryCall<RideWorld, unknown>({
        name,
        async setUp() {
          const w = await rideWorld('cloudbase');
          await build.setUp?.(w);
          w.lockAnswer = build.lock ?? 'ok';
          return w;
        },
        fake: (w) => w.fake!,
        run: build.run,
        retry: build.retry,
        invariants: [(w) => checkInvariants(w.state())],
        async afterRetry(w, answer) {
          await build.check(w, answer);
          await nothingStuck(w);
        },
      });
      expect(reports[name].stops).toBeGreaterThan(0);
    }, 120_000);

  scenario('unlock (reserve, lock, confirm)', {
    run: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1')),
    // The client tries again a little later (past the lock timeout).
    retry: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1', LOCK_TIMEOUT_MS / 1000 + 1)),
    async check(w, answer) {
      // Either the retry got the bike, or the first attempt did (confirmed before the stop).
      if (!answer.ok) {
        expect(answer.error.reason).toBe('ACTIVE_RIDE');
        expect((await currentRide(w.deps, {}, as('u1', 5))).ok && (await currentRide(w.deps, {}, as('u1', 5)))).toMatchObject({ data: { ride: { bikeId: 'A' } } });
      }
      expect(w.state().rides.filter((r) => r.status === 'active')).toHaveLength(1);
    },
  });

  scenario('unlock with a lock that fails (reserve, abort)', {
    lock: 'failed',
    run: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1')),
    retry: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1', LOCK_TIMEOUT_MS / 1000 + 1)),
    check(w, answer) {
      expect(answer).toMatchObject({ ok: false, error: { reason: 'LOCK_FAILED' } });
      expect(w.state().bikes.find((b) => b.id === 'A')!.status).toBe('available');
    },
  });

  let rideId = '';
  scenario('end (ride, bill, bike, rider)', {
    async setUp(w) {
      const started = await unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1'));
      rideId = started.ok ? started.data.ride.id : '';
    },
    run: (w) => endRide(w.deps, { rideId: w.state().rides[0].id, ...HERE }, as('u1', 600)),
    check(w, answer) {
      // The retry ends it, or finds it ended by the attempt whose answer was lost.
      if (!answer.ok) expect(answer.error.reason).toBe('RIDE_NOT_ACTIVE');
      const state = w.state();
      expect(state.rides.map((r) => r.status)).toEqual(['ended']);
      expect(state.bills.map((b) => b.amountFen)).toEqual([150]);
      expect(state.bikes.find((b) => b.id === 'A')!.status).toBe('available');
    },
  });

  scenario('forceEnd of an unlock cut short (abort)', {
    async setUp(w) {
      await w.deps.rides.reserve({ rideId: 'R1', openid: 'u1', bikeCode: 'A', position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS });
    },
    run: (w) => forceEndRide(w.deps, { rideId: 'R1' }, as('admin', 1)),
    check(w, answer) {
      if (!answer.ok) expect(answer.error.reason).toBe('RIDE_NOT_ACTIVE');
      expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
    },
  });

  scenario('sweep of two unlocks cut short, one bike flagged for maintenance', {
    async setUp(w) {
      await w.deps.rides.reserve({ rideId: 'R1', openid: 'u1', bikeCode: 'A', position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS });
      await w.deps.rides.reserve({ rideId: 'R2', openid: 'u2', bikeCode: 'B', position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS });
      await upsertPlaces(w.deps, upsertPlacesParams.parse({ places: [{ kind: 'bike', id: 'B', code: 'B', ...HERE, status: 'maintenance' }] }));
    },
    run: (w) => sweepStaleUnlocks(w.deps, as('sweeper', 60)),
    check(w) {
      const state = w.state();
      expect(state.rides.map((r) => r.status)).toEqual(['aborted', 'aborted']);
      expect(state.bikes.filter((b) => b.id === 'A' || b.id === 'B').map((b) => b.status)).toEqual(['available', 'maintenance']);
    },
  });

  scenario('import of maintenance for a ridden bike', {
    async setUp(w) {
      await unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1'));
    },
    run: (w) => upsertPlaces(w.deps, upsertPlacesParams.parse({ places: [{ kind: 'bike', id: 'A', code: 'A', ...HERE, status: 'maintenance' }, { kind: 'bike', id: 'N', code: 'N', ...HERE, status: 'available' }] })),
    async check(w, answer) {
      expect(answer).toEqual({ ok: true, data: { upserted: 2, deferred: [{ id: 'A', status: 'maintenance', until: 'ride-end' }] } });
      const rideOfA = w.state().rides.find((r) => r.status === 'active')!;
      expect((await endRide(w.deps, { rideId: rideOfA.id, ...HERE }, as('u1', 60))).ok).toBe(true);
      expect(w.state().bikes.find((b) => b.id === 'A')!.status).toBe('maintenance');
    },
  });
});
