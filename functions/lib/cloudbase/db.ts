import * as tcb from '@cloudbase/node-sdk';

/**
 * The CloudBase app and its database, made once per container on first use and reused by every
 * invocation that container serves. Nothing runs at import time: a bundle can be required (and
 * its `main` inspected) without credentials.
 */
let app: tcb.CloudBase | undefined;
let database: ReturnType<tcb.CloudBase['database']> | undefined;

export type CloudbaseDb = ReturnType<tcb.CloudBase['database']>;

/**
 * Why the SDK could not sign a request here, or null. node-sdk takes the keys from the environment
 * (TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN: a cloud function's role gets them there; an
 * operator's terminal sets them). Without them node-sdk 3.18's requester does not wait for its own
 * credential check (`async prepareCredentials() { prepareCredentials.bind(this)() }` in
 * utils/tcbapirequester.js): the check's rejection is unhandled, which ends the process, and the
 * request leaves unsigned. So nothing reaches the SDK without them.
 */
export function missingCredentials(env: Record<string, string | undefined> = process.env): string | null {
  const missing = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY'].filter((name) => !env[name]);
  return missing.length === 0
    ? null
    : `CloudBase credentials missing: ${missing.join(' and ')} not in the environment (a cloud function gets them from its role; an operator sets them)`;
}

/** A CloudBase call that cannot be made or was refused for a reason an operator must fix; answered INTERNAL, logged with its cause. */
export class CloudbaseUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudbaseUnavailable';
  }
}

/**
 * The app of an environment: the one the function runs in (`SYMBOL_CURRENT_ENV`: no env id in the
 * code), or `envId` for an operator's tools.
 */
export function cloudbaseApp(envId?: string): tcb.CloudBase {
  if (app) return app;
  const missing = missingCredentials();
  if (missing) throw new CloudbaseUnavailable(missing);
  app = tcb.init({ env: envId ?? tcb.SYMBOL_CURRENT_ENV });
  return app;
}

/** The document database of the current environment (or `envId`'s). */
export function cloudbaseDb(envId?: string): CloudbaseDb {
  database ??= cloudbaseApp(envId).database();
  return database;
}

/**
 * What an operator must know of a failed CloudBase call, for the log line: credentials missing or
 * refused, a missing index; null for anything else.
 */
export function cloudbaseCause(err: unknown): string | null {
  if (err instanceof CloudbaseUnavailable) return err.message;
  const code = errorCode(err) ?? '';
  const message = err instanceof Error ? err.message : String(err);
  // Any geoNear (places, a ride's station) without its index; places.ts names the collection itself.
  if (/IndexNotFound|2d(sphere)? index|geo ?ind(ex|ices)|index for \$?geoNear/i.test(`${code} ${message}`)) {
    return `a geo query found no 2dsphere index: apply cloudbase/database.json (npm run deploy, or node scripts/cloud-setup.mjs): ${message.slice(0, 200)}`;
  }
  if (/SECRET|SIGN|AUTH|CREDENTIAL|TOKEN/i.test(code) || /secretId|secretKey|signature|credential/i.test(message)) {
    return `CloudBase refused the credentials (${code || 'no code'}): ${message.slice(0, 200)}`;
  }
  return null;
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
