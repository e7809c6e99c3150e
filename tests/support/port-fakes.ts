// Stand-ins for the ports a contract suite (tests/unit/ports/*.contract.test.ts) does not test but
// its use cases need: the stores it books, the staff of them, a repeatable random source.
import type { PlaceStore, StaffStore } from '../../functions/lib/ports';
import { seededRandom } from '../../functions/local/cloudbase-standin';
import type { RandomSource } from '../../shared/checkin-code';
import type { Store } from '../../shared/places';

/** A store open 09:00–21:00 every day in Shanghai, with these slots (and `Store ${id}` unless named). */
export function testStore(id: string, slot: Store['slot'], name = `Store ${id}`): Store {
  return {
    kind: 'store',
    id,
    name,
    address: '1 Test Road',
    lat: 31.23,
    lng: 121.47,
    category: 'coffee',
    timezone: 'Asia/Shanghai',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })),
    slot,
  };
}

/** The places port as far as bookings use it: `get` of these stores; anything else is refused as unused. */
export function storesOnly(stores: readonly Store[]): PlaceStore {
  const byId = new Map(stores.map((s) => [s.id, s]));
  const unused = () => Promise.reject(new Error('not used by bookings'));
  return {
    get: async (kind, id) => ((kind === 'store' ? byId.get(id) : undefined) ?? null) as never,
    getMany: async (kind, ids) => new Map(kind === 'store' ? ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)]] : [])) : []) as never,
    upsert: unused,
    nearby: unused,
    countAvailableBikesIn: unused,
    countAvailableBikesInZones: unused,
    missing: unused,
    search: unused,
  };
}

/**
 * The staff port over fixed answers, each direction given as the suite wants it (they need not
 * agree: a suite may tell one staff member's stores and another set of staff to notify).
 */
export function staffRoster(roster: { storesOf: Record<string, readonly string[]>; staffOf: Record<string, readonly string[]> }): StaffStore {
  return {
    set: async () => {},
    storesOf: async (openid) => [...(roster.storesOf[openid] ?? [])],
    staffOf: async (storeId) => [...(roster.staffOf[storeId] ?? [])],
  };
}

/** A repeatable random source (ids and codes the same on every run of a world). */
export function seededSource(seed: number): RandomSource {
  const next = seededRandom(seed);
  return { bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)) };
}
