/** The `bookings` function for the pages, and the staff's camera (wx.scanCode). */
import { callFunction } from './api';
import type { BookingResult, BookingsResult, Result, SlotsResult, StaffStoresResult } from '../shared/index';

export type { BookingResult, BookingsResult, SlotsResult, StaffStoresResult };

/** A store's slots of a local date, with the store's details and the 7 bookable dates. Anyone. */
export function slots(storeId: string, date: string): Promise<Result<SlotsResult>> {
  return callFunction<SlotsResult>('bookings', { action: 'slots', storeId, date });
}

/** Books a slot. Send the same `requestId` again to retry safely: it answers the same booking. */
export function createBooking(storeId: string, start: string, requestId: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'create', storeId, start, requestId });
}

export function cancelBooking(bookingId: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'cancel', bookingId });
}

/** The caller's bookings, upcoming first. */
export function myBookings(): Promise<Result<BookingsResult>> {
  return callFunction<BookingsResult>('bookings', { action: 'mine' });
}

/** Staff: the stores the caller works for (empty for customers). */
export function staffStores(): Promise<Result<StaffStoresResult>> {
  return callFunction<StaffStoresResult>('bookings', { action: 'staffStores' });
}

/** Staff: a store's bookings of a local date. */
export function dayBookings(storeId: string, date: string): Promise<Result<BookingsResult>> {
  return callFunction<BookingsResult>('bookings', { action: 'day', storeId, date });
}

export function confirmBooking(bookingId: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'confirm', bookingId });
}

export function checkIn(code: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'checkIn', code });
}

export type ScanResult = { ok: true; text: string } | { ok: false; cancelled: boolean };

/** Opens the camera for a QR code (camera only: a code from the album could be a screenshot). */
export function scanCode(): Promise<ScanResult> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => resolve({ ok: true, text: res.result }),
      fail: (err) => resolve({ ok: false, cancelled: /cancel/i.test((err && err.errMsg) || '') }),
    });
  });
}

/** A fresh idempotency key for one tap: time and randomness, never reused for another tap. */
export function newRequestId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
