import { randomUUID } from 'node:crypto';
import type {
  ActiveRide,
  CurrentRideResult,
  EndedRide,
  EndRideParams,
  EndRideResult,
  ForceEndRideParams,
  PreviewBikeParams,
  PreviewBikeResult,
  UnlockParams,
  UnlockResult,
} from '../../../shared/contract/rides';
import { MAX_UNLOCK_DISTANCE_M } from '../../../shared/contract/rides';
import { distanceM, type LatLng } from '../../../shared/geo';
import { fail, ok, type Result } from '../../../shared/result';
import { rideDurationSec, rideFeeFen, yuan, type Tariff } from '../../../shared/tariff';
import type { BikeLock, Call, RideRecord, RideStore, UserCall } from '../ports';

export interface RideDeps {
  rides: RideStore;
  lock: BikeLock;
  tariff: Tariff;
}

/** An `unlocking` ride older than this is left over from a crash mid-unlock: far past any lock timeout. */
const STALE_UNLOCK_MS = 5 * 60 * 1000;

const notFoundRide = (rideId: string) => fail('NOT_FOUND', `rideId: no ride "${rideId}" of yours`);

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

/** The bike behind a code and the tariff: what the unlock page shows before the rider commits. */
export async function previewBike(deps: RideDeps, p: PreviewBikeParams): Promise<Result<PreviewBikeResult>> {
  const bike = await deps.rides.bikeByCode(p.bikeCode);
  if (!bike) return fail('NOT_FOUND', `bikeCode: no bike "${p.bikeCode}"`);
  return ok({
    bike: { id: bike.id, code: bike.code, lat: bike.lat, lng: bike.lng, available: bike.status === 'available' },
    tariff: deps.tariff,
    maxUnlockDistanceM: MAX_UNLOCK_DISTANCE_M,
  });
}

/**
 * Unlocks a bike for the caller: checks, then reserves the bike and records the ride in one
 * transaction, then asks the lock (outside any transaction); the ride starts when the lock confirms,
 * and is rolled back (the bike freed) when it refuses or does not answer in time.
 */
export async function unlock(deps: RideDeps, p: UnlockParams, call: UserCall): Promise<Result<UnlockResult>> {
  const { rides } = deps;
  const bike = await rides.bikeByCode(p.bikeCode);
  if (!bike) return fail('NOT_FOUND', `bikeCode: no bike "${p.bikeCode}"`);
  const open = await rides.openRideOf(call.caller);
  if (open) return fail('FAILED_PRECONDITION', `you already ride bike ${open.bikeCode}: end that ride first`, 'ACTIVE_RIDE');
  if (await rides.hasUnpaidRideBill(call.caller)) return fail('FAILED_PRECONDITION', 'you have an unpaid ride bill: pay it before the next ride', 'UNPAID_BILL');
  if (bike.status !== 'available') {
    const why = bike.status === 'maintenance' ? 'is in maintenance' : 'is in use';
    return fail('FAILED_PRECONDITION', `bikeCode: bike ${bike.code} ${why}`, 'BIKE_UNAVAILABLE');
  }
  const here: LatLng = { lat: p.lat, lng: p.lng };
  const distance = distanceM(here, bike);
  if (distance > MAX_UNLOCK_DISTANCE_M) {
    return fail('FAILED_PRECONDITION', `lat/lng: you are ${Math.round(distance)} m from bike ${bike.code}; come within ${MAX_UNLOCK_DISTANCE_M} m to unlock it`, 'TOO_FAR');
  }

  const rideId = `R${randomUUID().replace(/-/g, '')}`;
  const reserved = await rides.reserve({ rideId, openid: call.caller, bike, at: call.now, position: here, staleBefore: new Date(call.now.getTime() - STALE_UNLOCK_MS) });
  if (!reserved.ok) {
    switch (reserved.reason) {
      case 'ACTIVE_RIDE':
        return fail('FAILED_PRECONDITION', 'you already ride another bike: end that ride first', 'ACTIVE_RIDE');
      case 'UNPAID_BILL':
        return fail('FAILED_PRECONDITION', 'you have an unpaid ride bill: pay it before the next ride', 'UNPAID_BILL');
      case 'BIKE_UNAVAILABLE':
        return fail('FAILED_PRECONDITION', `bikeCode: bike ${bike.code} was just taken by someone else`, 'BIKE_UNAVAILABLE');
    }
  }

  let answer: 'ok' | 'failed';
  try {
    answer = await deps.lock.unlock(bike.id, rideId);
  } catch {
    answer = 'failed';
  }
  if (answer === 'ok') {
    const ride = await rides.confirm(rideId, call.now);
    if (ride) return ok({ ride: toActiveRide(ride) });
  }
  await rides.abort(rideId, answer === 'ok' ? 'confirmed too late' : 'the lock did not confirm');
  return fail('FAILED_PRECONDITION', `bikeCode: the lock of bike ${bike.code} did not open; try again or pick another bike`, 'LOCK_FAILED');
}

