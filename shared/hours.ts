import { wallClock, instantAt } from './time';

/** One opening interval of a week: ISO weekday (1 = Monday), "HH:mm" open and close. */
export interface OpeningHours {
  day: number;
  open: string;
  close: string;
}

const DAY = 1440;
const WEEK = 7 * DAY;

/**
 * Minutes since midnight of an "HH:mm" string ("24:00" is 1440).
 * @example minutesOf('09:30') // => 570
 */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * How long an interval lasts, in minutes: a close at or before the open is on the next day
 * ("22:00"–"02:00" lasts 4 hours), and open = close means the whole day.
 * @example durationMin({ day: 5, open: '22:00', close: '02:00' }) // => 240
 */
export function durationMin(h: OpeningHours): number {
  const open = minutesOf(h.open);
  const close = minutesOf(h.close);
  return close > open ? close - open : close + DAY - open;
}

/** Open intervals as [start, end) minutes of the week from Monday 00:00, merged and sorted; an end may pass the week. */
export function weekIntervals(hours: readonly OpeningHours[]): Array<[number, number]> {
  const raw = hours
    .map((h): [number, number] => {
      const start = (h.day - 1) * DAY + minutesOf(h.open);
      return [start, start + durationMin(h)];
    })
    // "24:00"-"00:00" lasts no time at all: it must not count as a change.
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, e] of raw) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  // An interval running past Sunday midnight may join the first ones of Monday.
  while (merged.length > 1 && merged[merged.length - 1][1] - WEEK >= merged[0][0]) {
    const last = merged[merged.length - 1];
    const first = merged.shift()!;
    last[1] = Math.max(last[1], first[1] + WEEK);
  }
  return merged;
}

export interface OpenState {
  open: boolean;
  /** ISO instant of the next opening or closing, in the store's offset; null if none (never opens, never closes). */
  nextChange: string | null;
}

/**
 * Whether a store is open at `now`, and when that changes, reasoned in the store's time zone.
 * @example openState([{ day: 3, open: '09:00', close: '21:00' }], 'Asia/Shanghai', new Date('2026-11-25T02:00:00Z'))
 * // => { open: true, nextChange: '2026-11-25T21:00:00+08:00' }
 */
export function openState(hours: readonly OpeningHours[], tz: string, now: Date): OpenState {
  const intervals = weekIntervals(hours);
  if (intervals.length === 0) return { open: false, nextChange: null };
  const wall = wallClock(now, tz);
  const t = (wall.isoWeekday - 1) * DAY + wall.minuteOfDay;
  for (const [s, e] of intervals) {
    if (e - s >= WEEK) return { open: true, nextChange: null };
    // t or t + WEEK: an interval may have started last week and run into this one.
    for (const at of [t, t + WEEK]) {
      if (s <= at && at < e) return { open: true, nextChange: instantAt(wall.date, wall.minuteOfDay + (e - at), tz, now) };
    }
  }
  let wait = Infinity;
  for (const [s] of intervals) {
    const d = (((s - t) % WEEK) + WEEK) % WEEK;
    if (d > 0 && d < wait) wait = d;
  }
  return { open: false, nextChange: instantAt(wall.date, wall.minuteOfDay + wait, tz, now) };
}
