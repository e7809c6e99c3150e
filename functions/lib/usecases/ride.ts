import type {
  ActiveRide,
  AbortedRide,
  CurrentRideParams,
  CurrentRideResult,
  EndedRide,
  EndRideParams,
  EndRideResult,
  ForceEndRideParams,
  ForceEndRideResult,
  HistoryParams,
  HistoryResult,
  PreviewBikeParams,
  PreviewBikeResult,
  ReportParams,
  ReportsParams,
  ReportView,
  Reservation,
  ReserveParams,
  ReserveResult,
  ResolveReportParams,
  UnlockParams,
  UnlockResult,
} from '../../../shared/contract/rides';
import type { LatLng } from '../../../shared/geo';
import type { RandomSource } from '../../../shared/checkin-code';
import { fail, ok, type Result } from '../../../shared/result';
import {
  endRefusal,
  holdRefusal,
  isLiveHold,
  isStaleUnlock,
  MAX_UNLOCK_DISTANCE_M,
  lockFailed,
  reportRefusal,
  staleBefore,
  stationAt,
  unlockRefusal,
  type Ending,
  type HoldRecord,
  type ReportRecord,
  type RideRecord,
} from '../../../shared/ride';
import type { Tariff } from '../../../shared/tariff';
import type { Call, RideStore, TimedLock, UserCall } from '../ports';

export interface RideDeps {
  rides: RideStore;
  lock: TimedLock;
  tariff: Tariff;
  random: RandomSource;
}

/** How many stale unlocks one sweep (or one `geo.nearby`) aborts at most. */
export const SWEEP_LIMIT = 100;

/** A fresh id: a prefix and 32 hex digits from the random port (128 bits). */
export function newId(prefix: string, random: RandomSource): string {
  return prefix + Buffer.from(random.bytes(16)).toString('hex');
}

export function toActiveRide(r: RideRecord): ActiveRide {
  return { id: r.id, bikeId: r.bikeId, bikeCode: r.bikeCode, startAt: r.startAt!, status: 'active' };
}

export function toEndedRide(r: RideRecord): EndedRide {
  return {
    id: r.id,
    bikeId: r.bikeId,
    bikeCode: r.bikeCode,
    startAt: r.startAt!,
    status: 'ended',
    endAt: r.endAt!,
    durationSec: r.durationSec!,
    feeFen: r.feeFen!,
    surchargeFen: r.surchargeFen!,
    billId: r.billId,
    endLat: r.endLat!,
    endLng: r.endLng!,
    stationId: r.stationId,
  };
}

function toAbortedRide(r: RideRecord): AbortedRide {
  return { id: r.id, bikeId: r.bikeId, bikeCode: r.bikeCode, requestedAt: r.requestedAt, status: 'aborted' };
}

/** The bike behind a code and the tariff: what the unlock page shows before the rider commits. */
export async function previewBike(deps: Pick<RideDeps, 'rides' | 'tariff'>, p: PreviewBikeParams, _call: Call): Promise<Result<PreviewBikeResult>> {
  const bike = await deps.rides.bikeByCode(p.bikeCode);
  if (!bike) return fail('NOT_FOUND', `bikeCode: no bike "${p.bikeCode}"`);
  return ok({
    bike: { id: bike.id, code: bike.code, lat: bike.lat, lng: bike.lng, available: bike.status === 'available' },
    tariff: deps.tariff,
    maxUnlockDistanceM: MAX_UNLOCK_DISTANCE_M,
  });
}

/**
 * Unlocks a bike for the caller: the reservation (checks of shared/ride.ts `decideUnlock`, bike
 * taken, ride `unlocking`) is one atomic step of the store; then the lock is asked (outside any
 * transaction); the ride starts when the lock confirms, and is aborted (the bike freed) when it
 * refuses or does not answer in time. A lock that confirms for a ride no longer `unlocking` is
 * re-locked (a confirmation after the timeout: `timedLock` re-locks it). A crash in between leaves an `unlocking` ride that whoever
 * meets it past the lock timeout aborts.
 */
