import { MAX_PLACES_PER_CALL, setStaffParams, upsertPlacesParams, type SetStaffParams, type UpsertPlacesParams } from '../../../shared/contract/admin';
import { describeIssue } from '../../../shared/contract/common';
import type { Result } from '../../../shared/result';
import type { Ports } from '../ports';
import { setStaff, upsertPlaces } from './places';

// Bulk imports (the demo seed, an operator's file): every place checked by the contract's own
// schema first, then written through the admin use cases in batches of the contract's size.

/** Where the writes go: the two admin actions, as use cases or as calls. */
export interface Target {
  upsertPlaces(params: UpsertPlacesParams): Promise<Result<unknown>>;
  setStaff(params: SetStaffParams): Promise<Result<unknown>>;
}

/** The cloud: the use cases over the CloudBase adapters (or any ports: tests pass a fake's). */
export function portsTarget(ports: Pick<Ports, 'places' | 'staff'>): Target {
  return { upsertPlaces: (p) => upsertPlaces(ports, p), setStaff: (p) => setStaff(ports, p) };
}

export interface ImportReport {
  batches: number;
  upserted: number;
}

/**
 * Validates every place, then writes them in batches of 1,000 (staff after the places they name).
 * Throws, naming the place and field, before writing anything when one is bad.
 */
export async function writePlaces(
  target: Target,
  input: { places: unknown[]; crs?: string; staff?: SetStaffParams[] },
  progress: (line: string) => void = () => {},
): Promise<ImportReport> {
  const batches: UpsertPlacesParams[] = [];
  for (let i = 0; i < input.places.length; i += MAX_PLACES_PER_CALL) {
    const parsed = upsertPlacesParams.safeParse({ places: input.places.slice(i, i + MAX_PLACES_PER_CALL), crs: input.crs });
    if (!parsed.success) {
      // Name the place as it stands in the whole file, not in its batch.
      const message = describeIssue(parsed.error).replace(/^places\[(\d+)\]/, (_m, n) => `places[${i + Number(n)}]`);
      throw new Error(`nothing written: ${message}`);
    }
    batches.push(parsed.data);
  }
  const staff = (input.staff ?? []).map((s) => setStaffParams.parse(s));
  let upserted = 0;
  for (const [n, batch] of batches.entries()) {
    const written = await target.upsertPlaces(batch);
    if (!written.ok)
      throw new Error(
        `batch ${n + 1}/${batches.length} refused (${written.error.code}): ${written.error.message}; batches before it are written, run the command again to resume`,
      );
    upserted += batch.places.length;
    progress(`batch ${n + 1}/${batches.length}: ${batch.places.length} places upserted`);
  }
  for (const s of staff) {
    const set = await target.setStaff(s);
    if (!set.ok) throw new Error(`staff ${s.openid}: ${set.error.message}`);
    progress(`staff ${s.openid}: ${s.storeIds.join(', ')}`);
  }
  return { batches: batches.length, upserted };
}
