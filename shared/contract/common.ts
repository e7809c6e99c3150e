import { z } from 'zod';
import { checkDate, checkInstant, isTimeZone } from '../time';

/** Short identifiers: store, station and bike ids, booking ids. */
export const id = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may hold only letters, digits and _ . : -');

export const lat = z.number().finite().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90');
export const lng = z.number().finite().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180');

/** A display text: trimmed length between 1 and `max`. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time "HH:mm"');

export const timezone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as "Asia/Shanghai"');

/** A calendar date that exists, in 2000..2099 (shared/time's checkDate). */
export const date = z.string().superRefine((s, ctx) => {
  const checked = checkDate(s);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
});

/** An ISO 8601 instant with an offset (or Z) whose every field exists, in 2000..2099 (shared/time's checkInstant). */
export const instant = z.string().superRefine((s, ctx) => {
  const checked = checkInstant(s);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
});

/** A client-chosen idempotency key. */
export const requestId = z.string().min(1).max(64, 'must be at most 64 characters');

const position = z.tuple([lng, lat]);

/** A GeoJSON Polygon of `[lng, lat]` rings: closed, at least 4 positions a ring. */
export const polygon = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(
      z
        .array(position)
        .min(4, 'a ring needs at least 4 positions')
        .max(1000, 'a ring may have at most 1000 positions')
        .refine((ring) => {
          const a = ring[0];
          const b = ring[ring.length - 1];
          return a[0] === b[0] && a[1] === b[1];
        }, 'a ring must be closed (first position = last)'),
    )
    .min(1, 'needs an outer ring')
    .max(20),
});

/** Turns the first issue of a failed parse into "field.path: what is wrong". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
  if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.join(', ')}`;
  return path ? `${path}: ${message}` : message;
}
