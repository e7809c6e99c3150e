import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

export { dayjs };

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

/**
 * The wall-clock fields of an instant in a time zone.
 * @example wallClock(new Date('2026-11-25T16:30:00Z'), 'Asia/Shanghai') // => { date: '2026-11-26', isoWeekday: 4, minuteOfDay: 30 }
 */
export function wallClock(at: Date, tz: string): { date: string; isoWeekday: number; minuteOfDay: number } {
  const local = dayjs(at).tz(tz);
  const weekday = local.day(); // 0 = Sunday
  return {
    date: local.format('YYYY-MM-DD'),
    isoWeekday: weekday === 0 ? 7 : weekday,
    minuteOfDay: local.hour() * 60 + local.minute(),
  };
}

/**
 * The instant of a wall-clock time in a time zone, as ISO 8601 with the zone's offset.
 * `minuteOfDay` may pass 1440: it then falls on a later day. A wall time the clocks skip (spring
 * forward) moves on by the gap; one they repeat (fall back) is the first not before `notBefore`.
 * @example instantAt('2026-11-25', 600, 'Asia/Shanghai') // => '2026-11-25T10:00:00+08:00'
 */
export function instantAt(date: string, minuteOfDay: number, tz: string, notBefore?: Date): string {
  const day = dayjs.utc(date).add(Math.floor(minuteOfDay / 1440), 'day').format('YYYY-MM-DD');
  const m = minuteOfDay % 1440;
  const hh = String(Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  const wall = `${day} ${hh}:${mm}`;
  const later = dayjs.tz(wall, tz);
  // A wall time that happens twice (clocks turned back) is its first occurrence (Temporal's
  // "compatible" disambiguation; dayjs would give the second), or the first not before `notBefore`.
  const offsetBefore = dayjs(later.valueOf() - 3 * 3600_000).tz(tz).utcOffset();
  if (offsetBefore > later.utcOffset()) {
    const earlier = dayjs(later.valueOf() - (offsetBefore - later.utcOffset()) * 60_000).tz(tz);
    const first = earlier.format('YYYY-MM-DD HH:mm') === wall;
    if (first && (notBefore === undefined || earlier.valueOf() >= notBefore.getTime())) return earlier.format();
  }
  return later.format();
}
