/** What the riding page shows: zones and the nearest station around the rider, the end's outcome. Pure. */
import { distanceM } from '../../../shared/index';
import type { EndedRide, LatLng, NearbyItem } from '../../../shared/index';
import { distanceLabel, radiusLabel } from '../../../lib/distance-label';
import { SUMMARY_PAGE } from '../../lib/ride-view';

export type Station = Extract<NearbyItem, { kind: 'station' }>;

/** `<map polygons>` items (the typings declare no type for them). */
export interface ZonePolygon {
  points: { latitude: number; longitude: number }[];
  strokeWidth: number;
  strokeColor: string;
  fillColor: string;
  zIndex: number;
}

/** `<map markers>` items. */
export interface StationMarker {
  id: number;
  latitude: number;
  longitude: number;
  title: string;
  width: number;
  height: number;
  iconPath: string;
}

export interface ZoneView {
  polygons: ZonePolygon[];
  markers: StationMarker[];
  /** "人民广场停车点 · 67 m", or the sentence saying there is none within the search radius. */
  nearestText: string;
}

/** The stations of a `geo.nearby` answer, nearest first. */
export function stationsOf(items: readonly NearbyItem[]): Station[] {
  return items.filter((i): i is Station => i.kind === 'station');
}

/**
 * The parking zones around the rider as map polygons (the nearest stronger), the nearest marked.
 * GeoJSON rings are `[lng, lat]`; the map wants `{ latitude, longitude }`.
 */
export function zoneView(stations: readonly Station[], position: LatLng, searchRadiusM: number): ZoneView {
  const nearest = stations.length > 0 ? stations[0] : null;
  return {
    polygons: stations.map((s) => ({
      points: s.zone.coordinates[0].map(([lng, lat]) => ({ latitude: lat, longitude: lng })),
      strokeWidth: 2,
      strokeColor: s === nearest ? '#1a73e8' : '#1a73e888',
      fillColor: s === nearest ? '#1a73e833' : '#1a73e818',
      zIndex: 1,
    })),
    markers: nearest
      ? [{ id: 1, latitude: nearest.lat, longitude: nearest.lng, title: nearest.name, width: 28, height: 28, iconPath: '/images/marker-station.png' }]
      : [],
    nearestText: nearest ? `${nearest.name} · ${distanceLabel(distanceM(position, nearest))}` : `附近 ${radiusLabel(searchRadiusM)}内没有停车点`,
  };
}

/**
 * The summary page's address with the ended ride in its query (the summary makes no request).
 * @example summaryUrl({ id: 'R1', bikeCode: 'B0042', durationSec: 600, feeFen: 150, surchargeFen: 0, billId: 'RB1', ... })
 * // => '/packageRide/pages/ride-summary/index?rideId=R1&bikeCode=B0042&durationSec=600&feeFen=150&surchargeFen=0&billId=RB1'
 */
export function summaryUrl(ride: Pick<EndedRide, 'id' | 'bikeCode' | 'durationSec' | 'feeFen' | 'surchargeFen' | 'billId'>): string {
  const query = [
    `rideId=${encodeURIComponent(ride.id)}`,
    `bikeCode=${encodeURIComponent(ride.bikeCode)}`,
    `durationSec=${ride.durationSec}`,
    `feeFen=${ride.feeFen}`,
    `surchargeFen=${ride.surchargeFen}`,
    `billId=${encodeURIComponent(ride.billId ?? '')}`,
  ].join('&');
  return `${SUMMARY_PAGE}?${query}`;
}
