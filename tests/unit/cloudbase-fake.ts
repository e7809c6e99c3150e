/**
 * An in-memory stand-in for the part of CloudBase's database the adapters use
 * (functions/lib/cloudbase/sdk.ts), honest where it matters:
 * - `aggregate().geoNear()` measures great circles on a sphere of 6378.1 km (MongoDB's), returns
 *   nearest first with ties in a random order, and 20 rows unless limited;
 * - `get()` hands stored GeoJSON back as Geo instances (as the SDK's formatField does);
 * - a transaction's writes are seen by nobody until it commits, and vanish if it throws;
 * - unique indexes refuse duplicates with `DATABASE_DUPLICATE_WRITE`.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { AdapterDb, Collection, Doc, GeoNearOptions, Query, Transaction } from '../../functions/lib/cloudbase/sdk';

const MONGO_EARTH_RADIUS_M = 6378100;

class Point {
  constructor(readonly longitude: number, readonly latitude: number) {}
  toJSON() {
    return { type: 'Point', coordinates: [this.longitude, this.latitude] };
  }
}
class LineString {
  constructor(readonly points: Point[]) {}
  toJSON() {
    return { type: 'LineString', coordinates: this.points.map((p) => [p.longitude, p.latitude]) };
  }
}
class Polygon {
  constructor(readonly lines: LineString[]) {}
  toJSON() {
    return { type: 'Polygon', coordinates: this.lines.map((l) => l.toJSON().coordinates) };
  }
}

type Stored = Record<string, unknown>;

/** What the database holds: GeoJSON for Geo values, as the SDK's serializer writes them. */
function serialize(value: unknown): unknown {
  if (value instanceof Point || value instanceof LineString || value instanceof Polygon) return value.toJSON();
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(serialize);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialize(v)]));
  return value;
}

/** What `get()` hands back: GeoJSON turned into Geo instances, everything else copied. */
function formatField(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(formatField);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const v = value as { type?: unknown; coordinates?: unknown };
    if (v.type === 'Point' && Array.isArray(v.coordinates)) return new Point(v.coordinates[0] as number, v.coordinates[1] as number);
    if (v.type === 'Polygon' && Array.isArray(v.coordinates)) {
      return new Polygon((v.coordinates as number[][][]).map((ring) => new LineString(ring.map(([lng, lat]) => new Point(lng, lat)))));
    }
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, formatField(x)]));
  }
  return value;
}

function copy<T>(value: T): T {
  return serialize(value) as T;
}

function haversineM(a: [number, number], b: [number, number], radiusM: number): number {
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLng = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * radiusM * Math.asin(Math.min(1, Math.sqrt(h)));
}

type Cond = { $in: unknown[] } | { $geoWithin: Polygon };

function matches(doc: Stored, query: object): boolean {
  return Object.entries(query).every(([field, want]) => {
    const have = doc[field];
    if (typeof want === 'object' && want !== null && '$in' in want) return (want as { $in: unknown[] }).$in.includes(have);
    if (typeof want === 'object' && want !== null && '$geoWithin' in want) {
      const loc = have as { type: string; coordinates: [number, number] } | undefined;
      return loc?.type === 'Point' && booleanPointInPolygon(loc.coordinates, (want as { $geoWithin: Polygon }).$geoWithin.toJSON() as never);
    }
    return have === want;
  });
}

function duplicateWrite(message: string): Error {
  return Object.assign(new Error(message), { code: 'DATABASE_DUPLICATE_WRITE' });
}

export interface FakeOptions {
  /** Fields that must be unique per collection (besides `_id`). */
  unique?: Record<string, string[]>;
  /** Random source for tie order (default Math.random). */
  random?: () => number;
}

export interface GeoNearCall {
  collection: string;
  options: GeoNearOptions;
  limit: number | undefined;
}

export class FakeCloudbase implements AdapterDb {
  readonly Geo = { Point, LineString, Polygon } as unknown as AdapterDb['Geo'];
  readonly command = {
    in: (values: unknown[]): Cond => ({ $in: [...values] }),
    geoWithin: ({ geometry }: { geometry: unknown }): Cond => {
      if (!(geometry instanceof Polygon)) throw new TypeError('"geometry" must be of type Polygon or MultiPolygon');
      return { $geoWithin: geometry };
    },
  };
  readonly data = new Map<string, Map<string, Stored>>();
  readonly geoNearCalls: GeoNearCall[] = [];
  transactions = 0;
  /** Throws `error` from the n-th write (1-based) of the transaction numbered `transaction` (1-based, counted from now on). */
  failTransactionWrite: { transaction: number; nth: number; error: Error } | null = null;
  private readonly unique: Record<string, string[]>;
  private readonly random: () => number;

  constructor(options: FakeOptions = {}) {
    this.unique = options.unique ?? {};
    this.random = options.random ?? Math.random;
  }

  table(name: string): Map<string, Stored> {
    let t = this.data.get(name);
    if (!t) this.data.set(name, (t = new Map()));
    return t;
  }

