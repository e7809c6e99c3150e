// Validation through zod/mini: the same checks as zod's classic API, functions instead of methods,
// so that a bundle holds only the checks it uses (about 25 KB instead of zod's 189 KiB).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { checkDate, checkInstant, isTimeZone } from '../time';

// zod/mini ships no messages ("Invalid input" only): the English ones, as zod's classic API sets.
z.config(en());

/** Short identifiers: store, station and bike ids, booking ids. */
export const id = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(64, 'must be at most 64 characters'),
    z.regex(/^[A-Za-z0-9_.:-]+$/, 'may hold only letters, digits and _ . : -'),
  );

const between = (min: number, max: number) => {
  const message = `must be between ${min} and ${max}`;
  return z.number().check(z.minimum(min, message), z.maximum(max, message));
};
export const lat = between(-90, 90);
export const lng = between(-180, 180);

/** How many items a list answers: a whole number from 1 to `max`, `byDefault` when left out. */
export const listLimit = (max: number, byDefault: number) =>
  z._default(z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(max, `must be at most ${max}`)), byDefault);

/** A display text: trimmed length between 1 and `max`. */
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));

export const hhmm = z.string().check(z.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time "HH:mm"'));

export const timezone = z.string().check(z.maxLength(64), z.refine(isTimeZone, 'must be an IANA time zone such as "Asia/Shanghai"'));

/** A field checked by one of shared/time's checkers, its message as the issue's. */
const checkedBy = (checker: (text: string) => { ok: true } | { ok: false; message: string }) =>
  z.string().check(
    z.superRefine((s: string, ctx) => {
      const checked = checker(s);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message, input: s });
    }),
  );

/** A calendar date that exists, in 2000..2099 (shared/time's checkDate). */
export const date = checkedBy(checkDate);

/** An ISO 8601 instant with an offset (or Z) whose every field exists, in 2000..2099 (shared/time's checkInstant). */
export const instant = checkedBy(checkInstant);

/** A client-chosen idempotency key. */
export const requestId = z.string().check(z.minLength(1), z.maxLength(64, 'must be at most 64 characters'));

const position = z.tuple([lng, lat]);

/** A GeoJSON Polygon of `[lng, lat]` rings: closed, at least 4 positions a ring. */
export const polygon = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(
      z.array(position).check(
        z.minLength(4, 'a ring needs at least 4 positions'),
        z.maxLength(1000, 'a ring may have at most 1000 positions'),
        z.refine((ring: Array<[number, number]>) => {
          const a = ring[0];
          const b = ring[ring.length - 1];
          return a[0] === b[0] && a[1] === b[1];
        }, 'a ring must be closed (first position = last)'),
      ),
    )
    .check(z.minLength(1, 'needs an outer ring'), z.maxLength(20)),
});

/** Turns the first issue of a failed parse into "field.path: what is wrong". */
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
  if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.join(', ')}`;
  return path ? `${path}: ${message}` : message;
}
