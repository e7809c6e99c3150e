/**
 * Ride fees under the default tariff, worked out by hand (not with rideFeeFen): the first 120 s are
 * free; past them the ride pays 150 fen for every started 30 minutes counted from its start, so
 * 121 s and 1800 s pay one unit, 1801 s and 3600 s two, 3601 s three. [seconds, fen].
 */
export const DEFAULT_TARIFF_FEES: Array<[durationSec: number, fen: number]> = [
  [0, 0],
  [120, 0],
  [121, 150],
  [1800, 150],
  [1801, 300],
  [3600, 300],
  [3601, 450],
];
