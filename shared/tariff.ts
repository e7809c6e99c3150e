/**
 * What a ride costs, in integer fen. Pure: durations and settings are arguments.
 */

export interface Tariff {
  /** A ride of at most this many seconds costs nothing (120). */
  freeSec: number;
  /** The billing unit (1800 s): every started unit of the whole ride costs `unitFeeFen`. */
  unitSec: number;
  unitFeeFen: number;
  /** Added when the rider ends outside every parking zone and accepts it (500). */
  parkingSurchargeFen: number;
  /** At most this much per started 24 h of a ride, surcharge excluded; null: no cap. */
  dailyCapFen: number | null;
}

export const DEFAULT_TARIFF: Tariff = Object.freeze({ freeSec: 120, unitSec: 1800, unitFeeFen: 150, parkingSurchargeFen: 500, dailyCapFen: null });

const DAY_SEC = 24 * 60 * 60;

/**
 * Fee for a ride, in fen: nothing up to `freeSec`, then `unitFeeFen` per started `unitSec` of the
 * whole ride; with a daily cap, each started 24 h of the ride costs at most `dailyCapFen`.
 * @example rideFeeFen(121, DEFAULT_TARIFF) // => 150
 * @example rideFeeFen(1801, DEFAULT_TARIFF) // => 300
 */
export function rideFeeFen(durationSec: number, tariff: Tariff): number {
  if (!(durationSec > tariff.freeSec)) return 0;
  const units = (sec: number) => Math.ceil(sec / tariff.unitSec) * tariff.unitFeeFen;
  const uncapped = units(durationSec);
  if (tariff.dailyCapFen === null) return uncapped;
  const fullDays = Math.floor(durationSec / DAY_SEC);
  const rest = durationSec - fullDays * DAY_SEC;
  return Math.min(uncapped, fullDays * tariff.dailyCapFen + Math.min(tariff.dailyCapFen, units(rest)));
}

/**
 * Seconds between two instants, whole seconds down (a ride of 120.9 s is a free 120 s ride).
 * @example rideDurationSec(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:02:01Z')) // => 121
 */
export function rideDurationSec(startAt: Date, endAt: Date): number {
  return Math.max(0, Math.floor((endAt.getTime() - startAt.getTime()) / 1000));
}

/** What the tariff reads from the environment (cloudbaserc.json; tests/unit/cloud-settings.test.ts). */
export const ENV_READS: readonly string[] = [
  'NEARBY_TARIFF_FREE_SEC',
  'NEARBY_TARIFF_UNIT_SEC',
  'NEARBY_TARIFF_UNIT_FEE_FEN',
  'NEARBY_TARIFF_SURCHARGE_FEN',
  'NEARBY_TARIFF_DAILY_CAP_FEN',
];

/**
 * The tariff from settings (the environment of a host or function): `NEARBY_TARIFF_FREE_SEC`,
 * `NEARBY_TARIFF_UNIT_SEC`, `NEARBY_TARIFF_UNIT_FEE_FEN`, `NEARBY_TARIFF_SURCHARGE_FEN`,
 * `NEARBY_TARIFF_DAILY_CAP_FEN` (empty or absent: no cap). Throws on a value that is not a
 * non-negative integer (a unit must be positive): a misconfigured tariff must not start.
 * @example tariffFrom({ NEARBY_TARIFF_DAILY_CAP_FEN: '2000' }).dailyCapFen // => 2000
 */
export function tariffFrom(env: Record<string, string | undefined>): Tariff {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, not "${raw}"`);
    return n;
  };
  const cap = env.NEARBY_TARIFF_DAILY_CAP_FEN;
  return {
    freeSec: read('NEARBY_TARIFF_FREE_SEC', DEFAULT_TARIFF.freeSec, 0),
    unitSec: read('NEARBY_TARIFF_UNIT_SEC', DEFAULT_TARIFF.unitSec, 1),
    unitFeeFen: read('NEARBY_TARIFF_UNIT_FEE_FEN', DEFAULT_TARIFF.unitFeeFen, 0),
    parkingSurchargeFen: read('NEARBY_TARIFF_SURCHARGE_FEN', DEFAULT_TARIFF.parkingSurchargeFen, 0),
    dailyCapFen: cap === undefined || cap.trim() === '' ? null : read('NEARBY_TARIFF_DAILY_CAP_FEN', 0, 0),
  };
}

/**
 * "¥1.50" from 150 fen, for pages.
 * @example yuan(150) // => '¥1.50'
 */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
