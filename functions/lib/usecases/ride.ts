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
  PreviewBikeParams,
  PreviewBikeResult,
  UnlockParams,
  UnlockResult,
} from '../../../shared/contract/rides';
import { MAX_UNLOCK_DISTANCE_M } from '../../../shared/contract/rides';
import type { LatLng } from '../../../shared/geo';
import type { RandomSource } from '../../../shared/checkin-code';
import { fail, ok, type Result } from '../../../shared/result';
import { endRefusal, isStaleUnlock, lockFailed, staleBefore, stationAt, unlockRefusal, type Ending, type RideRecord } from '../../../shared/ride';
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
  if (!reserved.ok) return unlockRefusal(reserved.refusal);
  const { bikeId, bikeCode } = reserved.ride;

  let answer: 'ok' | 'failed';
  try {
    answer = await lock.unlock(bikeId, rideId);
  } catch {
    answer = 'failed';
  }
  if (answer === 'ok') {
    const ride = await rides.confirm(rideId, call.now);
    if (ride) return ok({ ride: toActiveRide(ride) });
    // The lock opened, but the ride is no longer unlocking (aborted meanwhile): close it again.
    await lock.relock(bikeId, rideId);
  }
  await rides.abort({ rideId, cause: 'lock-failed', now: call.now, lockTimeoutMs: lock.timeoutMs });
  return lockFailed(bikeCode);
}

/** The caller's active ride, or null; an unlock of theirs cut short (stale) is aborted on the way. */
export async function currentRide(deps: Pick<RideDeps, 'rides' | 'lock'>, _p: CurrentRideParams, call: UserCall): Promise<Result<CurrentRideResult>> {
  const ride = await deps.rides.openRideOf(call.caller);
  if (ride && isStaleUnlock(ride, call.now, deps.lock.timeoutMs)) {
    await deps.rides.abort({ rideId: ride.id, cause: 'stale', now: call.now, lockTimeoutMs: deps.lock.timeoutMs });
  }
  return ok({ ride: ride && ride.status === 'active' ? toActiveRide(ride) : null });
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
  if (aborted) return ok({ ride: toAbortedRide(aborted) });
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
 */
export async function sweepStaleUnlocks(deps: Pick<RideDeps, 'rides' | 'lock'>, call: Call): Promise<{ aborted: number }> {
  const ids = await deps.rides.staleUnlocks(staleBefore(call.now, deps.lock.timeoutMs), SWEEP_LIMIT);
  let aborted = 0;
  for (const rideId of ids) {
    if (await deps.rides.abort({ rideId, cause: 'stale', now: call.now, lockTimeoutMs: deps.lock.timeoutMs })) aborted++;
  }
  return { aborted };
}
