import * as z from 'zod/mini';
import { id, text } from './common';
import { placeInput } from './places';

export const MAX_PLACES_PER_CALL = 1000;

export const upsertPlacesParams = z.object({
  places: z.array(placeInput).check(
    z.minLength(1, 'must hold at least one place'),
    z.maxLength(MAX_PLACES_PER_CALL, `must hold at most ${MAX_PLACES_PER_CALL} places`),
    z.superRefine((places: Array<{ kind: string; id: string }>, ctx) => {
      const seen = new Map<string, number>();
      places.forEach((p, i) => {
        const key = `${p.kind}:${p.id}`;
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats places[${first}] (${p.kind} "${p.id}")`, input: places });
        else seen.set(key, i);
      });
    }),
  ),
  crs: z._default(z.enum(['gcj02', 'wgs84', 'bd09']), 'gcj02'),
});

export const setStaffParams = z.object({
  openid: text(128),
  storeIds: z.array(id).check(z.maxLength(100, 'must hold at most 100 stores')),
});

/** Any signed-in caller: their own OPENID (how an operator learns the first admin's). */
export const whoamiParams = z.object({});

export type UpsertPlacesParams = z.infer<typeof upsertPlacesParams>;
export type SetStaffParams = z.infer<typeof setStaffParams>;

export interface WhoamiResult {
  openid: string;
  /** Whether NEARBY_ADMIN_OPENIDS lists the caller. */
  admin: boolean;
}
