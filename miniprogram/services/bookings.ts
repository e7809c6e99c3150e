/** The `bookings` function for the pages, and the staff's camera (wx.scanCode). */
import { callFunction } from './api';
import type {
  BookingResult,
  BookingsResult,
  Contact,
  CreateBookingResult,
  MyBookingsResult,
  RescheduleBookingResult,
  Result,
  SlotsResult,
  StaffStoresResult,
} from '../shared/index';

export type { BookingResult, BookingsResult, Contact, CreateBookingResult, MyBookingsResult, RescheduleBookingResult, SlotsResult, StaffStoresResult };

/** Who is coming, as the confirmation sheet sends it. */
export interface BookingDetails {
  partySize?: number;
  contact?: Contact;
  note?: string;
}

/** A store's slots of a local date, with the store's details and the 7 bookable dates. Anyone. */
export function slots(storeId: string, date: string): Promise<Result<SlotsResult>> {
  return callFunction<SlotsResult>('bookings', { action: 'slots', storeId, date });
}

/**
 * Books a slot. Send the same `requestId` again to retry safely: it answers the same booking. The
 * answer also carries the slot's places left and the caller's active bookings (no re-fetch needed).
 */
export function createBooking(storeId: string, start: string, requestId: string, details: BookingDetails = {}): Promise<Result<CreateBookingResult>> {
  return callFunction<CreateBookingResult>('bookings', { action: 'create', storeId, start, requestId, ...details });
}

/**
 * Moves the caller's booking to another slot of its store (same booking, same code). The answer also
 * carries both slots' places left and the caller's active bookings (no re-fetch needed).
 */
export function rescheduleBooking(bookingId: string, start: string): Promise<Result<RescheduleBookingResult>> {
  return callFunction<RescheduleBookingResult>('bookings', { action: 'reschedule', bookingId, start });
}

/** Staff: turn a booking down before it starts, saying why. */
export function rejectBooking(bookingId: string, reason: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'reject', bookingId, reason });
}

/** Staff: the customer never came (after the slot's end). */
export function markNoShow(bookingId: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'noShow', bookingId });
}

export function cancelBooking(bookingId: string): Promise<Result<BookingResult>> {
  return callFunction<BookingResult>('bookings', { action: 'cancel', bookingId });
}

/** The caller's bookings, upcoming first. */
export function myBookings(): Promise<Result<MyBookingsResult>> {
  return callFunction<MyBookingsResult>('bookings', { action: 'mine' });
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

const CONTACT_KEY = 'nearby:booking-contact';

/** The contact the customer gave last time, kept on this phone only (never sent anywhere else). */
export function savedContact(): Contact | null {
  try {
    const saved = wx.getStorageSync(CONTACT_KEY) as Contact | '' | undefined;
    return saved && typeof saved.name === 'string' && typeof saved.phone === 'string' ? { name: saved.name, phone: saved.phone } : null;
  } catch {
    return null;
  }
}

export function saveContact(contact: Contact): void {
  try {
    wx.setStorageSync(CONTACT_KEY, contact);
  } catch {
    // A full storage only loses the convenience.
  }
}

/** Staff: call the customer (the system asks before dialling). */
export function callPhone(phone: string): void {
  if (typeof wx.makePhoneCall === 'function') wx.makePhoneCall({ phoneNumber: phone, fail: () => {} });
}
