import { bikeStatusAfterRide, decideEnd, decideUnlock, mayAbort, newRide, ABORT_REASONS, type EndDecision, type RideRecord } from '../../../shared/ride';
import { rideBill } from '../../../shared/bills';
import type { Bike, Station } from '../../../shared/places';
import type { RideStore } from '../ports';
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

/**
 * Rides, ride bills and the bike's status and position, in SQLite. Every write is one IMMEDIATE
 * transaction that reads the facts, asks the rule of shared/ride.ts and writes its answer; the
 * unique partial indexes of migration 3 refuse a second open ride of a rider or a bike even if a
 * rule were wrong.
 */
export function sqliteRides(db: Db): RideStore {
  const bikeByCode = db.prepare(`SELECT body FROM places WHERE kind = 'bike' AND code = ?`).pluck();
  const bikeById = db.prepare(`SELECT body FROM places WHERE kind = 'bike' AND id = ?`).pluck();
  const rideById = db.prepare('SELECT * FROM rides WHERE id = ?');
  const openRideOf = db.prepare(`SELECT * FROM rides WHERE openid = ? AND status IN ('unlocking', 'active')`);
  const openRideOfBike = db.prepare(`SELECT * FROM rides WHERE bike_id = ? AND status IN ('unlocking', 'active')`);
  const unpaidRideBill = db.prepare(`SELECT 1 FROM bills WHERE openid = ? AND type = 'ride' AND status = 'unpaid' LIMIT 1`).pluck();
  const staleUnlocks = db.prepare(`SELECT id FROM rides WHERE status = 'unlocking' AND requested_at < ? ORDER BY requested_at LIMIT ?`).pluck();
  const takeBike = db.prepare(
    `UPDATE places SET status = 'riding', body = json_set(body, '$.status', 'riding'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId`,
  );
  // The status the ride's end leaves (available, or maintenance an admin asked for meanwhile).
  const releaseBike = db.prepare(
    `UPDATE places SET status = @status, body = json_remove(json_set(body, '$.status', @status), '$.afterRide'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND status = 'riding'`,
  );
  const leaveBikeAt = db
    .prepare(
      `UPDATE places SET status = @status, lat = @lat, lng = @lng,
       body = json_remove(json_set(body, '$.status', @status, '$.lat', @lat, '$.lng', @lng), '$.afterRide'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND status = 'riding'
     RETURNING pk`,
    )
    .pluck();
  const moveBikeIndex = db.prepare('INSERT OR REPLACE INTO geo_bike (pk, min_lng, max_lng, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const insertRide = db.prepare(
    `INSERT INTO rides (id, openid, bike_id, bike_code, status, requested_at, start_lat, start_lng)
     VALUES (@id, @openid, @bikeId, @bikeCode, 'unlocking', @requestedAt, @startLat, @startLng)`,
  );
  const activate = db.prepare(`UPDATE rides SET status = 'active', start_at = ? WHERE id = ? AND status = 'unlocking'`);
  const markAborted = db.prepare(`UPDATE rides SET status = 'aborted', abort_reason = ? WHERE id = ? AND status = 'unlocking'`);
  const markEnded = db.prepare(
    `UPDATE rides SET status = 'ended', end_at = @endAt, end_lat = @endLat, end_lng = @endLng, station_id = @stationId,
       duration_sec = @durationSec, fee_fen = @feeFen, surcharge_fen = @surchargeFen, bill_id = @billId, ended_by = @endedBy
     WHERE id = @rideId AND status = 'active'`,
  );
  const insertBill = db.prepare(
    `INSERT INTO bills (id, openid, type, amount_fen, status, ride_id, created_at) VALUES (@id, @openid, @type, @amountFen, @status, @rideId, @createdAt)`,
  );
  const zonesAt = db
    .prepare(
      `SELECT p.body FROM geo_zone g JOIN places p ON p.pk = g.pk
       WHERE g.min_lng <= @lng AND g.max_lng >= @lng AND g.min_lat <= @lat AND g.max_lat >= @lat`,
    )
    .pluck();

  const readRide = (id: string): RideRecord | null => {
    const row = rideById.get(id) as RideRow | undefined;
    return row === undefined ? null : toRecord(row);
  };
  const readOpen = (stmt: typeof openRideOf, key: string): RideRecord | null => {
    const row = stmt.get(key) as RideRow | undefined;
    return row === undefined ? null : toRecord(row);
  };
  const readBike = (stmt: typeof bikeByCode, key: string): Bike | null => {
    const body = stmt.get(key) as string | undefined;
    return body === undefined ? null : (JSON.parse(body) as Bike);
  };
  /** unlocking -> aborted and the bike freed where it stood (inside the caller's transaction). */
  const abortRide = (ride: RideRecord, reason: string, now: string): void => {
    if (markAborted.run(reason, ride.id).changes !== 1) return;
    releaseBike.run({ bikeId: ride.bikeId, status: bikeStatusAfterRide(readBike(bikeById, ride.bikeId)), now });
  };

  return {
    async bikeByCode(code) {
      return readBike(bikeByCode, code);
    },

    async openRideOf(openid) {
      return readOpen(openRideOf, openid);
    },

    async get(rideId) {
      return readRide(rideId);
    },

    async zonesNear(position) {
      return (zonesAt.all(position) as string[]).map((body) => JSON.parse(body) as Station);
    },

    async reserve({ rideId, openid, bikeCode, position, now, lockTimeoutMs }) {
      const at = now.toISOString();
      return atomically(db, () => {
        const bike = readBike(bikeByCode, bikeCode);
        const decision = decideUnlock(
          {
            bikeCode,
            bike,
            riderRide: readOpen(openRideOf, openid),
            bikeRide: bike ? readOpen(openRideOfBike, bike.id) : null,
            unpaidRideBill: unpaidRideBill.get(openid) !== undefined,
            position,
          },
          now,
          lockTimeoutMs,
        );
        for (const stale of decision.expire) abortRide(stale, ABORT_REASONS.stale, at);
        if (!decision.ok) return decision;
        const ride = newRide(rideId, openid, decision.bike, position, now);
        takeBike.run({ bikeId: ride.bikeId, now: at });
        insertRide.run(ride);
        return { ok: true as const, ride };
      });
    },

    async confirm(rideId, startAt) {
      return atomically<RideRecord | null>(db, () => (activate.run(startAt.toISOString(), rideId).changes === 1 ? readRide(rideId) : null));
    },

    async abort({ rideId, cause, now, lockTimeoutMs }) {
      return atomically(db, () => {
        const ride = readRide(rideId);
        if (!mayAbort(ride, cause, now, lockTimeoutMs)) return null;
        abortRide(ride, ABORT_REASONS[cause], now.toISOString());
        return { ...ride, status: 'aborted' as const };
      });
    },

    async finish({ rideId, ending, now, tariff, billId }) {
      return atomically<EndDecision>(db, () => {
        const decision = decideEnd(rideId, readRide(rideId), ending, now, tariff, billId);
        if (!decision.ok) return decision;
        const { ride, end } = decision;
        markEnded.run({ rideId, ...end });
        if (end.billId !== null) {
          const {
            paidAt: _p,
            paidBy: _b,
            openOrders: _o,
            ...bill
          } = rideBill({ billId: end.billId, openid: ride.openid, rideId: ride.id, feeFen: end.feeFen, endAt: end.endAt });
          insertBill.run(bill);
        }
        const status = bikeStatusAfterRide(readBike(bikeById, ride.bikeId));
        const pk = leaveBikeAt.get({ bikeId: ride.bikeId, status, lat: end.endLat, lng: end.endLng, now: end.endAt }) as number | undefined;
        if (pk !== undefined) moveBikeIndex.run(pk, end.endLng, end.endLng, end.endLat, end.endLat);
        return decision;
      });
    },

    async staleUnlocks(before, limit) {
      return staleUnlocks.all(before.toISOString(), limit) as string[];
    },
  };
}
