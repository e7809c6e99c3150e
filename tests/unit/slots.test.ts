import fc from 'fast-check';
import { addDays, bookableDates, checkSlotStart, placesLeft, slotsOn, storeToday, type SlotRules } from '../../shared/slots';

const shanghai = (openingHours: SlotRules['openingHours'], minutes = 60): SlotRules => ({
  timezone: 'Asia/Shanghai',
  openingHours,
  slot: { minutes, capacity: 3 },
});

describe('slotsOn', () => {
  // 2026-11-25 is a Wednesday (ISO weekday 3).
  it('lays slots from the open time, each ending by the close', () => {
    const slots = slotsOn(shanghai([{ day: 3, open: '09:00', close: '11:30' }]), '2026-11-25');
    expect(slots.map((s) => [s.start, s.end])).toEqual([
      ['2026-11-25T09:00:00+08:00', '2026-11-25T10:00:00+08:00'],
      ['2026-11-25T10:00:00+08:00', '2026-11-25T11:00:00+08:00'],
    ]);
  });

  it('gives no slots on a day the store is closed', () => {
    expect(slotsOn(shanghai([{ day: 3, open: '09:00', close: '17:00' }]), '2026-11-26')).toEqual([]);
  });

  it('gives hours past midnight to the day they started, not the next', () => {
    const store = shanghai([{ day: 5, open: '22:00', close: '02:00' }]);
    const friday = slotsOn(store, '2026-11-27');
    expect(friday.map((s) => s.start)).toEqual([
      '2026-11-27T22:00:00+08:00',
      '2026-11-27T23:00:00+08:00',
      '2026-11-28T00:00:00+08:00',
      '2026-11-28T01:00:00+08:00',
    ]);
    expect(friday.every((s) => s.date === '2026-11-27')).toBe(true);
    expect(slotsOn(store, '2026-11-28')).toEqual([]);
  });

  it('starts the grid of each interval at its own open time', () => {
    const slots = slotsOn(
      shanghai(
        [
          { day: 3, open: '09:00', close: '10:00' },
          { day: 3, open: '13:30', close: '15:00' },
        ],
        45,
      ),
      '2026-11-25',
    );
    expect(slots.map((s) => s.start.slice(11, 16))).toEqual(['09:00', '13:30', '14:15']);
  });

  it('treats open = close as open all day', () => {
    expect(slotsOn(shanghai([{ day: 3, open: '00:00', close: '00:00' }], 30), '2026-11-25')).toHaveLength(48);
  });

  it('keeps slots a real hour long across the spring-forward night in New York', () => {
    // 2026-03-08 (Sunday): 02:00 EST jumps to 03:00 EDT.
    const store: SlotRules = { timezone: 'America/New_York', openingHours: [{ day: 7, open: '00:00', close: '05:00' }], slot: { minutes: 60, capacity: 1 } };
    const slots = slotsOn(store, '2026-03-08');
    expect(slots.map((s) => s.start)).toEqual([
      '2026-03-08T00:00:00-05:00',
      '2026-03-08T01:00:00-05:00',
      '2026-03-08T03:00:00-04:00',
      '2026-03-08T04:00:00-04:00',
    ]);
    for (const s of slots) expect(Date.parse(s.end) - Date.parse(s.start)).toBe(3_600_000);
  });

  it('gives the repeated hour its own slot on the fall-back night in New York', () => {
    // 2026-11-01 (Sunday): 02:00 EDT falls back to 01:00 EST.
    const store: SlotRules = { timezone: 'America/New_York', openingHours: [{ day: 7, open: '00:00', close: '03:00' }], slot: { minutes: 60, capacity: 1 } };
    expect(slotsOn(store, '2026-11-01').map((s) => s.start)).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T02:00:00-05:00',
    ]);
  });

  it('never lays a slot outside its interval, nor two at one instant (any hours, any zone)', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 3 }))
      .map(([h, q]) => `${String(h).padStart(2, '0')}:${String(q * 15).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 7 }), open: hhmm, close: hhmm }), { maxLength: 4 }),
        fc.constantFrom(15, 30, 45, 60, 90),
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London'),
        fc.integer({ min: 0, max: 400 }),
        (hours, minutes, timezone, dayOffset) => {
          const date = addDays('2026-01-01', dayOffset);
          const slots = slotsOn({ timezone, openingHours: hours, slot: { minutes, capacity: 1 } }, date);
          const starts = slots.map((s) => Date.parse(s.start));
          expect(new Set(starts).size).toBe(starts.length);
          for (const s of slots) {
            expect(Date.parse(s.end) - Date.parse(s.start)).toBe(minutes * 60_000);
            // Every slot is one the validator accepts as a grid slot.
            const check = checkSlotStart({ timezone, openingHours: hours, slot: { minutes, capacity: 1 } }, s.start, new Date(Date.parse(s.start) - 3_600_000));
            expect(check.ok).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('bookableDates', () => {
  it('is the store-local today and the next six dates', () => {
    // 17:00 UTC on the 25th is already the 26th in Shanghai.
    expect(bookableDates('Asia/Shanghai', new Date('2026-11-25T17:00:00Z'))).toEqual({ first: '2026-11-26', last: '2026-12-02' });
    expect(bookableDates('America/New_York', new Date('2026-11-25T17:00:00Z'))).toEqual({ first: '2026-11-25', last: '2026-12-01' });
  });
});

describe("storeToday (the phone's guess at a store's today, before the store's answer)", () => {
  it("reads the date at UTC+8 by default (Asia/Shanghai), whatever the phone's zone", () => {
    // 2026-11-25T16:30Z: 11:30 on Wednesday in New York, already 00:30 on Thursday in Shanghai.
    expect(storeToday(new Date('2026-11-25T16:30:00Z'))).toBe('2026-11-26');
    expect(storeToday(new Date('2026-11-25T15:59:59Z'))).toBe('2026-11-25');
    // A store west of UTC (New York in winter, UTC-5): still Wednesday there.
    expect(storeToday(new Date('2026-11-25T16:30:00Z'), -300)).toBe('2026-11-25');
  });
});

describe('placesLeft', () => {
  it('counts the places a slot has left, never below 0', () => {
    expect([placesLeft(4, 0), placesLeft(4, 3), placesLeft(4, 4), placesLeft(2, 3)]).toEqual([4, 1, 0, 0]);
  });
});

describe('checkSlotStart', () => {
  const store = shanghai([1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })));
  const now = new Date('2026-11-25T01:00:00Z'); // 09:00 in Shanghai, Wednesday

  it('accepts a slot later today, written in any offset', () => {
    expect(checkSlotStart(store, '2026-11-25T12:00:00+08:00', now)).toMatchObject({ ok: true, slot: { start: '2026-11-25T12:00:00+08:00' } });
    expect(checkSlotStart(store, '2026-11-25T04:00:00Z', now)).toMatchObject({ ok: true, slot: { start: '2026-11-25T12:00:00+08:00' } });
  });

  it('refuses a start off the grid as INVALID_ARGUMENT', () => {
    expect(checkSlotStart(store, '2026-11-25T12:15:00+08:00', now)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', reason: 'OFF_GRID' });
    expect(checkSlotStart(store, '2026-11-25T12:00:30+08:00', now)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('refuses a grid time outside the hours as FAILED_PRECONDITION', () => {
    expect(checkSlotStart(store, '2026-11-25T22:00:00+08:00', now)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'OUTSIDE_HOURS' });
    // 20:30 would end after the 21:00 close... with 60-minute slots it is off the grid, so try 20:00 + 90-minute slots.
    expect(checkSlotStart(shanghai([{ day: 3, open: '09:00', close: '21:00' }], 90), '2026-11-25T21:00:00+08:00', now)).toMatchObject({
      reason: 'OUTSIDE_HOURS',
    });
  });

  it('refuses a slot that has started', () => {
    expect(checkSlotStart(store, '2026-11-25T09:00:00+08:00', now)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED' });
    expect(checkSlotStart(store, '2026-11-20T10:00:00+08:00', now)).toMatchObject({ reason: 'SLOT_STARTED' });
  });

  it('opens slots of today and the next six dates, no later', () => {
    expect(checkSlotStart(store, '2026-12-01T20:00:00+08:00', now).ok).toBe(true);
    expect(checkSlotStart(store, '2026-12-02T09:00:00+08:00', now)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'TOO_FAR_AHEAD' });
  });

  it('counts a past-midnight slot in the date its interval started', () => {
    const late = shanghai([{ day: 1, open: '22:00', close: '02:00' }]);
    // Monday 2026-11-30 is the last bookable date from Wednesday the 25th (26th..1st would be 7 dates from the 26th).
    const mondayNight = checkSlotStart(late, '2026-12-01T01:00:00+08:00', now);
    expect(mondayNight).toMatchObject({ ok: true, slot: { date: '2026-11-30' } });
  });
});