  /** Writes many documents at once, checking unique fields against the rest of the table. */
  private commit(writes: { collection: string; id: string; doc: Stored | null }[]): void {
    const staged = new Map<string, Map<string, Stored>>();
    for (const w of writes) {
      let t = staged.get(w.collection);
      if (!t) staged.set(w.collection, (t = new Map(this.table(w.collection))));
      if (w.doc === null) t.delete(w.id);
      else t.set(w.id, { ...w.doc, _id: w.id });
    }
    for (const [collection, t] of staged) {
      for (const field of this.unique[collection] ?? []) {
        const seen = new Set<unknown>();
        for (const doc of t.values()) {
          if (doc[field] === undefined) continue;
          if (seen.has(doc[field])) throw duplicateWrite(`E11000 duplicate key ${collection}.${field}: ${String(doc[field])}`);
          seen.add(doc[field]);
        }
      }
    }
    for (const [collection, t] of staged) this.data.set(collection, t);
  }

  collection(name: string): Collection {
    const db = this;
    const query = (state: { where: object; order?: [string, 'asc' | 'desc']; fields?: string[]; skip: number; limit: number }): Query => ({
      where: (q) => query({ ...state, where: { ...state.where, ...q } }),
      orderBy: (field, direction) => query({ ...state, order: [field, direction] }),
      field: (projection) => query({ ...state, fields: Object.keys(projection).filter((k) => projection[k]) }),
      skip: (n) => query({ ...state, skip: n }),
      limit: (n) => {
        if (!Number.isInteger(n) || n < 1) throw new Error(`limit must be a positive integer, not ${n}`);
        return query({ ...state, limit: Math.min(n, 1000) });
      },
      async get() {
        let docs = [...db.table(name).values()].filter((d) => matches(d, state.where));
        if (state.order) {
          const [field, direction] = state.order;
          docs.sort((a, b) => (String(a[field]) < String(b[field]) ? -1 : String(a[field]) > String(b[field]) ? 1 : 0) * (direction === 'asc' ? 1 : -1));
        }
        docs = docs.slice(state.skip, state.skip + state.limit);
        const shaped = docs.map((d) => (state.fields ? Object.fromEntries(['_id', ...state.fields].filter((k) => k in d).map((k) => [k, d[k]])) : d));
        return { data: shaped.map((d) => formatField(copy(d)) as Doc) };
      },
    });
    const base = query({ where: {}, skip: 0, limit: 100 });
    return {
      ...base,
      aggregate: () => ({
        geoNear(options: GeoNearOptions) {
          let limit: number | undefined;
          const stage = {
            limit(n: number) {
              limit = n;
              return stage;
            },
            async end() {
              db.geoNearCalls.push({ collection: name, options, limit });
              if (!(options.near instanceof Point)) throw new Error('geoNear: near must be a Geo.Point');
              if (options.spherical !== true) throw new Error('geoNear: spherical must be true');
              const key = options.key ?? 'location';
              const near: [number, number] = [options.near.longitude, options.near.latitude];
              const found = [...db.table(name).values()]
                .filter((d) => matches(d, options.query ?? {}))
                .map((d) => {
                  const loc = d[key] as { coordinates: [number, number] } | undefined;
                  if (!loc) throw new Error(`geoNear: document ${String(d._id)} has no ${key} (no geo index would hold it)`);
                  return { doc: d, distance: haversineM(near, loc.coordinates, MONGO_EARTH_RADIUS_M), tie: db.random() };
                })
                .filter((x) => x.distance <= options.maxDistance)
                // Nearest first; equal distances in no particular order.
                .sort((a, b) => a.distance - b.distance || a.tie - b.tie)
                .slice(0, limit ?? 20);
              return { data: found.map((x) => ({ ...copy(x.doc), [options.distanceField]: x.distance }) as Doc) };
            },
          };
          return stage;
        },
      }),
      doc: (id: string) => ({
        async get() {
          const doc = db.table(name).get(id);
          return { data: doc ? [formatField(copy(doc)) as Doc] : [] };
        },
        async set(data: object) {
          if ('_id' in data) throw new Error('不能更新_id的值');
          db.commit([{ collection: name, id, doc: serialize(data) as Stored }]);
          return { updated: 1 };
        },
        async remove() {
          const had = db.table(name).has(id);
          db.commit([{ collection: name, id, doc: null }]);
          return { deleted: had ? 1 : 0 };
        },
      }),
    };
  }

  async runTransaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    this.transactions++;
    const writes: { collection: string; id: string; doc: Stored | null }[] = [];
    let fail: { nth: number; error: Error } | null = null;
    if (this.failTransactionWrite) {
      if (--this.failTransactionWrite.transaction === 0) {
        fail = this.failTransactionWrite;
        this.failTransactionWrite = null;
      }
    }
    const tx: Transaction = {
      collection: (name) => ({
        doc: (id) => ({
          get: async () => {
            const pending = [...writes].reverse().find((w) => w.collection === name && w.id === id);
            const doc = pending ? pending.doc : this.table(name).get(id);
            return { data: doc ? (formatField(copy(doc)) as Doc) : null };
          },
          set: async (data) => {
            if ('_id' in data) throw new Error('不能更新_id的值');
            if (fail && writes.length + 1 === fail.nth) throw fail.error;
            writes.push({ collection: name, id, doc: serialize(data) as Stored });
            return { updated: 1 };
          },
        }),
      }),
    };
    const result = await run(tx);
    this.commit(writes);
    return result;
  }

  /** Puts documents straight in (test set-up). */
  seed(collection: string, docs: (Stored & { _id: string })[]): void {
    for (const { _id, ...rest } of docs) this.table(collection).set(_id, { ...(serialize(rest) as Stored), _id });
  }
}
