/** What the staff desk shows: a store's day of bookings with coloured statuses, and what a check-in (scanned or typed) answers. Pure. */
import { CODE_LENGTH, HINTS, addDays, bookingStatus, dayLabel, refusalText, timeRange } from '../../../shared/index';
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
  canConfirm: boolean;
}

export function deskRow(b: BookingView): DeskRow {
  const status = bookingStatus(b.status);
  return {
    id: b.id,
    time: timeRange(b.start, b.end),
    status: b.status,
    statusText: status.short,
    tone: status.tone,
    code: b.code,
    canConfirm: b.status === 'pending',
  };
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
export const confirmErrorText = (error: AppError): string => refusalText(error, { subject: 'confirm' });
