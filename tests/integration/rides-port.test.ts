/**
 * THE rides port contract suite: the same cases, the same expected answers, over the SQLite
 * adapter and over the CloudBase adapter on the shared fake; every case ends by checking every
 * invariant (tests/support/rides-world.ts). Then, on CloudBase, a stop at every database call of
 * every multi-document operation (crash-suite below).
 */
import { forceEndRide, currentRide, endRide, sweepStaleUnlocks, unlock, previewBike } from '../../functions/lib/usecases/ride';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import { upsertPlacesParams } from '../../shared/contract/admin';
import {
  ADAPTERS,
  ADMIN,
  HERE,
  LOCK_TIMEOUT_MS,
  NOWHERE,
  as,
  at,
  checkInvariants,
  rideCrashScenarios,
  rideWorldEach,
  type RideWorld,
} from '../support/rides-world';

const LATER = 2 * 3600;

/** Just past the lock timeout, in seconds. */
const STALE_SEC = LOCK_TIMEOUT_MS / 1000 + 0.001;

describe.each(ADAPTERS)('rides port on %s', (adapter) => {
  const w = rideWorldEach(adapter);

  const ride = (who: string, code: string, sec = 0, where = HERE) => unlock(w.deps, { bikeCode: code, ...where }, as(who, sec));
  const bikeStatus = (id: string) => w.state().bikes.find((b) => b.id === id)!.status;
  /** An unlock cut short: the reservation written, then the function died before the lock answered. */
  const strand = async (who: string, code: string, sec = 0) => {
    const reserved = await w.deps.rides.reserve({
      rideId: `R-${who}-${code}-${sec}`,
      openid: who,
      bikeCode: code,
      position: HERE,
      now: at(sec),
      lockTimeoutMs: LOCK_TIMEOUT_MS,
    });
    if (!reserved.ok) throw new Error(`not reserved: ${reserved.refusal.reason}`);
    return reserved.ride.id;
  };

  it('unlocks, ends inside a zone with the fee and a bill, and the unpaid bill blocks the next unlock', async () => {
    const started = await ride('u1', 'A');
    expect(started).toEqual({
      ok: true,
      data: { ride: { id: expect.stringMatching(/^R[0-9a-f]{32}$/), bikeId: 'A', bikeCode: 'A', startAt: at(0).toISOString(), status: 'active' } },
    });
    const rideId = started.ok ? started.data.ride.id : '';
    expect(bikeStatus('A')).toBe('riding');
    const spot = { lat: 30.0005, lng: 120.0005 };
    const ended = await endRide(w.deps, { rideId, ...spot }, as('u1', 600));
    expect(ended).toEqual({
      ok: true,
      data: {
        ride: {
          id: rideId,
          bikeId: 'A',
          bikeCode: 'A',
          startAt: at(0).toISOString(),
          status: 'ended',
          endAt: at(600).toISOString(),
          durationSec: 600,
          feeFen: 150,
          surchargeFen: 0,
          billId: expect.stringMatching(/^RB[0-9a-f]{32}$/),
          endLat: spot.lat,
          endLng: spot.lng,
          stationId: 'P',
        },
      },
    });
    expect(w.state().bills).toEqual([{ id: ended.ok ? ended.data.ride.billId : '', openid: 'u1', rideId, amountFen: 150, status: 'unpaid' }]);
    expect(await w.deps.places.get('bike', 'A')).toMatchObject({ status: 'available', lat: spot.lat, lng: spot.lng });
    expect(await currentRide(w.deps, {}, as('u1', 601))).toEqual({ ok: true, data: { ride: null, reservation: null } });
    expect(await ride('u1', 'B', 700)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'you have an unpaid ride bill of ¥1.50: pay it before the next ride', reason: 'UNPAID_BILL' },
    });
  });

  it('refuses in one order, in the same words on both back ends', async () => {
    const first = await ride('u1', 'A');
    const rideId = first.ok ? first.data.ride.id : '';
    expect(await ride('u1', 'ZZ')).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'bikeCode: no bike "ZZ"' } });
    expect(await ride('u1', 'M')).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'you already ride bike A: end that ride first', reason: 'ACTIVE_RIDE' },
    });
    expect((await endRide(w.deps, { rideId, ...HERE }, as('u1', 600))).ok).toBe(true);
    // An unpaid bill comes before the bike's state.
    expect(await ride('u1', 'M', 601)).toMatchObject({ error: { reason: 'UNPAID_BILL' } });
    expect(await ride('u2', 'M', 601)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike M is in maintenance', reason: 'BIKE_UNAVAILABLE' },
    });
    // The bike's state comes before the distance.
    expect(await ride('u2', 'M', 601, NOWHERE)).toMatchObject({ error: { reason: 'BIKE_UNAVAILABLE' } });
    expect(await ride('u2', 'F', 601)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'lat/lng: you are 200 m from bike F; come within 100 m to unlock it', reason: 'TOO_FAR' },
    });
    expect((await ride('u3', 'B', 601)).ok).toBe(true);
    expect(await ride('u2', 'B', 601)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike B is in use', reason: 'BIKE_UNAVAILABLE' },
    });
  });

  it('gives one bike to one of eight riders at once, and one rider racing for two bikes one ride', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => ride(`r${i}`, 'A')));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    for (const a of answers) if (!a.ok) expect(a.error.reason).toBe('BIKE_UNAVAILABLE');
    const two = await Promise.all([ride('solo', 'B'), ride('solo', 'C')]);
    expect(two.filter((a) => a.ok)).toHaveLength(1);
    expect(two.find((a) => !a.ok)).toMatchObject({ error: { reason: 'ACTIVE_RIDE' } });
    expect([bikeStatus('B'), bikeStatus('C')].sort()).toEqual(['available', 'riding']);
  });

  it('aborts the ride when the lock does not open: no ride, the bike and the rider free', async () => {
    w.lockAnswer = 'failed';
    expect(await ride('u1', 'A')).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: the lock of bike A did not open; try again or pick another bike', reason: 'LOCK_FAILED' },
    });
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
    expect(bikeStatus('A')).toBe('available');
    w.lockAnswer = 'ok';
    expect((await ride('u1', 'A', 1)).ok).toBe(true);
  });

  it('bills a ride iff its fee is above 0: free rides, waived rides and surcharges', async () => {
    const free = await ride('u1', 'A');
    expect(await endRide(w.deps, { rideId: free.ok ? free.data.ride.id : '', ...HERE }, as('u1', 120))).toMatchObject({
      ok: true,
      data: { ride: { feeFen: 0, billId: null } },
    });
    const waived = await ride('u2', 'B');
    expect(await forceEndRide(w.deps, { rideId: waived.ok ? waived.data.ride.id : '', waiveFee: true }, ADMIN)).toMatchObject({
      ok: true,
      data: { ride: { feeFen: 0, billId: null, stationId: 'P' } },
    });
    const outside = await ride('u3', 'C');
    const outsideId = outside.ok ? outside.data.ride.id : '';
    expect(await endRide(w.deps, { rideId: outsideId, ...NOWHERE }, as('u3', 60))).toMatchObject({
      error: { reason: 'OUTSIDE_PARKING_ZONE', message: expect.stringContaining('¥5.00') },
    });
    expect(await endRide(w.deps, { rideId: outsideId, ...HERE }, as('stranger', 60))).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: `rideId: no ride "${outsideId}" of yours` },
    });
    expect(await endRide(w.deps, { rideId: outsideId, ...NOWHERE, acceptSurcharge: true }, as('u3', 60))).toMatchObject({
      ok: true,
      data: { ride: { feeFen: 500, surchargeFen: 500, stationId: null } },
    });
    expect(await endRide(w.deps, { rideId: outsideId, ...HERE }, as('u3', 61))).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: `rideId: ride "${outsideId}" is not active (ended)`, reason: 'RIDE_NOT_ACTIVE' },
    });
    expect(w.state().bills.map((b) => b.amountFen)).toEqual([500]);
  });

  describe('an unlock cut short (the function died while the lock was asked)', () => {
    it('still holds rider and bike up to the lock timeout', async () => {
      await strand('u1', 'A');
      expect(await ride('u1', 'B', LOCK_TIMEOUT_MS / 1000)).toMatchObject({ error: { reason: 'ACTIVE_RIDE' } });
      expect(await ride('u2', 'A', LOCK_TIMEOUT_MS / 1000)).toMatchObject({ error: { reason: 'BIKE_UNAVAILABLE' } });
      expect(await sweepStaleUnlocks(w.deps, as('sweeper', LOCK_TIMEOUT_MS / 1000))).toEqual({ aborted: 0 });
    });

    it("is aborted by the rider's next unlock past the timeout", async () => {
      const stale = await strand('u1', 'A');
      expect((await ride('u1', 'B', STALE_SEC)).ok).toBe(true);
      expect(w.state().rides.find((r) => r.id === stale)!.status).toBe('aborted');
      expect(bikeStatus('A')).toBe('available');
    });

    it("is aborted by another rider's unlock of that bike", async () => {
      await strand('u1', 'A');
      expect(await ride('u2', 'A', STALE_SEC)).toMatchObject({ ok: true, data: { ride: { bikeId: 'A' } } });
      expect((await ride('u1', 'B', STALE_SEC)).ok).toBe(true);
    });

    it('is aborted by rides.current', async () => {
      await strand('u1', 'A');
      expect(await currentRide(w.deps, {}, as('u1', 1))).toEqual({ ok: true, data: { ride: null, reservation: null } });
      expect(bikeStatus('A')).toBe('riding');
      expect(await currentRide(w.deps, {}, as('u1', STALE_SEC))).toEqual({ ok: true, data: { ride: null, reservation: null } });
      expect(bikeStatus('A')).toBe('available');
    });

    it("is aborted by the admin's forceEnd, even before the timeout", async () => {
      const stale = await strand('u1', 'A');
      expect(await forceEndRide(w.deps, { rideId: stale }, ADMIN)).toEqual({
        ok: true,
        data: { ride: { id: stale, bikeId: 'A', bikeCode: 'A', requestedAt: at(0).toISOString(), status: 'aborted' } },
      });
      expect(bikeStatus('A')).toBe('available');
      expect(await forceEndRide(w.deps, { rideId: stale }, ADMIN)).toMatchObject({
        error: { reason: 'RIDE_NOT_ACTIVE', message: `rideId: ride "${stale}" is not active (aborted)` },
      });
      expect(await forceEndRide(w.deps, { rideId: 'nope' }, ADMIN)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'rideId: no ride "nope"' } });
    });

    it('is aborted by the sweep, every one past the timeout and none before', async () => {
      await strand('u1', 'A', 0);
      await strand('u2', 'B', 1);
      await strand('u3', 'C', 10);
      expect(await sweepStaleUnlocks(w.deps, as('sweeper', 1 + STALE_SEC))).toEqual({ aborted: 2 });
      expect(
        w
          .state()
          .rides.map((r) => r.status)
          .sort(),
      ).toEqual(['aborted', 'aborted', 'unlocking']);
      expect([bikeStatus('A'), bikeStatus('B'), bikeStatus('C')]).toEqual(['available', 'available', 'riding']);
      expect(await sweepStaleUnlocks(w.deps, as('sweeper', 3600))).toEqual({ aborted: 1 });
    });

    it('does not abort a ride that confirmed meanwhile, and a late confirmation loses to the abort', async () => {
      const confirmed = await strand('u1', 'A');
      expect(await w.deps.rides.confirm(confirmed, at(1))).toMatchObject({ status: 'active' });
      const late = await strand('u2', 'B');
      expect(await sweepStaleUnlocks(w.deps, as('sweeper', 3600))).toEqual({ aborted: 1 });
      expect(await w.deps.rides.confirm(late, at(1))).toBeNull();
      expect(bikeStatus('A')).toBe('riding');
      expect(bikeStatus('B')).toBe('available');
    });
  });

  describe('maintenance wins', () => {
    const importBike = (id: string, status: 'available' | 'maintenance') =>
      upsertPlaces(w.deps, upsertPlacesParams.parse({ places: [{ kind: 'bike', id, code: id, ...HERE, status }] }));

    it('keeps a ridden bike riding, and its ride ends into maintenance', async () => {
      const started = await ride('u1', 'A');
      expect(await importBike('A', 'maintenance')).toEqual({
        ok: true,
        data: { upserted: 1, deferred: [{ id: 'A', status: 'maintenance', until: 'ride-end' }] },
      });
      expect(bikeStatus('A')).toBe('riding');
      expect(await ride('u2', 'A', 1)).toMatchObject({ error: { message: 'bikeCode: bike A is in use' } });
      expect((await endRide(w.deps, { rideId: started.ok ? started.data.ride.id : '', ...HERE }, as('u1', 60))).ok).toBe(true);
      expect(bikeStatus('A')).toBe('maintenance');
      expect(await previewBike(w.deps, { bikeCode: 'A' }, as('u2', 61))).toMatchObject({ data: { bike: { available: false } } });
      expect(await ride('u2', 'A', 61)).toMatchObject({ error: { message: 'bikeCode: bike A is in maintenance' } });
    });

    it('sends a bike whose unlock was cut short to maintenance too, and an import of available lifts the wait', async () => {
      await strand('u1', 'A');
      expect((await importBike('A', 'maintenance')).ok).toBe(true);
      expect(await sweepStaleUnlocks(w.deps, as('sweeper', STALE_SEC))).toEqual({ aborted: 1 });
      expect(bikeStatus('A')).toBe('maintenance');
      await strand('u2', 'B');
      expect((await importBike('B', 'maintenance')).ok).toBe(true);
      expect(await importBike('B', 'available')).toEqual({ ok: true, data: { upserted: 1 } });
      expect(await forceEndRide(w.deps, { rideId: 'R-u2-B-0' }, ADMIN)).toMatchObject({ data: { ride: { status: 'aborted' } } });
      expect(bikeStatus('B')).toBe('available');
    });
  });
});

