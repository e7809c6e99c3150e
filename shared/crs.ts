import gcoord from 'gcoord';
import type { LatLng, Polygon } from './geo';

/** Coordinate systems accepted on import; everything is stored in GCJ-02. */
export type Crs = 'gcj02' | 'wgs84' | 'bd09';

const FROM = { gcj02: gcoord.GCJ02, wgs84: gcoord.WGS84, bd09: gcoord.BD09 } as const;

/**
 * Converts a position to GCJ-02 (GPS surveys and OpenStreetMap are WGS84, Baidu data is BD-09).
 * @example toGcj02({ lat: 39.9087, lng: 116.3975 }, 'wgs84') // => { lat: 39.91, lng: 116.4037 } (about 500 m east)
 */
export function toGcj02(p: LatLng, crs: Crs): LatLng {
  if (crs === 'gcj02') return p;
  const [lng, lat] = gcoord.transform([p.lng, p.lat], FROM[crs], gcoord.GCJ02) as [number, number];
  return { lat, lng };
}

/** Converts every vertex of a zone to GCJ-02. */
export function zoneToGcj02(zone: Polygon, crs: Crs): Polygon {
  if (crs === 'gcj02') return zone;
  return {
    type: 'Polygon',
    coordinates: zone.coordinates.map((ring) =>
      ring.map(([lng, lat]) => {
        const p = toGcj02({ lat, lng }, crs);
        return [p.lng, p.lat] as [number, number];
      }),
    ),
  };
}
