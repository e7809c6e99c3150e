import fc from 'fast-check';
import { DEFAULT_TARIFF_FEES } from '../support/tariff-cases';
import { DEFAULT_TARIFF, rideDurationSec, rideFeeFen, tariffFrom, yuan } from '../../shared/tariff';

describe('rideFeeFen with the default tariff (120 s free, then 150 fen per started 30 min)', () => {
  it.each([...DEFAULT_TARIFF_FEES, [1, 0]])('charges a ride of %i s %i fen', (durationSec, fen) => {
    expect(rideFeeFen(durationSec, DEFAULT_TARIFF)).toBe(fen);
  });

  it('counts the free two minutes into the first unit once the ride is longer', () => {
    expect(rideFeeFen(121, DEFAULT_TARIFF)).toBe(rideFeeFen(1800, DEFAULT_TARIFF));
  });

  it('never charges less for a longer ride, and always a whole number of fen', () => {
    fc.assert(
      fc.property(fc.nat(200000), fc.nat(5000), (d, extra) => {
        const a = rideFeeFen(d, DEFAULT_TARIFF);
        expect(Number.isInteger(a)).toBe(true);
        expect(rideFeeFen(d + extra, DEFAULT_TARIFF)).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});

describe('a daily cap', () => {
  const capped = { ...DEFAULT_TARIFF, dailyCapFen: 2000 };

  it('leaves a ride under the cap as it is', () => {
    expect(rideFeeFen(1801, capped)).toBe(300);
  });

  it('stops a ten-hour ride at the cap', () => {
    expect(rideFeeFen(10 * 3600, capped)).toBe(2000);
  });

  it('caps each started day of a ride: 25 h costs one cap plus the started hour', () => {
    expect(rideFeeFen(25 * 3600, capped)).toBe(2000 + 300);
  });

  it('is exactly the cap at 24 h', () => {
    expect(rideFeeFen(24 * 3600, capped)).toBe(2000);
  });

  it('never charges more than without the cap', () => {
    fc.assert(fc.property(fc.nat(400000), (d) => expect(rideFeeFen(d, capped)).toBeLessThanOrEqual(rideFeeFen(d, DEFAULT_TARIFF))));
  });
});

describe('rideDurationSec', () => {
  it('counts whole seconds down', () => {
    expect(rideDurationSec(new Date('2026-01-01T00:00:00.000Z'), new Date('2026-01-01T00:02:00.900Z'))).toBe(120);
  });
  it('is never negative', () => {
    expect(rideDurationSec(new Date('2026-01-01T00:01:00Z'), new Date('2026-01-01T00:00:00Z'))).toBe(0);
  });
});

describe('tariffFrom (the environment)', () => {
  it('gives the default tariff without settings', () => {
    expect(tariffFrom({})).toEqual(DEFAULT_TARIFF);
  });
  it('reads every setting, a daily cap included', () => {
    expect(
      tariffFrom({
        NEARBY_TARIFF_FREE_SEC: '60',
        NEARBY_TARIFF_UNIT_SEC: '900',
        NEARBY_TARIFF_UNIT_FEE_FEN: '100',
        NEARBY_TARIFF_SURCHARGE_FEN: '800',
        NEARBY_TARIFF_DAILY_CAP_FEN: '2000',
      }),
    ).toEqual({ freeSec: 60, unitSec: 900, unitFeeFen: 100, parkingSurchargeFen: 800, dailyCapFen: 2000 });
  });
  it('refuses a setting that is not a whole number of fen or seconds', () => {
    expect(() => tariffFrom({ NEARBY_TARIFF_UNIT_FEE_FEN: '1.5' })).toThrow(/NEARBY_TARIFF_UNIT_FEE_FEN/);
    expect(() => tariffFrom({ NEARBY_TARIFF_UNIT_SEC: '0' })).toThrow(/NEARBY_TARIFF_UNIT_SEC/);
  });
});

it('shows fen as yuan', () => {
  expect(yuan(0)).toBe('¥0.00');
  expect(yuan(150)).toBe('¥1.50');
  expect(yuan(12345)).toBe('¥123.45');
});
