import { distanceM, pointInZone, type LatLng } from '../../../shared/geo';
import type { Bike, Station } from '../../../shared/places';
import type { FinishRide, Ports, RideRecord, RideStore } from '../ports';
import { lockSettingsFrom, simulatedLock, timedLock } from '../lock';
import { tariffFrom } from '../../../shared/tariff';
import { COLLECTIONS, DUPLICATE_WRITE, errorCode, plain, type CloudbaseDb } from './db';
import { geoNearMaxDistance, placeDocId, placeOf } from './places';
import type { AdapterDb, Aggregation, Doc, GeoNearOptions } from './sdk';

/**
 * Collections of the rides adapter (add them to cloudbase/database.json with deny-all rules):
 * - `rides`: one document a ride, `_id` = the ride id;
 * - `ride_slots`: the open-ride slot of a rider, `_id` = their OPENID, `{ rideId, bikeId, since }`:
 *   a deterministic `_id`, so a second open ride of one rider is a duplicate-key write, refused by
 *   the database itself (the SQLite adapter's unique partial index);
 * - `bills`: ride bills (and, from the bills issue, utility bills), `_id` = the bill id.
 */
export const RIDE_COLLECTIONS = { rides: 'rides', slots: 'ride_slots', bills: 'bills' } as const;

/** How far a station's zone may reach from the station's own position: the zone search radius. */
export const MAX_ZONE_REACH_M = 3000;

/** The part of the SDK's database this adapter uses (checked against the SDK by `asRideDb`). */
export interface RideDb {
  Geo: { Point: new (longitude: number, latitude: number) => unknown };
  collection(name: string): RideCollection;
  runTransaction<T>(run: (tx: RideTransaction) => Promise<T>, times?: number): Promise<T>;
}

interface RideQuery {
  where(query: object): RideQuery;
  limit(n: number): RideQuery;
  get(): Promise<{ data: Doc[] }>;
  /** Outside a transaction only; `updated` counts the documents that matched and changed. */
  update(data: object): Promise<{ updated?: number }>;
  remove(): Promise<{ deleted?: number | string }>;
}

interface RideCollection extends RideQuery {
  doc(id: string): { get(): Promise<{ data: Doc[] }> };
  add(data: object): Promise<{ id?: string }>;
  aggregate(): { geoNear(options: GeoNearOptions): Aggregation };
}

interface RideTransaction {
  collection(name: string): {
    doc(id: string): {
      get(): Promise<{ data: Doc | null }>;
      set(data: object): Promise<unknown>;
      update(data: object): Promise<unknown>;
      remove(): Promise<unknown>;
    };
  };
}

/** The SDK's database as this adapter sees it (its `runTransaction` is declared `any` by the SDK). */
export function asRideDb(db: CloudbaseDb): RideDb {
  const checked: Omit<RideDb, 'Geo' | 'runTransaction'> = db;
  return checked as RideDb;
}

function recordOf(doc: Doc | Record<string, unknown>): RideRecord {
  const d = plain<Record<string, unknown>>(doc);
  const str = (k: string) => (d[k] === undefined || d[k] === null ? null : String(d[k]));
  const num = (k: string) => (d[k] === undefined || d[k] === null ? null : Number(d[k]));
  return {
    id: String(d._id),
    openid: String(d.openid),
    bikeId: String(d.bikeId),
    bikeCode: String(d.bikeCode),
    status: d.status as RideRecord['status'],
    requestedAt: String(d.requestedAt),
    startAt: str('startAt'),
    startLat: Number(d.startLat),
    startLng: Number(d.startLng),
    endAt: str('endAt'),
    endLat: num('endLat'),
    endLng: num('endLng'),
    stationId: str('stationId'),
    durationSec: num('durationSec'),
    feeFen: num('feeFen'),
    surchargeFen: num('surchargeFen'),
    billId: str('billId'),
    endedBy: (str('endedBy') as RideRecord['endedBy']) ?? null,
  };
}

