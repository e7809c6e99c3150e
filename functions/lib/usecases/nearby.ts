import type { NearbyItem, NearbyParams, NearbyResult } from '../../../shared/contract/geo';
import { openState } from '../../../shared/hours';
import type { Place } from '../../../shared/places';
import { ok, type Result } from '../../../shared/result';
import type { PlaceHit, PlaceStore } from '../ports';

/**
 * Places of one kind around a position, nearest first: stores with their open state in their own
 * time zone, stations with the bikes available in their zone, available bikes.
 */
export async function nearby(ports: { places: PlaceStore }, q: NearbyParams, now: Date): Promise<Result<NearbyResult>> {
  const accept = q.openNow === undefined ? undefined : (p: Place) => p.kind === 'store' && openState(p.openingHours, p.timezone, now).open === q.openNow;
  const hits = await ports.places.nearby({
    kind: q.kind,
    center: { lat: q.lat, lng: q.lng },
    radiusM: q.radius,
    limit: q.limit,
    category: q.category,
    accept: q.kind === 'store' ? accept : undefined,
  });
  // Stations' free bikes in one go (CloudBase: one query for every zone of the answer, not one per station).
  const zones = hits.flatMap(({ place }) => (place.kind === 'station' ? [place.zone] : []));
  const counts = zones.length > 0 ? await ports.places.countAvailableBikesInZones(zones) : [];
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
