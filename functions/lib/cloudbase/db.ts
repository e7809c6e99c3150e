import * as tcb from '@cloudbase/node-sdk';

/**
 * The CloudBase app and its database, made once per container on first use and reused by every
 * invocation that container serves. Nothing runs at import time: a bundle can be required (and
 * its `main` inspected) without credentials.
 */
let app: tcb.CloudBase | undefined;
let database: ReturnType<tcb.CloudBase['database']> | undefined;

export type CloudbaseDb = ReturnType<tcb.CloudBase['database']>;

/** The app of the environment the function runs in (`SYMBOL_CURRENT_ENV`: no env id in the code). */
export function cloudbaseApp(): tcb.CloudBase {
  app ??= tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
  return app;
}

/** The document database of the current environment. */
export function cloudbaseDb(): CloudbaseDb {
  database ??= cloudbaseApp().database();
  return database;
}

/** Whether the SDK has been initialised in this container (for tests of lazy wiring). */
export function cloudbaseInitialised(): boolean {
  return app !== undefined;
}

/**
 * Collection names: one place to read them, the same names as `cloudbase/database.json`.
 * Places live in one collection per kind so that each 2dsphere index serves one kind only.
 */
export const COLLECTIONS = {
  store: 'places_store',
  station: 'places_station',
  bike: 'places_bike',
  staff: 'staff',
} as const;

/** The error code CloudBase gives a write that breaks a unique index (an `_id` or `code`). */
export const DUPLICATE_WRITE = 'DATABASE_DUPLICATE_WRITE';

/** The error code of a transaction that lost to a concurrent write (`runTransaction` retries it). */
export const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';

/** The `code` of an error the SDK threw (node-sdk throws on every error answer by default). */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Plain JSON of what the SDK read: `get()` turns stored GeoJSON into `Geo.Point`/`Geo.Polygon`
 * instances (aggregates do not); their `toJSON` gives the GeoJSON back.
 */
export function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
