/** What "我的预约" shows: upcoming bookings first (soonest first), then past ones, each with a coloured status. Pure. */
import { bookingStatus, isActive, isUpcoming, refusalText, slotText } from '../../../shared/index';
import type { AppError, BookingView, Tone } from '../../../shared/index';
import { phoneDate } from '../store/view';

export const NEARBY_PAGE = '/pages/nearby/index';

export interface BookingRow {
  id: string;
  storeId: string;
  storeName: string;
  when: string;
  status: string;
  statusText: string;
  tone: Tone;
  code: string;
  /** Pending or confirmed: the code can be shown. */
  active: boolean;
  /** Active and not started: the owner may cancel. */
  canCancel: boolean;
}

export function bookingRow(b: BookingView, now: Date): BookingRow {
  const active = isActive(b.status);
  const status = bookingStatus(b.status);
  return {
    id: b.id,
    storeId: b.storeId,
    storeName: b.storeName || b.storeId,
    when: slotText(b.start, b.end, phoneDate(now)),
    status: b.status,
    statusText: status.text,
    tone: status.tone,
    code: b.code,
    active,
    canCancel: active && Date.parse(b.start) > now.getTime(),
  };
}

export interface BookingSections {
  upcoming: BookingRow[];
  past: BookingRow[];
}

/** Upcoming (the slot has not ended) soonest first, then past ones latest first: the order of the answer is not trusted. */
export function bookingSections(bookings: readonly BookingView[], now: Date): BookingSections {
  const upcoming = bookings.filter((b) => isUpcoming(b, now)).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const past = bookings.filter((b) => !isUpcoming(b, now)).sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return { upcoming: upcoming.map((b) => bookingRow(b, now)), past: past.map((b) => bookingRow(b, now)) };
}

/** Which booking's code stays open after a reload: the one open before if still active, else the first active one. */
export function codeShownAfter(rows: readonly BookingRow[], before: string): string {
  if (rows.some((r) => r.id === before && r.active)) return before;
  const first = rows.find((r) => r.active);
  return first ? first.id : '';
}

export const CANCELLED_MESSAGE = '已取消预约，名额已释放';

/** What a refused cancel tells the customer. */
export const cancelErrorText = (error: AppError): string => refusalText(error, { subject: 'cancel' });
