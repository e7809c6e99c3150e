import { durationMin, minutesOf, type OpeningHours } from './hours';
import { CITY_UTC_OFFSET_MIN } from './city';
import { formatWithOffset, offsetMin, wallClock } from './time';

/** What a store's slots depend on. */
export interface SlotRules {
  timezone: string;
  openingHours: readonly OpeningHours[];
  slot: { minutes: number; capacity: number };
}

/** One bookable slot: ISO instants in the store's offset. */
export interface SlotTime {
  start: string;
  end: string;
  /** The local date ("YYYY-MM-DD") the slot belongs to: the day its opening interval started. */
  date: string;
}

/**
 * A slot's key in counters, holds and indexes, in both back ends: its start as a UTC ISO string
 * (one key whatever offset the start was written in; sorts as time).
 * @example slotKey('2026-11-25T10:00:00+08:00') // => '2026-11-25T02:00:00.000Z'
 */
export const slotKey = (iso: string): string => new Date(Date.parse(iso)).toISOString();

/** How many local dates are bookable: today and the next six. */
export const BOOKING_DAYS = 7;

const MINUTE_MS = 60_000;

/**
 * The slots of a store that start on a local date: for each opening interval that starts that
 * day (one running past midnight belongs to the day it started), slots of `slot.minutes` laid
 * from the interval's open time, each ending at or before the close. Time is counted in real
 * minutes from the open instant, so a slot across a DST change still lasts `slot.minutes`.
 * @example slotsOn({ timezone: 'Asia/Shanghai', openingHours: [{ day: 3, open: '09:00', close: '11:00' }], slot: { minutes: 60, capacity: 3 } }, '2026-11-25')
 * // => [{ start: '2026-11-25T09:00:00+08:00', end: '2026-11-25T10:00:00+08:00', date: '2026-11-25' }, { start: '2026-11-25T10:00:00+08:00', ... }]
 */
export function slotsOn(store: SlotRules, date: string): SlotTime[] {
  const weekday = isoWeekdayOf(date);
  const stepMs = store.slot.minutes * MINUTE_MS;
  const seen = new Set<number>();
  const slots: Array<{ at: number; slot: SlotTime }> = [];
  for (const h of store.openingHours) {
    if (h.day !== weekday) continue;
    const openMin = minutesOf(h.open);
    const openAt = localInstant(date, openMin, store.timezone);
    const closeAt = localInstant(date, openMin + durationMin(h), store.timezone);
    // One offset for the whole interval unless a DST change falls inside it.
    const offset = offsetMin(openAt, store.timezone);
    const steady = offsetMin(closeAt, store.timezone) === offset;
    const format = (at: number) => (steady ? formatWithOffset(at, offset) : inZone(at, store.timezone));
    for (let at = openAt; at + stepMs <= closeAt; at += stepMs) {
      if (seen.has(at)) continue;
      seen.add(at);
      slots.push({ at, slot: { start: format(at), end: format(at + stepMs), date } });
    }
  }
  return slots.sort((a, b) => a.at - b.at).map((s) => s.slot);
}

/** ISO 8601 of an instant (ms) with the zone's offset, to the second. */
export function inZone(atMs: number, tz: string): string {
  return formatWithOffset(atMs, offsetMin(atMs, tz));
}

/**
 * The instant (ms) of a local wall-clock time; `minuteOfDay` may pass 1440 (a later day). A time
 * skipped by a DST change moves forward by the change, as clocks do.
 */
