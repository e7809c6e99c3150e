// Zone arithmetic on the runtime's own Intl data: no date library in the cloud bundles (dayjs, with
// its timezone plugin, is the reference the tests compare against: tests/unit/time.test.ts).

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const validZones = new Map<string, boolean>();

/**
 * Whether `tz` is an IANA time zone this runtime knows.
 * @example isTimeZone('Asia/Shanghai') // => true
 */
export function isTimeZone(tz: string): boolean {
  let known = validZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = tz.length > 0;
    } catch {
      known = false;
    }
    validZones.set(tz, known);
  }
  return known;
}

const MINUTE_MS = 60_000;
const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in a zone, from one cached formatter (dayjs's tz() costs ~100 µs a call). */
function fieldsAt(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  let format = formats.get(tz);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(tz, format);
  }
  const f = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'year') f.y = Number(part.value);
    else if (part.type === 'month') f.mo = Number(part.value);
    else if (part.type === 'day') f.d = Number(part.value);
    else if (part.type === 'hour') f.h = Number(part.value) % 24;
    else if (part.type === 'minute') f.mi = Number(part.value);
    else if (part.type === 'second') f.s = Number(part.value);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in whole minutes (one cached formatter: ~5 µs). */
export function offsetMin(ms: number, tz: string): number {
  const f = fieldsAt(ms, tz);
  // setUTCFullYear, not Date.UTC: the latter reads years 0..99 as 1900..1999.
  const d = new Date(0);
  d.setUTCFullYear(f.y, f.mo - 1, f.d);
  d.setUTCHours(f.h, f.mi, f.s, 0);
  return Math.round((d.getTime() - Math.floor(ms / 1000) * 1000) / MINUTE_MS);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as ISO 8601 to the second, shifted by a known offset and written "+HH:MM".
 * @example formatWithOffset(Date.parse('2026-11-25T02:00:00Z'), 480) // => '2026-11-25T10:00:00+08:00'
 */
export function formatWithOffset(ms: number, offset: number): string {
  const wall = new Date(ms + offset * MINUTE_MS).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as ISO 8601 with the zone's offset at that instant ("Z" for none), as dayjs's `format()` writes it. */
function isoWithOffset(ms: number, tz: string): string {
  const offset = offsetMin(ms, tz);
  return offset === 0 ? `${new Date(ms).toISOString().slice(0, 19)}Z` : formatWithOffset(ms, offset);
}

/**
 * The wall-clock fields of an instant in a time zone.
 * @example wallClock(new Date('2026-11-25T16:30:00Z'), 'Asia/Shanghai') // => { date: '2026-11-26', isoWeekday: 4, minuteOfDay: 30 }
 */
export function wallClock(at: Date, tz: string): { date: string; isoWeekday: number; minuteOfDay: number } {
  const f = fieldsAt(at.getTime(), tz);
  const weekday = new Date(Date.UTC(f.y, f.mo - 1, f.d)).getUTCDay(); // 0 = Sunday
  return {
    date: `${pad(f.y, 4)}-${pad(f.mo)}-${pad(f.d)}`,
    isoWeekday: weekday === 0 ? 7 : weekday,
    minuteOfDay: f.h * 60 + f.mi,
  };
}

/**
 * The instant of a wall-clock time in a time zone, as ISO 8601 with the zone's offset.
 * `minuteOfDay` may pass 1440: it then falls on a later day. A wall time the clocks skip (spring
 * forward) moves on by the gap; one they repeat (fall back) is its first occurrence (Temporal's
 * "compatible" disambiguation), or the first not before `notBefore`.
 * @example instantAt('2026-11-25', 600, 'Asia/Shanghai') // => '2026-11-25T10:00:00+08:00'
 */
export function instantAt(date: string, minuteOfDay: number, tz: string, notBefore?: Date): string {
  // The wall time read as if it were UTC; the instant is `wall - offset` for the offset then in force.
  const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + minuteOfDay * MINUTE_MS;
  // Offsets run from -12 h to +14 h and change at most once in a day and a half: the offsets well
  // before and well after every candidate instant are the only two in play.
  const before = offsetMin(wall - 17 * 3600_000, tz);
  const after = offsetMin(wall + 15 * 3600_000, tz);
  if (before === after) return isoWithOffset(wall - before * MINUTE_MS, tz);
  const early = wall - before * MINUTE_MS;
  const late = wall - after * MINUTE_MS;
  const earlyReal = offsetMin(early, tz) === before;
  const lateReal = offsetMin(late, tz) === after;
  if (earlyReal && lateReal) {
    const [first, second] = early < late ? [early, late] : [late, early];
    return isoWithOffset(notBefore === undefined || first >= notBefore.getTime() ? first : second, tz);
  }
  if (lateReal && !earlyReal) return isoWithOffset(late, tz);
  // Real before the change, or in the gap the clocks skip: read with the offset before it.
  return isoWithOffset(early, tz);
}

/** The years a date or time may name: beyond them a typo (0000, 9999), never a booking or a clock. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Why a calendar date's fields name no day of 2000..2099 (null when they do). */
function dateFault(y: number, mo: number, d: number): string | null {
  if (y < MIN_YEAR || y > MAX_YEAR) return `the year must be between ${MIN_YEAR} and ${MAX_YEAR}`;
  if (mo < 1 || mo > 12) return 'the month must be 01..12';
  // Day 0 of the next month is the last day of this one.
  const days = new Date(Date.UTC(2000 + (y % 400), mo, 0)).getUTCDate();
  if (d < 1 || d > days) return `the day must be 01..${days} in ${pad(y, 4)}-${pad(mo)}`;
  return null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A calendar date "YYYY-MM-DD" that exists, in 2000..2099 (no roll-over: 2026-02-30 is refused).
 * @example checkDate('2026-02-30') // => { ok: false, message: 'must be a real date: the day must be 01..28 in 2026-02' }
 */
export function checkDate(text: string): Checked<string> {
  const m = ISO_DATE.exec(text);
  if (!m) return { ok: false, message: 'must be a date "YYYY-MM-DD"' };
  const fault = dateFault(Number(m[1]), Number(m[2]), Number(m[3]));
  return fault ? { ok: false, message: `must be a real date: ${fault}` } : { ok: true, value: text };
}

/**
 * An ISO 8601 instant with an offset or "Z" whose every field exists (no 24:30, no 31 November
 * read as 1 December), its local date in 2000..2099; the value is its epoch milliseconds.
 * @example checkInstant('2026-11-31T10:00:00+08:00') // => { ok: false, message: 'must be a real time: the day must be 01..30 in 2026-11' }
 */
export function checkInstant(text: string): Checked<number> {
  const m = text.length <= 40 ? ISO_INSTANT.exec(text) : null;
  if (!m) return { ok: false, message: 'must be an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00"' };
  const [h, mi, s, oh, om] = [m[4], m[5], m[6] ?? '0', m[7] ?? '0', m[8] ?? '0'].map(Number);
  const fault =
    dateFault(Number(m[1]), Number(m[2]), Number(m[3])) ??
    (h > 23 ? 'the hour must be 00..23' : mi > 59 ? 'the minute must be 00..59' : s > 59 ? 'the second must be 00..59' : null) ??
    (oh > 14 || om > 59 ? 'the offset must be between -14:00 and +14:00' : null);
  if (fault) return { ok: false, message: `must be a real time: ${fault}` };
  return { ok: true, value: Date.parse(text) };
}