export async function unlock(deps: RideDeps, p: UnlockParams, call: UserCall): Promise<Result<UnlockResult>> {
  const { rides, lock } = deps;
  const rideId = newId('R', deps.random);
  const position: LatLng = { lat: p.lat, lng: p.lng };
  const reserved = await rides.reserve({ rideId, openid: call.caller, bikeCode: p.bikeCode, position, now: call.now, lockTimeoutMs: lock.timeoutMs });
  // Stale unlocks the reservation aborted (the rider's own, or the bike's) are relocked alongside
  // the unlock command (a relock carries its ride's id: it leaves this ride's lock open).
  const relocked = relockAborted(lock, reserved.aborted, 'unlock');
  if (!reserved.ok) return relocked.then(() => unlockRefusal(reserved.refusal));
  const { bikeId, bikeCode } = reserved.ride;

  let answer: 'ok' | 'failed';
  try {
    answer = await lock.unlock(bikeId, rideId);
  } catch {
    answer = 'failed';
  }
  await relocked;
  if (answer === 'ok') {
    const ride = await rides.confirm(rideId, call.now);
    if (ride) return ok({ ride: toActiveRide(ride) });
    // The lock opened, but the ride is no longer unlocking (aborted meanwhile): close it again.
    await lock.relock(bikeId, rideId);
  }
  await rides.abort({ rideId, cause: 'lock-failed', now: call.now, lockTimeoutMs: lock.timeoutMs });
  return lockFailed(bikeCode);
}

/** The caller's active ride, or null; an unlock of theirs cut short (stale) is aborted on the way, and its lock relocked. */
export async function currentRide(deps: Pick<RideDeps, 'rides' | 'lock'>, _p: CurrentRideParams, call: UserCall): Promise<Result<CurrentRideResult>> {
  const ride = await deps.rides.openRideOf(call.caller);
  if (ride && isStaleUnlock(ride, call.now, deps.lock.timeoutMs)) {
    const aborted = await deps.rides.abort({ rideId: ride.id, cause: 'stale', now: call.now, lockTimeoutMs: deps.lock.timeoutMs });
    await relockAborted(deps.lock, aborted ? [aborted] : [], 'currentRide');
  }
  const hold = await deps.rides.holdOf(call.caller);
  return ok({
    ride: ride && ride.status === 'active' ? toActiveRide(ride) : null,
    reservation: hold && isLiveHold(hold, call.now) ? toReservation(hold) : null,
  });
}

const toReservation = (h: HoldRecord): Reservation => ({ bikeCode: h.bikeCode, until: h.until, lat: h.lat, lng: h.lng });

/**
 * Holds an available bike within 1,000 m for the caller for 10 minutes (shared/ride.ts
 * `decideHold`, asked inside the store's one atomic step). It lapses by its time alone.
 */
export async function reserve(deps: Pick<RideDeps, 'rides' | 'lock' | 'random'>, p: ReserveParams, call: UserCall): Promise<Result<ReserveResult>> {
  const held = await deps.rides.hold({
    holdId: newId('H', deps.random),
    openid: call.caller,
    bikeCode: p.bikeCode,
    position: { lat: p.lat, lng: p.lng },
    now: call.now,
    lockTimeoutMs: deps.lock.timeoutMs,
  });
  await relockAborted(deps.lock, held.aborted, 'reserve');
  return held.ok ? ok({ reservation: toReservation(held.hold) }) : holdRefusal(held.refusal);
}

/** Lets go of the caller's live reservation (none: nothing to do, the same answer). */
export async function cancelReservation(deps: Pick<RideDeps, 'rides'>, call: UserCall): Promise<Result<{ reservation: null }>> {
  await deps.rides.cancelHold(call.caller, call.now);
  return ok({ reservation: null });
}

const toReportView = (r: ReportRecord): ReportView => ({
  id: r.id,
  bikeCode: r.bikeCode,
  category: r.category,
  note: r.note ?? '',
  photos: r.photos,
  createdAt: r.createdAt,
  status: r.status,
});

