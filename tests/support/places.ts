import type { LatLng, Polygon } from '../../shared/geo';
import type { Station, Store } from '../../shared/places';

/** A store at a point: a cafe open Mondays 09:00-18:00, slots of 30 minutes for 4 (override any field). */
export function store(id: string, at: LatLng, extra: Partial<Store> = {}): Store {
  return {
    kind: 'store',
    id,
    name: `Store ${id}`,
    address: 'Somewhere 1',
    lat: at.lat,
    lng: at.lng,
    category: 'cafe',
    timezone: 'Asia/Shanghai',
    openingHours: [{ day: 1, open: '09:00', close: '18:00' }],
    slot: { minutes: 30, capacity: 4 },
    ...extra,
  };
}

/**
 * A GeoJSON polygon written as WKT writes one: rings of "lng lat" pairs, comma separated, holes
 * after the outer ring ("0 0, 1 0, 1 1, 0 1, 0 0", "0.4 0.4, …"). Exactly the positions written: a
 * ring is closed only if written so (tests of bad zones need open and short rings).
 */
export function polygon(...rings: string[]): Polygon {
  return { type: 'Polygon', coordinates: rings.map((ring) => ring.split(',').map((pair) => pair.trim().split(/\s+/).map(Number) as [number, number])) };
}

/** A closed square zone with its south-west corner at (lat, lng), `size` degrees a side (0.001: about 110 m by 95 m at Shanghai). */
export function square(lat: number, lng: number, size = 0.001): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng, lat],
        [lng + size, lat],
        [lng + size, lat + size],
        [lng, lat + size],
        [lng, lat],
      ],
    ],
  };
}

/** A station at a point, its zone the small closed triangle (lng lat, lng+0.001 lat, lng+0.001 lat+0.001) (override any field). */
export function station(id: string, at: LatLng, extra: Partial<Station> = {}): Station {
  const { lat, lng } = at;
  return {
    kind: 'station',
    id,
    name: `Station ${id}`,
    lat,
    lng,
    zone: polygon(`${lng} ${lat}, ${lng + 0.001} ${lat}, ${lng + 0.001} ${lat + 0.001}, ${lng} ${lat}`),
    ...extra,
  };
}
