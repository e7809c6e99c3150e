import { rideBill } from '../../../shared/bills';
import type { LatLng } from '../../../shared/geo';
import type { Station } from '../../../shared/places';
import {
  ABORT_REASONS,
  bikeStatusAfterRide,
  decideCancelHold,
  decideEnd,
  decideHold,
  decideReport,
  decideResolve,
  decideUnlock,
  isOpen,
  mayAbort,
  newRide,
  openReportsKept,
  rideDay,
  type EndDecision,
  type RideRecord,
} from '../../../shared/ride';
import type { RideStore } from '../ports';
import { COLLECTIONS } from './db';
import { geoNearMaxDistance, placeDocId, placeOf } from './places';
import type { Doc } from './sdk';
import { inTransaction } from './transaction';
import {
  MAX_ZONE_REACH_M,
  RIDE_COLLECTIONS,
  type RideDb,
  type RideTransaction,
  type RiderDoc,
  bikeOf,
  lapsesOf,
  openReportsOf,
  recordOf,
  reportDocId,
  reportOfDoc,
  riderOf,
} from './ride-docs';
// The documents' shapes live in ride-docs.ts; these names stay importable from here.
export { asRideDb, type RideDb } from './ride-docs';

/**
 * Rides in CloudBase. Every operation that touches several documents (reserve: the rider's
 * document, the bike, the ride, and any stale unlock met on the way; abort; finish: the ride, the
 * bill, the bike, the rider's document) is one `runTransaction` of `doc()` reads and writes that
 * asks the rule of shared/ride.ts on what it read: CloudBase commits it whole or not at all, and two
 * that write one document conflict and run again. No step ever needs undoing.
 */
