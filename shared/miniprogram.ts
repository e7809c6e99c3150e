// What the mini program takes from shared/: pure code and types only (bundled by scripts/build-miniprogram.mjs).
export * from './result';
export * from './city';
export type { LatLng, Polygon } from './geo';
export type { OpeningHours } from './hours';
export type * from './contract/geo';
export type * from './places';
export { distanceM } from './geo';
export type * from './contract/bookings';
export { isUpcoming, isActive, MAX_UPCOMING_BOOKINGS, CHECK_IN_OPENS_MIN } from './booking';
export { addDays } from './slots';
export * from './wording';
export { MAX_UNLOCK_DISTANCE_M } from './ride-rules';
export { BOOKING_DAYS } from './slots';
export { CODE_LENGTH } from './checkin-code';
export { qrMatrix } from './qr-matrix';
export type * from './contract/rides';
export { DEFAULT_TARIFF, rideFeeFen, yuan, type Tariff } from './tariff';
export { DEFAULT_QR_BASE, parseBikeQr, bikeCodeFromQuery } from './qr';
