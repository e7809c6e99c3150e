/**
 * A distance for people: metres under 1 km (to 10 m from 100 m on), kilometres with one decimal
 * under 10 km, whole kilometres beyond.
 * @example distanceLabel(86) // => '86 m'
 * @example distanceLabel(1234) // => '1.2 km'
 */
export function distanceLabel(distanceM: number): string {
  if (!Number.isFinite(distanceM) || distanceM < 0) return '';
  if (distanceM < 100) return `${Math.round(distanceM)} m`;
  if (distanceM < 995) return `${Math.round(distanceM / 10) * 10} m`;
  if (distanceM < 9950) return `${(distanceM / 1000).toFixed(1)} km`;
  return `${Math.round(distanceM / 1000)} km`;
}

/**
 * A search radius in words.
 * @example radiusLabel(3000) // => '3 公里'
 * @example radiusLabel(500) // => '500 米'
 */
export function radiusLabel(radiusM: number): string {
  return radiusM >= 1000 ? `${Math.round((radiusM / 1000) * 10) / 10} 公里` : `${Math.round(radiusM)} 米`;
}
