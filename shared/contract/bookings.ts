import * as z from 'zod/mini';
import { CODE_ALPHABET, CODE_LENGTH } from '../checkin-code';
import { MAX_PARTY_SIZE, type BookingView } from '../booking';
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

/** Trimmed text of `min` to `max` characters, counted as people count them (code points: an emoji is one). */
const chars = (min: number, max: number) =>
  z.string().check(
    z.trim(),
    z.refine((s: string) => Array.from(s).length >= min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
    z.refine((s: string) => Array.from(s).length <= max, `must be at most ${max} characters`),
  );

/** A mainland mobile number: 11 digits starting 1 (spaces and dashes between digits forgiven). */
export const mobilePhone = z.string().check(
  z.maxLength(32, 'must be a mainland mobile number (11 digits starting 1)'),
  z.overwrite((s: string) => s.replace(/[\s-]/g, '')),
  z.regex(/^1\d{10}$/, 'must be a mainland mobile number (11 digits starting 1)'),
);

export const contact = z.object({ name: chars(1, 20), phone: mobilePhone });
export const partySize = z
  .int()
  .check(z.minimum(1, `must be between 1 and ${MAX_PARTY_SIZE}`), z.maximum(MAX_PARTY_SIZE, `must be between 1 and ${MAX_PARTY_SIZE}`));

// z.object strips unknown fields: an `openid` in the body is ignored (the caller comes from the context).
export const slotsParams = z.object({ storeId: id, date });
export const createBookingParams = z.object({
  storeId: id,
  start: instant,
  requestId: z.optional(requestId),
  partySize: z.optional(partySize),
  contact: z.optional(contact),
  // An empty note is no note.
  note: z.optional(chars(0, 100)),
});
export const rescheduleBookingParams = z.object({ bookingId: id, start: instant });
export const rejectBookingParams = z.object({ bookingId: id, reason: chars(1, 50) });
export const noShowParams = z.object({ bookingId: id });
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
export type RescheduleBookingParams = z.infer<typeof rescheduleBookingParams>;
export type RejectBookingParams = z.infer<typeof rejectBookingParams>;
export type NoShowParams = z.infer<typeof noShowParams>;

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

export type { BookingView, BookingStatus, Contact } from '../booking';

export interface BookingResult {
  booking: BookingView;
}

/** One of the caller's active (pending or confirmed) bookings, as `create` lists them. */
export interface ActiveBooking {
  id: string;
  storeId: string;
  start: string;
  end: string;
}

/**
 * `create`: the booking, and what the store page would otherwise fetch again (`slots` and `mine`),
 * from the same atomic step as the booking (issue 20; fields added to API.md's `{ booking }`).
 */
export interface CreateBookingResult extends BookingResult {
  /**
   * The booking's slot as `slots` would now show it, places left counted after this booking;
   * `null` only when the booking's store is no longer listed.
   */
  slot: { start: string; end: string; capacity: number; remaining: number } | null;
  /** The caller's active bookings whose slot has not ended, at every store, this one included while active; soonest first. */
  active: ActiveBooking[];
}

/**
 * `reschedule`: the moved booking, and as after a create the new slot as `slots` would now show it
 * (places left counted after the move) and the caller's active bookings (fields added to API.md's
 * `{ booking }`), from the move's own atomic step; `left` is the slot the booking left, its places
 * given back (`null`, like `slot`, only when the store is no longer listed).
 */
export interface RescheduleBookingResult extends CreateBookingResult {
  left: CreateBookingResult['slot'];
}

export interface BookingsResult {
  bookings: BookingView[];
}

/** `mine`: also whether the caller's no-shows stop them booking now, and until when (null: free to book). */
export interface MyBookingsResult extends BookingsResult {
  noShowBlock: { until: string; count: number } | null;
}

export interface StaffStoresResult {
  /** `today`: the store-local date at the time of the call (what the staff page opens on). */
  stores: Array<{ id: string; name: string; timezone: string; today: string }>;
}
