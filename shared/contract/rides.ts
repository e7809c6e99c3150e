import * as z from 'zod/mini';
import { id, lat, lng } from './common';
import { bikeCode } from './places';
import type { Tariff } from '../tariff';

export { MAX_UNLOCK_DISTANCE_M } from '../ride-rules';

export const unlockParams = z.object({ bikeCode, lat, lng });
export const endRideParams = z.object({ rideId: id, lat, lng, acceptSurcharge: z.optional(z.boolean()) });
export const currentRideParams = z.object({});
/** Admin: ends a rider's ride (a rider whose phone died, a bike left in a river). */
export const forceEndRideParams = z.object({ rideId: id, lat: z.optional(lat), lng: z.optional(lng), waiveFee: z.optional(z.boolean()) });
/** Anyone: what the unlock page shows before the rider commits (the bike and the tariff). */
export const previewBikeParams = z.object({ bikeCode });
export const tariffParams = z.object({});

export type UnlockParams = z.infer<typeof unlockParams>;
export type EndRideParams = z.infer<typeof endRideParams>;
export type ForceEndRideParams = z.infer<typeof forceEndRideParams>;
export type PreviewBikeParams = z.infer<typeof previewBikeParams>;
export type CurrentRideParams = z.infer<typeof currentRideParams>;

/** `FAILED_PRECONDITION` reasons of `rides`. */
export type RideRefusal = 'BIKE_UNAVAILABLE' | 'TOO_FAR' | 'ACTIVE_RIDE' | 'UNPAID_BILL' | 'LOCK_FAILED' | 'OUTSIDE_PARKING_ZONE' | 'RIDE_NOT_ACTIVE';

export interface ActiveRide {
  id: string;
  bikeId: string;
  bikeCode: string;
  startAt: string;
  status: 'active';
}

export interface EndedRide extends Omit<ActiveRide, 'status'> {
  status: 'ended';
  endAt: string;
  durationSec: number;
  /** Everything the rider pays, surcharge included. */
  feeFen: number;
  surchargeFen: number;
  /** The ride bill; null for a free ride. */
  billId: string | null;
  /** Where the bike was left. */
  endLat: number;
  endLng: number;
  /** The station whose zone the bike stands in; null when ended outside (surcharge) or by an admin. */
  stationId: string | null;
}

/** A ride whose unlock never completed, aborted by an admin's `forceEnd` (no fee, the bike freed). */
export interface AbortedRide extends Omit<ActiveRide, 'status' | 'startAt'> {
  status: 'aborted';
  requestedAt: string;
}

export type Ride = ActiveRide | EndedRide;

export interface UnlockResult {
  ride: ActiveRide;
}
export interface EndRideResult {
  ride: EndedRide;
}
/** `forceEnd` of an active ride ends it; of a ride still `unlocking`, aborts it. */
export interface ForceEndRideResult {
  ride: EndedRide | AbortedRide;
}
export interface CurrentRideResult {
  ride: ActiveRide | null;
}
export interface PreviewBikeResult {
  bike: { id: string; code: string; lat: number; lng: number; available: boolean };
  tariff: Tariff;
  maxUnlockDistanceM: number;
}
export interface TariffResult {
  tariff: Tariff;
}
