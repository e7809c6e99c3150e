import fc from 'fast-check';
import { checkDate, checkInstant, MAX_YEAR, MIN_YEAR } from '../../shared/time';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const daysIn = (y: number, mo: number) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];

describe('checkDate and checkInstant accept exactly the dates and times that exist', () => {
  it('a date passes iff its year is 2000..2099, its month 1..12 and its day within the month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, mo, d) => {
        const real = y >= MIN_YEAR && y <= MAX_YEAR && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
        expect(checkDate(`${pad(y, 4)}-${pad(mo)}-${pad(d)}`).ok).toBe(real);
      }),
      { numRuns: 5000 },
    );
  });

  it('an instant passes iff every field exists, and then means the wall time minus its offset', () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1990, max: 2110 }),
          mo: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 25 }),
          mi: fc.integer({ min: 0, max: 61 }),
          s: fc.integer({ min: 0, max: 61 }),
          oh: fc.integer({ min: -16, max: 16 }),
          om: fc.constantFrom(0, 30, 45, 60),
        }),
        ({ y, mo, d, h, mi, s, oh, om }) => {
          const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${oh < 0 ? '-' : '+'}${pad(Math.abs(oh))}:${pad(om)}`;
          const real =
            y >= MIN_YEAR &&
            y <= MAX_YEAR &&
            mo >= 1 &&
            mo <= 12 &&
            d >= 1 &&
            d <= daysIn(y, mo) &&
            h <= 23 &&
            mi <= 59 &&
            s <= 59 &&
            Math.abs(oh) <= 14 &&
            om <= 59;
          const checked = checkInstant(text);
          expect(checked.ok).toBe(real);
          if (checked.ok) expect(checked.value).toBe(Date.UTC(y, mo - 1, d, h, mi, s) - Math.sign(oh || 1) * (Math.abs(oh) * 60 + om) * 60_000);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    '1',
    '2026-11-25T10:00:00',
    '2026-11-25 10:00:00+08:00',
    '2026-11-25T10:00+0800',
    '+002026-11-25T10:00:00Z',
    `2026-11-25T10:00:00.${'0'.repeat(40)}Z`,
  ])('refuses the shape %s', (text) => {
    expect(checkInstant(text)).toEqual({ ok: false, message: expect.stringMatching(/^must be an ISO 8601 time with an offset/) });
  });

  it('takes minutes-only, fractions and Z', () => {
    expect(checkInstant('2026-11-25T10:00+08:00')).toEqual({ ok: true, value: Date.parse('2026-11-25T02:00:00Z') });
    expect(checkInstant('2026-11-25T02:00:00.250Z')).toEqual({ ok: true, value: Date.parse('2026-11-25T02:00:00.250Z') });
  });
});
