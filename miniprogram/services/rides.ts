/** The `rides` function for the pages (API.md "Function rides"). */
import { callFunction } from './api';
import type { CurrentRideResult, EndRideResult, LatLng, PreviewBikeResult, Result, TariffResult, UnlockResult } from '../shared/index';

export type { CurrentRideResult, EndRideResult, PreviewBikeResult, TariffResult, UnlockResult };

/** The bike behind a code, the tariff and the unlock distance. Anyone. */
export function previewBike(bikeCode: string): Promise<Result<PreviewBikeResult>> {
  return callFunction<PreviewBikeResult>('rides', { action: 'preview', bikeCode });
}

/** Unlocks the bike from where the rider stands; the ride starts when the lock confirms. */
export function unlockBike(bikeCode: string, at: LatLng): Promise<Result<UnlockResult>> {
  return callFunction<UnlockResult>('rides', { action: 'unlock', bikeCode, lat: at.lat, lng: at.lng });
}

/** Ends the ride where the rider stands; `acceptSurcharge` ends it outside every parking zone. */
export function endRide(rideId: string, at: LatLng, acceptSurcharge = false): Promise<Result<EndRideResult>> {
  return callFunction<EndRideResult>('rides', { action: 'end', rideId, lat: at.lat, lng: at.lng, ...(acceptSurcharge ? { acceptSurcharge: true } : {}) });
}

/** The caller's active ride, or `{ ride: null }`. */
export function currentRide(): Promise<Result<CurrentRideResult>> {
  return callFunction<CurrentRideResult>('rides', { action: 'current' });
}

export function tariff(): Promise<Result<TariffResult>> {
  return callFunction<TariffResult>('rides', { action: 'tariff' });
}
