/** The ride rules of shared/ride.ts, as pure functions: boundaries and the one order of checks. */
import { bikeStatusAfterRide, decideEnd, decideUnlock, importedBike, isStaleUnlock, mayAbort, newRide, stationAt, type RideRecord } from '../../shared/ride';
import type { Station } from '../../shared/places';
import { HERE, bike, unlockFacts, zoneAround } from '../support/ride-facts';
import { DEFAULT_TARIFF } from '../../shared/tariff';

const T0 = new Date('2026-11-25T00:00:00Z');
const ms = (n: number) => new Date(T0.getTime() + n);
const ride = (over: Partial<RideRecord> = {}): RideRecord => ({ ...newRide('R1', 'u1', bike(), HERE, T0), ...over });
const facts = unlockFacts;

describe('the stale-unlock rule', () => {
  it('is stale only past the lock timeout, and only while unlocking', () => {
    expect(isStaleUnlock(ride(), ms(3000), 3000)).toBe(false);
    expect(isStaleUnlock(ride(), ms(3001), 3000)).toBe(true);
    expect(isStaleUnlock(ride({ status: 'active' }), ms(60_000), 3000)).toBe(false);
  });

  it('lets an abort for staleness through only once stale; other causes at any time, unlocking only', () => {
    expect(mayAbort(ride(), 'stale', ms(2000), 3000)).toBe(false);
    expect(mayAbort(ride(), 'stale', ms(4000), 3000)).toBe(true);
    expect(mayAbort(ride(), 'admin', ms(0), 3000)).toBe(true);
    expect(mayAbort(ride({ status: 'active' }), 'admin', ms(0), 3000)).toBe(false);
    expect(mayAbort(null, 'lock-failed', ms(0), 3000)).toBe(false);
  });
});

describe('decideUnlock', () => {
  it('checks in one order: bike, own ride, unpaid bill, bike state, distance', () => {
    const far = { lat: 30.01, lng: 120 };
    const everything = facts({ bike: null, riderRide: ride({ status: 'active' }), unpaidRideFen: 150, position: far });
    expect(decideUnlock(everything, T0, 3000)).toMatchObject({ ok: false, refusal: { reason: 'NOT_FOUND' } });
    expect(decideUnlock({ ...everything, bike: bike({ status: 'maintenance' }) }, T0, 3000)).toMatchObject({ refusal: { reason: 'ACTIVE_RIDE' } });
    expect(decideUnlock({ ...everything, bike: bike({ status: 'maintenance' }), riderRide: null }, T0, 3000)).toMatchObject({
      refusal: { reason: 'UNPAID_BILL' },
    });
    expect(decideUnlock(facts({ bike: bike({ status: 'maintenance' }), position: far }), T0, 3000)).toMatchObject({
      refusal: { reason: 'BIKE_UNAVAILABLE', status: 'maintenance' },
    });
    expect(decideUnlock(facts({ position: far }), T0, 3000)).toMatchObject({ refusal: { reason: 'TOO_FAR' } });
    expect(decideUnlock(facts(), T0, 3000)).toMatchObject({ ok: true, expire: [] });
  });

  it("expires the stale unlocks it meets, the rider's and the bike's, and frees the bike to what its ride end leaves", () => {
    const stale = ride({ openid: 'u2' });
    expect(decideUnlock(facts({ bike: bike({ status: 'riding' }), bikeRide: stale }), ms(3001), 3000)).toMatchObject({ ok: true, expire: [stale] });
    expect(decideUnlock(facts({ bike: bike({ status: 'riding', afterRide: 'maintenance' }), bikeRide: stale }), ms(3001), 3000)).toMatchObject({
      ok: false,
      expire: [stale],
      refusal: { reason: 'BIKE_UNAVAILABLE', status: 'maintenance' },
    });
    const own = ride();
    expect(decideUnlock(facts({ bike: bike({ status: 'riding' }), riderRide: own, bikeRide: own }), ms(3001), 3000)).toMatchObject({ ok: true, expire: [own] });
    expect(decideUnlock(facts({ bike: bike({ status: 'riding' }), bikeRide: stale }), ms(3000), 3000)).toMatchObject({
      ok: false,
      expire: [],
      refusal: { reason: 'BIKE_UNAVAILABLE', status: 'riding' },
    });
  });
});

