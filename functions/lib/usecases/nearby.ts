import type { FoundItem, GetParams, GetResult, NearbyItem, NearbyParams, NearbyResult, SearchParams, SearchResult } from '../../../shared/contract/geo';
import { distanceM } from '../../../shared/geo';
import { openState } from '../../../shared/hours';
import type { Place } from '../../../shared/places';
import { fail, ok, type Result } from '../../../shared/result';
import { searchKey } from '../../../shared/search';
import type { PlaceHit, PlaceStore, SearchHit } from '../ports';
import { isFreeFor } from '../../../shared/ride';

/**
 * Places of one kind around a position, nearest first: stores with their open state in their own
 * time zone, stations with the bikes available in their zone, available bikes.
 */
export async function nearby(ports: { places: PlaceStore }, q: NearbyParams, now: Date, caller: string | null = null): Promise<Result<NearbyResult>> {
  const storeOpen = q.openNow === undefined ? undefined : (p: Place) => p.kind === 'store' && openState(p.openingHours, p.timezone, now).open === q.openNow;
  // A bike reserved by another rider is not available to the caller (shared/ride.ts isFreeFor).
  const free = (p: Place) => p.kind !== 'bike' || isFreeFor(p, caller, now);
  const accept = q.kind === 'store' ? storeOpen : q.kind === 'bike' ? free : undefined;
  const hits = await ports.places.nearby({
    kind: q.kind,
    center: { lat: q.lat, lng: q.lng },
    radiusM: q.radius,
    limit: q.limit,
    category: q.category,
    accept,
  });
  // Stations' free bikes in one go (CloudBase: one query for every zone of the answer, not one per
  // station), free for the caller by the same rule as the bikes above.
  const zones = hits.flatMap(({ place }) => (place.kind === 'station' ? [place.zone] : []));
  const counts = zones.length > 0 ? await ports.places.countAvailableBikesInZones(zones, { now, caller }) : [];
  let station = 0;
  const items = hits.map((hit) => describe(hit, now, () => counts[station++]));
  return ok({ items });
}

function describe({ place, distance }: PlaceHit, now: Date, nextCount: () => number): NearbyItem {
  switch (place.kind) {
    case 'store': {
      const { open, nextChange } = openState(place.openingHours, place.timezone, now);
      return { ...place, distance, open, nextChange };
    }
    case 'station':
      return { ...place, distance, bikesAvailable: nextCount() };
    case 'bike':
      return { kind: 'bike', id: place.id, code: place.code, lat: place.lat, lng: place.lng, distance };
  }
}

/** A store or station as nearby shows it, `distance` only when measured from a position. */
async function describeFound(ports: { places: PlaceStore }, found: SearchHit[], now: Date, caller: string | null): Promise<FoundItem[]> {
  const zones = found.flatMap(({ place }) => (place.kind === 'station' ? [place.zone] : []));
  const counts = zones.length > 0 ? await ports.places.countAvailableBikesInZones(zones, { now, caller }) : [];
  let station = 0;
  return found.map(({ place, distance }) => {
    const at = distance === undefined ? {} : { distance };
    if (place.kind === 'store') return { ...place, ...at, ...openState(place.openingHours, place.timezone, now) };
    return { ...place, ...at, bikesAvailable: counts[station++] };
  });
}

/**
 * Stores (or stations) whose name or address holds the query, compared in shared/search.ts form:
 * nearest first from a given position, else by name. A query that normalises to nothing finds nothing.
 */
export async function search(ports: { places: PlaceStore }, q: SearchParams, now: Date, caller: string | null = null): Promise<Result<SearchResult>> {
  const key = searchKey(q.q);
  if (key.length === 0) return ok({ items: [] });
  const center = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : undefined;
  const found = await ports.places.search({ kind: q.kind, key, center, limit: q.limit });
  return ok({ items: await describeFound(ports, found, now, caller) });
}

/** One store or station for a shared link, as nearby shows it; the distance from a given position. */
export async function getPlace(ports: { places: PlaceStore }, q: GetParams, now: Date, caller: string | null = null): Promise<Result<GetResult>> {
  const place = await ports.places.get(q.kind, q.id);
  if (place === null) return fail('NOT_FOUND', `id: no ${q.kind} "${q.id}"`);
  const distance = q.lat !== undefined && q.lng !== undefined ? distanceM({ lat: q.lat, lng: q.lng }, place) : undefined;
  const [item] = await describeFound(ports, [{ place, distance }], now, caller);
  return ok({ item });
}
