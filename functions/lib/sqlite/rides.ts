import { distanceM, pointInZone, type LatLng } from '../../../shared/geo';
import type { Bike, Station } from '../../../shared/places';
import type { FinishRide, RideRecord, RideStore } from '../ports';
import { atomically, type Db } from './db';

interface RideRow {
  id: string;
  openid: string;
  bike_id: string;
  bike_code: string;
  status: RideRecord['status'];
  requested_at: string;
  start_at: string | null;
  start_lat: number;
  start_lng: number;
  end_at: string | null;
  end_lat: number | null;
  end_lng: number | null;
  station_id: string | null;
  duration_sec: number | null;
  fee_fen: number | null;
  surcharge_fen: number | null;
  bill_id: string | null;
  ended_by: 'rider' | 'admin' | null;
}

function toRecord(r: RideRow): RideRecord {
  return {
    id: r.id,
    openid: r.openid,
    bikeId: r.bike_id,
    bikeCode: r.bike_code,
    status: r.status,
    requestedAt: r.requested_at,
    startAt: r.start_at,
    startLat: r.start_lat,
    startLng: r.start_lng,
    endAt: r.end_at,
    endLat: r.end_lat,
    endLng: r.end_lng,
    stationId: r.station_id,
    durationSec: r.duration_sec,
    feeFen: r.fee_fen,
    surchargeFen: r.surcharge_fen,
    billId: r.bill_id,
    endedBy: r.ended_by,
  };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * Rides, ride bills and the bike's status and position, in SQLite. The writes that must hold under
 * concurrency (reserve, finish) are each one IMMEDIATE transaction: the bike is taken with a
 * conditional update (available -> riding, one changed row or nobody), and the unique partial
 * indexes of migration 3 refuse a second open ride of a rider or a bike.
 */
export function sqliteRides(db: Db): RideStore {
  const bikeByCode = db.prepare(`SELECT body FROM places WHERE kind = 'bike' AND code = ?`).pluck();
  const rideById = db.prepare('SELECT * FROM rides WHERE id = ?');
  const openRideOf = db.prepare(`SELECT * FROM rides WHERE openid = ? AND status IN ('unlocking', 'active')`);
  const unpaidRideBill = db.prepare(`SELECT 1 FROM bills WHERE openid = ? AND type = 'ride' AND status = 'unpaid' LIMIT 1`).pluck();
  const staleUnlocking = db.prepare(`SELECT id, bike_id FROM rides WHERE status = 'unlocking' AND (openid = ? OR bike_id = ?) AND requested_at < ?`);
  const takeBike = db.prepare(
    `UPDATE places SET status = 'riding', body = json_set(body, '$.status', 'riding'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND status = 'available'`,
  );
  // The bike may have been re-imported meanwhile; an import keeps a riding bike riding, so only a riding bike is freed.
  const freeBikeInPlace = db.prepare(
    `UPDATE places SET status = 'available', body = json_set(body, '$.status', 'available'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND status = 'riding'`,
  );
  const leaveBikeAt = db.prepare(
    `UPDATE places SET status = 'available', lat = @lat, lng = @lng,
       body = json_set(body, '$.status', 'available', '$.lat', @lat, '$.lng', @lng), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND status = 'riding'
     RETURNING pk`,
  ).pluck();
  const moveBikeIndex = db.prepare('INSERT OR REPLACE INTO geo_bike (pk, min_lng, max_lng, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const insertRide = db.prepare(
    `INSERT INTO rides (id, openid, bike_id, bike_code, status, requested_at, start_lat, start_lng)
     VALUES (@id, @openid, @bikeId, @bikeCode, 'unlocking', @at, @lat, @lng)`,
  );
  const activate = db.prepare(`UPDATE rides SET status = 'active', start_at = ? WHERE id = ? AND status = 'unlocking'`);
  const markAborted = db.prepare(`UPDATE rides SET status = 'aborted', abort_reason = ? WHERE id = ? AND status = 'unlocking'`);
  const markEnded = db.prepare(
    `UPDATE rides SET status = 'ended', end_at = @endAt, end_lat = @lat, end_lng = @lng, station_id = @stationId,
       duration_sec = @durationSec, fee_fen = @feeFen, surcharge_fen = @surchargeFen, bill_id = @billId, ended_by = @endedBy
     WHERE id = @rideId AND status = 'active'`,
  );
  const insertBill = db.prepare(
    `INSERT INTO bills (id, openid, type, amount_fen, status, ride_id, created_at) VALUES (?, ?, 'ride', ?, 'unpaid', ?, ?)`,
  );
  const zonesAt = db
    .prepare(
      `SELECT p.body FROM geo_zone g JOIN places p ON p.pk = g.pk
       WHERE g.min_lng <= @lng AND g.max_lng >= @lng AND g.min_lat <= @lat AND g.max_lat >= @lat`,
    )
    .pluck();

  const readRide = (id: string) => {
    const row = rideById.get(id) as RideRow | undefined;
    return row === undefined ? null : toRecord(row);
  };
  const abortRide = (id: string, bikeId: string, reason: string, now: string) => {
    if (markAborted.run(reason, id).changes === 1) freeBikeInPlace.run({ bikeId, now });
  };

  return {
    async bikeByCode(code) {
      const body = bikeByCode.get(code) as string | undefined;
      return body === undefined ? null : (JSON.parse(body) as Bike);
    },

    async openRideOf(openid) {
      const row = openRideOf.get(openid) as RideRow | undefined;
      return row === undefined ? null : toRecord(row);
    },

    async get(rideId) {
      return readRide(rideId);
    },

    async hasUnpaidRideBill(openid) {
      return unpaidRideBill.get(openid) !== undefined;
    },

    async reserve({ rideId, openid, bike, at, position, staleBefore }) {
      const now = at.toISOString();
      return atomically<{ ok: true } | { ok: false; reason: 'ACTIVE_RIDE' | 'UNPAID_BILL' | 'BIKE_UNAVAILABLE' }>(db, (abort) => {
        for (const stale of staleUnlocking.all(openid, bike.id, staleBefore.toISOString()) as { id: string; bike_id: string }[]) {
          abortRide(stale.id, stale.bike_id, 'stale: the unlock never finished', now);
        }
        if (openRideOf.get(openid) !== undefined) return { ok: false, reason: 'ACTIVE_RIDE' };
        if (unpaidRideBill.get(openid) !== undefined) return { ok: false, reason: 'UNPAID_BILL' };
        if (takeBike.run({ bikeId: bike.id, now }).changes !== 1) return { ok: false, reason: 'BIKE_UNAVAILABLE' };
        try {
          insertRide.run({ id: rideId, openid, bikeId: bike.id, bikeCode: bike.code, at: now, lat: position.lat, lng: position.lng });
        } catch (err) {
          // The partial unique indexes: a second open ride of this rider (or bike) never commits.
          if (isUniqueViolation(err)) abort({ ok: false, reason: 'ACTIVE_RIDE' });
          throw err;
        }
        return { ok: true };
      });
    },

    async confirm(rideId, startAt) {
      return atomically<RideRecord | null>(db, () => (activate.run(startAt.toISOString(), rideId).changes === 1 ? readRide(rideId) : null));
    },

    async abort(rideId, reason) {
      atomically(db, () => {
        const ride = readRide(rideId);
        if (ride) abortRide(ride.id, ride.bikeId, reason, new Date().toISOString());
      });
    },

    async stationAt(position: LatLng) {
      const inside: { station: Station; distance: number }[] = [];
      for (const body of zonesAt.all(position) as string[]) {
        const station = JSON.parse(body) as Station;
        if (pointInZone(position, station.zone)) inside.push({ station, distance: distanceM(position, station) });
      }
      inside.sort((a, b) => a.distance - b.distance || (a.station.id < b.station.id ? -1 : 1));
      return inside[0]?.station ?? null;
    },

    async finish(f: FinishRide) {
      return atomically<{ ok: true; ride: RideRecord } | { ok: false; reason: 'RIDE_NOT_ACTIVE' }>(db, (abort) => {
        const endAt = f.endAt.toISOString();
        const changed = markEnded.run({
          rideId: f.rideId,
          endAt,
          lat: f.position.lat,
          lng: f.position.lng,
          stationId: f.stationId,
          durationSec: f.durationSec,
          feeFen: f.feeFen,
          surchargeFen: f.surchargeFen,
          billId: f.billId,
          endedBy: f.endedBy,
        }).changes;
        if (changed !== 1) abort({ ok: false, reason: 'RIDE_NOT_ACTIVE' });
        const ride = readRide(f.rideId)!;
        if (f.billId !== null) insertBill.run(f.billId, ride.openid, f.feeFen, ride.id, endAt);
        const pk = leaveBikeAt.get({ bikeId: ride.bikeId, lat: f.position.lat, lng: f.position.lng, now: endAt }) as number | undefined;
        if (pk !== undefined) moveBikeIndex.run(pk, f.position.lng, f.position.lng, f.position.lat, f.position.lat);
        return { ok: true, ride };
      });
    },
  };
}