/** A fault report of a bike; two riders' within 24 hours put it into maintenance (after its ride, if ridden). */
export async function reportFault(
  deps: Pick<RideDeps, 'rides' | 'random'>,
  p: ReportParams,
  call: UserCall,
): Promise<Result<{ report: { id: string; status: 'open' } }>> {
  const note = p.note === undefined || p.note === '' ? null : p.note;
  const decided = await deps.rides.report({
    reportId: newId('RP', deps.random),
    openid: call.caller,
    bikeCode: p.bikeCode,
    category: p.category,
    note,
    photos: p.photos ?? [],
    now: call.now,
  });
  return decided.ok ? ok({ report: { id: decided.report.id, status: 'open' as const } }) : reportRefusal(decided.refusal);
}

/** Admin: fault reports, newest first. */
export async function listReports(deps: Pick<RideDeps, 'rides'>, p: ReportsParams): Promise<Result<{ reports: ReportView[] }>> {
  return ok({ reports: (await deps.rides.reports(p.status, p.limit)).map(toReportView) });
}

/** Admin: resolves a report (it no longer counts), optionally setting the bike's status. */
export async function resolveReport(deps: Pick<RideDeps, 'rides'>, p: ResolveReportParams, call: Call): Promise<Result<{ report: ReportView }>> {
  const decided = await deps.rides.resolveReport({ reportId: p.reportId, bikeStatus: p.bikeStatus, now: call.now });
  return decided.ok ? ok({ report: toReportView(decided.report) }) : reportRefusal(decided.refusal);
}

/** The caller's ended rides, latest first, `limit` a page; `next` is the `before` of the next page. */
export async function rideHistory(deps: Pick<RideDeps, 'rides'>, p: HistoryParams, call: UserCall): Promise<Result<HistoryResult>> {
  const found = await deps.rides.history(call.caller, p.before === undefined ? null : new Date(p.before), p.limit + 1);
  const page = found.slice(0, p.limit);
  const rides = page.map((r) => ({
    id: r.id,
    bikeCode: r.bikeCode,
    startAt: r.startAt!,
    endAt: r.endAt!,
    durationSec: r.durationSec!,
    feeFen: r.feeFen!,
    surchargeFen: r.surchargeFen!,
    from: { lat: r.startLat, lng: r.startLng },
    to: { lat: r.endLat!, lng: r.endLng! },
    billId: r.billId,
    billStatus: r.billStatus,
  }));
  return ok({ rides, next: found.length > p.limit ? page[page.length - 1].endAt : null });
}

/**
 * Ends the caller's ride where they stand: inside a station's parking zone (boundary included), or
 * outside every zone with `acceptSurcharge: true` and the parking surcharge added. The rule
 * (shared/ride.ts `decideEnd`: someone else's ride is NOT_FOUND, worded as a ride that does not
 * exist) runs inside the store's atomic step, which writes the ride, the bill and the bike together.
 */
export async function endRide(deps: RideDeps, p: EndRideParams, call: UserCall): Promise<Result<EndRideResult>> {
  const position: LatLng = { lat: p.lat, lng: p.lng };
  const station = stationAt(position, await deps.rides.zonesNear(position));
  const ending: Ending = { by: 'rider', caller: call.caller, position, station, acceptSurcharge: p.acceptSurcharge === true };
  const ended = await deps.rides.finish({ rideId: p.rideId, ending, now: call.now, tariff: deps.tariff, billId: newId('RB', deps.random) });
  return ended.ok ? ok({ ride: toEndedRide(ended.ride) }) : endRefusal(ended.refusal);
}

/**
 * Admin: ends a rider's active ride (a phone that died, a rider who cannot reach a zone). No zone
 * check and no surcharge; the bike is left at `lat`/`lng` or, without them, where the ride started;
 * `waiveFee` ends it free (no bill). A ride still `unlocking` (an unlock cut short, or one under
 * way) is aborted instead: no fee, the bike freed, the answer's ride `aborted`.
 */
