import type { LatLng } from '../../../shared/geo';
import type { Bike, Station } from '../../../shared/places';
import type { Tariff } from '../../../shared/tariff';
import type {
  AbortCause,
  EndDecision,
  Ending,
  HoldRecord,
  HoldRefusal,
  ReportDecision,
  ReportRecord,
  ResolveDecision,
  RideRecord,
  UnlockRefusal,
} from '../../../shared/ride';
import type { ReportCategory } from '../../../shared/ride';

export type { RideRecord };

/** A reservation: the rule (shared/ride.ts `decideUnlock`) is asked inside the adapter's atomic step. */
export interface ReserveInput {
  rideId: string;
  openid: string;
  bikeCode: string;
  position: LatLng;
  now: Date;
  lockTimeoutMs: number;
}

/** An answer of a step that may abort stale unlocks on the way: the rides it aborted (status `aborted`). */
export type Aborting<T> = T & { aborted: RideRecord[] };

export interface AbortInput {
  rideId: string;
  cause: AbortCause;
  now: Date;
  lockTimeoutMs: number;
}

export interface FinishInput {
  rideId: string;
  ending: Ending;
  now: Date;
  tariff: Tariff;
  /** The bill's id, used iff the rule finds a fee above 0. */
  billId: string;
}

/**
 * Rides and ride bills. Every method that writes is one atomic step that reads the facts, asks the
 * rule of shared/ride.ts and writes what it answers; an adapter never decides or words a refusal.
 */
export interface RideStore {
  bikeByCode(code: string): Promise<Bike | null>;
  /** The rider's open ride (unlocking or active), if any. */
  openRideOf(openid: string): Promise<RideRecord | null>;
  get(rideId: string): Promise<RideRecord | null>;
  /** Stations whose zone may hold the position (a superset: `stationAt` of shared/ride.ts decides). */
  zonesNear(position: LatLng): Promise<Station[]>;
  /**
   * Atomically: reads the bike by its code, the rider's open ride, the bike's open ride and whether
   * the rider has an unpaid ride bill; asks `decideUnlock`; aborts the stale unlocks it names; on a
   * yes takes the bike (`riding`) and writes the ride (`unlocking`). `aborted`: the stale unlocks it
   * aborted (yes or no), for the caller to relock once this step committed.
   */
  reserve(input: ReserveInput): Promise<Aborting<{ ok: true; ride: RideRecord } | { ok: false; refusal: UnlockRefusal }>>;
  /** unlocking -> active with `startAt`; null when the ride is no longer unlocking. */
  confirm(rideId: string, startAt: Date): Promise<RideRecord | null>;
  /**
   * Atomically, when `mayAbort` says so: unlocking -> aborted, the bike (`bikeStatusAfterRide`)
   * where it stood, the rider free. The aborted ride, or null when nothing was aborted.
   */
  abort(input: AbortInput): Promise<RideRecord | null>;
  /**
   * Atomically: reads the ride, asks `decideEnd`, and on a yes writes the ride ended, the bill (iff
   * it has a `billId`), the bike (`bikeStatusAfterRide`) at the end position, the rider free.
   */
  finish(input: FinishInput): Promise<EndDecision>;
  /** Ids of rides still `unlocking` since before `before`, oldest first, at most `limit`. */
  staleUnlocks(before: Date, limit: number): Promise<string[]>;
  /**
   * Atomically: reads the bike by its code, the rider's open ride, unpaid ride bills, latest
   * reservation and lapses, the bike's open ride; asks `decideHold`; aborts the stale unlocks it
   * names (`aborted`, as `reserve`); on a yes holds the bike for the rider (the bike's
   * `heldBy`/`heldUntil`, the rider's reservation).
   */
  hold(input: HoldInput): Promise<Aborting<{ ok: true; hold: HoldRecord } | { ok: false; refusal: HoldRefusal }>>;
  /** Atomically: `decideCancelHold` on the rider's latest reservation; the cancelled one, or null. */
  cancelHold(openid: string, now: Date): Promise<HoldRecord | null>;
  /** The rider's latest reservation still held (live, or lapsed: a hold used or cancelled is none), or null. */
  holdOf(openid: string): Promise<HoldRecord | null>;
  /** Atomically: `decideReport` on the bike, the rider's report of today and the bike's open reports; writes the report and the bike. */
  report(input: ReportInput): Promise<ReportDecision>;
  /** Reports, newest first (ties by id), of one status or all, at most `limit`. */
  reports(status: 'open' | 'resolved' | undefined, limit: number): Promise<ReportRecord[]>;
  /** Atomically: `decideResolve` on the report and its bike; writes both. */
  resolveReport(input: { reportId: string; bikeStatus?: 'available' | 'maintenance'; now: Date }): Promise<ResolveDecision>;
  /** The rider's ended rides that ended before `before`, latest first, at most `limit`, with their bill's status. */
  history(openid: string, before: Date | null, limit: number): Promise<Array<RideRecord & { billStatus: 'unpaid' | 'paid' | null }>>;
}

export interface HoldInput {
  holdId: string;
  openid: string;
  bikeCode: string;
  position: LatLng;
  now: Date;
  lockTimeoutMs: number;
}

export interface ReportInput {
  reportId: string;
  openid: string;
  bikeCode: string;
  category: ReportCategory;
  note: string | null;
  photos: string[];
  now: Date;
}