describe.each(ADAPTERS)('rides port on %s: a stop at every database call', (adapter) => {
  /** After the retry: past the lock timeout, a sweep leaves nobody and no bike stuck. */
  async function nothingStuck(w: RideWorld) {
    await sweepStaleUnlocks(w.deps, as('sweeper', LATER));
    const state = w.state();
    checkInvariants(state);
    expect(state.rides.filter((r) => r.status === 'unlocking')).toEqual([]);
    for (const b of state.bikes) if (b.status === 'riding') expect(state.rides.find((r) => r.bikeId === b.id && r.status === 'active')).toBeDefined();
  }

  const { scenario } = rideCrashScenarios(adapter, nothingStuck);

  scenario('unlock (reserve, lock, confirm)', {
    run: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1')),
    // The client tries again a little later (past the lock timeout).
    retry: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1', LOCK_TIMEOUT_MS / 1000 + 1)),
    async check(w, answer) {
      // Either the retry got the bike, or the first attempt did (confirmed before the stop).
      if (!answer.ok) {
        expect(answer.error.reason).toBe('ACTIVE_RIDE');
        expect((await currentRide(w.deps, {}, as('u1', 5))).ok && (await currentRide(w.deps, {}, as('u1', 5)))).toMatchObject({
          data: { ride: { bikeId: 'A' } },
        });
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
    run: (w) =>
      upsertPlaces(
        w.deps,
        upsertPlacesParams.parse({
          places: [
            { kind: 'bike', id: 'A', code: 'A', ...HERE, status: 'maintenance' },
            { kind: 'bike', id: 'N', code: 'N', ...HERE, status: 'available' },
          ],
        }),
      ),
    async check(w, answer) {
      expect(answer).toEqual({ ok: true, data: { upserted: 2, deferred: [{ id: 'A', status: 'maintenance', until: 'ride-end' }] } });
      const rideOfA = w.state().rides.find((r) => r.status === 'active')!;
      expect((await endRide(w.deps, { rideId: rideOfA.id, ...HERE }, as('u1', 60))).ok).toBe(true);
      expect(w.state().bikes.find((b) => b.id === 'A')!.status).toBe('maintenance');
    },
  });
});
