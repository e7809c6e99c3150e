import type { LatLng } from '../../shared/geo';
import type { Store } from '../../shared/places';

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
