/**
 * WeChat's `stable_token` force_refresh budget (docs/reminders.md): force mode invalidates the
 * AppID's token for every holder, so WeChat allows it at most once per 30 s and 20 times a day.
 * The budget belongs to the AppID, not to a function instance: every instance reads and writes
 * one record (the `ForceRefreshLedger` port) and this rule decides on it.
 */
import { DEFAULT_TIMEZONE, wallClock } from './time';

export const FORCE_REFRESH_SPACING_MS = 30_000;
export const FORCE_REFRESH_PER_DAY = 20;

/** The record of an AppID's force refreshes: the last one, and how many on its day. */
export interface ForceRefreshRecord {
  /** Milliseconds since the epoch of the last force_refresh taken. */
  lastAtMs: number;
  /** The calendar day (Asia/Shanghai, "YYYY-MM-DD") that `countOfDay` counts. */
  day: string;
  countOfDay: number;
}

export type ForceRefreshDecision =
  | { ok: true; record: ForceRefreshRecord }
  /** The last one was less than 30 s before `nowMs` (or after it: another instance's clock runs ahead). */
  | { ok: false; reason: 'SPACING'; sinceLastMs: number }
  | { ok: false; reason: 'DAILY_LIMIT'; countOfDay: number };

/**
 * Whether a force_refresh may go at `nowMs` given the AppID's record (null: none yet), and the
 * record to write when it may.
 * @example decideForceRefresh({ lastAtMs: 0, day: '1970-01-01', countOfDay: 1 }, 10_000) // => { ok: false, reason: 'SPACING', sinceLastMs: 10000 }
 */
export function decideForceRefresh(record: ForceRefreshRecord | null, nowMs: number, timezone: string = DEFAULT_TIMEZONE): ForceRefreshDecision {
  const day = wallClock(new Date(nowMs), timezone).date;
  if (record !== null) {
    const sinceLastMs = nowMs - record.lastAtMs;
    if (sinceLastMs < FORCE_REFRESH_SPACING_MS) return { ok: false, reason: 'SPACING', sinceLastMs };
    if (record.day === day && record.countOfDay >= FORCE_REFRESH_PER_DAY) return { ok: false, reason: 'DAILY_LIMIT', countOfDay: record.countOfDay };
  }
  const countOfDay = record !== null && record.day === day ? record.countOfDay + 1 : 1;
  return { ok: true, record: { lastAtMs: nowMs, day, countOfDay } };
}

/** A stored record as the rule reads it; anything malformed reads as none (a fresh budget). */
export function forceRefreshRecordOf(stored: unknown): ForceRefreshRecord | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const r = stored as Record<string, unknown>;
  if (typeof r.lastAtMs !== 'number' || typeof r.day !== 'string' || typeof r.countOfDay !== 'number') return null;
  return { lastAtMs: r.lastAtMs, day: r.day, countOfDay: r.countOfDay };
}
