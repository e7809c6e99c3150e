import * as z from 'zod/mini';
import { id, instant, lat, listLimit, lng } from './common';
import { MAX_REPORT_NOTE, MAX_REPORT_PHOTOS, REPORT_CATEGORIES, type ReportCategory } from '../ride';
import { bikeCode } from './places';
import type { Tariff } from '../tariff';

export const unlockParams = z.object({ bikeCode, lat, lng });
export const endRideParams = z.object({ rideId: id, lat, lng, acceptSurcharge: z.optional(z.boolean()) });
export const currentRideParams = z.object({});
/** Admin: ends a rider's ride (a rider whose phone died, a bike left in a river). */
export const forceEndRideParams = z.object({ rideId: id, lat: z.optional(lat), lng: z.optional(lng), waiveFee: z.optional(z.boolean()) });
/** Anyone: what the unlock page shows before the rider commits (the bike and the tariff). */
export const previewBikeParams = z.object({ bikeCode });
export const tariffParams = z.object({});

/** A bike reserved for its rider: `reserve`, and `current`'s `reservation` (`lat`/`lng`: where the bike stands; added). */
export const reserveParams = z.object({ bikeCode, lat, lng });
export const cancelReservationParams = z.object({});
/**
 * A photo of a report: a CloudBase file id (`wx.cloud.uploadFile`), an https URL, or what the local
 * host's upload answered (`http://127.0.0.1:PORT/uploads/...`).
 */
export const reportPhoto = z
  .string()
  .check(
    z.maxLength(512, 'must be at most 512 characters'),
    z.regex(/^(cloud:\/\/|https:\/\/|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/uploads\/)\S+$/, 'must be a cloud:// file id or an https:// URL'),
  );
export const reportParams = z.object({
  bikeCode,
  category: z.enum(REPORT_CATEGORIES, { message: `must be one of ${REPORT_CATEGORIES.join(', ')}` }),
  note: z.optional(z.string().check(z.trim(), z.maxLength(MAX_REPORT_NOTE, `must be at most ${MAX_REPORT_NOTE} characters`))),
  photos: z.optional(z.array(reportPhoto).check(z.maxLength(MAX_REPORT_PHOTOS, `must hold at most ${MAX_REPORT_PHOTOS} photos`))),
});
export const MAX_HISTORY_LIMIT = 50;
export const historyParams = z.object({
  before: z.optional(instant),
  limit: listLimit(MAX_HISTORY_LIMIT, 20),
});
/** Admin: bike fault reports, newest first. */
export const reportsParams = z.object({
  status: z.optional(z.enum(['open', 'resolved'], { message: 'must be "open" or "resolved"' })),
  limit: listLimit(100, 50),
});
export const resolveReportParams = z.object({
  reportId: id,
  bikeStatus: z.optional(z.enum(['available', 'maintenance'], { message: 'must be "available" or "maintenance"' })),
});

export type ReserveParams = z.infer<typeof reserveParams>;
export type ReportParams = z.infer<typeof reportParams>;
export type HistoryParams = z.infer<typeof historyParams>;
export type ReportsParams = z.infer<typeof reportsParams>;
export type ResolveReportParams = z.infer<typeof resolveReportParams>;

export interface Reservation {
  bikeCode: string;
  until: string;
  /** Where the bike stands (added: the page navigates there). */
  lat: number;
  lng: number;
}
export interface ReserveResult {
  reservation: Reservation;
}
export interface HistoryRide {
  id: string;
  bikeCode: string;
  startAt: string;
  endAt: string;
  durationSec: number;
  feeFen: number;
  surchargeFen: number;
  from: { lat: number; lng: number };
  to: { lat: number; lng: number };
  billId: string | null;
  billStatus: 'unpaid' | 'paid' | null;
}
export interface HistoryResult {
  rides: HistoryRide[];
  next: string | null;
}
export interface ReportView {
  id: string;
  bikeCode: string;
  category: ReportCategory;
  note: string;
  photos: string[];
  createdAt: string;
  status: 'open' | 'resolved';
}

export type UnlockParams = z.infer<typeof unlockParams>;
export type EndRideParams = z.infer<typeof endRideParams>;
export type ForceEndRideParams = z.infer<typeof forceEndRideParams>;
export type PreviewBikeParams = z.infer<typeof previewBikeParams>;
export type CurrentRideParams = z.infer<typeof currentRideParams>;

/** `FAILED_PRECONDITION` reasons of `rides`. */
export type RideRefusal =
  | 'BIKE_RESERVED'
  | 'TOO_MANY_RESERVATIONS'
  | 'BIKE_UNAVAILABLE'
  | 'TOO_FAR'
  | 'ACTIVE_RIDE'
  | 'UNPAID_BILL'
  | 'LOCK_FAILED'
  | 'OUTSIDE_PARKING_ZONE'
  | 'RIDE_NOT_ACTIVE';

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
  reservation: Reservation | null;
}
export interface PreviewBikeResult {
  bike: { id: string; code: string; lat: number; lng: number; available: boolean };
  tariff: Tariff;
  maxUnlockDistanceM: number;
}
export interface TariffResult {
  tariff: Tariff;
}
