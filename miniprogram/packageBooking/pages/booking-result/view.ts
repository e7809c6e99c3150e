/** What the booking result page shows, from the booking handed over in its query. Pure. */
import { HINTS, PAGES, bookingOutcome, bookingStatus, pageUrl, bookingWhen } from '../../../shared/index';
import type { BookingView, Tone } from '../../../shared/index';

export const MY_BOOKINGS_PAGE = pageUrl(PAGES.myBookings);

export interface ResultView {
  storeName: string;
  when: string;
  code: string;
  /** "已提交，待门店确认" or "预约成功": whether staff still have to confirm. */
  title: string;
  note: string;
  statusText: string;
  tone: Tone;
  hint: string;
}

/** The booking of the query's `b` (JSON, URI-encoded), or null when it is missing or not a booking. */
export function bookingOfQuery(raw: string | undefined): BookingView | null {
  if (!raw) return null;
  try {
    const b = JSON.parse(decodeURIComponent(raw)) as Partial<BookingView>;
    const ok = b && typeof b.code === 'string' && typeof b.start === 'string' && typeof b.end === 'string' && typeof b.status === 'string';
    return ok ? (b as BookingView) : null;
  } catch {
    return null;
  }
}

export function resultView(b: BookingView, now: Date): ResultView {
  const outcome = bookingOutcome(b.status);
  const status = bookingStatus(b.status);
  return {
    storeName: b.storeName || '',
    when: bookingWhen(b, now),
    code: b.code,
    title: outcome.title,
    note: outcome.note,
    statusText: status.text,
    tone: status.tone,
    hint: HINTS.checkIn,
  };
}
