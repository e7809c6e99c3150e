/** The `rides` function for the pages (API.md "Function rides"). */
import { callFunction } from './api';
import type {
  CurrentRideResult,
  EndRideResult,
  HistoryResult,
  LatLng,
  PreviewBikeResult,
  ReportCategory,
  ReserveResult,
  Result,
  TariffResult,
  UnlockResult,
} from '../shared/index';
import type { RideOfBill } from '../lib/ride-bill';

export type { CurrentRideResult, EndRideResult, HistoryResult, PreviewBikeResult, ReserveResult, TariffResult, UnlockResult };

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

/** Holds the bike for the rider for 10 minutes (within 1,000 m of it). */
export function reserveBike(bikeCode: string, at: LatLng): Promise<Result<ReserveResult>> {
  return callFunction<ReserveResult>('rides', { action: 'reserve', bikeCode, lat: at.lat, lng: at.lng });
}

/** Lets go of the rider's reservation (none: the same answer). */
export function cancelReservation(): Promise<Result<{ reservation: null }>> {
  return callFunction<{ reservation: null }>('rides', { action: 'cancelReservation' });
}

/** A fault report of a bike: a category, a note, up to 3 photos (file ids from `uploadPhoto`). */
export function reportFault(p: {
  bikeCode: string;
  category: ReportCategory;
  note?: string;
  photos?: string[];
}): Promise<Result<{ report: { id: string; status: 'open' } }>> {
  return callFunction<{ report: { id: string; status: 'open' } }>('rides', { action: 'report', ...p });
}

/** The rider's ended rides, newest first; `before` is the previous page's `next`. */
export function rideHistory(before?: string | null): Promise<Result<HistoryResult>> {
  return callFunction<HistoryResult>('rides', { action: 'history', ...(before ? { before } : {}) });
}

/** A ride bill with its ride (`bills.get`: bike, start, end, duration, fee, surcharge). */
export function rideBill(billId: string): Promise<Result<{ bill: { type: string } & Partial<RideOfBill> }>> {
  return callFunction<{ bill: { type: string } & Partial<RideOfBill> }>('bills', { action: 'get', billId });
}