export function localInstant(date: string, minuteOfDay: number, tz: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  const first = wall - offsetMin(wall, tz) * 60_000;
  const second = wall - offsetMin(first, tz) * 60_000;
  return second;
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function isoWeekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The local dates whose slots can be booked at `now`: the store's today and the next six
 * (7 dates, inclusive). A slot belongs to the date its opening interval started.
 * @example bookableDates('Asia/Shanghai', new Date('2026-11-25T02:00:00Z')) // => { first: '2026-11-25', last: '2026-12-01' }
 */
export function bookableDates(tz: string, now: Date): { first: string; last: string } {
  const first = wallClock(now, tz).date;
  return { first, last: addDays(first, BOOKING_DAYS - 1) };
}

/**
 * A store's today on the phone, which carries no zone database: the calendar date at `now` at
 * `offsetMin` east of UTC, by default the default zone's (Asia/Shanghai: UTC+8 all year). What the
 * store page asks for first, before the store's own answer names its zone and dates.
 * @example storeToday(new Date('2026-11-25T17:00:00Z')) // => '2026-11-26' (noon in New York, 01:00 in Shanghai)
 */
export function storeToday(now: Date, offsetMin: number = CITY_UTC_OFFSET_MIN): string {
  return new Date(now.getTime() + offsetMin * MINUTE_MS).toISOString().slice(0, 10);
}

/**
 * Places left in a slot of `capacity` people once `booked` are taken (never below 0: a capacity
 * lowered under the bookings already made reads full).
 * @example placesLeft(4, 3) // => 1
 */
export const placesLeft = (capacity: number, booked: number): number => Math.max(0, capacity - booked);

/**
 * Whether a slot has started at `now` (it can no longer be booked, and the store page folds it away).
 * @example slotStarted('2026-11-25T10:00:00+08:00', new Date('2026-11-25T02:00:00Z')) // => true
 */
export const slotStarted = (start: string, now: Date): boolean => Date.parse(start) <= now.getTime();

/** Whether a slot of the store's grid lies beyond the 7 bookable dates at `now`. */
export const slotTooFarAhead = (slot: SlotTime, tz: string, now: Date): boolean => slot.date > bookableDates(tz, now).last;

/**
 * Whether a slot of the store's grid can be booked at `now` (places aside): not started, within
 * the bookable dates. `checkSlotStart` says which of the two fails.
 */
export const slotBookable = (slot: SlotTime, tz: string, now: Date): boolean => !slotStarted(slot.start, now) && !slotTooFarAhead(slot, tz, now);

export type SlotCheck =
  | { ok: true; slot: SlotTime }
  | { ok: false; code: 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION'; reason: 'OFF_GRID' | 'SLOT_STARTED' | 'OUTSIDE_HOURS' | 'TOO_FAR_AHEAD'; message: string };

/**
 * Whether `start` (an ISO instant) names a slot of the store that can be booked at `now`.
 * - On the grid: a slot start, or a time at a whole number of slots from an opening time of the
 *   store's week in its local wall clock (so 03:00 of a store with 60-minute slots from 09:00 is on
 *   the grid but outside its hours). Anything else (09:15, seconds) is INVALID_ARGUMENT `OFF_GRID`.
 * - A grid time that is no slot (closed, or the slot would end after the close) is
 *   FAILED_PRECONDITION `OUTSIDE_HOURS`; a slot that has started (start <= now) is `SLOT_STARTED`;
 *   a slot of a date after the 7 bookable dates is `TOO_FAR_AHEAD`.
 * @example checkSlotStart(store, '2026-11-25T09:15:00+08:00', now) // => { ok: false, code: 'INVALID_ARGUMENT', reason: 'OFF_GRID', ... }
 */
export function checkSlotStart(store: SlotRules, start: string, now: Date): SlotCheck {
  const at = Date.parse(start);
  const local = wallClock(new Date(at), store.timezone);
  // A slot past midnight belongs to the day before.
  const slot = [addDays(local.date, -1), local.date].flatMap((date) => slotsOn(store, date)).find((s) => Date.parse(s.start) === at);
  if (!slot) {
    if (at % MINUTE_MS === 0 && onWallGrid(store, local.minuteOfDay)) {
      return {
        ok: false,
        code: 'FAILED_PRECONDITION',
        reason: 'OUTSIDE_HOURS',
        message: `start: the store has no slot at ${inZone(at, store.timezone)} (outside its opening hours)`,
      };
    }
    return {
      ok: false,
      code: 'INVALID_ARGUMENT',
      reason: 'OFF_GRID',
      message: `start: not on the store's slot grid (slots of ${store.slot.minutes} minutes from each opening time)`,
    };
  }
  if (slotStarted(slot.start, now)) {
    return { ok: false, code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED', message: `start: the slot at ${slot.start} has already started` };
  }
  if (slotTooFarAhead(slot, store.timezone, now)) {
    const { last } = bookableDates(store.timezone, now);
    return {
      ok: false,
      code: 'FAILED_PRECONDITION',
      reason: 'TOO_FAR_AHEAD',
      message: `start: bookings open ${BOOKING_DAYS} days ahead (up to slots of ${last})`,
    };
  }
  return { ok: true, slot };
}

/** Whether a local minute of the day lies a whole number of slots from some opening time. */
function onWallGrid(store: SlotRules, minuteOfDay: number): boolean {
  const m = store.slot.minutes;
  if (store.openingHours.length === 0) return true;
  return store.openingHours.some((h) => (((minuteOfDay - minutesOf(h.open)) % m) + m) % m === 0);
}
