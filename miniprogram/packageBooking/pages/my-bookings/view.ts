/** What "我的预约" shows: upcoming bookings first (soonest first), then past ones, each with a coloured status. Pure. */
import { MESSAGE_TARGET, PAGES, bookingStatus, isActive, isUpcoming, pageUrl, refusalText, bookingWhen } from '../../../shared/index';
import type { AppError, BookingView, Tone } from '../../../shared/index';

export const NEARBY_PAGE = pageUrl(PAGES.nearby);

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
  /** Active and not started: the owner may move it to another slot (改约). */
  canReschedule: boolean;
  /** "2人" for a party (empty for one person). */
  party: string;
  /** Why the store rejected it (status rejected). */
  reason: string;
}

export function bookingRow(b: BookingView, now: Date): BookingRow {
  const active = isActive(b.status);
  const status = bookingStatus(b.status);
  return {
    id: b.id,
    storeId: b.storeId,
    storeName: b.storeName || b.storeId,
    when: bookingWhen(b, now),
    status: b.status,
    statusText: status.text,
    tone: status.tone,
    code: b.code,
    active,
    canCancel: active && Date.parse(b.start) > now.getTime(),
    canReschedule: active && Date.parse(b.start) > now.getTime(),
    party: (b.partySize || 1) > 1 ? `${b.partySize}人` : '',
    reason: b.status === 'rejected' ? b.reason || '门店未说明原因' : '',
  };
}

/** The store page opened to move a booking (改约): its slots, the sheet moving this booking. */
export const reschedulePage = (storeId: string, bookingId: string): string =>
  `/packageBooking/pages/store/index?id=${encodeURIComponent(storeId)}&reschedule=${encodeURIComponent(bookingId)}`;

export interface BookingSections {
  upcoming: BookingRow[];
  past: BookingRow[];
}

/** Upcoming (the slot has not ended, neither cancelled nor checked in) soonest first, then past ones latest first: the order of the answer is not trusted. */
export function bookingSections(bookings: readonly BookingView[], now: Date): BookingSections {
  // Cancelled and checked-in bookings are done with, slot over or not: they go with the past ones.
  const ahead = (b: BookingView) => isUpcoming(b, now) && b.status !== 'cancelled' && b.status !== 'checked_in';
  const upcoming = bookings.filter(ahead).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const past = bookings.filter((b) => !ahead(b)).sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
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

// ---- Opened from a subscribe message (`?bookingId=`, shared/subscribe-message.ts bookingPage) ----

/** The booking a message points at: the query value as WeChat hands it over (maybe still encoded). */
export function bookingIdOf(query: Record<string, string | undefined> | undefined): string {
  const raw = query && typeof query.bookingId === 'string' ? query.bookingId : '';
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // a stray "%": keep it as written; it will simply not be found
  }
  return id.trim().slice(0, 128);
}

export interface MessageNotice {
  kind: 'cancelled' | 'ended' | 'missing';
  title: string;
  /** The booking it is about ("街角咖啡 · 今天 15:00–16:00"), or why it is not found. */
  note: string;
  /** The way on: a button label ('' for none) and where it goes. */
  action: string;
  storeId: string;
}

export interface MessageFocus {
  /** The row to highlight ('' when the booking is not in the list). */
  id: string;
  /** The element id of that row (`up-0`, `past-2`), for wx.pageScrollTo; '' for none. */
  anchor: string;
  /** Said above the list when the booking is not simply upcoming. */
  notice: MessageNotice | null;
}

/**
 * What the page does for a message's booking: an active upcoming one is highlighted with its code
 * open; a cancelled one says so and offers to book the store again; an ended one says so; one not
 * in the caller's list says so above the list (the way on), with the map as a button.
 */
export function messageFocus(bookingId: string, sections: BookingSections): MessageFocus | null {
  if (!bookingId) return null;
  const up = sections.upcoming.findIndex((r) => r.id === bookingId);
  const past = sections.past.findIndex((r) => r.id === bookingId);
  const row = up >= 0 ? sections.upcoming[up] : past >= 0 ? sections.past[past] : null;
  if (!row) {
    const m = MESSAGE_TARGET.missing;
    // With bookings below, they are the way on; with none, the empty state's button is (no second one).
    const hasList = sections.upcoming.length + sections.past.length > 0;
    const note = hasList ? `${m.note}。${m.list}` : m.note;
    return { id: '', anchor: '', notice: { kind: 'missing', title: m.title, note, action: hasList ? m.action : '', storeId: '' } };
  }
  const anchor = up >= 0 ? `up-${up}` : `past-${past}`;
  const about = `${row.storeName} · ${row.when}`;
  if (row.status === 'cancelled') {
    const c = MESSAGE_TARGET.cancelled;
    return { id: row.id, anchor, notice: { kind: 'cancelled', title: c.title, note: `${about}。${c.note}`, action: c.action, storeId: row.storeId } };
  }
  if (up < 0 || !row.active) {
    const e = row.status === 'checked_in' ? MESSAGE_TARGET.checkedIn : MESSAGE_TARGET.ended;
    return { id: row.id, anchor, notice: { kind: 'ended', title: e.title, note: `${about} · ${row.statusText}`, action: e.action, storeId: row.storeId } };
  }
  return { id: row.id, anchor, notice: null };
}
