import fc from 'fast-check';
import { durationMin, minutesOf, openState, weekIntervals, type OpeningHours } from '../../shared/hours';
import { instantAt, wallClock } from '../../shared/time';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const every = (open: string, close: string, days = [1, 2, 3, 4, 5, 6, 7]): OpeningHours[] => days.map((day) => ({ day, open, close }));

// 2026-11-23 is a Monday.
describe('openState in Asia/Shanghai', () => {
  const weekdays = every('09:00', '21:00', [1, 2, 3, 4, 5]);

  it("is open inside the hours, and the next change is today's closing", () => {
    expect(openState(weekdays, SH, new Date('2026-11-25T10:00:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-25T21:00:00+08:00' });
  });

  it("is closed before opening, and the next change is today's opening", () => {
    expect(openState(weekdays, SH, new Date('2026-11-25T07:59:30+08:00'))).toEqual({ open: false, nextChange: '2026-11-25T09:00:00+08:00' });
  });

  it("is closed after closing, and the next change is tomorrow's opening", () => {
    expect(openState(weekdays, SH, new Date('2026-11-25T21:00:00+08:00'))).toEqual({ open: false, nextChange: '2026-11-26T09:00:00+08:00' });
  });

  it('opens at the opening minute itself and closes at the closing minute', () => {
    expect(openState(weekdays, SH, new Date('2026-11-25T09:00:00+08:00')).open).toBe(true);
    expect(openState(weekdays, SH, new Date('2026-11-25T20:59:59+08:00')).open).toBe(true);
    expect(openState(weekdays, SH, new Date('2026-11-25T21:00:00+08:00')).open).toBe(false);
  });

  it("over the weekend, the next change is Monday's opening (next week)", () => {
    expect(openState(weekdays, SH, new Date('2026-11-28T12:00:00+08:00'))).toEqual({ open: false, nextChange: '2026-11-30T09:00:00+08:00' });
  });

  it('a store open one day a week, seen the day after, opens again in six days', () => {
    expect(openState([{ day: 3, open: '10:00', close: '11:00' }], SH, new Date('2026-11-26T10:30:00+08:00'))).toEqual({
      open: false,
      nextChange: '2026-12-02T10:00:00+08:00',
    });
  });

  it('hours past midnight: Fri 22:00-02:00 seen at Sat 01:00 is open and closes at Sat 02:00', () => {
    const late: OpeningHours[] = [{ day: 5, open: '22:00', close: '02:00' }];
    expect(openState(late, SH, new Date('2026-11-28T01:00:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-28T02:00:00+08:00' });
    expect(openState(late, SH, new Date('2026-11-27T23:00:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-28T02:00:00+08:00' });
    expect(openState(late, SH, new Date('2026-11-28T02:00:00+08:00'))).toEqual({ open: false, nextChange: '2026-12-04T22:00:00+08:00' });
  });

  it('hours past Sunday midnight run into Monday', () => {
    const late: OpeningHours[] = [{ day: 7, open: '20:00', close: '03:00' }];
    expect(openState(late, SH, new Date('2026-11-23T02:00:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-23T03:00:00+08:00' });
  });

  it('a 24-hour store ("00:00"-"00:00" every day) is open and never changes', () => {
    expect(openState(every('00:00', '00:00'), SH, new Date('2026-11-25T03:00:00+08:00'))).toEqual({ open: true, nextChange: null });
    expect(openState(every('00:00', '24:00'), SH, new Date('2026-11-29T23:59:00+08:00'))).toEqual({ open: true, nextChange: null });
  });

  it('overlapping and touching intervals merge: no change at the seam', () => {
    const split: OpeningHours[] = [
      { day: 2, open: '08:00', close: '12:00' },
      { day: 2, open: '12:00', close: '18:00' },
      { day: 2, open: '10:00', close: '14:00' },
    ];
    expect(openState(split, SH, new Date('2026-11-24T11:00:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-24T18:00:00+08:00' });
  });

  it('a store with no hours is closed and never opens', () => {
    expect(openState([], SH, new Date('2026-11-25T10:00:00+08:00'))).toEqual({ open: false, nextChange: null });
  });

  it('"24:00" as a close is midnight at the end of that day', () => {
    const h: OpeningHours[] = [{ day: 3, open: '18:00', close: '24:00' }];
    expect(openState(h, SH, new Date('2026-11-25T23:59:00+08:00'))).toEqual({ open: true, nextChange: '2026-11-26T00:00:00+08:00' });
    expect(openState(h, SH, new Date('2026-11-26T00:00:00+08:00')).open).toBe(false);
    expect(durationMin(h[0])).toBe(360);
  });

  it("answers in the store's own offset, whatever the instant's zone", () => {
    const state = openState(weekdays, SH, new Date('2026-11-25T02:00:00Z'));
    expect(state.nextChange).toBe('2026-11-25T21:00:00+08:00');
  });
});

describe('openState in America/New_York across daylight-saving changes', () => {
  // Clocks go forward on Sunday 2026-03-08 at 02:00 and back on Sunday 2026-11-01 at 02:00.
  it('sees a Sunday opening after the spring change in the new offset', () => {
    const h: OpeningHours[] = [{ day: 7, open: '09:00', close: '17:00' }];
    expect(openState(h, NY, new Date('2026-03-07T20:00:00-05:00'))).toEqual({ open: false, nextChange: '2026-03-08T09:00:00-04:00' });
  });

  it('a Saturday night open past the spring change closes at 04:00 wall time (an hour sooner)', () => {
    const h: OpeningHours[] = [{ day: 6, open: '20:00', close: '04:00' }];
    const state = openState(h, NY, new Date('2026-03-07T23:00:00-05:00'));
    expect(state).toEqual({ open: true, nextChange: '2026-03-08T04:00:00-04:00' });
    expect(Date.parse(state.nextChange!) - Date.parse('2026-03-07T23:00:00-05:00')).toBe(4 * 3600_000);
  });

  it('a Saturday night open past the autumn change closes at 04:00 wall time (an hour later)', () => {
    const h: OpeningHours[] = [{ day: 6, open: '20:00', close: '04:00' }];
    const state = openState(h, NY, new Date('2026-10-31T23:00:00-04:00'));
    expect(state).toEqual({ open: true, nextChange: '2026-11-01T04:00:00-05:00' });
    expect(Date.parse(state.nextChange!) - Date.parse('2026-10-31T23:00:00-04:00')).toBe(6 * 3600_000);
  });

  it('a closing in the repeated hour is its first occurrence, unless that has passed', () => {
    const h: OpeningHours[] = [{ day: 6, open: '20:00', close: '01:30' }];
    expect(openState(h, NY, new Date('2026-11-01T00:30:00-04:00')).nextChange).toBe('2026-11-01T01:30:00-04:00');
    expect(openState(h, NY, new Date('2026-11-01T01:10:00-05:00')).nextChange).toBe('2026-11-01T01:30:00-05:00');
  });

  it('a wall time the clocks skip moves on by the gap', () => {
    expect(instantAt('2026-03-08', 150, NY)).toBe('2026-03-08T03:30:00-04:00');
  });

  it('knows the wall clock on both sides of a change', () => {
    expect(wallClock(new Date('2026-03-08T06:59:00Z'), NY)).toEqual({ date: '2026-03-08', isoWeekday: 7, minuteOfDay: 119 });
    expect(wallClock(new Date('2026-03-08T07:00:00Z'), NY)).toEqual({ date: '2026-03-08', isoWeekday: 7, minuteOfDay: 180 });
  });
});

describe('hours arithmetic', () => {
  it('reads "HH:mm" as minutes, "24:00" as 1440', () => {
    expect(minutesOf('00:00')).toBe(0);
    expect(minutesOf('09:30')).toBe(570);
    expect(minutesOf('24:00')).toBe(1440);
  });

  it('an interval closing at or before its opening ends the next day; open = close is the whole day', () => {
    expect(durationMin({ day: 5, open: '22:00', close: '02:00' })).toBe(240);
    expect(durationMin({ day: 5, open: '08:00', close: '08:00' })).toBe(1440);
  });

  it("merges an interval past Sunday midnight with Monday's first one", () => {
    expect(
      weekIntervals([
        { day: 7, open: '22:00', close: '02:00' },
        { day: 1, open: '01:00', close: '05:00' },
      ]),
    ).toEqual([[6 * 1440 + 1320, 7 * 1440 + 300]]);
  });
});

/**
 * The oracle: a table of the week's minutes, filled from the contract's words (close at or
 * before open runs into the next day, open = close is 24 hours), walked minute by minute.
 */
function bruteForce(hours: OpeningHours[], weekMinute: number): { open: boolean; minutesToChange: number | null } {
  const WEEK = 7 * 1440;
  const table = new Uint8Array(WEEK);
  const mark = (from: number, to: number) => {
    for (let m = from; m < to; m++) table[m % WEEK] = 1;
  };
  for (const h of hours) {
    const o = minutesOf(h.open);
    const c = minutesOf(h.close);
    const dayStart = (h.day - 1) * 1440;
    if (c > o) mark(dayStart + o, dayStart + c);
    else {
      mark(dayStart + o, dayStart + 1440);
      mark(dayStart + 1440, dayStart + 1440 + c);
    }
  }
  const open = table[weekMinute] === 1;
  for (let k = 1; k <= WEEK; k++) if ((table[(weekMinute + k) % WEEK] === 1) !== open) return { open, minutesToChange: k };
  return { open, minutesToChange: null };
}

describe('openState agrees with a minute-by-minute walk over the week', () => {
  const hhmm = fc
    .oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 95 }).map((q) => q * 15) }, { weight: 1, arbitrary: fc.constantFrom(0, 1440, 1439, 1) })
    .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  const interval = fc.record({ day: fc.integer({ min: 1, max: 7 }), open: hhmm, close: hhmm });
  // Zones without daylight saving, with whole and fractional offsets.
  const zone = fc.constantFrom('Asia/Shanghai', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/Sao_Paulo', 'UTC');
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });

  it('for random schedules, zones and instants', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), zone, instant, (hours, tz, ms) => {
        const now = new Date(ms);
        const wall = wallClock(now, tz);
        const expected = bruteForce(hours, (wall.isoWeekday - 1) * 1440 + wall.minuteOfDay);
        const got = openState(hours, tz, now);
        expect(got.open).toBe(expected.open);
        if (expected.minutesToChange === null) expect(got.nextChange).toBeNull();
        else {
          const startOfMinute = Math.floor(ms / 60_000) * 60_000;
          expect(got.nextChange).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$|Z$/);
          expect(Date.parse(got.nextChange!)).toBe(startOfMinute + expected.minutesToChange * 60_000);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });
});
