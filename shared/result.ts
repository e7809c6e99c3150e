/** Error codes of the cloud-function contract (API.md, "Results"). */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** A machine-readable detail of the code, e.g. `TOO_FAR` for `FAILED_PRECONDITION`. */
  reason?: string;
}

export type Ok<T> = { ok: true; data: T };
export type Fail = { ok: false; error: AppError };
export type Result<T> = Ok<T> | Fail;

/**
 * @example ok({ items: [] }) // => { ok: true, data: { items: [] } }
 */
export function ok<T>(data: T): Ok<T> {
  return { ok: true, data };
}

/**
 * @example fail('NOT_FOUND', 'no store "s1"') // => { ok: false, error: { code: 'NOT_FOUND', message: 'no store "s1"' } }
 */
export function fail(code: ErrorCode, message: string, reason?: string): Fail {
  return { ok: false, error: reason === undefined ? { code, message } : { code, message, reason } };
}
