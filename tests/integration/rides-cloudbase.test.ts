/**
 * The CloudBase rides adapter on the shared fake of the SDK's database (functions/local/cloudbase-standin.ts):
 * what only CloudBase has: the per-rider document and the bike's `rideId`, `Contended` when
 * conflicts outlast every retry, and the undo of a failed import in chunks. (The contract cases and
 * the stop at every database call run against both back ends in rides-port.test.ts.)
 */
import { Contended } from '../../functions/lib/ports';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { endRide, unlock } from '../../functions/lib/usecases/ride';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import { upsertPlacesParams } from '../../shared/contract/admin';
import { HERE, LOCK_TIMEOUT_MS, as, at, checkInvariants, rideWorld } from '../support/rides-world';

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
  await expect(rides.reserve({ rideId: 'R1', openid: 'u1', bikeCode: 'A', position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS })).rejects.toBeInstanceOf(
    Contended,
  );
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