describe('decideEnd', () => {
  const active = ride({ status: 'active', startAt: T0.toISOString() });
  const station = { kind: 'station', id: 'P', name: 'P', ...HERE, zone: { type: 'Polygon', coordinates: [] } } as Station;
  it('bills iff the fee is above 0, surcharge included, and refuses in one order', () => {
    const rider = (over: object = {}) => ({ by: 'rider' as const, caller: 'u1', position: HERE, station, acceptSurcharge: false, ...over });
    expect(decideEnd('R1', active, rider(), ms(120_000), DEFAULT_TARIFF, 'RB1')).toMatchObject({ ok: true, end: { feeFen: 0, billId: null } });
    expect(decideEnd('R1', active, rider(), ms(121_000), DEFAULT_TARIFF, 'RB1')).toMatchObject({ ok: true, end: { feeFen: 150, billId: 'RB1' } });
    expect(decideEnd('R1', active, rider({ station: null, acceptSurcharge: true }), ms(1000), DEFAULT_TARIFF, 'RB1')).toMatchObject({
      ok: true,
      end: { feeFen: 500, surchargeFen: 500, billId: 'RB1' },
    });
    expect(decideEnd('R1', active, rider({ caller: 'u2', station: null }), ms(1000), DEFAULT_TARIFF, 'RB1')).toMatchObject({
      refusal: { reason: 'NOT_FOUND' },
    });
    expect(decideEnd('R1', { ...active, status: 'ended' }, rider({ station: null }), ms(1000), DEFAULT_TARIFF, 'RB1')).toMatchObject({
      refusal: { reason: 'RIDE_NOT_ACTIVE' },
    });
    expect(decideEnd('R1', active, rider({ station: null }), ms(1000), DEFAULT_TARIFF, 'RB1')).toMatchObject({ refusal: { reason: 'OUTSIDE_PARKING_ZONE' } });
    expect(decideEnd('R1', active, { by: 'admin', position: null, station: null, waiveFee: true }, ms(99_000_000), DEFAULT_TARIFF, 'RB1')).toMatchObject({
      ok: true,
      end: { feeFen: 0, billId: null, endLat: HERE.lat },
    });
  });
});

describe('stations and imports', () => {
  it('picks the zone that holds the point, nearest centre first, ties by id; none outside', () => {
    const a: Station = { kind: 'station', id: 'B', name: 'b', lat: 30, lng: 120, zone: zoneAround(30, 120, 0.001) };
    const b: Station = { ...a, id: 'A' };
    const c: Station = { ...a, id: 'C', lat: 30.0009, zone: zoneAround(30.0009, 120, 0.002) };
    expect(stationAt(HERE, [c, a, b])?.id).toBe('A');
    expect(stationAt({ lat: 30.0025, lng: 120 }, [a, b, c])?.id).toBe('C');
    expect(stationAt({ lat: 31, lng: 120 }, [a, b, c])).toBeNull();
  });

  it('keeps a ridden bike riding; maintenance waits for the ride end; an import of available lifts the wait', () => {
    expect(importedBike(bike({ status: 'riding' }), bike({ status: 'maintenance' }))).toEqual({
      stored: bike({ status: 'riding', afterRide: 'maintenance' }),
      deferred: true,
    });
    expect(importedBike(bike({ status: 'riding', afterRide: 'maintenance' }), bike())).toEqual({ stored: bike({ status: 'riding' }), deferred: false });
    expect(importedBike(bike(), bike({ status: 'maintenance' }))).toEqual({ stored: bike({ status: 'maintenance' }), deferred: false });
    expect(bikeStatusAfterRide(bike({ afterRide: 'maintenance' }))).toBe('maintenance');
    expect(bikeStatusAfterRide(null)).toBe('available');
  });
});
