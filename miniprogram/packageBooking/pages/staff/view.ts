/** What the staff desk shows: a store's day of bookings with coloured statuses, and what a check-in (scanned or typed) answers. Pure. */
import { CODE_LENGTH, DESK_FILTERS, HINTS, addDays, bookingStatus, dayLabel, isActive, maskedCode, refusalText, timeRange } from '../../../shared/index';
import type { AppError, BookingView, Tone } from '../../../shared/index';

export interface DeskRow {
  id: string;
  /** "19:30–20:00": one line, never wrapped. */
  time: string;
  status: string;
  /** The short status ("待确认"): the row has little room. */
  statusText: string;
  tone: Tone;
  code: string;
  /** "3人". */
  party: string;
  contactName: string;
  /** Tap to call; empty when the customer left none. */
  phone: string;
  note: string;
  /** A rejection's reason. */
  reason: string;
  canConfirm: boolean;
  /** Active and not started: staff may turn it down. */
  canReject: boolean;
  /** Active and the slot over: staff may mark that nobody came. */
  canNoShow: boolean;
}

export function deskRow(b: BookingView, now: Date = new Date()): DeskRow {
  const status = bookingStatus(b.status);
  const active = isActive(b.status);
  return {
    id: b.id,
    time: timeRange(b.start, b.end),
    status: b.status,
    statusText: status.short,
    tone: status.tone,
    // Masked on the list: staff check in from the code the customer shows.
    code: maskedCode(b.code),
    party: `${b.partySize || 1}人`,
    contactName: b.contact ? b.contact.name : '',
    phone: b.contact ? b.contact.phone : '',
    note: b.note || '',
    reason: b.reason || '',
    // The server answers TOO_LATE after the slot; the button stays as before.
    canConfirm: b.status === 'pending',
    canReject: active && now.getTime() < Date.parse(b.start),
    canNoShow: active && now.getTime() >= Date.parse(b.end),
  };
}

export type DeskFilter = (typeof DESK_FILTERS)[number]['key'];
export const FILTERS = DESK_FILTERS;

/** The rows a filter shows: one status, or the closed ones (cancelled, rejected, no-show). */
export function filterRows(rows: readonly DeskRow[], filter: DeskFilter): DeskRow[] {
  if (filter === 'all') return [...rows];
  if (filter === 'closed') return rows.filter((r) => r.status === 'cancelled' || r.status === 'rejected' || r.status === 'no_show');
  return rows.filter((r) => r.status === filter);
}

export interface DayTotals {
  /** People of the bookings holding places (pending, confirmed, arrived, no-show). */
  booked: number;
  confirmed: number;
  arrived: number;
  /** Places left in the day's slots still open for booking; null when unknown. */
  left: number | null;
  text: string;
}

/**
 * The day's totals in people.
 * @example dayTotals([{ status: 'confirmed', partySize: 3 }, { status: 'checked_in', partySize: 2 }, { status: 'cancelled', partySize: 4 }], 7).text // => '预约 5 人 · 已确认 3 · 已到店 2 · 余位 7'
 */
export function dayTotals(bookings: ReadonlyArray<Pick<BookingView, 'status' | 'partySize'>>, left: number | null): DayTotals {
  const people = (keep: (s: string) => boolean) => bookings.filter((b) => keep(b.status)).reduce((n, b) => n + (b.partySize || 1), 0);
  const booked = people((s) => s !== 'cancelled' && s !== 'rejected');
  const confirmed = people((s) => s === 'confirmed');
  const arrived = people((s) => s === 'checked_in');
  const text = `预约 ${booked} 人 · 已确认 ${confirmed} · 已到店 ${arrived}${left === null ? '' : ` · 余位 ${left}`}`;
  return { booked, confirmed, arrived, left, text };
}

/** What the desk says of the staff member's new-booking notifications. */
export function noticeQuotaText(left: number | null): string {
  if (left === null) return '';
  return left > 0 ? `新预约通知：还可接收 ${left} 条` : '新预约通知已用完：点确认、核销等操作时可继续订阅';
}

/** The day bar: "今天 11-29", the neighbours to step to. */
export function dayBar(date: string, today: string): { dayText: string; prev: string; next: string } {
  return {
    dayText: `${dayLabel(date, today)}${dayLabel(date, today).length <= 2 ? ` ${date.slice(5)}` : ''}`,
    prev: addDays(date, -1),
    next: addDays(date, 1),
  };
}

/**
 * A code as typed at the counter: spaces, dashes and lower case forgiven, as the contract does.
 * @example typedCode(' abcd-2345 ') // => 'ABCD2345'
 */
export const typedCode = (input: string): string =>
  input
    .replace(/[\s-]+/g, '')
    .toUpperCase()
    .slice(0, 64);

/** Whether the typed code has the length of a code (the server judges the rest). */
export const codeComplete = (code: string): boolean => code.length === CODE_LENGTH;

export const CODE_PLACEHOLDER = HINTS.codeInput;
export const CODE_LENGTH_MAX = CODE_LENGTH;

export interface DeskResult {
  ok: boolean;
  text: string;
}

export const checkedIn = (b: BookingView): DeskResult => ({ ok: true, text: `核销成功：${timeRange(b.start, b.end)} 的预约（${b.code}）` });
export const confirmed = (b: BookingView): DeskResult => ({ ok: true, text: `已确认 ${timeRange(b.start, b.end)} 的预约` });
export const SCAN_FAILED: DeskResult = { ok: false, text: '扫码失败：请重试，或输入顾客出示的核销码' };

/** What a refused check-in tells the staff member at the counter. */
export const checkInErrorText = (error: AppError): string => refusalText(error, { subject: 'checkIn' });
export const rejected = (b: BookingView): DeskResult => ({ ok: true, text: `已拒绝 ${timeRange(b.start, b.end)} 的预约，已通知顾客` });
export const markedNoShow = (b: BookingView): DeskResult => ({ ok: true, text: `已标记 ${timeRange(b.start, b.end)} 的预约未到店` });
/** What a refused confirm, reject or no-show tells the staff member. */
export const actionErrorText = (error: AppError): string => refusalText(error, { subject: 'confirm' });
