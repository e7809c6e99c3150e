import * as z from 'zod/mini';
import { CODE_ALPHABET, CODE_LENGTH } from '../checkin-code';
import type { BookingView } from '../booking';
import type { OpenState } from '../hours';
import type { Store } from '../places';
import { date, id, instant, requestId } from './common';

/** A check-in code as scanned or typed: spaces around it and lower case are forgiven. */
export const checkInCode = z
  .string()
  .check(
    z.maxLength(64, 'must be at most 64 characters'),
    z.trim(),
    z.toUpperCase(),
    z.regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`), `must be a booking code (${CODE_LENGTH} letters and digits)`),
  );

// z.object strips unknown fields: an `openid` in the body is ignored (the caller comes from the context).
export const slotsParams = z.object({ storeId: id, date });
export const createBookingParams = z.object({ storeId: id, start: instant, requestId: z.optional(requestId) });
export const cancelBookingParams = z.object({ bookingId: id });
export const mineParams = z.object({});
export const dayParams = z.object({ storeId: id, date });
export const confirmBookingParams = z.object({ bookingId: id });
export const checkInParams = z.object({ code: checkInCode });
export const staffStoresParams = z.object({});

export type SlotsParams = z.infer<typeof slotsParams>;
export type CreateBookingParams = z.infer<typeof createBookingParams>;
export type CancelBookingParams = z.infer<typeof cancelBookingParams>;
export type DayParams = z.infer<typeof dayParams>;
export type ConfirmBookingParams = z.infer<typeof confirmBookingParams>;
export type CheckInParams = z.infer<typeof checkInParams>;

export interface SlotView {
  start: string;
  end: string;
  capacity: number;
  remaining: number;
  /** Whether `create` would take this start now (not started, within the 7 bookable dates). */
  bookable: boolean;
}

export interface SlotsResult {
  storeId: string;
  date: string;
  timezone: string;
  /** The 7 bookable local dates at the time of the call (today first). */
  days: string[];
  /** The store, for its detail page (open now and the next change in its time zone). */
  store: StoreView;
  slots: SlotView[];
}

/** The store as its detail page shows it: open now and the next change, in its time zone. */
export type StoreView = Omit<Store, 'kind'> & OpenState;

export type { BookingView, BookingStatus } from '../booking';

export interface BookingResult {
  booking: BookingView;
}

export interface BookingsResult {
  bookings: BookingView[];
}

export interface StaffStoresResult {
  /** `today`: the store-local date at the time of the call (what the staff page opens on). */
  stores: Array<{ id: string; name: string; timezone: string; today: string }>;
}
