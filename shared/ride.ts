/**
 * The ride rules: one place that decides every refusal and state change of a ride, as pure
 * functions of facts (time and settings are arguments). The adapters read the facts inside their
 * atomic step (an IMMEDIATE transaction, a CloudBase `runTransaction`), ask these functions, and
 * write what they answer; they never decide, order or word a refusal themselves.
 *
 *   (none) --reserve--> unlocking --confirm (the lock opened)--> active --end / forceEnd--> ended
 *                       unlocking --abort (the lock failed, an admin, stale)--> aborted
 *
 * A ride still `unlocking` longer than the lock timeout was cut short (a crash, a function that
 * timed out while the lock was asked): whoever meets it aborts it (the rider's or another rider's
 * unlock, `current`, `geo.nearby`, `forceEnd`, the sweep).
 */
import { distanceM, pointInZone, type LatLng } from './geo';
import type { Bike, Station } from './places';
import { fail, type Fail } from './result';
import { rideDurationSec, rideFeeFen, yuan, type Tariff } from './tariff';
import { DEFAULT_TIMEZONE, wallClock } from './time';

// The ride numbers below are worded by the mini program as well as enforced here: this file stays
// free of zod (and of the contract) so that the mini program's bundle can take them.

/** How close a rider must stand to unlock a bike, in metres. */
export const MAX_UNLOCK_DISTANCE_M = 100;
/** How close a rider must stand to reserve a bike, in metres. */
export const MAX_RESERVE_DISTANCE_M = 1000;
/** How long a reservation holds a bike, in minutes. */
export const RESERVATION_MINUTES = 10;
/** Lapsed reservations a rider may have in a day (Asia/Shanghai) before reserving is refused. */
export const MAX_LAPSES_A_DAY = 3;
/** Fault categories of `rides.report`. */
export const REPORT_CATEGORIES = ['brake', 'tyre', 'chain', 'lock', 'qrcode', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
/** At most this many characters of a report's note, and photos a report. */
export const MAX_REPORT_NOTE = 200;
export const MAX_REPORT_PHOTOS = 3;
/** Open reports of this many different riders within `REPORT_WINDOW_H` hours put the bike into maintenance. */
export const REPORTS_FOR_MAINTENANCE = 2;
export const REPORT_WINDOW_H = 24;
/** A photo upload's limit, in bytes. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** A ride as stored: `unlocking` while the lock is asked, `aborted` when it did not confirm. */
export interface RideRecord {
  id: string;
  openid: string;
  bikeId: string;
  bikeCode: string;
  status: 'unlocking' | 'active' | 'ended' | 'aborted';
  requestedAt: string;
  startAt: string | null;
  startLat: number;
  startLng: number;
  endAt: string | null;
  endLat: number | null;
  endLng: number | null;
  stationId: string | null;
  durationSec: number | null;
  feeFen: number | null;
  surchargeFen: number | null;
  billId: string | null;
  endedBy: 'rider' | 'admin' | null;
}

export const isOpen = (ride: Pick<RideRecord, 'status'>): boolean => ride.status === 'unlocking' || ride.status === 'active';

/**
 * An `unlocking` ride older than the lock timeout: its unlock was cut short (the lock's answer can
 * no longer come: `timedLock` counts a later one as 'failed'), so it is aborted wherever it is met.
 * @example isStaleUnlock({ status: 'unlocking', requestedAt: '2026-01-01T00:00:00Z' }, new Date('2026-01-01T00:00:03.001Z'), 3000) // => true
 */
export function isStaleUnlock(ride: Pick<RideRecord, 'status' | 'requestedAt'>, now: Date, lockTimeoutMs: number): boolean {
  return ride.status === 'unlocking' && now.getTime() - Date.parse(ride.requestedAt) > lockTimeoutMs;
}

/** Unlocks still `unlocking` since before this instant are stale. */
export const staleBefore = (now: Date, lockTimeoutMs: number): Date => new Date(now.getTime() - lockTimeoutMs);

export type UnlockRefusal =
  | { reason: 'NOT_FOUND'; bikeCode: string }
  | { reason: 'ACTIVE_RIDE'; bikeCode: string }
  | { reason: 'UNPAID_BILL'; owedFen: number }
  | { reason: 'BIKE_UNAVAILABLE'; bikeCode: string; status: 'maintenance' | 'riding' }
  | { reason: 'BIKE_RESERVED'; bikeCode: string }
  | { reason: 'TOO_FAR'; bikeCode: string; distanceM: number; maxM?: number; to?: 'unlock' | 'reserve' };

/** What an unlock reservation reads, in its atomic step. */
export interface UnlockFacts {
  bikeCode: string;
  /** The bike with that code, null when there is none. */
  bike: Bike | null;
  /** The rider's open ride (unlocking or active), if any. */
  riderRide: RideRecord | null;
  /** The bike's open ride, if any (someone else's, or the rider's own). */
  bikeRide: RideRecord | null;
  /** What the rider owes in unpaid ride bills, in fen (0: nothing). */
  unpaidRideFen: number;
  /** Where the rider stands. */
  position: LatLng;
  /** The caller (a bike held for them is theirs to unlock). */
  openid: string;
  /** The rider's latest reservation, live or lapsed (null: none kept). */
  riderHold: HoldRecord | null;
}

export type UnlockDecision = {
  /** Stale unlocks met on the way (the rider's, the bike's): abort them, whatever the verdict. */
  expire: RideRecord[];
} & ({ ok: true; bike: Bike; endHold: HoldRecord | null } | { ok: false; refusal: UnlockRefusal });

/**
 * Whether the rider may reserve the bike, in this one order: no such bike, the rider's own open
 * ride, an unpaid ride bill, the bike in maintenance or ridden, too far away. Stale unlocks of the
 * rider or the bike are expired first and no longer count.
 */
export function decideUnlock(f: UnlockFacts, now: Date, lockTimeoutMs: number): UnlockDecision {
  const { expire, riderRide, status } = liveFacts(f, now, lockTimeoutMs);
  const refuse = (refusal: UnlockRefusal): UnlockDecision => ({ expire, ok: false, refusal });
  if (!f.bike) return refuse({ reason: 'NOT_FOUND', bikeCode: f.bikeCode });
  if (riderRide) return refuse({ reason: 'ACTIVE_RIDE', bikeCode: riderRide.bikeCode });
  if (f.unpaidRideFen > 0) return refuse({ reason: 'UNPAID_BILL', owedFen: f.unpaidRideFen });
  if (status !== 'available') return refuse({ reason: 'BIKE_UNAVAILABLE', bikeCode: f.bike.code, status });
  const holder = holderOf(f.bike, now);
  if (holder !== null && holder !== f.openid) return refuse({ reason: 'BIKE_RESERVED', bikeCode: f.bike.code });
  const distance = distanceM(f.position, f.bike);
  if (distance > MAX_UNLOCK_DISTANCE_M) return refuse({ reason: 'TOO_FAR', bikeCode: f.bike.code, distanceM: distance });
  // Unlocking ends the rider's live reservation (of this bike: used; of another: let go).
  const endHold = f.riderHold && isLiveHold(f.riderHold, now) ? f.riderHold : null;
  return { expire, ok: true, bike: f.bike, endHold };
}

/** The open rides that still count (stale unlocks set aside to expire) and the bike's status after them. */
function liveFacts(f: Pick<UnlockFacts, 'riderRide' | 'bikeRide' | 'bike'>, now: Date, lockTimeoutMs: number) {
  const expire: RideRecord[] = [];
  const live = (ride: RideRecord | null): RideRecord | null => {
    if (!ride || !isOpen(ride)) return null;
    if (!isStaleUnlock(ride, now, lockTimeoutMs)) return ride;
    if (!expire.some((e) => e.id === ride.id)) expire.push(ride);
    return null;
  };
  const riderRide = live(f.riderRide);
  const bikeRide = live(f.bikeRide);
  // A bike ridden under a ride just expired above is back to what its ride's end leaves it.
  const expiredRideId = bikeRide === null ? f.bikeRide?.id : undefined;
  const freed = f.bike?.status === 'riding' && expire.some((e) => e.id === expiredRideId);
  const status = f.bike ? (freed ? bikeStatusAfterRide(f.bike) : f.bike.status) : 'available';
  return { expire, riderRide, status };
}

// ---- Reservations ------------------------------------------------------------------------------

/**
 * A reservation as kept for its rider. It lapses at `until` with nothing written: every rule reads
 * the time (`isLiveHold`, `holderOf`), so there is nothing to sweep.
 */
export interface HoldRecord {
  id: string;
  openid: string;
  bikeId: string;
  bikeCode: string;
  /** Where the bike stood when reserved (the page navigates there). */
  lat: number;
  lng: number;
  createdAt: string;
  until: string;
}

/** Whether a reservation still holds its bike at `now`. */
export const isLiveHold = (hold: Pick<HoldRecord, 'until'>, now: Date): boolean => Date.parse(hold.until) > now.getTime();

/** A bike's hold as read (a stored document's fields may be null or missing: then no hold). */
export type HoldFields = { heldBy?: unknown; heldUntil?: unknown };

/**
 * For whom the bike is held at `now`, or null (never held, or the hold lapsed).
 * @example holderOf({ heldBy: 'u1', heldUntil: '2026-11-25T00:10:00Z' }, new Date('2026-11-25T00:10:00Z')) // => null
 */
export function holderOf(bike: HoldFields, now: Date): string | null {
  if (typeof bike.heldBy !== 'string' || typeof bike.heldUntil !== 'string') return null;
  return Date.parse(bike.heldUntil) > now.getTime() ? bike.heldBy : null;
}

/**
 * Whether a bike's hold leaves it free for `caller` at `now`: never held, the hold lapsed, or held
 * for the caller themself (`null`: an anonymous reader, for whom only an unheld bike is free). The
 * one rule behind the bikes `geo.nearby` lists and the stations' `bikesAvailable`: a rider is never
 * sent to a bike held for someone else, and the holder still sees (and counts) their own.
 * @example isFreeFor({ heldBy: 'u1', heldUntil: '2026-11-25T00:10:00Z' }, 'u2', new Date('2026-11-25T00:05:00Z')) // => false
 */
export function isFreeFor(bike: HoldFields, caller: string | null, now: Date): boolean {
  const holder = holderOf(bike, now);
  return holder === null || holder === caller;
}

/** The calendar day (Asia/Shanghai) of an instant: lapses and reports are counted per such day. */
export const rideDay = (at: Date): string => wallClock(at, DEFAULT_TIMEZONE).date;

/**
 * How many of these lapsed reservations (their `until`s) lapsed on `now`'s day (Asia/Shanghai),
 * by `now`. A reservation lapses when its `until` passes while it is held (not used, not cancelled).
 * @example lapsesToday(['2026-11-24T15:59:00Z', '2026-11-24T16:05:00Z'], new Date('2026-11-24T17:00:00Z')) // => 1
 */
export function lapsesToday(untils: readonly string[], now: Date): number {
  const today = rideDay(now);
  return untils.filter((u) => Date.parse(u) <= now.getTime() && rideDay(new Date(u)) === today).length;
}

export interface HoldFacts extends UnlockFacts {
  /** The `until`s of the rider's lapsed reservations of today and yesterday (the latest included). */
  lapses: string[];
}

export type HoldRefusal = UnlockRefusal | { reason: 'ALREADY_EXISTS'; bikeCode: string; until: string } | { reason: 'TOO_MANY_RESERVATIONS'; lapses: number };

export type HoldDecision = { expire: RideRecord[] } & (
  | { ok: true; hold: HoldRecord; bike: Bike; lapsed: HoldRecord | null }
  | { ok: false; refusal: HoldRefusal }
);

/**
 * Whether the rider may reserve the bike, in this one order: no such bike, the rider's open ride,
 * an unpaid ride bill, a reservation the rider still holds, three lapses today, the bike in
 * maintenance or ridden, held for another rider, farther than 1,000 m. A yes holds it for 10 minutes;
 * `lapsed` is the rider's previous reservation when it lapsed (the adapter keeps its `until` to count).
 */
export function decideHold(f: HoldFacts, holdId: string, now: Date, lockTimeoutMs: number): HoldDecision {
  const { expire, riderRide, status } = liveFacts(f, now, lockTimeoutMs);
  const refuse = (refusal: HoldRefusal): HoldDecision => ({ expire, ok: false, refusal });
  if (!f.bike) return refuse({ reason: 'NOT_FOUND', bikeCode: f.bikeCode });
  if (riderRide) return refuse({ reason: 'ACTIVE_RIDE', bikeCode: riderRide.bikeCode });
  if (f.unpaidRideFen > 0) return refuse({ reason: 'UNPAID_BILL', owedFen: f.unpaidRideFen });
  if (f.riderHold && isLiveHold(f.riderHold, now)) return refuse({ reason: 'ALREADY_EXISTS', bikeCode: f.riderHold.bikeCode, until: f.riderHold.until });
  const lapsed = f.riderHold && !isLiveHold(f.riderHold, now) ? f.riderHold : null;
  const lapses = lapsesToday(f.lapses, now);
  if (lapses >= MAX_LAPSES_A_DAY) return refuse({ reason: 'TOO_MANY_RESERVATIONS', lapses });
  if (status !== 'available') return refuse({ reason: 'BIKE_UNAVAILABLE', bikeCode: f.bike.code, status });
  const holder = holderOf(f.bike, now);
  if (holder !== null && holder !== f.openid) return refuse({ reason: 'BIKE_RESERVED', bikeCode: f.bike.code });
  const distance = distanceM(f.position, f.bike);
  if (distance > MAX_RESERVE_DISTANCE_M)
    return refuse({ reason: 'TOO_FAR', bikeCode: f.bike.code, distanceM: distance, maxM: MAX_RESERVE_DISTANCE_M, to: 'reserve' });
  const hold: HoldRecord = {
    id: holdId,
    openid: f.openid,
    bikeId: f.bike.id,
    bikeCode: f.bike.code,
    lat: f.bike.lat,
    lng: f.bike.lng,
    createdAt: now.toISOString(),
    until: new Date(now.getTime() + RESERVATION_MINUTES * 60_000).toISOString(),
  };
  return { expire, ok: true, hold, bike: f.bike, lapsed };
}

/**
 * What `cancelReservation` does with the rider's latest reservation: a live one is cancelled (its
 * bike free at once); a lapsed one stays a lapse; none, nothing. Cancelling is idempotent.
 */
export function decideCancelHold(hold: HoldRecord | null, now: Date): { cancel: HoldRecord | null } {
  return { cancel: hold && isLiveHold(hold, now) ? hold : null };
}

/** The words of a reservation refusal. */
export function holdRefusal(r: HoldRefusal): Fail {
  switch (r.reason) {
    case 'ALREADY_EXISTS':
      return fail('ALREADY_EXISTS', `you already hold bike ${r.bikeCode} until ${r.until}: cancel that reservation first`);
    case 'TOO_MANY_RESERVATIONS':
      return fail(
        'RESOURCE_EXHAUSTED',
        `${r.lapses} of your reservations lapsed today: you can reserve again tomorrow (Asia/Shanghai)`,
        'TOO_MANY_RESERVATIONS',
      );
    default:
      return unlockRefusal(r);
  }
}

// ---- Fault reports -----------------------------------------------------------------------------

export interface ReportRecord {
  id: string;
  openid: string;
  bikeId: string;
  bikeCode: string;
  category: ReportCategory;
  note: string | null;
  photos: string[];
  createdAt: string;
  /** The Asia/Shanghai day of `createdAt`: one report per rider, bike and day. */
  day: string;
  status: 'open' | 'resolved';
  resolvedAt: string | null;
}

/** An open report as the bike's record of them keeps it (enough to count riders). */
export interface OpenReport {
  id: string;
  openid: string;
  createdAt: string;
}

export interface ReportFacts {
  bikeCode: string;
  bike: Bike | null;
  openid: string;
  /** Whether the rider already reported this bike today. */
  alreadyToday: boolean;
  /** The bike's open reports (any age: the rule counts the last 24 hours). */
  openReports: OpenReport[];
}

/** What a report does to its bike: nothing, maintenance now, or maintenance after its ride. */
export type BikeAfterReport = null | { status: 'maintenance' } | { afterRide: 'maintenance' };

export type ReportDecision =
  | { ok: true; report: ReportRecord; bikeAfter: BikeAfterReport }
  | { ok: false; refusal: { reason: 'NOT_FOUND'; bikeCode: string } | { reason: 'ALREADY_EXISTS'; bikeCode: string } };

/**
 * A fault report, in this order: no such bike, already reported today by this rider. Open reports
 * of 2 different riders within 24 hours (this one included) put the bike into maintenance; a ridden
 * bike goes there when its ride ends ("maintenance wins").
 */
export function decideReport(
  f: ReportFacts,
  input: { id: string; category: ReportCategory; note: string | null; photos: string[] },
  now: Date,
): ReportDecision {
  if (!f.bike) return { ok: false, refusal: { reason: 'NOT_FOUND', bikeCode: f.bikeCode } };
  if (f.alreadyToday) return { ok: false, refusal: { reason: 'ALREADY_EXISTS', bikeCode: f.bike.code } };
  const since = now.getTime() - REPORT_WINDOW_H * 3600_000;
  const riders = new Set([f.openid, ...f.openReports.filter((r) => Date.parse(r.createdAt) > since).map((r) => r.openid)]);
  let bikeAfter: BikeAfterReport = null;
  if (riders.size >= REPORTS_FOR_MAINTENANCE) {
    if (f.bike.status === 'available') bikeAfter = { status: 'maintenance' };
    else if (f.bike.status === 'riding' && f.bike.afterRide !== 'maintenance') bikeAfter = { afterRide: 'maintenance' };
  }
  const report: ReportRecord = {
    ...input,
    openid: f.openid,
    bikeId: f.bike.id,
    bikeCode: f.bike.code,
    createdAt: now.toISOString(),
    day: rideDay(now),
    status: 'open',
    resolvedAt: null,
  };
  return { ok: true, report, bikeAfter };
}

/** The open reports a bike keeps after one more: those of the last 24 hours. */
export function openReportsKept(reports: readonly OpenReport[], now: Date): OpenReport[] {
  const since = now.getTime() - REPORT_WINDOW_H * 3600_000;
  return reports.filter((r) => Date.parse(r.createdAt) > since);
}

/**
 * Resolving a report: it becomes `resolved` (again: idempotent) and no longer counts; an admin's
 * `bikeStatus` applies as an import would (`importedBike`: a ridden bike keeps its rider).
 */
export function decideResolve(
  reportId: string,
  report: ReportRecord | null,
  bike: Bike | null,
  bikeStatus: 'available' | 'maintenance' | undefined,
  now: Date,
): { ok: true; report: ReportRecord; bike: Bike | null } | { ok: false; refusal: { reason: 'NOT_FOUND'; reportId: string } } {
  if (!report) return { ok: false, refusal: { reason: 'NOT_FOUND', reportId } };
  const resolved: ReportRecord = report.status === 'resolved' ? report : { ...report, status: 'resolved', resolvedAt: now.toISOString() };
  if (!bike || bikeStatus === undefined) return { ok: true, report: resolved, bike: null };
  return { ok: true, report: resolved, bike: importedBike(bike, { ...bike, status: bikeStatus }).stored };
}

export type ResolveDecision = ReturnType<typeof decideResolve>;

export function reportRefusal(
  r: { reason: 'NOT_FOUND'; bikeCode: string } | { reason: 'ALREADY_EXISTS'; bikeCode: string } | { reason: 'NOT_FOUND'; reportId: string },
): Fail {
  if ('reportId' in r) return fail('NOT_FOUND', `reportId: no report "${r.reportId}"`);
  if (r.reason === 'NOT_FOUND') return fail('NOT_FOUND', `bikeCode: no bike "${r.bikeCode}"`);
  return fail('ALREADY_EXISTS', `bikeCode: you already reported bike ${r.bikeCode} today`);
}

/** The ride an accepted reservation writes (`unlocking`). */
export function newRide(rideId: string, openid: string, bike: Bike, position: LatLng, now: Date): RideRecord {
  return {
    id: rideId,
    openid,
    bikeId: bike.id,
    bikeCode: bike.code,
    status: 'unlocking',
    requestedAt: now.toISOString(),
    startAt: null,
    startLat: position.lat,
    startLng: position.lng,
    endAt: null,
    endLat: null,
    endLng: null,
    stationId: null,
    durationSec: null,
    feeFen: null,
    surchargeFen: null,
    billId: null,
    endedBy: null,
  };
}

/** Why an unlocking ride is aborted. */
export type AbortCause = 'lock-failed' | 'stale' | 'admin';

/**
 * Whether an abort applies to the ride as it is now: only an `unlocking` ride is aborted, and for
 * a `stale` cause only once it is stale (a sweep's list may be old by the time it acts).
 */
export function mayAbort(ride: RideRecord | null, cause: AbortCause, now: Date, lockTimeoutMs: number): ride is RideRecord {
  if (!ride || ride.status !== 'unlocking') return false;
  return cause !== 'stale' || isStaleUnlock(ride, now, lockTimeoutMs);
}

export const ABORT_REASONS: Record<AbortCause, string> = {
  'lock-failed': 'the lock did not confirm',
  stale: 'stale: the unlock never finished (past the lock timeout)',
  admin: 'aborted by an admin',
};

/**
 * The status a bike takes when its ride ends or is aborted: `maintenance` when an admin put it in
 * maintenance while it was ridden (the import kept it `riding` and flagged it), else `available`.
 */
export function bikeStatusAfterRide(bike: Pick<Bike, 'afterRide'> | null): 'available' | 'maintenance' {
  return bike?.afterRide === 'maintenance' ? 'maintenance' : 'available';
}

/**
 * What an import writes for a bike that may be ridden: an import never takes a bike from under its
 * rider. A ridden bike stays `riding`; an import's `maintenance` waits for the ride's end
 * (`deferred`), an import's `available` cancels such a wait.
 */
export function importedBike(current: Bike | null, incoming: Bike): { stored: Bike; deferred: boolean } {
  const { afterRide: _ignored, heldBy: _by, heldUntil: _until, ...rest } = incoming;
  // A reservation is the rider's, not the import's: it stays (the rule reads the status first).
  const plain: Bike =
    current?.heldBy !== undefined && current.heldUntil !== undefined ? { ...rest, heldBy: current.heldBy, heldUntil: current.heldUntil } : rest;
  if (current?.status !== 'riding') return { stored: { ...plain }, deferred: false };
  if (incoming.status === 'maintenance') return { stored: { ...plain, status: 'riding', afterRide: 'maintenance' }, deferred: true };
  return { stored: { ...plain, status: 'riding' }, deferred: false };
}

/**
 * The station whose parking zone holds the point (its boundary inside): among the candidates an
 * adapter fetched (zones whose box may hold it), the nearest station centre first, ties by id.
 */
export function stationAt(position: LatLng, candidates: readonly Station[]): Station | null {
  let best: { station: Station; distance: number } | null = null;
  for (const station of candidates) {
    if (!pointInZone(position, station.zone)) continue;
    const distance = distanceM(position, station);
    if (!best || distance < best.distance || (distance === best.distance && station.id < best.station.id)) best = { station, distance };
  }
  return best?.station ?? null;
}

/** How a ride is ended: by its rider where they stand, or by an admin. */
export type Ending =
  | { by: 'rider'; caller: string; position: LatLng; station: Station | null; acceptSurcharge: boolean }
  | { by: 'admin'; position: LatLng | null; station: Station | null; waiveFee: boolean };

export type EndRefusal =
  | { reason: 'NOT_FOUND'; rideId: string; by: 'rider' | 'admin' }
  | { reason: 'RIDE_NOT_ACTIVE'; rideId: string; status: RideRecord['status'] }
  | { reason: 'OUTSIDE_PARKING_ZONE'; surchargeFen: number };

/** What ending a ride writes: the ride's end fields, the bill (iff the fee is above 0), the bike. */
export interface RideEnd {
  endAt: string;
  endLat: number;
  endLng: number;
  stationId: string | null;
  durationSec: number;
  /** Everything the rider pays, surcharge included; the bill's amount. */
  feeFen: number;
  surchargeFen: number;
  /** Set iff `feeFen > 0`. */
  billId: string | null;
  endedBy: 'rider' | 'admin';
}

export type EndDecision = { ok: true; end: RideEnd; ride: RideRecord } | { ok: false; refusal: EndRefusal };

/**
 * Whether the ride ends and how, in this one order: someone else's or no ride (NOT_FOUND), not
 * active, outside every zone without the surcharge accepted; then the duration (whole seconds from
 * `startAt` to `now`), the fee (shared/tariff.ts) and the bill id when there is something to pay.
 * An admin ends with no zone check and no surcharge, the bike left at the given position or where
 * the ride started, free with `waiveFee`.
 */
export function decideEnd(rideId: string, ride: RideRecord | null, ending: Ending, now: Date, tariff: Tariff, billId: string): EndDecision {
  if (!ride || (ending.by === 'rider' && ride.openid !== ending.caller)) return { ok: false, refusal: { reason: 'NOT_FOUND', rideId, by: ending.by } };
  if (ride.status !== 'active' || ride.startAt === null) return { ok: false, refusal: { reason: 'RIDE_NOT_ACTIVE', rideId: ride.id, status: ride.status } };
  const surcharge = ending.by === 'rider' && !ending.station;
  if (ending.by === 'rider' && surcharge && !ending.acceptSurcharge)
    return { ok: false, refusal: { reason: 'OUTSIDE_PARKING_ZONE', surchargeFen: tariff.parkingSurchargeFen } };
  const position = ending.position ?? { lat: ride.startLat, lng: ride.startLng };
  const durationSec = rideDurationSec(new Date(ride.startAt), now);
  const waive = ending.by === 'admin' && ending.waiveFee;
  const surchargeFen = surcharge && !waive ? tariff.parkingSurchargeFen : 0;
  const feeFen = waive ? 0 : rideFeeFen(durationSec, tariff) + surchargeFen;
  const end: RideEnd = {
    endAt: now.toISOString(),
    endLat: position.lat,
    endLng: position.lng,
    stationId: ending.station?.id ?? null,
    durationSec,
    feeFen,
    surchargeFen,
    billId: feeFen > 0 ? billId : null,
    endedBy: ending.by,
  };
  return { ok: true, end, ride: { ...ride, status: 'ended', ...end } };
}

/** The words of an unlock refusal (every adapter's, so both back ends answer alike). */
export function unlockRefusal(r: UnlockRefusal): Fail {
  switch (r.reason) {
    case 'NOT_FOUND':
      return fail('NOT_FOUND', `bikeCode: no bike "${r.bikeCode}"`);
    case 'ACTIVE_RIDE':
      return fail('FAILED_PRECONDITION', `you already ride bike ${r.bikeCode}: end that ride first`, 'ACTIVE_RIDE');
    case 'UNPAID_BILL':
      return fail('FAILED_PRECONDITION', `you have an unpaid ride bill of ${yuan(r.owedFen)}: pay it before the next ride`, 'UNPAID_BILL');
    case 'BIKE_RESERVED':
      return fail('FAILED_PRECONDITION', `bikeCode: bike ${r.bikeCode} is reserved by another rider`, 'BIKE_RESERVED');
    case 'BIKE_UNAVAILABLE':
      return fail('FAILED_PRECONDITION', `bikeCode: bike ${r.bikeCode} ${r.status === 'maintenance' ? 'is in maintenance' : 'is in use'}`, 'BIKE_UNAVAILABLE');
    case 'TOO_FAR':
      return fail(
        'FAILED_PRECONDITION',
        `lat/lng: you are ${Math.round(r.distanceM)} m from bike ${r.bikeCode}; come within ${r.maxM ?? MAX_UNLOCK_DISTANCE_M} m to ${r.to ?? 'unlock'} it`,
        'TOO_FAR',
      );
  }
}

/** The words of an end refusal. */
export function endRefusal(r: EndRefusal): Fail {
  switch (r.reason) {
    case 'NOT_FOUND':
      return fail('NOT_FOUND', r.by === 'rider' ? `rideId: no ride "${r.rideId}" of yours` : `rideId: no ride "${r.rideId}"`);
    case 'RIDE_NOT_ACTIVE':
      return fail('FAILED_PRECONDITION', `rideId: ride "${r.rideId}" is not active (${r.status})`, 'RIDE_NOT_ACTIVE');
    case 'OUTSIDE_PARKING_ZONE':
      return fail(
        'FAILED_PRECONDITION',
        `lat/lng: outside every parking zone; park inside a station's zone, or end here with acceptSurcharge: true for a ${yuan(r.surchargeFen)} surcharge`,
        'OUTSIDE_PARKING_ZONE',
      );
  }
}

export const lockFailed = (bikeCode: string): Fail =>
  fail('FAILED_PRECONDITION', `bikeCode: the lock of bike ${bikeCode} did not open; try again or pick another bike`, 'LOCK_FAILED');
