import {
  ABORT_REASONS,
  bikeStatusAfterRide,
  decideCancelHold,
  decideEnd,
  decideHold,
  decideReport,
  decideResolve,
  decideUnlock,
  mayAbort,
  newRide,
  rideDay,
  type EndDecision,
  type HoldRecord,
  type ReportRecord,
  type RideRecord,
} from '../../../shared/ride';
import { rideBill } from '../../../shared/bills';
import type { Bike, Station } from '../../../shared/places';
import type { RideStore } from '../ports';
import { atomically, type Db } from './db';

import { type HoldRow, type HoldlessReport, type ReportRow, type RideRow, holdOf, reportOf, toRecord } from './ride-rows';

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
  const unpaidRideFen = db.prepare(`SELECT coalesce(sum(amount_fen), 0) FROM bills WHERE openid = ? AND type = 'ride' AND status = 'unpaid'`).pluck();
  // Reservations: the rider's latest, and the \`until\`s of their lapses since yesterday.
  const latestHold = db.prepare(`SELECT * FROM ride_holds WHERE openid = ? AND status = 'held' ORDER BY created_at DESC, id DESC LIMIT 1`);
  const lapseUntils = db.prepare(`SELECT until FROM ride_holds WHERE openid = @openid AND status = 'held' AND until <= @now AND until > @since`).pluck();
  const insertHold = db.prepare(
    `INSERT INTO ride_holds (id, openid, bike_id, bike_code, lat, lng, created_at, until, status)
     VALUES (@id, @openid, @bikeId, @bikeCode, @lat, @lng, @createdAt, @until, 'held')`,
  );
  const endHold = db.prepare(`UPDATE ride_holds SET status = ? WHERE id = ? AND status = 'held'`);
  const holdBike = db.prepare(
    `UPDATE places SET body = json_set(body, '$.heldBy', @openid, '$.heldUntil', @until), updated_at = @now WHERE kind = 'bike' AND id = @bikeId`,
  );
  // Lets go of the bike's hold when it is still this rider's.
  const unholdBike = db.prepare(
    `UPDATE places SET body = json_remove(body, '$.heldBy', '$.heldUntil'), updated_at = @now
     WHERE kind = 'bike' AND id = @bikeId AND json_extract(body, '$.heldBy') = @openid`,
  );
  const setBikeBody = db.prepare(`UPDATE places SET status = @status, body = @body, updated_at = @now WHERE kind = 'bike' AND id = @bikeId`);
  // Fault reports.
  const reportById = db.prepare('SELECT * FROM bike_reports WHERE id = ?');
  const reportedToday = db.prepare('SELECT 1 FROM bike_reports WHERE openid = ? AND bike_id = ? AND day = ?').pluck();
  const openReportsOf = db.prepare(`SELECT id, openid, created_at AS createdAt FROM bike_reports WHERE bike_id = ? AND status = 'open' AND created_at > ?`);
  const insertReport = db.prepare(
    `INSERT INTO bike_reports (id, openid, bike_id, bike_code, category, note, photos, created_at, day, status)
     VALUES (@id, @openid, @bikeId, @bikeCode, @category, @note, @photos, @createdAt, @day, 'open')`,
  );
  const markResolved = db.prepare(`UPDATE bike_reports SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'`);
  const reportsAll = db.prepare('SELECT * FROM bike_reports ORDER BY created_at DESC, id DESC LIMIT ?');
  const reportsOf = db.prepare('SELECT * FROM bike_reports WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?');
  const historyOf = db.prepare(
    `SELECT r.*, b.status AS bill_status FROM rides r LEFT JOIN bills b ON b.id = r.bill_id
     WHERE r.openid = @openid AND r.status = 'ended' AND r.end_at < @before ORDER BY r.end_at DESC, r.id DESC LIMIT @limit`,
  );
  const staleUnlocks = db.prepare(`SELECT id FROM rides WHERE status = 'unlocking' AND requested_at < ? ORDER BY requested_at LIMIT ?`).pluck();
  const takeBike = db.prepare(
    `UPDATE places SET status = 'riding', body = json_remove(json_set(body, '$.status', 'riding'), '$.heldBy', '$.heldUntil'), updated_at = @now
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

  const readHold = (openid: string): HoldRecord | null => {
    const r = latestHold.get(openid) as (HoldRow & { status: string }) | undefined;
    return r === undefined ? null : holdOf(r);
  };
  const readReport = (id: string): ReportRecord | null => {
    const r = reportById.get(id) as ReportRow | undefined;
    return r === undefined ? null : reportOf(r);
  };
  /** Writes a bike's whole body and its status column together. */
  const writeBike = (bike: Bike, now: string) => setBikeBody.run({ bikeId: bike.id, status: bike.status, body: JSON.stringify(bike), now });
  /** The rider's reservation: the facts, read inside the caller's transaction. */
  const holdFacts = (openid: string, now: Date) => ({
    riderHold: readHold(openid),
    lapses: lapseUntils.all({ openid, now: now.toISOString(), since: new Date(now.getTime() - 48 * 3600_000).toISOString() }) as string[],
  });

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
  const abortRide = (ride: RideRecord, reason: string, now: string): boolean => {
    if (markAborted.run(reason, ride.id).changes !== 1) return false;
    releaseBike.run({ bikeId: ride.bikeId, status: bikeStatusAfterRide(readBike(bikeById, ride.bikeId)), now });
    return true;
  };
  /** Aborts the stale unlocks a rule named (inside the caller's transaction): the rides aborted. */
  const abortStale = (expire: RideRecord[], now: string): RideRecord[] =>
    expire.filter((ride) => abortRide(ride, ABORT_REASONS.stale, now)).map((ride) => ({ ...ride, status: 'aborted' as const }));
  /** What unlocking and reserving both decide on: the bike, the rider's and the bike's open rides, what the rider owes (inside the caller's transaction). */
  const bikeAndRiderFacts = (openid: string, bikeCode: string, position: { lat: number; lng: number }) => {
    const bike = readBike(bikeByCode, bikeCode);
    return {
      bikeCode,
      bike,
      riderRide: readOpen(openRideOf, openid),
      bikeRide: bike ? readOpen(openRideOfBike, bike.id) : null,
      unpaidRideFen: unpaidRideFen.get(openid) as number,
      position,
      openid,
    };
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
        const decision = decideUnlock({ ...bikeAndRiderFacts(openid, bikeCode, position), riderHold: readHold(openid) }, now, lockTimeoutMs);
        const aborted = abortStale(decision.expire, at);
        if (!decision.ok) return { ok: false as const, refusal: decision.refusal, aborted };
        const ride = newRide(rideId, openid, decision.bike, position, now);
        // Unlocking ends the rider's reservation (used; a hold of another bike let go); the bike's own
        // hold goes with taking it.
        if (decision.endHold) {
          endHold.run('used', decision.endHold.id);
          if (decision.endHold.bikeId !== ride.bikeId) unholdBike.run({ bikeId: decision.endHold.bikeId, openid, now: at });
        }
        takeBike.run({ bikeId: ride.bikeId, now: at });
        insertRide.run(ride);
        return { ok: true as const, ride, aborted };
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

    async hold({ holdId, openid, bikeCode, position, now, lockTimeoutMs }) {
      const at = now.toISOString();
      return atomically(db, () => {
        const decision = decideHold({ ...bikeAndRiderFacts(openid, bikeCode, position), ...holdFacts(openid, now) }, holdId, now, lockTimeoutMs);
        const aborted = abortStale(decision.expire, at);
        if (!decision.ok) return { ok: false as const, refusal: decision.refusal, aborted };
        insertHold.run(decision.hold);
        holdBike.run({ bikeId: decision.hold.bikeId, openid, until: decision.hold.until, now: at });
        return { ok: true as const, hold: decision.hold, aborted };
      });
    },

    async cancelHold(openid, now) {
      return atomically(db, () => {
        const { cancel } = decideCancelHold(readHold(openid), now);
        if (cancel === null) return null;
        endHold.run('cancelled', cancel.id);
        unholdBike.run({ bikeId: cancel.bikeId, openid, now: now.toISOString() });
        return cancel;
      });
    },

    async holdOf(openid) {
      return readHold(openid);
    },

    async report({ reportId, openid, bikeCode, category, note, photos, now }) {
      const at = now.toISOString();
      return atomically(db, () => {
        const bike = readBike(bikeByCode, bikeCode);
        const decision = decideReport(
          {
            bikeCode,
            bike,
            openid,
            alreadyToday: bike !== null && reportedToday.get(openid, bike.id, rideDay(now)) !== undefined,
            openReports: bike ? (openReportsOf.all(bike.id, new Date(now.getTime() - 48 * 3600_000).toISOString()) as HoldlessReport[]) : [],
          },
          { id: reportId, category, note, photos },
          now,
        );
        if (!decision.ok || bike === null) return decision;
        insertReport.run({ ...decision.report, photos: JSON.stringify(decision.report.photos) });
        if (decision.bikeAfter) writeBike({ ...bike, ...decision.bikeAfter }, at);
        return decision;
      });
    },

    async reports(status, limit) {
      const rows = (status === undefined ? reportsAll.all(limit) : reportsOf.all(status, limit)) as ReportRow[];
      return rows.map(reportOf);
    },

    async resolveReport({ reportId, bikeStatus, now }) {
      return atomically(db, () => {
        const report = readReport(reportId);
        const decision = decideResolve(reportId, report, report ? readBike(bikeById, report.bikeId) : null, bikeStatus, now);
        if (!decision.ok) return decision;
        markResolved.run(now.toISOString(), reportId);
        if (decision.bike) writeBike(decision.bike, now.toISOString());
        return decision;
      });
    },

    async history(openid, before, limit) {
      const rows = historyOf.all({ openid, before: before === null ? '9999-12-31T23:59:59.999Z' : before.toISOString(), limit }) as (RideRow & {
        bill_status: 'unpaid' | 'paid' | null;
      })[];
      return rows.map((r) => ({ ...toRecord(r), billStatus: r.bill_status }));
    },
  };
}
