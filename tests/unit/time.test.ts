import fc from 'fast-check';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { instantAt, isTimeZone, wallClock } from '../../shared/time';

dayjs.extend(utc);
dayjs.extend(timezone);

const RUNS = Number(process.env.FC_RUNS ?? 300);
const zones = fc.constantFrom(
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'UTC',
);
const instants = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') });

describe('wall clocks and instants in a time zone', () => {
  it('reads the same wall clock as dayjs with its timezone plugin', () => {
    fc.assert(
      fc.property(instants, zones, (ms, tz) => {
        const local = dayjs(ms).tz(tz);
        const weekday = local.day();
        expect(wallClock(new Date(ms), tz)).toEqual({
          date: local.format('YYYY-MM-DD'),
          isoWeekday: weekday === 0 ? 7 : weekday,
          minuteOfDay: local.hour() * 60 + local.minute(),
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('finds the instant of a wall time as dayjs does, except that a repeated hour means its first occurrence', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 3 * 1440 }), zones, (ms, minuteOfDay, tz) => {
        const date = dayjs.utc(ms).format('YYYY-MM-DD');
        const ours = instantAt(date, minuteOfDay, tz);
        const day = dayjs
          .utc(date)
          .add(Math.floor(minuteOfDay / 1440), 'day')
          .format('YYYY-MM-DD');
        const theirs = dayjs
          .tz(`${day} ${String(Math.floor((minuteOfDay % 1440) / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`, tz)
          .format();
        if (ours !== theirs) {
          // The same wall time, twice: ours is the earlier one.
          expect(ours.slice(0, 19)).toBe(theirs.slice(0, 19));
          expect(Date.parse(ours)).toBeLessThan(Date.parse(theirs));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("round-trips: the instant of an instant's wall clock is that instant (to the minute), outside repeated hours", () => {
    fc.assert(
      fc.property(instants, zones, (ms, tz) => {
        const wall = wallClock(new Date(ms), tz);
        const back = Date.parse(instantAt(wall.date, wall.minuteOfDay, tz, new Date(Math.floor(ms / 60_000) * 60_000)));
        expect(back).toBe(Math.floor(ms / 60_000) * 60_000);
      }),
      { numRuns: RUNS },
    );
  });

  it('writes the offset as dayjs does: +08:00, -04:00, +05:45, Z', () => {
    expect(instantAt('2026-11-25', 600, 'Asia/Shanghai')).toBe('2026-11-25T10:00:00+08:00');
    expect(instantAt('2026-07-01', 600, 'America/New_York')).toBe('2026-07-01T10:00:00-04:00');
    expect(instantAt('2026-07-01', 600, 'Asia/Kathmandu')).toBe('2026-07-01T10:00:00+05:45');
    expect(instantAt('2026-07-01', 600, 'UTC')).toBe('2026-07-01T10:00:00Z');
  });

  it('knows the IANA zones and refuses others', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