/** The caller's active ride, or null. */
export async function currentRide(deps: Pick<RideDeps, 'rides'>, call: UserCall): Promise<Result<CurrentRideResult>> {
  const ride = await deps.rides.openRideOf(call.caller);
  return ok({ ride: ride && ride.status === 'active' ? toActiveRide(ride) : null });
}

/**
 * Ends the caller's ride where they stand: inside a station's parking zone (boundary included), or
 * outside every zone with `acceptSurcharge: true` and the parking surcharge added. The fee, the
 * ride bill (none for a free ride) and the bike's new position are written in one transaction.
 * Someone else's ride answers NOT_FOUND, exactly like a ride that does not exist.
 */
export async function endRide(deps: RideDeps, p: EndRideParams, call: UserCall): Promise<Result<EndRideResult>> {
  const ride = await deps.rides.get(p.rideId);
  if (!ride || ride.openid !== call.caller) return notFoundRide(p.rideId);
  if (ride.status !== 'active') return fail('FAILED_PRECONDITION', `rideId: ride "${p.rideId}" is not active (${ride.status})`, 'RIDE_NOT_ACTIVE');
  const here: LatLng = { lat: p.lat, lng: p.lng };
  const station = await deps.rides.stationAt(here);
  if (!station && p.acceptSurcharge !== true) {
    return fail(
      'FAILED_PRECONDITION',
      `lat/lng: outside every parking zone; park inside a station's zone, or end here with acceptSurcharge: true for a ${yuan(deps.tariff.parkingSurchargeFen)} surcharge`,
      'OUTSIDE_PARKING_ZONE',
    );
  }
  return finish(deps, ride, { position: here, stationId: station?.id ?? null, surcharge: !station, waiveFee: false, endedBy: 'rider' }, call);
}

/**
 * Admin: ends a rider's active ride (a phone that died, a rider who cannot reach a zone). No zone
 * check and no surcharge; the bike is left at `lat`/`lng` or, without them, where the ride started;
 * `waiveFee` ends it free (no bill).
 */
export async function forceEndRide(deps: RideDeps, p: ForceEndRideParams, call: Call): Promise<Result<EndRideResult>> {
  if ((p.lat === undefined) !== (p.lng === undefined)) return fail('INVALID_ARGUMENT', 'lat/lng: give both or neither');
  const ride = await deps.rides.get(p.rideId);
  if (!ride) return fail('NOT_FOUND', `rideId: no ride "${p.rideId}"`);
  if (ride.status !== 'active') return fail('FAILED_PRECONDITION', `rideId: ride "${p.rideId}" is not active (${ride.status})`, 'RIDE_NOT_ACTIVE');
  const position = p.lat !== undefined && p.lng !== undefined ? { lat: p.lat, lng: p.lng } : { lat: ride.startLat, lng: ride.startLng };
  const station = await deps.rides.stationAt(position);
  return finish(deps, ride, { position, stationId: station?.id ?? null, surcharge: false, waiveFee: p.waiveFee === true, endedBy: 'admin' }, call);
}

async function finish(
  deps: RideDeps,
  ride: RideRecord,
  how: { position: LatLng; stationId: string | null; surcharge: boolean; waiveFee: boolean; endedBy: 'rider' | 'admin' },
  call: Call,
): Promise<Result<EndRideResult>> {
  const durationSec = rideDurationSec(new Date(ride.startAt!), call.now);
  const surchargeFen = how.surcharge ? deps.tariff.parkingSurchargeFen : 0;
  const feeFen = how.waiveFee ? 0 : rideFeeFen(durationSec, deps.tariff) + surchargeFen;
  const finished = await deps.rides.finish({
    rideId: ride.id,
    endAt: call.now,
    position: how.position,
    stationId: how.stationId,
    durationSec,
    feeFen,
    surchargeFen: how.waiveFee ? 0 : surchargeFen,
    billId: feeFen > 0 ? `RB${randomUUID().replace(/-/g, '')}` : null,
    endedBy: how.endedBy,
  });
  if (!finished.ok) return fail('FAILED_PRECONDITION', `rideId: ride "${ride.id}" has just ended`, 'RIDE_NOT_ACTIVE');
  return ok({ ride: toEndedRide(finished.ride) });
}