export function cloudbaseRides(db: RideDb, jitter: () => number = Math.random): RideStore {
  const rides = () => db.collection(RIDE_COLLECTIONS.rides);
  const bikes = () => db.collection(COLLECTIONS.bike);
  const transact = <T>(run: (tx: RideTransaction) => Promise<T>) => inTransaction(db, run, jitter);

  async function readRide(rideId: string): Promise<RideRecord | null> {
    const { data } = await rides().doc(rideId).get();
    return data.length === 0 ? null : recordOf(data[0]);
  }

  /**
   * The `_id` of the bike document with a code. A code is found by a query, which cannot join a
   * transaction: the transaction reads the document by its `_id` and checks it still carries the code.
   */
  async function bikeDocIdOf(bikeCode: string): Promise<string | null> {
    const { data: found } = await bikes().where({ code: bikeCode }).field({ _id: true }).limit(1).get();
    return found.length === 0 ? null : found[0]._id;
  }

  /** Reads and writes of one transaction. */
  function within(tx: RideTransaction) {
    const ref = (collection: string, id: string) => tx.collection(collection).doc(id);
    const read = async (collection: string, id: string) => (await ref(collection, id).get()).data;
    return {
      ref,
      async ride(id: string | null | undefined): Promise<RideRecord | null> {
        if (typeof id !== 'string' || id === '') return null;
        const doc = await read(RIDE_COLLECTIONS.rides, id);
        return doc ? recordOf(doc) : null;
      },
      async rider(openid: string): Promise<RiderDoc> {
        return riderOf(await read(RIDE_COLLECTIONS.riders, openid));
      },
      bikeDoc: (bikeId: string) => read(COLLECTIONS.bike, placeDocId('bike', bikeId)),
      writeRider: (openid: string, rider: RiderDoc, now: Date) => ref(RIDE_COLLECTIONS.riders, openid).set({ ...rider, updatedAt: now }),
      /** Lets go of a ride that closes: the bike (when it is still this ride's) and the rider. */
      async release(ride: RideRecord, now: Date, leaveAt: LatLng | null, rider: RiderDoc, addBill: string | null): Promise<void> {
        const doc = await this.bikeDoc(ride.bikeId);
        if (doc && doc.rideId === ride.id) {
          const moved = leaveAt ? { lat: leaveAt.lat, lng: leaveAt.lng, location: new db.Geo.Point(leaveAt.lng, leaveAt.lat) } : {};
          await ref(COLLECTIONS.bike, doc._id).update({ status: bikeStatusAfterRide(bikeOf(doc)), rideId: null, afterRide: null, ...moved, updatedAt: now });
        }
        await this.writeRider(
          ride.openid,
          {
            ...rider,
            openRideId: rider.openRideId === ride.id ? null : rider.openRideId,
            unpaidRideBills: addBill === null ? rider.unpaidRideBills : [...rider.unpaidRideBills, addBill],
          },
          now,
        );
      },
      /** What the rider owes in unpaid ride bills (each read by its id, inside the transaction). */
      async owed(rider: RiderDoc): Promise<number> {
        let fen = 0;
        for (const id of rider.unpaidRideBills) {
          const bill = await read(RIDE_COLLECTIONS.bills, id);
          fen += bill && bill.status !== 'paid' ? Number(bill.amountFen) : 0;
        }
        return fen;
      },
      /**
       * What unlocking and reserving both decide on, read in this order: the rider, the bike (its
       * document found by `_id`, still carrying the code), the rider's and the bike's open rides,
       * and what the rider owes.
       */
      async bikeAndRider(openid: string, bikeCode: string, bikeDocId: string | null, position: LatLng) {
        const rider = await this.rider(openid);
        const bikeDoc = bikeDocId === null ? null : await read(COLLECTIONS.bike, bikeDocId);
        const bike = bikeDoc && bikeDoc.code === bikeCode ? bikeOf(bikeDoc) : null;
        const riderRide = await this.ride(rider.openRideId);
        const bikeRideId = bikeDoc && bike ? bikeDoc.rideId : null;
        const bikeRide = typeof bikeRideId === 'string' && bikeRideId === riderRide?.id ? riderRide : await this.ride(bikeRideId as string | null);
        const unpaidRideFen = await this.owed(rider);
        return { rider, facts: { bikeCode, bike, riderRide, bikeRide, unpaidRideFen, position, openid, riderHold: rider.hold ?? null } };
      },
      /** Lets go of a bike's hold when it is still this rider's. */
      async unhold(bikeId: string, openid: string, now: Date, doc?: Doc | null): Promise<void> {
        const bikeDoc = doc === undefined ? await this.bikeDoc(bikeId) : doc;
        if (bikeDoc && bikeDoc.heldBy === openid) await ref(COLLECTIONS.bike, bikeDoc._id).update({ heldBy: null, heldUntil: null, updatedAt: now });
      },
      async abort(ride: RideRecord, reason: string, now: Date): Promise<void> {
        await ref(RIDE_COLLECTIONS.rides, ride.id).update({ status: 'aborted', abortReason: reason });
        await this.release(ride, now, null, await this.rider(ride.openid), null);
      },
      /** Aborts the stale unlocks a rule named: the rides aborted. */
      async abortStale(expire: RideRecord[], now: Date): Promise<RideRecord[]> {
        for (const stale of expire) await this.abort(stale, ABORT_REASONS.stale, now);
        return expire.map((ride) => ({ ...ride, status: 'aborted' as const }));
      },
    };
  }

  return {
    async bikeByCode(code) {
      const { data } = await bikes().where({ code }).limit(1).get();
      return data.length === 0 ? null : bikeOf(data[0]);
    },

    async openRideOf(openid) {
      const { data } = await db.collection(RIDE_COLLECTIONS.riders).doc(openid).get();
      const rideId = riderOf(data[0] ?? null).openRideId;
      const ride = rideId === null ? null : await readRide(rideId);
      return ride && isOpen(ride) ? ride : null;
    },

    get: readRide,

    async zonesNear(position: LatLng) {
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
      return (data ?? []).map((doc) => placeOf(doc) as Station);
    },

    async reserve({ rideId, openid, bikeCode, position, now, lockTimeoutMs }) {
      const bikeDocId = await bikeDocIdOf(bikeCode);
      return transact(async (tx) => {
        const t = within(tx);
        const { facts } = await t.bikeAndRider(openid, bikeCode, bikeDocId, position);
        const decision = decideUnlock(facts, now, lockTimeoutMs);
        const aborted = await t.abortStale(decision.expire, now);
        if (!decision.ok) return { ok: false as const, refusal: decision.refusal, aborted };
        const ride = newRide(rideId, openid, decision.bike, position, now);
        const { id: _id, ...fields } = ride;
        await t.ref(RIDE_COLLECTIONS.rides, rideId).set(fields);
        // A reservation of another bike is let go (this bike's hold goes with the update below).
        if (decision.endHold && decision.endHold.bikeId !== ride.bikeId) await t.unhold(decision.endHold.bikeId, openid, now);
        await t.ref(COLLECTIONS.bike, placeDocId('bike', ride.bikeId)).update({ status: 'riding', rideId, heldBy: null, heldUntil: null, updatedAt: now });
        // Read again: an expiry above may have written the rider's document in this transaction.
        const current = await t.rider(openid);
        await t.writeRider(openid, { ...current, openRideId: rideId, hold: decision.endHold ? null : (current.hold ?? null) }, now);
        return { ok: true as const, ride, aborted };
      });
    },

    async confirm(rideId, startAt) {
      // One document, one conditional update: atomic on its own, and it loses to an abort.
      const { updated } = await rides().where({ _id: rideId, status: 'unlocking' }).update({ status: 'active', startAt: startAt.toISOString() });
      return updated === 1 ? readRide(rideId) : null;
    },

    async abort({ rideId, cause, now, lockTimeoutMs }) {
      return transact(async (tx) => {
        const t = within(tx);
        const ride = await t.ride(rideId);
        if (!mayAbort(ride, cause, now, lockTimeoutMs)) return null;
        await t.abort(ride, ABORT_REASONS[cause], now);
        return { ...ride, status: 'aborted' as const };
      });
    },

    async finish({ rideId, ending, now, tariff, billId }) {
      return transact(async (tx): Promise<EndDecision> => {
        const t = within(tx);
        const decision = decideEnd(rideId, await t.ride(rideId), ending, now, tariff, billId);
        if (!decision.ok) return decision;
        const { ride, end } = decision;
        const rider = await t.rider(ride.openid);
        await t.ref(RIDE_COLLECTIONS.rides, rideId).update({ ...end, status: 'ended' });
        if (end.billId !== null) {
          const { id: _id, ...bill } = rideBill({ billId: end.billId, openid: ride.openid, rideId: ride.id, feeFen: end.feeFen, endAt: end.endAt });
          await t.ref(RIDE_COLLECTIONS.bills, end.billId).set(bill);
        }
        await t.release(ride, now, { lat: end.endLat, lng: end.endLng }, rider, end.billId);
        return decision;
      });
    },

    async staleUnlocks(before, limit) {
      const { data } = await rides()
        .where({ status: 'unlocking', requestedAt: db.command.lt(before.toISOString()) })
        .orderBy('requestedAt', 'asc')
        .field({ _id: true })
        .limit(limit)
        .get();
      return data.map((doc) => doc._id);
    },

    async hold({ holdId, openid, bikeCode, position, now, lockTimeoutMs }) {
      const bikeDocId = await bikeDocIdOf(bikeCode);
      return transact(async (tx) => {
        const t = within(tx);
        const { rider, facts } = await t.bikeAndRider(openid, bikeCode, bikeDocId, position);
        const decision = decideHold({ ...facts, lapses: lapsesOf(rider, now) }, holdId, now, lockTimeoutMs);
        const aborted = await t.abortStale(decision.expire, now);
        if (!decision.ok) return { ok: false as const, refusal: decision.refusal, aborted };
        const { hold } = decision;
        await t.ref(COLLECTIONS.bike, placeDocId('bike', hold.bikeId)).update({ heldBy: openid, heldUntil: hold.until, updatedAt: now });
        const current = await t.rider(openid);
        const since = now.getTime() - 48 * 3600_000;
        const lapses = [...(current.lapses ?? []), ...(decision.lapsed ? [decision.lapsed.until] : [])].filter((u) => Date.parse(u) > since);
        await t.writeRider(openid, { ...current, hold, lapses }, now);
        return { ok: true as const, hold, aborted };
      });
    },

    async cancelHold(openid, now) {
      return transact(async (tx) => {
        const t = within(tx);
        const rider = await t.rider(openid);
        const { cancel } = decideCancelHold(rider.hold ?? null, now);
        if (cancel === null) return null;
        await t.unhold(cancel.bikeId, openid, now);
        await t.writeRider(openid, { ...rider, hold: null }, now);
        return cancel;
      });
    },

    async holdOf(openid) {
      const { data } = await db.collection(RIDE_COLLECTIONS.riders).doc(openid).get();
      return riderOf(data[0] ?? null).hold ?? null;
    },

    async report({ reportId: _random, openid, bikeCode, category, note, photos, now }) {
      const { data: found } = await bikes().where({ code: bikeCode }).field({ _id: true }).limit(1).get();
      const bikeDocId = found.length === 0 ? null : found[0]._id;
      return transact(async (tx) => {
        const bikeDoc = bikeDocId === null ? null : (await tx.collection(COLLECTIONS.bike).doc(bikeDocId).get()).data;
        const bike = bikeDoc && bikeDoc.code === bikeCode ? bikeOf(bikeDoc) : null;
        const docId = bike ? reportDocId(openid, bike.id, rideDay(now)) : null;
        const existing = docId === null ? null : (await tx.collection(RIDE_COLLECTIONS.reports).doc(docId).get()).data;
        const openReports = openReportsOf(bikeDoc);
        const decision = decideReport(
          { bikeCode, bike, openid, alreadyToday: existing !== null, openReports },
          { id: docId ?? '', category, note, photos },
          now,
        );
        if (!decision.ok || bikeDoc === null) return decision;
        const { id: _id, ...fields } = decision.report;
        await tx.collection(RIDE_COLLECTIONS.reports).doc(decision.report.id).set(fields);
        const kept = openReportsKept([...openReports, { id: decision.report.id, openid, createdAt: decision.report.createdAt }], now);
        await tx
          .collection(COLLECTIONS.bike)
          .doc(bikeDoc._id)
          .update({ ...(decision.bikeAfter ?? {}), openReports: kept, updatedAt: now });
        return decision;
      });
    },

    async reports(status, limit) {
      const query = status === undefined ? db.collection(RIDE_COLLECTIONS.reports) : db.collection(RIDE_COLLECTIONS.reports).where({ status });
      const { data } = await query.orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(limit).get();
      return data.map(reportOfDoc);
    },

    async resolveReport({ reportId, bikeStatus, now }) {
      return transact(async (tx) => {
        const reportDoc = (await tx.collection(RIDE_COLLECTIONS.reports).doc(reportId).get()).data;
        const report = reportDoc ? reportOfDoc({ ...reportDoc, _id: reportId }) : null;
        const bikeDoc = report ? (await tx.collection(COLLECTIONS.bike).doc(placeDocId('bike', report.bikeId)).get()).data : null;
        const decision = decideResolve(reportId, report, bikeDoc ? bikeOf(bikeDoc) : null, bikeStatus, now);
        if (!decision.ok) return decision;
        await tx.collection(RIDE_COLLECTIONS.reports).doc(reportId).update({ status: 'resolved', resolvedAt: decision.report.resolvedAt });
        if (bikeDoc) {
          const after = decision.bike ? { status: decision.bike.status, afterRide: decision.bike.afterRide ?? null } : {};
          await tx
            .collection(COLLECTIONS.bike)
            .doc(bikeDoc._id)
            .update({ ...after, openReports: openReportsOf(bikeDoc).filter((r) => r.id !== reportId), updatedAt: now });
        }
        return decision;
      });
    },

    async history(openid, before, limit) {
      const where: Record<string, unknown> = { openid, status: 'ended' };
      if (before !== null) where.endAt = db.command.lt(before.toISOString());
      const { data } = await rides().where(where).orderBy('endAt', 'desc').limit(limit).get();
      const found = data.map(recordOf);
      const billIds = found.flatMap((r) => (r.billId === null ? [] : [r.billId]));
      const status = new Map<string, 'unpaid' | 'paid'>();
      if (billIds.length > 0) {
        const { data: bills } = await db
          .collection(RIDE_COLLECTIONS.bills)
          .where({ _id: db.command.in(billIds) })
          .field({ _id: true, status: true })
          .limit(billIds.length)
          .get();
        for (const b of bills) status.set(b._id, b.status === 'paid' ? 'paid' : 'unpaid');
      }
      return found.map((r) => ({ ...r, billStatus: r.billId === null ? null : (status.get(r.billId) ?? null) }));
    },
  };
}
