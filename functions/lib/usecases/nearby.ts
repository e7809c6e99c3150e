import type { NearbyItem, NearbyParams, NearbyResult } from '../../../shared/contract/geo';
import { openState } from '../../../shared/hours';
import type { Place } from '../../../shared/places';
import { holderOf } from '../../../shared/ride';
import { ok, type Result } from '../../../shared/result';
import type { PlaceHit, PlaceStore } from '../ports';

/**
 * Places of one kind around a position, nearest first: stores with their open state in their own
 * time zone, stations with the bikes available in their zone, available bikes.
 */
export async function nearby(ports: { places: PlaceStore }, q: NearbyParams, now: Date, caller: string | null = null): Promise<Result<NearbyResult>> {
  const storeOpen = q.openNow === undefined ? undefined : (p: Place) => p.kind === 'store' && openState(p.openingHours, p.timezone, now).open === q.openNow;
  // A bike reserved by another rider is not available to the caller (shared/ride.ts holderOf).
  const free = (p: Place) => p.kind !== 'bike' || [null, caller].includes(holderOf(p, now));
  const accept = q.kind === 'store' ? storeOpen : q.kind === 'bike' ? free : undefined;
  const hits = await ports.places.nearby({
    kind: q.kind,
    center: { lat: q.lat, lng: q.lng },
    radiusM: q.radius,
    limit: q.limit,
    category: q.category,
    accept,
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