/**
 * Rides in CloudBase. Without one transaction around a check and a write (a `where().update()` runs
 * outside any transaction), the race rules are conditional writes ordered so that each failure can
 * be undone:
 * 1. the rider's slot: `ride_slots.add({ _id: openid })` (a duplicate: ACTIVE_RIDE);
 * 2. the bike: `where({ _id, status: 'available' }).update({ status: 'riding' })`, `updated === 1`
 *    or BIKE_UNAVAILABLE (and the slot is given back);
 * 3. the ride document (on failure, the bike and the slot are given back).
 * Ending claims the ride in a transaction over `doc()` operations only (ride, bill, bike, slot), which
 * CloudBase commits together or retries on a conflict.
 */
export function cloudbaseRides(db: RideDb): RideStore {
  const rides = () => db.collection(RIDE_COLLECTIONS.rides);
  const slots = () => db.collection(RIDE_COLLECTIONS.slots);
  const bills = () => db.collection(RIDE_COLLECTIONS.bills);
  const bikes = () => db.collection(COLLECTIONS.bike);

  async function readRide(rideId: string): Promise<RideRecord | null> {
    const { data } = await rides().doc(rideId).get();
    return data.length === 0 ? null : recordOf(data[0]);
  }

  async function freeBike(bikeId: string): Promise<void> {
    await bikes().where({ _id: placeDocId('bike', bikeId), status: 'riding' }).update({ status: 'available', updatedAt: new Date() });
  }

  async function releaseSlot(openid: string, rideId: string): Promise<void> {
    await slots().where({ _id: openid, rideId }).remove();
  }

  async function hasUnpaidRideBill(openid: string): Promise<boolean> {
    const { data } = await bills().where({ openid, type: 'ride', status: 'unpaid' }).limit(1).get();
    return data.length > 0;
  }

  async function abortRide(ride: { id: string; openid: string; bikeId: string }, reason: string): Promise<void> {
    const { updated } = await rides().where({ _id: ride.id, status: 'unlocking' }).update({ status: 'aborted', abortReason: reason });
    if (updated === 1) {
      await freeBike(ride.bikeId);
      await releaseSlot(ride.openid, ride.id);
    }
  }

  return {
    async bikeByCode(code) {
      const { data } = await bikes().where({ code }).limit(1).get();
      return data.length === 0 ? null : (placeOf(data[0]) as Bike);
    },

    async openRideOf(openid) {
      const { data } = await slots().doc(openid).get();
      if (data.length === 0) return null;
      const ride = await readRide(String(data[0].rideId));
      return ride && (ride.status === 'unlocking' || ride.status === 'active') ? ride : null;
    },

    get: readRide,

    hasUnpaidRideBill,

    async reserve({ rideId, openid, bike, at, position, staleBefore }) {
      // A slot left by a crash mid-unlock (or by a ride that ended but whose slot removal failed).
      const { data: slot } = await slots().doc(openid).get();
      if (slot.length > 0) {
        const held = await readRide(String(slot[0].rideId));
        if (held?.status === 'unlocking' && held.requestedAt < staleBefore.toISOString()) await abortRide(held, 'stale: the unlock never finished');
        else if (!held || held.status === 'ended' || held.status === 'aborted') await releaseSlot(openid, String(slot[0].rideId));
      }
      if (await hasUnpaidRideBill(openid)) return { ok: false, reason: 'UNPAID_BILL' };
      try {
        await slots().add({ _id: openid, rideId, bikeId: bike.id, since: at });
      } catch (err) {
        if (errorCode(err) === DUPLICATE_WRITE) return { ok: false, reason: 'ACTIVE_RIDE' };
        throw err;
      }
      const { updated } = await bikes()
        .where({ _id: placeDocId('bike', bike.id), status: 'available' })
        .update({ status: 'riding', updatedAt: at });
      if (updated !== 1) {
        await releaseSlot(openid, rideId);
        return { ok: false, reason: 'BIKE_UNAVAILABLE' };
      }
      try {
        await rides().add({
          _id: rideId,
          openid,
          bikeId: bike.id,
          bikeCode: bike.code,
          status: 'unlocking',
          requestedAt: at.toISOString(),
          startLat: position.lat,
          startLng: position.lng,
        });
      } catch (err) {
        await freeBike(bike.id);
        await releaseSlot(openid, rideId);
        throw err;
      }
      return { ok: true };
    },

    async confirm(rideId, startAt) {
      const { updated } = await rides().where({ _id: rideId, status: 'unlocking' }).update({ status: 'active', startAt: startAt.toISOString() });
      return updated === 1 ? readRide(rideId) : null;
    },

    async abort(rideId, reason) {
      const ride = await readRide(rideId);
      if (ride) await abortRide(ride, reason);
    },

    async stationAt(position: LatLng) {
      const { data } = await db
        .collection(COLLECTIONS.station)
        .aggregate()
        .geoNear({
          near: new db.Geo.Point(position.lng, position.lat),
          spherical: true,
          distanceField: 'geoDistance',
          maxDistance: geoNearMaxDistance(MAX_ZONE_REACH_M),
          key: 'location',
        })
        .limit(100)
        .end();
      const inside = (data ?? [])
        .map((doc) => placeOf(doc) as Station)
        .filter((station) => pointInZone(position, station.zone))
        .map((station) => ({ station, distance: distanceM(position, station) }))
        .sort((a, b) => a.distance - b.distance || (a.station.id < b.station.id ? -1 : 1));
      return inside[0]?.station ?? null;
    },

    async finish(f: FinishRide) {
      return db.runTransaction(async (tx): Promise<{ ok: true; ride: RideRecord } | { ok: false; reason: 'RIDE_NOT_ACTIVE' }> => {
        const rideRef = tx.collection(RIDE_COLLECTIONS.rides).doc(f.rideId);
        const { data } = await rideRef.get();
        if (!data || data.status !== 'active') return { ok: false, reason: 'RIDE_NOT_ACTIVE' };
        const ride = recordOf(data);
        const endAt = f.endAt.toISOString();
        const ended = {
          status: 'ended' as const,
          endAt,
          endLat: f.position.lat,
          endLng: f.position.lng,
          stationId: f.stationId,
          durationSec: f.durationSec,
          feeFen: f.feeFen,
          surchargeFen: f.surchargeFen,
          billId: f.billId,
          endedBy: f.endedBy,
        };
        await rideRef.update(ended);
        if (f.billId !== null) {
          await tx.collection(RIDE_COLLECTIONS.bills).doc(f.billId).set({
            openid: ride.openid,
            type: 'ride',
            amountFen: f.feeFen,
            status: 'unpaid',
            rideId: ride.id,
            createdAt: endAt,
            paidAt: null,
          });
        }
        await tx.collection(COLLECTIONS.bike).doc(placeDocId('bike', ride.bikeId)).update({
          status: 'available',
          lat: f.position.lat,
          lng: f.position.lng,
          location: new db.Geo.Point(f.position.lng, f.position.lat),
          updatedAt: f.endAt,
        });
        await tx.collection(RIDE_COLLECTIONS.slots).doc(ride.openid).remove();
        return { ok: true, ride: { ...ride, ...ended } };
      });
    },
  };
}

/**
 * The rides ports of the cloud, for `cloudbasePorts`: `{ ...cloudbaseRidePorts(db) }`. The tariff
 * comes from the function's environment (NEARBY_TARIFF_*). No real lock adapter exists yet: the
 * simulated lock (NEARBY_LOCK_DELAY_MS / _FAILURE_RATE, instant by default) stands in for it, bounded
 * by NEARBY_LOCK_TIMEOUT_MS; see functions/lib/lock/index.ts for what a real one must do.
 */
export function cloudbaseRidePorts(db: CloudbaseDb | AdapterDb, env: Record<string, string | undefined> = process.env): Pick<Ports, 'rides' | 'lock' | 'tariff'> {
  const lock = lockSettingsFrom(env);
  return {
    rides: cloudbaseRides(db as unknown as RideDb),
    lock: timedLock(simulatedLock({ delayMs: lock.delayMs, failureRate: lock.failureRate }), lock.timeoutMs),
    tariff: tariffFrom(env),
  };
}
