/**
 * Ride numbers the mini program words as well as the functions enforce. Kept free of zod so the
 * mini program bundle can import them (the contract re-exports them).
 */

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