export async function forceEndRide(deps: RideDeps, p: ForceEndRideParams, call: Call): Promise<Result<ForceEndRideResult>> {
  if ((p.lat === undefined) !== (p.lng === undefined)) return fail('INVALID_ARGUMENT', 'lat/lng: give both or neither');
  const aborted = await deps.rides.abort({ rideId: p.rideId, cause: 'admin', now: call.now, lockTimeoutMs: deps.lock.timeoutMs });
  if (aborted) {
    await relockAborted(deps.lock, [aborted], 'forceEndRide');
    return ok({ ride: toAbortedRide(aborted) });
  }
  const position = p.lat !== undefined && p.lng !== undefined ? { lat: p.lat, lng: p.lng } : null;
  const ride = position === null ? await deps.rides.get(p.rideId) : null;
  const leftAt = position ?? (ride ? { lat: ride.startLat, lng: ride.startLng } : null);
  const station = leftAt ? stationAt(leftAt, await deps.rides.zonesNear(leftAt)) : null;
  const ending: Ending = { by: 'admin', position, station, waiveFee: p.waiveFee === true };
  const ended = await deps.rides.finish({ rideId: p.rideId, ending, now: call.now, tariff: deps.tariff, billId: newId('RB', deps.random) });
  return ended.ok ? ok({ ride: toEndedRide(ended.ride) }) : endRefusal(ended.refusal);
}

/**
 * Aborts every unlock cut short (still `unlocking` past the lock timeout at `call.now`), at most
 * `SWEEP_LIMIT` a run: the sweeper's job, the host's start, and `geo.nearby` before it lists bikes.
 * Each abort it committed is followed by a relock of that bike for that ride: the function cut
 * short may have sent the unlock command, and the lock may have opened with nobody left to hear it
 * (the relock closes it only if its last unlock was for that ride, so a lock opened since stays
 * open). The relocks run at once, after the aborts, each bounded by the lock timeout; a relock the
 * lock does not answer is logged and not retried (the ride is aborted: no later sweep meets it
 * again; a real lock must re-lock a late acknowledgement by itself, functions/lib/lock/index.ts).
 */
export async function sweepStaleUnlocks(
  deps: Pick<RideDeps, 'rides' | 'lock'>,
  call: Call,
  log: (line: Record<string, unknown>) => void = logLine,
): Promise<{ aborted: number }> {
  const ids = await deps.rides.staleUnlocks(staleBefore(call.now, deps.lock.timeoutMs), SWEEP_LIMIT);
  const aborted: RideRecord[] = [];
  for (const rideId of ids) {
    const ride = await deps.rides.abort({ rideId, cause: 'stale', now: call.now, lockTimeoutMs: deps.lock.timeoutMs });
    if (ride) aborted.push(ride);
  }
  await relockAborted(deps.lock, aborted, 'sweepStaleUnlocks', log);
  return { aborted: aborted.length };
}

/**
 * Relocks the bike of each ride an unlock cut short that was just aborted (call it after the abort
 * committed): the function cut short may have sent the unlock command, and the lock may have opened
 * with nobody left to hear it. The relock carries the aborted ride's id, so a lock opened since for
 * another ride stays open. The relocks run at once, each bounded by the lock timeout; one the lock
 * does not answer is logged (`fn`: the use case) and not retried. Every path that aborts an unlock
 * cut short goes through here: the sweep, an unlock or a reservation meeting one, `rides.current`,
 * `forceEnd` (docs/rides.md, "Unlocks cut short").
 */
export async function relockAborted(
  lock: Pick<TimedLock, 'relock'>,
  aborted: readonly RideRecord[],
  fn: string,
  log: (line: Record<string, unknown>) => void = logLine,
): Promise<void> {
  await Promise.all(
    aborted.map(async ({ id, bikeId }) => {
      let answer: 'ok' | 'failed';
      try {
        answer = await lock.relock(bikeId, id);
      } catch {
        answer = 'failed';
      }
      if (answer !== 'ok') log({ fn, level: 'warn', bikeId, rideId: id, message: 'relock after an unlock cut short was aborted: the lock did not answer' });
    }),
  );
}

/** A JSON log line on stdout (CloudBase's function log; the local host's console). */
const logLine = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
