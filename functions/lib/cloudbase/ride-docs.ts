/**
 * The rides adapter's documents in CloudBase (functions/lib/cloudbase/rides.ts reads and writes
 * them): the collections, the per-rider document, and how a document becomes a record.
 */
import type { Bike } from '../../../shared/places';
import { isLiveHold, type HoldRecord, type OpenReport, type ReportRecord, type RideRecord } from '../../../shared/ride';
import { createHash } from 'node:crypto';
import { plain, type CloudbaseDb } from './db';
import { placeOf } from './places';
import type { Aggregation, ChainQuery, Doc, DocTransaction, GeoNearOptions } from './sdk';

/**
 * Collections of the rides adapter (in cloudbase/database.json with deny-all rules):
 * - `rides`: one document a ride, `_id` = the ride id, the fields of `RideRecord` (shared/ride.ts);
 * - `riders`: the per-rider document, `_id` = the rider's OPENID:
 *     `{ openRideId: string | null, unpaidRideBills: string[], updatedAt: Date }`
 *   `openRideId` is the rider's ride while it is `unlocking` or `active`; `unpaidRideBills` the
 *   ids of their unpaid ride bills. Every transaction that opens or closes a ride, or adds or pays
 *   a ride bill, writes it, so two of them on one rider conflict instead of both passing their
 *   checks. The bills issue removes a bill's id here in the transaction that marks it paid.
 * - `bills`: ride bills (and, from the bills issue, utility bills), `_id` = the bill id;
 * - on a bike's document (`places_bike`), `rideId`: its open ride while `riding`, else null, and
 *   `afterRide: 'maintenance'` while an admin's maintenance waits for the ride's end.
 * Reservations and reports (issue 17):
 * - the rider's document also keeps `hold` (their latest reservation still held: live, or lapsed
 *   when its `until` has passed) and `lapses` (the `until`s of earlier lapses of the last 48 h);
 *   the bike's document `heldBy`/`heldUntil` (a lapsed hold is left as it is: the rule reads the
 *   time, nothing sweeps it) and `openReports` (`[{ id, openid, createdAt }]`, open reports of the
 *   last 24 h: the facts of "two riders put it into maintenance").
 * - `bike_reports`: one document a report, `_id` = "RP" + a hash of (rider, bike, day): a second
 *   report of the day is the same document, read inside the transaction.
 */
export const RIDE_COLLECTIONS = { rides: 'rides', riders: 'riders', bills: 'bills', reports: 'bike_reports' } as const;

/** How far a station's zone may reach from the station's own position: the zone search radius. */
export const MAX_ZONE_REACH_M = 3000;

/** The per-rider document (see RIDE_COLLECTIONS). */
export interface RiderDoc {
  openRideId: string | null;
  unpaidRideBills: string[];
  /** The latest reservation still held (live, or lapsed), or null. */
  hold?: HoldRecord | null;
  /** `until`s of earlier lapsed reservations (the last 48 hours). */
  lapses?: string[];
}

/**
 * The part of the SDK's database this adapter uses. `asRideDb` checks `collection` against the SDK's
 * declarations; `Geo`, `command` and `runTransaction` it takes on trust (the SDK declares them too
 * loosely to check: `any`, or `Point` only), as read in @cloudbase/database's sources.
 */
export interface RideDb {
  Geo: { Point: new (longitude: number, latitude: number) => unknown };
  command: { lt(value: unknown): unknown; in(values: unknown[]): unknown };
  collection(name: string): RideCollection;
  runTransaction<T>(run: (tx: RideTransaction) => Promise<T>, times?: number): Promise<T>;
}

export interface RideQuery extends ChainQuery<RideQuery> {
  field(projection: Record<string, boolean>): RideQuery;
  /** Outside a transaction only; `updated` counts the documents that matched and changed. */
  update(data: object): Promise<{ updated?: number }>;
}

export interface RideCollection extends RideQuery {
  doc(id: string): { get(): Promise<{ data: Doc[] }> };
  aggregate(): { geoNear(options: GeoNearOptions): Aggregation };
}

export type RideTransaction = DocTransaction;

/** The SDK's database as this adapter sees it (its `runTransaction` is declared `any` by the SDK). */
export function asRideDb(db: CloudbaseDb): RideDb {
  const checked: Omit<RideDb, 'Geo' | 'runTransaction' | 'command'> = db;
  return checked as RideDb;
}

/** The ride a document holds. */
export function recordOf(doc: Doc | Record<string, unknown>): RideRecord {
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

/** The bike a document holds (its `rideId` is storage, not part of the place). */
export const bikeOf = (doc: Doc): Bike => placeOf(doc) as Bike;

/** The per-rider document as read (absent: no ride, no unpaid bill). */
export function riderOf(doc: Doc | null): RiderDoc {
  const hold = doc?.hold as Record<string, unknown> | null | undefined;
  return {
    openRideId: typeof doc?.openRideId === 'string' ? doc.openRideId : null,
    unpaidRideBills: Array.isArray(doc?.unpaidRideBills) ? (doc.unpaidRideBills as unknown[]).map(String) : [],
    hold:
      hold && typeof hold === 'object' && typeof hold.until === 'string'
        ? {
            id: String(hold.id),
            openid: String(hold.openid),
            bikeId: String(hold.bikeId),
            bikeCode: String(hold.bikeCode),
            lat: Number(hold.lat),
            lng: Number(hold.lng),
            createdAt: String(hold.createdAt),
            until: hold.until,
          }
        : null,
    lapses: Array.isArray(doc?.lapses) ? (doc.lapses as unknown[]).map(String) : [],
  };
}

/** The rider's lapses as facts: the kept ones and the latest reservation when it has lapsed. */
export const lapsesOf = (rider: RiderDoc, now: Date): string[] => [
  ...(rider.lapses ?? []),
  ...(rider.hold && !isLiveHold(rider.hold, now) ? [rider.hold.until] : []),
];

/** The report document of a rider, a bike and a day: one a day, by its `_id`. */
export const reportDocId = (openid: string, bikeId: string, day: string): string =>
  `RP${createHash('sha256').update(`${openid}\n${bikeId}\n${day}`).digest('hex').slice(0, 32)}`;

export function reportOfDoc(doc: Doc): ReportRecord {
  const d = plain<Record<string, unknown>>(doc);
  return {
    id: String(d._id),
    openid: String(d.openid),
    bikeId: String(d.bikeId),
    bikeCode: String(d.bikeCode),
    category: d.category as ReportRecord['category'],
    note: typeof d.note === 'string' ? d.note : null,
    photos: Array.isArray(d.photos) ? (d.photos as unknown[]).map(String) : [],
    createdAt: String(d.createdAt),
    day: String(d.day),
    status: d.status === 'resolved' ? 'resolved' : 'open',
    resolvedAt: typeof d.resolvedAt === 'string' ? d.resolvedAt : null,
  };
}

export const openReportsOf = (doc: Doc | null): OpenReport[] =>
  Array.isArray(doc?.openReports)
    ? (doc.openReports as Record<string, unknown>[]).map((r) => ({ id: String(r.id), openid: String(r.openid), createdAt: String(r.createdAt) }))
    : [];
