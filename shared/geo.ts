import { booleanPointInPolygon } from '@turf/turf';

/** A position in GCJ-02 degrees, as `wx.getLocation({ type: 'gcj02' })` and `<map>` give it. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A GeoJSON Polygon: rings of `[lng, lat]` positions, the first ring the outer one. */
export interface Polygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

/** Earth radius of the contract's haversine, in metres (Turf's). */
export const EARTH_RADIUS_M = 6371008.8;

/**
 * Great-circle distance in metres (haversine, Earth radius 6371008.8 m, as Turf).
 * @example distanceM({ lat: 31.2304, lng: 121.4737 }, { lat: 31.2404, lng: 121.4737 }) // => ~1111.95
 */
export function distanceM(a: LatLng, b: LatLng): number {
  return distancesFromM(a)(b.lat, b.lng);
}

/** Turf's degreesToRadians, bit for bit. */
const radians = (degrees: number) => ((degrees % 360) * Math.PI) / 180;

/**
 * A measure of distances from one centre, in metres: Turf's haversine computed in the same order
 * (so the same value to the last bit), with the centre's share computed once. For hot loops.
 * @example const from = distancesFromM({ lat: 31.2304, lng: 121.4737 }); from(31.2404, 121.4737) // => ~1111.95
 */
export function distancesFromM(center: LatLng): (lat: number, lng: number) => number {
  const cosLat1 = Math.cos(radians(center.lat));
  return (lat, lng) => {
    const dLat = radians(lat - center.lat);
    const dLng = radians(lng - center.lng);
    const a = Math.pow(Math.sin(dLat / 2), 2) + Math.pow(Math.sin(dLng / 2), 2) * cosLat1 * Math.cos(radians(lat));
    return 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)) * EARTH_RADIUS_M;
  };
}

/** A box of degrees; `minLng > maxLng` never happens: a box across the antimeridian is split in two. */
export interface BoxDeg {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

const toRad = Math.PI / 180;
const toDeg = 180 / Math.PI;

/**
 * The boxes (one, or two across the antimeridian) that contain every point within `radiusM` of
 * `center` on the sphere: exact latitude extent, longitude extent from the cap's tangent meridians.
 * @example boxesAround({ lat: 0, lng: 179.99 }, 5000) // => two boxes, one each side of ±180°
 */
export function boxesAround(center: LatLng, radiusM: number): BoxDeg[] {
  const delta = radiusM / EARTH_RADIUS_M; // angular radius
  const lat = center.lat * toRad;
  const minLat = lat - delta;
  const maxLat = lat + delta;
  // A little slack for float rounding; the exact distance decides afterwards.
  const slack = 1e-9;
  if (maxLat >= Math.PI / 2 || minLat <= -Math.PI / 2 || delta >= Math.PI) {
    return [{ minLat: Math.max(minLat * toDeg, -90) - slack, maxLat: Math.min(maxLat * toDeg, 90) + slack, minLng: -180, maxLng: 180 }];
  }
  const dLng = Math.asin(Math.min(1, Math.sin(delta) / Math.cos(lat))) * toDeg + slack;
  const box = { minLat: minLat * toDeg - slack, maxLat: maxLat * toDeg + slack };
  const west = center.lng - dLng;
  const east = center.lng + dLng;
  if (dLng >= 180) return [{ ...box, minLng: -180, maxLng: 180 }];
  if (west < -180)
    return [
      { ...box, minLng: west + 360, maxLng: 180 },
      { ...box, minLng: -180, maxLng: east },
    ];
  if (east > 180)
    return [
      { ...box, minLng: west, maxLng: 180 },
      { ...box, minLng: -180, maxLng: east - 360 },
    ];
  return [{ ...box, minLng: west, maxLng: east }];
}

/**
 * Whether a position lies inside a zone; a position on the boundary counts as inside.
 * @example pointInZone({ lat: 0.5, lng: 0.5 }, square) // => true
 */
export function pointInZone(point: LatLng, zone: Polygon): boolean {
  return booleanPointInPolygon([point.lng, point.lat], zone, { ignoreBoundary: false });
}

/**
 * The bounding box of a polygon's outer ring, in degrees.
 * @example zoneBox({ type: 'Polygon', coordinates: [[[0,0],[1,0],[1,1],[0,0]]] }) // => { minLat: 0, maxLat: 1, minLng: 0, maxLng: 1 }
 */
export function zoneBox(zone: Polygon): BoxDeg {
  let minLat = Infinity,
    maxLat = -Infinity,
    minLng = Infinity,
    maxLng = -Infinity;
  for (const [lng, lat] of zone.coordinates[0]) {
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
    if (lng < minLng) minLng = lng;
    if (lng > maxLng) maxLng = lng;
  }
  return { minLat, maxLat, minLng, maxLng };
}

/**
 * Nearest first, ties by id (code-unit order): the order of every nearby answer.
 * @example [{ id: 'b', distance: 1 }, { id: 'a', distance: 1 }].sort(byDistanceThenId) // => a, b
 */
export function byDistanceThenId(a: { id: string; distance: number }, b: { id: string; distance: number }): number {
  if (a.distance !== b.distance) return a.distance - b.distance;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
