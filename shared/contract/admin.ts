import { z } from 'zod';
import { id, text } from './common';
import { placeInput } from './places';

export const MAX_PLACES_PER_CALL = 1000;

export const upsertPlacesParams = z.object({
  places: z
    .array(placeInput)
    .min(1, 'must hold at least one place')
    .max(MAX_PLACES_PER_CALL, `must hold at most ${MAX_PLACES_PER_CALL} places`)
    .superRefine((places, ctx) => {
      const seen = new Map<string, number>();
      places.forEach((p, i) => {
        const key = `${p.kind}:${p.id}`;
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats places[${first}] (${p.kind} "${p.id}")` });
        else seen.set(key, i);
      });
    }),
  crs: z.enum(['gcj02', 'wgs84', 'bd09']).default('gcj02'),
});

export const setStaffParams = z.object({
  openid: text(128),
  storeIds: z.array(id).max(100, 'must hold at most 100 stores'),
});

export type UpsertPlacesParams = z.infer<typeof upsertPlacesParams>;
export type SetStaffParams = z.infer<typeof setStaffParams>;
