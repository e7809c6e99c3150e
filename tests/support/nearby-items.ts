/** Items as geo.nearby answers them (NearbyItem), for page and view tests. */
import type { NearbyItem } from '../../shared/contract/geo';

export type StoreItem = Extract<NearbyItem, { kind: 'store' }>;

/**
 * Store S001 街角咖啡, 348 m away, open every day 08:00–21:00 in Shanghai: on Wednesday 25 November
 * 2026 it is open, next closing at 21:00 (override any field).
 */
export const nearbyStore = (over: Partial<StoreItem> = {}): StoreItem => ({
  kind: 'store',
  id: 'S001',
  name: '街角咖啡',
  address: '南京东路 1 号',
  category: 'coffee',
  timezone: 'Asia/Shanghai',
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '21:00' })),
  slot: { minutes: 30, capacity: 4 },
  lat: 31.221,
  lng: 121.451,
  distance: 348,
  open: true,
  nextChange: '2026-11-25T21:00:00+08:00',
  ...over,
});
