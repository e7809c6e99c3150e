/**
 * The part of `@cloudbase/node-sdk`'s database that the adapters use, written down so that the
 * adapters can be tested against an in-memory fake (functions/local/cloudbase-standin.ts). Every method
 * here exists on the SDK's `Db` (checked by `asAdapterDb` in ./index.ts); the shapes of the answers
 * are the ones read in the SDK sources (@cloudbase/database 1.4: `get()` answers `{ data: [...] }`
 * outside a transaction and `{ data: doc | null }` inside one; `aggregate().end()` answers
 * `{ data: [...] }`; errors are thrown, node-sdk's default `throwOnCode`).
 */

/** A stored document as the SDK hands it back. */
export type Doc = Record<string, unknown> & { _id: string };

export interface GeoNearOptions {
  /** A `Geo.Point`; the SDK reads its `longitude` and `latitude`. */
  near: unknown;
  spherical: true;
  distanceField: string;
  maxDistance: number;
  /** Inclusive; with `_id` not in the ids already read at that distance, the next page. */
  minDistance?: number;
  /** geoNear's own cap (MongoDB's $geoNear answers 100 documents when it is omitted). */
  limit?: number;
  query?: object;
  key?: string;
}

export interface Aggregation {
  limit(n: number): Aggregation;
  end(): Promise<{ data?: Doc[] }>;
}

/** The query chain every adapter's slice of the SDK shares; `Self` is that slice's own query (what `where` and the rest answer). */
export interface ChainQuery<Self> {
  where(query: object): Self;
  orderBy(field: string, direction: 'asc' | 'desc'): Self;
  limit(n: number): Self;
  get(): Promise<{ data: Doc[] }>;
}

export interface Query extends ChainQuery<Query> {
  field(projection: Record<string, boolean>): Query;
  skip(n: number): Query;
}

/** A document inside a transaction: `doc(id)` reads and writes (inside one, `get` answers the document or null). */
export interface TxDocRef {
  get(): Promise<{ data: Doc | null }>;
  set(data: object): Promise<unknown>;
  update(data: object): Promise<unknown>;
}

/** What a transaction offers the adapters: `doc()` operations only (a `where` would silently run outside it). */
export interface DocTransaction {
  collection(name: string): { doc(id: string): TxDocRef };
}

export interface DocRef {
  get(): Promise<{ data: Doc[] }>;
  set(data: object): Promise<unknown>;
  remove(): Promise<unknown>;
}

export interface Collection extends Query {
  aggregate(): { geoNear(options: GeoNearOptions): Aggregation };
  doc(id: string): DocRef;
}

/** A transaction of the places adapter, which also removes documents. */
export interface Transaction {
  collection(name: string): { doc(id: string): TxDocRef & { remove(): Promise<unknown> } };
}

export interface AdapterDb {
  Geo: {
    Point: new (longitude: number, latitude: number) => unknown;
    LineString: new (points: unknown[]) => unknown;
    Polygon: new (lines: unknown[]) => unknown;
  };
  command: {
    in(values: unknown[]): unknown;
    nin(values: unknown[]): unknown;
    /** Greater than: the next page after a cursor (paging.ts). */
    gt(value: unknown): unknown;
    or(conditions: object[]): object;
    and(conditions: object[]): object;
    geoWithin(options: { geometry: unknown }): unknown;
  };
  /** A regular expression condition (`db.RegExp`; MongoDB's $regex): geo.search's escaped query. */
  RegExp(options: { regexp: string; options?: string }): unknown;
  collection(name: string): Collection;
  /** Runs `run` in a transaction, commits when it resolves, retries it on a transaction conflict. */
  runTransaction<T>(run: (tx: Transaction) => Promise<T>, times?: number): Promise<T>;
}
