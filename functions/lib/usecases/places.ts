import type { SetStaffParams, UpsertPlacesParams } from '../../../shared/contract/admin';
import type { PlaceInput } from '../../../shared/contract/places';
import { toGcj02, zoneToGcj02, type Crs } from '../../../shared/crs';
import type { Place } from '../../../shared/places';
import { fail, ok, type Result } from '../../../shared/result';
import { DEFAULT_TIMEZONE } from '../../../shared/time';
import type { PlaceStore, StaffStore } from '../ports';

/** A place as imported, converted to GCJ-02 and with its defaults resolved. */
export function toStoredPlace(input: PlaceInput, crs: Crs): Place {
  const { lat, lng } = toGcj02({ lat: input.lat, lng: input.lng }, crs);
  switch (input.kind) {
    case 'store':
      return { ...input, lat, lng, timezone: input.timezone ?? DEFAULT_TIMEZONE };
    case 'station':
      return { ...input, lat, lng, zone: zoneToGcj02(input.zone, crs) };
    case 'bike':
      return { ...input, lat, lng };
  }
}

/** What an import answers; `deferred` only when some ridden bike's maintenance waits for its ride's end. */
export interface UpsertPlacesResult {
  upserted: number;
  deferred?: { id: string; status: 'maintenance'; until: 'ride-end' }[];
}

/**
 * Imports up to 1,000 places at once, all or nothing. A ridden bike stays `riding`; `maintenance`
 * for it is kept and applied when its ride ends (listed in `deferred`).
 */
export async function upsertPlaces(ports: { places: PlaceStore }, params: UpsertPlacesParams): Promise<Result<UpsertPlacesResult>> {
  const places = params.places.map((p) => toStoredPlace(p, params.crs));
  const written = await ports.places.upsert(places);
  if (!written.ok) return fail('ALREADY_EXISTS', written.conflict);
  if (written.deferred.length === 0) return ok({ upserted: places.length });
  return ok({ upserted: places.length, deferred: written.deferred.map((id) => ({ id, status: 'maintenance' as const, until: 'ride-end' as const })) });
}

/** Makes a caller staff of some stores (an empty list ends it). */
export async function setStaff(
  ports: { places: PlaceStore; staff: StaffStore },
  params: SetStaffParams,
): Promise<Result<{ staff: { openid: string; storeIds: string[] } }>> {
  const storeIds = [...new Set(params.storeIds)];
  const missing = await ports.places.missing('store', storeIds);
  if (missing.length > 0) return fail('NOT_FOUND', `storeIds: no store "${missing[0]}"`);
  await ports.staff.set(params.openid, storeIds);
  return ok({ staff: { openid: params.openid, storeIds } });
}
