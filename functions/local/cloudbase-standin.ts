/**
 * THE fake of `@cloudbase/node-sdk`'s document database (one for every CloudBase adapter test).
 * It plays what the SDK sources (@cloudbase/database 1.4.3, node-sdk 3.18) and MongoDB underneath
 * do where our adapters could get it wrong:
 *
 * - Outside a transaction: `collection(x).where(q).orderBy().skip().limit().field().get()`,
 *   `count()`, a conditional `update()` answering `updated` (documents matched and changed) and
 *   `remove()` answering `deleted`, each one atomic on its own; `doc(id).get()` answers
 *   `{ data: [doc] | [] }`, `set` upserts, `update` merges (`updated: 0` when missing), `add`
 *   refuses an existing `_id` or a unique-index duplicate with `DATABASE_DUPLICATE_WRITE`.
 * - `db.command`: eq, neq, lt, lte, gt, gte, in, nin, exists, and, or (top level and field level),
 *   geoWithin; update operators inc, mul, set, remove, push; `db.RegExp({ regexp, options })`.
 * - Transactions (`runTransaction(fn, times = 3)` and `startTransaction()`): `doc(id).get/set/
 *   update/remove` and `collection(x).add` join them; `get` inside answers `{ data: doc | null }`.
 *   Snapshot isolation as MongoDB does it: reads see the data as it was when the transaction
 *   started (plus its own writes) and take no lock; a write takes the document's lock, and writing
 *   a document that another open transaction wrote, or that someone committed after this
 *   transaction's snapshot, is `DATABASE_TRANSACTION_CONFLICT` (and the transaction is aborted, as
 *   MongoDB aborts it). `runTransaction` is the SDK's loop: a conflict is retried up to `times`
 *   more times (4 attempts in all by default), at once, without rollback of the dead attempt;
 *   any other error rolls back and is rethrown; once out of tries the conflict is rethrown.
 *   The fake REFUSES (throws) `where(...)`, collection-level `get/count/update/remove` and
 *   `aggregate` on a transaction's collections: in the SDK a `where().update()` silently runs
 *   outside the transaction (no transaction id sent), a `where().get()` sends the id but what the
 *   server does with it is unverified (docs/deploy.md), and nobody may rely on either.
 * - Simplification: a write outside any transaction to a document an open transaction has written
 *   applies at once and dooms that transaction (it fails with a conflict), where MongoDB would make
 *   the write wait for the transaction: both orders are serial, so no adapter can tell.
 * - LENIENCY: inside a transaction, unique indexes (other than `_id`) are checked when it commits,
 *   on the state it leaves; MongoDB checks them at each write, so a swap of two unique values in
 *   one transaction (the places import lets two bikes swap codes) may be refused by the real
 *   database. A unique value written by another open transaction is a conflict at once.
 * - Geo: `Geo.Point/LineString/Polygon`, stored as GeoJSON and handed back by `get()` as Geo
 *   instances (the SDK's formatField); `aggregate().geoNear(...)` measures great circles on
 *   MongoDB's 6378.1 km sphere, nearest first, equal distances in random order, `minDistance`
 *   inclusive, at most its `limit` option (100 when omitted, as MongoDB's $geoNear) and then 20
 *   rows unless a `$limit` stage says otherwise; `command.geoWithin`.
 *
 * - Limits: a query answers at most 1,000 documents, 100 when it names no limit; an aggregate 20
 *   rows unless a `$limit` stage says otherwise; geoNear's options are those of CloudBase's
 *   `Aggregate.geoNear` (near, spherical: true and distanceField required; limit, maxDistance,
 *   minDistance, query, distanceMultiplier, includeLocs, key optional), anything else refused.
 *
 * DURABILITY (the local host's NEARBY_BACKEND=cloudbase-fake). With `journal: path`, every commit
 * (one transaction's writes, or one write outside) is appended to the file as one JSON line and
 * fsynced before the call answers; a new stand-in on the same file replays it, ignores a torn last
 * line (a write cut by kill -9 was never acknowledged), and rewrites the file compacted (one line
 * of the live documents) before serving. Transactions left open by a killed process are simply
 * gone, as CloudBase aborts them when their lifetime runs out.
 *
 * FAULT INJECTION. Every request the SDK would send counts as one call (`calls`, `log`):
 * transaction start, each read or write, commit, rollback, and each query or write outside.
 * `stopAt(n)` plays a function stopped (timeout, crash) at call number n: that call and every
 * later one throw `FunctionStopped` and nothing of them is applied; with `{ applied: true }` call
 * n is applied first (for a commit: committed) and only its answer is lost. `restart()` ends the
 * stop and aborts every transaction left open (as CloudBase does when their lifetime runs out).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import type { ChainQuery, GeoNearOptions } from '../lib/cloudbase/sdk';

const MONGO_EARTH_RADIUS_M = 6378100;

export const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';
export const DUPLICATE_WRITE = 'DATABASE_DUPLICATE_WRITE';

class Point {
  constructor(
    readonly longitude: number,
    readonly latitude: number,
  ) {}
  toJSON() {
    return { type: 'Point', coordinates: [this.longitude, this.latitude] };
  }
}
class LineString {
  readonly points: Point[];
  constructor(points: unknown[]) {
    if (!points.every((p) => p instanceof Point)) throw new TypeError('"points" must be of type Point[]');
    this.points = points as Point[];
  }
  toJSON() {
    return { type: 'LineString', coordinates: this.points.map((p) => [p.longitude, p.latitude]) };
  }
}
class Polygon {
  readonly lines: LineString[];
  constructor(lines: unknown[]) {
    if (!lines.every((l) => l instanceof LineString)) throw new TypeError('"lines" must be of type LineString[]');
    this.lines = lines as LineString[];
  }
  toJSON() {
    return { type: 'Polygon', coordinates: this.lines.map((l) => l.toJSON().coordinates) };
  }
}

/** The error a stopped function meets at every database call from the stop on. */
export class FunctionStopped extends Error {
  readonly code = 'FUNCTION_STOPPED';
  constructor(readonly call: number) {
    super(`function stopped at database call ${call}`);
  }
}

export type Stored = Record<string, unknown>;
/** A document as the fake hands it back. */
export type FakeDoc = Record<string, unknown> & { _id: string };

/** A `db.command` operator (query or update); the context it is used in says which. */
export class Op {
  constructor(
    readonly kind: string,
    readonly value: unknown,
  ) {}
  and(...others: (Op | Op[])[]): Op {
    return new Op('and', [this, ...others.flat()]);
  }
  or(...others: (Op | Op[])[]): Op {
    return new Op('or', [this, ...others.flat()]);
  }
}
/** `db.RegExp({ regexp, options })`: a MongoDB $regex condition on a string field. */
export class FakeRegExp {
  readonly pattern: RegExp;
  constructor({ regexp, options }: { regexp: string; options?: string }) {
    if (!regexp) throw new TypeError('regexp must be a string');
    // MongoDB's options i, m, s, x: JavaScript knows the first three.
    this.pattern = new RegExp(regexp, (options ?? '').replace(/[^ims]/g, ''));
  }
}
/** `_.and([...])` / `_.or([...])` at the top of a query. */
class Logic {
  constructor(
    readonly kind: 'and' | 'or',
    readonly parts: object[],
  ) {}
}

function dbError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What the database holds: GeoJSON for Geo values, as the SDK's serializer writes them. */
function serialize(value: unknown): unknown {
  if (value instanceof Point || value instanceof LineString || value instanceof Polygon) return value.toJSON();
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Op) throw new Error(`an update operator (${value.kind}) cannot be stored as a value`);
  if (Array.isArray(value)) return value.map(serialize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, serialize(v)]),
    );
  }
  return value;
}

/** What `get()` hands back: GeoJSON turned into Geo instances, everything else copied. */
function formatField(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(formatField);
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === 'object' && value !== null) {
    const v = value as { type?: unknown; coordinates?: unknown };
    if (v.type === 'Point' && Array.isArray(v.coordinates)) return new Point(v.coordinates[0] as number, v.coordinates[1] as number);
    if (v.type === 'Polygon' && Array.isArray(v.coordinates)) {
      return new Polygon((v.coordinates as number[][][]).map((ring) => new LineString(ring.map(([lng, lat]) => new Point(lng, lat)))));
    }
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, formatField(x)]));
  }
  return value;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !(v instanceof Op) &&
  !(v instanceof Logic) &&
  !(v instanceof FakeRegExp) &&
  !(v instanceof Point) &&
  !(v instanceof LineString) &&
  !(v instanceof Polygon);

/** `{ a: { b: 1 } }` as `{ 'a.b': 1 }`, as the SDK's query and update serializers flatten them. */
function flatten(obj: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    isPlain(v) && Object.keys(v).length > 0 ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

function getPath(doc: Stored, path: string): unknown {
  let at: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
function setPath(doc: Stored, path: string, value: unknown): void {
  const parts = path.split('.');
  let at: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlain(at[part])) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  if (value === undefined) delete at[parts[parts.length - 1]];
  else at[parts[parts.length - 1]] = value;
}

const comparable = (v: unknown): unknown => (v instanceof Date ? v.getTime() : v);
function compare(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (x === y) return 0;
  if (x === undefined || x === null) return -1;
  if (y === undefined || y === null) return 1;
  return (x as number) < (y as number) ? -1 : 1;
}
const sameValue = (a: unknown, b: unknown) => compare(a, b) === 0 && typeof comparable(a) === typeof comparable(b);

/** `sameValue`'s key for a primitive (or a Date), null for anything else. */
const primitiveKey = (v: unknown): string | null => {
  const c = comparable(v);
  return c === null || typeof c !== 'object' ? `${typeof c}:${String(c)}` : null;
};
const inSets = new WeakMap<Op, Set<string> | null>();
/** Whether `have` is one of an `in` operator's values: a set lookup when they are all primitives. */
function isIn(op: Op, have: unknown): boolean {
  let set = inSets.get(op);
  if (set === undefined) {
    const keys = (op.value as unknown[]).map(primitiveKey);
    set = keys.every((k) => k !== null) ? new Set(keys as string[]) : null;
    inSets.set(op, set);
  }
  const key = primitiveKey(have);
  if (set && key !== null) return set.has(key);
  return (op.value as unknown[]).some((x) => sameValue(have, x));
}

function testField(have: unknown, want: unknown): boolean {
  if (want instanceof FakeRegExp) return typeof have === 'string' && want.pattern.test(have);
  if (want instanceof Op) {
    const v = want.value;
    switch (want.kind) {
      case 'eq':
        return sameValue(have, v);
      case 'neq':
        return !sameValue(have, v);
      case 'lt':
        return have !== undefined && have !== null && compare(have, v) < 0;
      case 'lte':
        return have !== undefined && have !== null && compare(have, v) <= 0;
      case 'gt':
        return have !== undefined && have !== null && compare(have, v) > 0;
      case 'gte':
        return have !== undefined && have !== null && compare(have, v) >= 0;
      case 'in':
        return isIn(want, have);
      case 'nin':
        return !isIn(want, have);
      case 'exists':
        return (have !== undefined) === Boolean(v);
      case 'elemMatch':
        return Array.isArray(have) && have.some((x) => typeof x === 'object' && x !== null && matches(x as Stored, v as object));
      case 'and':
        return (v as Op[]).every((c) => testField(have, c));
      case 'or':
        return (v as Op[]).some((c) => testField(have, c));
      case 'geoWithin': {
        const loc = have as { type?: string; coordinates?: [number, number] } | undefined;
        return loc?.type === 'Point' && booleanPointInPolygon(loc.coordinates as [number, number], (v as Polygon).toJSON() as never);
      }
      default:
        throw new Error(`the fake has no query operator ${want.kind}`);
    }
  }
  if (Array.isArray(have) && !Array.isArray(want)) return have.some((x) => sameValue(x, want));
  if (Array.isArray(want)) return JSON.stringify(have) === JSON.stringify(want);
  return sameValue(have, want);
}

function matches(doc: Stored, query: object): boolean {
  if (query instanceof Logic) return query.kind === 'and' ? query.parts.every((p) => matches(doc, p)) : query.parts.some((p) => matches(doc, p));
  return flatten(query as Record<string, unknown>).every(([path, want]) => testField(getPath(doc, path), want));
}

/** A document after `update(data)`: plain values set (nested ones by path), operators applied. */
function applyUpdate(doc: Stored, data: object): Stored {
  if ('_id' in data) throw dbError('INVALID_PARAM', '不能更新_id的值');
  const next = serialize(structuredClone(doc)) as Stored;
  for (const [path, value] of flatten(data as Record<string, unknown>)) {
    if (!(value instanceof Op)) {
      setPath(next, path, serialize(value));
      continue;
    }
    const have = getPath(next, path);
    switch (value.kind) {
      case 'inc':
        setPath(next, path, (typeof have === 'number' ? have : 0) + (value.value as number));
        break;
      case 'mul':
        setPath(next, path, (typeof have === 'number' ? have : 0) * (value.value as number));
        break;
      case 'set':
        setPath(next, path, serialize(value.value));
        break;
      case 'remove':
        setPath(next, path, undefined);
        break;
      case 'push':
        setPath(next, path, [...(Array.isArray(have) ? have : []), ...(serialize(value.value) as unknown[])]);
        break;
      default:
        throw new Error(`the fake has no update operator ${value.kind}`);
    }
  }
  return next;
}

/** One commit as a journal line: Dates kept as `{ "$date": ms }` (JSON has none). */
function encodeCommit(writes: [string, string, Stored | null][]): string {
  const encode = (value: unknown): unknown => {
    if (value instanceof Date) return { $date: value.getTime() };
    if (Array.isArray(value)) return value.map(encode);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    return value;
  };
  return JSON.stringify({ w: encode(writes) });
}
function reviveDates(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$date' && typeof (value as { $date: unknown }).$date === 'number')
      return new Date((value as { $date: number }).$date);
  }
  return value;
}

/** CloudBase's `Aggregate.geoNear` options: the required ones present, the rest of the right kind, nothing else. */
const GEO_NEAR_OPTIONS = new Set([
  'near',
  'spherical',
  'distanceField',
  'limit',
  'maxDistance',
  'minDistance',
  'query',
  'distanceMultiplier',
  'includeLocs',
  'key',
]);
function checkGeoNearOptions(options: GeoNearOptions): void {
  const o = options as unknown as Record<string, unknown>;
  for (const name of Object.keys(o))
    if (o[name] !== undefined && !GEO_NEAR_OPTIONS.has(name)) throw dbError('INVALID_PARAM', `geoNear: unknown option ${name}`);
  if (!(o.near instanceof Point)) throw dbError('INVALID_PARAM', 'geoNear: near must be a Geo.Point');
  if (o.spherical !== true) throw dbError('INVALID_PARAM', 'geoNear: spherical must be true');
  if (typeof o.distanceField !== 'string' || o.distanceField === '') throw dbError('INVALID_PARAM', 'geoNear: distanceField is required');
  for (const name of ['maxDistance', 'minDistance', 'distanceMultiplier'])
    if (o[name] !== undefined && (typeof o[name] !== 'number' || !Number.isFinite(o[name]) || (o[name] as number) < 0))
      throw dbError('INVALID_PARAM', `geoNear: ${name} must be a number of at least 0`);
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || (o.limit as number) < 1))
    throw dbError('INVALID_PARAM', 'geoNear: limit must be a positive integer');
  for (const name of ['key', 'includeLocs'])
    if (o[name] !== undefined && typeof o[name] !== 'string') throw dbError('INVALID_PARAM', `geoNear: ${name} must be a field name`);
  if (o.query !== undefined && (typeof o.query !== 'object' || o.query === null)) throw dbError('INVALID_PARAM', 'geoNear: query must be a query object');
}

/** A test that keeps every point within `maxM` of `near` (and some more), or null when no box is simpler than none. */
function nearBox(near: [number, number], maxM: number): { dLat: number; dLng: number; holds: (c: [number, number]) => boolean } | null {
  if (!Number.isFinite(maxM)) return null;
  const dLat = ((maxM / MONGO_EARTH_RADIUS_M) * 180 * 1.01) / Math.PI + 1e-9;
  if (Math.abs(near[1]) + dLat >= 89) return null;
  const dLng = dLat / Math.cos(((Math.abs(near[1]) + dLat) * Math.PI) / 180);
  if (dLng >= 180) return null;
  return { dLat, dLng, holds: ([lng, lat]) => Math.abs(lat - near[1]) <= dLat && Math.abs(((((lng - near[0] + 540) % 360) + 360) % 360) - 180) <= dLng };
}

function haversineM(a: [number, number], b: [number, number], radiusM: number): number {
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLng = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * radiusM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The commits a journal holds, in order, each as its writes `[collection, id, document | null]`.
 * Only the last line can be torn (a commit cut by kill -9, never acknowledged): it is left out.
 */
function* journalCommits(path: string): Generator<[string, string, Stored | null][]> {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let commit: { w: [string, string, Stored | null][] };
    try {
      commit = JSON.parse(line, reviveDates);
    } catch (err) {
      if (lines.slice(i + 1).every((l) => l.trim() === '')) return;
      throw new Error(`${path}: line ${i + 1} is not a commit of the CloudBase stand-in (${(err as Error).message})`);
    }
    yield commit.w;
  }
}

/**
 * The documents a journal holds (collection -> documents), read without touching the file: what
 * a check reads after (or while) a host runs on it. A torn last line is left out, as on replay.
 */
export function readJournal(path: string): Record<string, FakeDoc[]> {
  const docs = new Map<string, Map<string, Stored>>();
  for (const writes of journalCommits(path)) {
    for (const [collection, id, doc] of writes) {
      let c = docs.get(collection);
      if (!c) docs.set(collection, (c = new Map()));
      if (doc) c.set(id, { ...doc, _id: id });
      else c.delete(id);
    }
  }
  return Object.fromEntries([...docs].map(([collection, c]) => [collection, [...c.values()] as FakeDoc[]]));
}

/** One turn of the event loop (a microtask where there is no `setImmediate`: a page test's jsdom). */
const yieldTurn: (go: () => void) => void = typeof setImmediate === 'function' ? (go) => setImmediate(go) : (go) => queueMicrotask(go);

/** A repeatable random source (for tie orders and interleavings). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface FakeOptions {
  /** Fields that must be unique per collection (besides `_id`), e.g. `{ bookings: ['code'] }`. */
  unique?: Record<string, string[]>;
  /** Random source for tie orders and interleavings (default: seeded, repeatable). */
  random?: () => number;
  /**
   * Whether every call yields to the event loop a random number of turns first, so that
   * concurrent requests interleave between a read and a write as they do over a network (default true).
   */
  interleave?: boolean;
  /** A file that keeps every commit (see DURABILITY above); none: memory only. */
  journal?: string;
  /** Whether `log` and `geoNearCalls` record every call (default true; a long-running host says false). */
  record?: boolean;
}

// The geoNear stage's options, as the adapters send them (one declaration: functions/lib/cloudbase/sdk.ts).
export type { GeoNearOptions };

export interface GeoNearCall {
  collection: string;
  options: GeoNearOptions;
  limit: number | undefined;
}

/** One database call as the log records it. */
export interface CallRecord {
  n: number;
  op: string;
  collection?: string;
  id?: string;
  transaction?: number;
}

type Write = { collection: string; id: string; doc: Stored | null };
const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;

interface TxState {
  id: number;
  snapshot: number;
  writes: Map<string, Write>;
  open: boolean;
  /** Set when the transaction can no longer commit (a conflict, an error, a write from outside). */
  doomed: Error | null;
}

export interface FakeQuery extends ChainQuery<FakeQuery> {
  field(projection: Record<string, boolean>): FakeQuery;
  skip(n: number): FakeQuery;
  count(): Promise<{ total: number }>;
  update(data: object): Promise<{ updated: number }>;
  remove(): Promise<{ deleted: number }>;
}
export interface FakeDocRef {
  get(): Promise<{ data: FakeDoc[] }>;
  set(data: object): Promise<{ updated: number; upsertedId?: string }>;
  update(data: object): Promise<{ updated: number }>;
  remove(): Promise<{ deleted: number }>;
}
export interface FakeAggregation {
  limit(n: number): FakeAggregation;
  end(): Promise<{ data: FakeDoc[] }>;
}
export interface FakeCollection extends FakeQuery {
  doc(id: string): FakeDocRef;
  add(data: object): Promise<{ id: string }>;
  aggregate(): { geoNear(options: GeoNearOptions): FakeAggregation };
}
export interface FakeTxDocRef {
  get(): Promise<{ data: FakeDoc | null }>;
  set(data: object): Promise<{ updated: number; upserted: { _id: string }[] }>;
  update(data: object): Promise<{ updated: number }>;
  remove(): Promise<{ deleted: number }>;
}
export interface FakeTxCollection {
  doc(id: string): FakeTxDocRef;
  add(data: object): Promise<{ inserted: 1; ok: 1; id: string }>;
  /** Refused: a query would run outside the transaction in the SDK. */
  where(query: object): never;
  aggregate(): never;
}
export interface FakeTransaction {
  collection(name: string): FakeTxCollection;
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
  aborted: boolean;
  abortReason: unknown;
}

export class FakeCloudbase {
  readonly Geo = { Point, LineString, Polygon };
  readonly RegExp = (options: { regexp: string; options?: string }) => new FakeRegExp(options);
  readonly command = {
    eq: (v: unknown) => new Op('eq', v),
    neq: (v: unknown) => new Op('neq', v),
    lt: (v: unknown) => new Op('lt', v),
    lte: (v: unknown) => new Op('lte', v),
    gt: (v: unknown) => new Op('gt', v),
    gte: (v: unknown) => new Op('gte', v),
    in: (values: unknown[]) => new Op('in', [...values]),
    nin: (values: unknown[]) => new Op('nin', [...values]),
    exists: (v: boolean) => new Op('exists', v),
    /** An array field with an element matching every condition of `query` (the bill reminders' bound users). */
    elemMatch: (query: object) => new Op('elemMatch', query),
    and: (...parts: (object | object[])[]): Logic | Op => {
      const all = parts.flat();
      return all.every((p) => p instanceof Op) ? new Op('and', all) : new Logic('and', all);
    },
    or: (...parts: (object | object[])[]): Logic | Op => {
      const all = parts.flat();
      return all.every((p) => p instanceof Op) ? new Op('or', all) : new Logic('or', all);
    },
    geoWithin: ({ geometry }: { geometry: unknown }) => {
      if (!(geometry instanceof Polygon)) throw new TypeError('"geometry" must be of type Polygon or MultiPolygon');
      return new Op('geoWithin', geometry);
    },
    inc: (n: number) => new Op('inc', n),
    mul: (n: number) => new Op('mul', n),
    set: (v: unknown) => new Op('set', v),
    remove: () => new Op('remove', undefined),
    push: (v: unknown) => new Op('push', Array.isArray(v) ? v : [v]),
  };

  /** Committed history of every document, by collection then id: versions in commit order (null = removed). */
  private readonly history = new Map<string, Map<string, { v: number; doc: Stored | null }[]>>();
  private clock = 0;
  private readonly locks = new Map<string, TxState>();
  private readonly openTx = new Set<TxState>();
  private txSeq = 0;
  private readonly unique: Record<string, string[]>;
  private readonly random: () => number;
  private readonly interleave: boolean;
  private stop: { at: number; applied: boolean } | null = null;
  private stopped = false;

  /** Database calls so far (see FAULT INJECTION above). */
  calls = 0;
  readonly log: CallRecord[] = [];
  /** Transactions begun (every attempt of a `runTransaction` counts). */
  transactions = 0;
  /** Conflicts met (each one a failed attempt). */
  conflicts = 0;
  readonly geoNearCalls: GeoNearCall[] = [];
  /**
   * Throws `error` from the n-th write (1-based) of the transaction numbered `transaction`
   * (1-based, counted from now on): a failure that is not a stop (network down, a rule).
   */
  failTransactionWrite: { transaction: number; nth: number; error: Error } | null = null;

  private journalFd: number | null = null;
  private readonly recording: boolean;

  constructor(options: FakeOptions = {}) {
    this.recording = options.record ?? true;
    this.unique = options.unique ?? {};
    this.random = options.random ?? seededRandom(1);
    this.interleave = options.interleave ?? true;
    if (options.journal !== undefined) this.openJournal(options.journal);
  }

  // ---------------------------------------------------------------- durability

  /** Replays the journal at `path` (if any), rewrites it compacted, and keeps it open for appends. */
  private openJournal(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    for (const writes of journalCommits(path)) this.commitWrites(writes.map(([collection, id, doc]) => ({ collection, id, doc })));
    // Compact: one commit of every live document, written aside and renamed over the old file.
    const live: [string, string, Stored | null][] = [];
    for (const [collection, docs] of this.history)
      for (const [id, h] of docs) {
        const doc = h[h.length - 1]?.doc;
        if (doc) live.push([collection, id, doc]);
      }
    const aside = `${path}.compact`;
    const fd = openSync(aside, 'w');
    if (live.length > 0) writeSync(fd, `${encodeCommit(live)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(aside, path);
    this.journalFd = openSync(path, 'a');
  }

  /** Closes the journal (the host's shutdown); the stand-in keeps working in memory. */
  close(): void {
    if (this.journalFd !== null) closeSync(this.journalFd);
    this.journalFd = null;
  }

  // ---------------------------------------------------------------- fault injection

  /** Stops the function at call number `n` (1-based, over this fake's life; `calls + k` for the k-th call from now). */
  stopAt(n: number, options: { applied?: boolean } = {}): void {
    this.stop = { at: n, applied: options.applied ?? false };
  }

  /** A new container: the stop is over, transactions left open by the stopped one are aborted. */
  restart(): void {
    this.stop = null;
    this.stopped = false;
    for (const tx of [...this.openTx]) this.end(tx);
  }

  /** Whether a stop has happened (and `restart` not yet called). */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * One database call: counts it, lets others run, and applies `apply` unless the function is
   * stopped (then throws FunctionStopped, after applying when the stop says the answer was lost).
   */
  private async call<T>(record: Omit<CallRecord, 'n'>, apply: () => T): Promise<T> {
    if (this.interleave) {
      const turns = Math.floor(this.random() * 3);
      for (let i = 0; i < turns; i++) await new Promise<void>((r) => yieldTurn(r));
    }
    const n = ++this.calls;
    if (this.recording) this.log.push({ n, ...record });
    if (this.stopped) throw new FunctionStopped(n);
    if (this.stop && n >= this.stop.at) {
      this.stopped = true;
      if (this.stop.applied && n === this.stop.at) {
        try {
          apply();
        } catch {
          // the answer is lost either way
        }
      }
      throw new FunctionStopped(n);
    }
    return apply();
  }

  // ---------------------------------------------------------------- committed state

  private versions(collection: string, id: string): { v: number; doc: Stored | null }[] | undefined {
    return this.history.get(collection)?.get(id);
  }
  private latest(collection: string, id: string): Stored | null {
    const h = this.versions(collection, id);
    return h && h.length > 0 ? h[h.length - 1].doc : null;
  }
  private latestVersion(collection: string, id: string): number {
    const h = this.versions(collection, id);
    return h && h.length > 0 ? h[h.length - 1].v : 0;
  }
  private at(collection: string, id: string, snapshot: number): Stored | null {
    const h = this.versions(collection, id) ?? [];
    for (let i = h.length - 1; i >= 0; i--) if (h[i].v <= snapshot) return h[i].doc;
    return null;
  }

  /** The committed documents of a collection (a live view for tests: `table(x).get(id)!.field = ...` edits in place). */
  table(collection: string): Map<string, Stored> {
    const out = new Map<string, Stored>();
    for (const [id, h] of this.history.get(collection) ?? []) {
      const doc = h[h.length - 1]?.doc;
      if (doc) out.set(id, doc);
    }
    return new Proxy(out, {
      get: (target, prop) => {
        if (prop === 'delete') {
          return (id: string) => {
            this.commitWrites([{ collection, id, doc: null }]);
            return target.delete(id);
          };
        }
        if (prop === 'set') {
          return (id: string, doc: Stored) => {
            this.commitWrites([{ collection, id, doc: { ...doc, _id: id } }]);
            return target.set(id, doc);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  /** Every committed document of every collection, by collection (for invariants and snapshots). */
  dump(): Record<string, FakeDoc[]> {
    const out: Record<string, FakeDoc[]> = {};
    for (const [collection, all] of this.history)
      for (const h of all.values()) {
        const doc = h[h.length - 1]?.doc;
        if (!doc) continue;
        const docs = out[collection] ?? [];
        docs.push(structuredClone(doc) as FakeDoc);
        out[collection] = docs;
      }
    for (const docs of Object.values(out)) docs.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    return out;
  }

  /** Puts documents straight in (test set-up; no call is counted). */
  seed(collection: string, docs: (Stored & { _id: string })[]): void {
    this.commitWrites(docs.map(({ _id, ...rest }) => ({ collection, id: _id, doc: { ...(serialize(rest) as Stored), _id } })));
  }

  /**
   * The documents a query can match: by `_id` when a condition names them (`_id: x` or
   * `_id: _.in([...])`, as the server uses the `_id` index), else the whole collection.
   */
  private candidatesOf(collection: string, where: object[]): Stored[] {
    for (const q of where) {
      if (q instanceof Logic || !('_id' in q)) continue;
      const want = (q as { _id: unknown })._id;
      const ids =
        typeof want === 'string' ? [want] : want instanceof Op && want.kind === 'in' ? (want.value as unknown[]).filter((v) => typeof v === 'string') : null;
      if (ids === null) continue;
      return [...new Set(ids)].map((id) => this.latest(collection, id)).filter((d): d is Stored => d !== null);
    }
    return this.docsOf(collection);
  }

  /** Live documents by collection, and geo grids by collection and key: rebuilt after a commit touches the collection. */
  private readonly liveCache = new Map<string, Stored[]>();
  private readonly gridCache = new Map<string, { cells: Map<string, Stored[]>; unplaced: Stored[] }>();

  /** The committed documents of a collection (a shared array: callers never change it). */
  private docsOf(collection: string): Stored[] {
    const cached = this.liveCache.get(collection);
    if (cached) return cached;
    const out: Stored[] = [];
    for (const h of this.history.get(collection)?.values() ?? []) {
      const doc = h[h.length - 1]?.doc;
      if (doc) out.push(doc);
    }
    this.liveCache.set(collection, out);
    return out;
  }

  /**
   * The documents of a collection that may lie within `box` of `near` (the cells of a 0.1° grid it
   * overlaps; every document when there is no box), and those without a position at `key`.
   */
  private geoCandidates(
    collection: string,
    key: string,
    near: [number, number],
    box: { dLat: number; dLng: number } | null,
  ): { docs: Stored[]; unplaced: Stored[] } {
    const CELL = 0.1;
    const cellOf = (lng: number, lat: number) => `${Math.floor(lat / CELL)}|${((Math.floor(lng / CELL) % 3600) + 3600) % 3600}`;
    const gridKey = `${collection}\u0000${key}`;
    let grid = this.gridCache.get(gridKey);
    if (!grid) {
      grid = { cells: new Map(), unplaced: [] };
      for (const d of this.docsOf(collection)) {
        const loc = d[key] as { coordinates?: [number, number] } | undefined;
        if (!loc?.coordinates) {
          grid.unplaced.push(d);
          continue;
        }
        const cell = cellOf(loc.coordinates[0], loc.coordinates[1]);
        const docs = grid.cells.get(cell) ?? [];
        docs.push(d);
        grid.cells.set(cell, docs);
      }
      this.gridCache.set(gridKey, grid);
    }
    const lngCells = box ? Math.ceil((2 * box.dLng) / CELL) + 2 : Number.POSITIVE_INFINITY;
    if (!box || lngCells >= 3600) return { docs: this.docsOf(collection).filter((d) => !grid!.unplaced.includes(d)), unplaced: grid.unplaced };
    const docs: Stored[] = [];
    for (let la = Math.floor((near[1] - box.dLat) / CELL); la <= Math.floor((near[1] + box.dLat) / CELL); la++) {
      const first = Math.floor((near[0] - box.dLng) / CELL);
      for (let i = 0; i < lngCells; i++) {
        const lo = (((first + i) % 3600) + 3600) % 3600;
        const cell = grid.cells.get(`${la}|${lo}`);
        if (cell) docs.push(...cell);
      }
    }
    return { docs, unplaced: grid.unplaced };
  }

  /**
   * The first unique-index clash in the state a transaction's commit leaves (its writes over the
   * committed documents), or null: one pass per collection and unique field.
   */
  private commitClash(writes: Write[]): string | null {
    const touched = new Set(writes.map((w) => w.collection));
    for (const collection of touched) {
      const mine = new Map(writes.filter((w) => w.collection === collection).map((w) => [w.id, w.doc]));
      for (const field of this.unique[collection] ?? []) {
        const holders = new Map<string, string>();
        const take = (id: string, doc: Stored | null): string | null => {
          const value = doc ? getPath(doc, field) : undefined;
          if (value === undefined) return null;
          const k = `${typeof comparable(value)}:${JSON.stringify(comparable(value))}`;
          const other = holders.get(k);
          if (other !== undefined && other !== id && (mine.has(id) || mine.has(other)))
            return `E11000 duplicate key error collection: ${collection} index: ${field}_1 dup key: { ${field}: ${JSON.stringify(value)} }`;
          holders.set(k, id);
          return null;
        };
        for (const [id, h] of this.history.get(collection) ?? []) {
          if (mine.has(id)) continue;
          const clash = take(id, h[h.length - 1]?.doc ?? null);
          if (clash) return clash;
        }
        for (const [id, doc] of mine) {
          const clash = take(id, doc);
          if (clash) return clash;
        }
      }
    }
    return null;
  }

  /** A unique-index clash of `doc` against `others` (null when none). */
  private clash(collection: string, id: string, doc: Stored, others: Iterable<Stored>): string | null {
    for (const field of this.unique[collection] ?? []) {
      const value = getPath(doc, field);
      if (value === undefined) continue;
      for (const other of others) {
        if (other._id !== id && sameValue(getPath(other, field), value))
          return `E11000 duplicate key error collection: ${collection} index: ${field}_1 dup key: { ${field}: ${JSON.stringify(value)} }`;
      }
    }
    return null;
  }

  /** Applies writes as one commit; a write from outside a transaction dooms the transaction holding that document. */
  private commitWrites(writes: Write[], by: TxState | null = null): void {
    if (writes.length === 0) return;
    const stored = writes.map((w) => ({ ...w, doc: w.doc === null ? null : (serialize(w.doc) as Stored) }));
    // Durable before visible: the line is on disk before anyone can read the commit.
    if (this.journalFd !== null) {
      writeSync(this.journalFd, `${encodeCommit(stored.map((w) => [w.collection, w.id, w.doc]))}\n`);
      fsyncSync(this.journalFd);
    }
    this.clock++;
    // Versions no open transaction can read any more are dropped (memory stays bounded).
    let oldest = this.clock;
    for (const tx of this.openTx) oldest = Math.min(oldest, tx.snapshot);
    for (const w of stored) {
      this.liveCache.delete(w.collection);
      for (const k of this.gridCache.keys()) if (k.startsWith(`${w.collection}\u0000`)) this.gridCache.delete(k);
      const holder = this.locks.get(keyOf(w.collection, w.id));
      if (holder && holder !== by) holder.doomed ??= dbError(TRANSACTION_CONFLICT, `document ${w.id} was written outside the transaction`);
      let docs = this.history.get(w.collection);
      if (!docs) this.history.set(w.collection, (docs = new Map()));
      const h = docs.get(w.id) ?? [];
      h.push({ v: this.clock, doc: w.doc });
      let keep = h.length - 1;
      while (keep > 0 && h[keep].v > oldest) keep--;
      if (keep > 0) h.splice(0, keep);
      docs.set(w.id, h);
    }
  }

  private checkUniqueOutside(collection: string, id: string, doc: Stored): void {
    if ((this.unique[collection] ?? []).length === 0) return;
    const clash = this.clash(collection, id, doc, this.docsOf(collection));
    if (clash) throw dbError(DUPLICATE_WRITE, clash);
  }

  // ---------------------------------------------------------------- outside a transaction

  collection(name: string): FakeCollection {
    type State = { where: object[]; order: [string, 'asc' | 'desc'][]; fields?: string[]; skip: number; limit?: number };
    const db = this;
    const select = (state: State) => db.candidatesOf(name, state.where).filter((d) => state.where.every((q) => matches(d, q)));
    const query = (state: State): FakeQuery => ({
      where: (q) => query({ ...state, where: [...state.where, q] }),
      orderBy: (field, direction) => query({ ...state, order: [...state.order, [field, direction]] }),
      field: (projection) => query({ ...state, fields: Object.keys(projection).filter((k) => projection[k]) }),
      skip: (n) => query({ ...state, skip: n }),
      limit: (n) => {
        if (!Number.isInteger(n) || n < 1) throw new Error(`limit must be a positive integer, not ${n}`);
        return query({ ...state, limit: n });
      },
      get: () =>
        db.call({ op: 'get', collection: name }, () => {
          let docs = select(state);
          docs.sort((a, b) => {
            for (const [field, direction] of state.order) {
              const c = compare(getPath(a, field), getPath(b, field));
              if (c !== 0) return direction === 'asc' ? c : -c;
            }
            return 0;
          });
          // The server caps a query at 1000 documents, and answers 100 unless limited.
          docs = docs.slice(state.skip, state.skip + Math.min(state.limit ?? 100, 1000));
          const shaped = docs.map((d) => (state.fields ? Object.fromEntries(['_id', ...(state.fields ?? [])].filter((k) => k in d).map((k) => [k, d[k]])) : d));
          return { data: shaped.map((d) => formatField(d) as FakeDoc) };
        }),
      count: () => db.call({ op: 'count', collection: name }, () => ({ total: select(state).length })),
      update: (data) =>
        db.call({ op: 'update', collection: name }, () => {
          const writes: Write[] = [];
          for (const d of select(state)) {
            const next = applyUpdate(d, data);
            db.checkUniqueOutside(name, String(d._id), next);
            if (JSON.stringify(next) !== JSON.stringify(serialize(d))) writes.push({ collection: name, id: String(d._id), doc: next });
          }
          db.commitWrites(writes);
          return { updated: writes.length };
        }),
      remove: () =>
        db.call({ op: 'remove', collection: name }, () => {
          const gone = select(state).map((d) => ({ collection: name, id: String(d._id), doc: null }));
          db.commitWrites(gone);
          return { deleted: gone.length };
        }),
    });
    const base = query({ where: [], order: [], skip: 0 });
    return {
      ...base,
      add: (data) =>
        db.call({ op: 'add', collection: name }, () => {
          const doc = serialize(data) as Stored;
          const id = typeof doc._id === 'string' ? doc._id : db.newId();
          if (db.latest(name, id)) throw dbError(DUPLICATE_WRITE, `E11000 duplicate key error collection: ${name} index: _id_ dup key: { _id: "${id}" }`);
          db.checkUniqueOutside(name, id, { ...doc, _id: id });
          db.commitWrites([{ collection: name, id, doc: { ...doc, _id: id } }]);
          return { id };
        }),
      doc: (id) => ({
        get: () =>
          db.call({ op: 'doc.get', collection: name, id }, () => {
            const doc = db.latest(name, id);
            return { data: doc ? [formatField(doc) as FakeDoc] : [] };
          }),
        set: (data) =>
          db.call({ op: 'doc.set', collection: name, id }, () => {
            if ('_id' in data) throw dbError('INVALID_PARAM', '不能更新_id的值');
            const had = db.latest(name, id) !== null;
            const doc = { ...(serialize(data) as Stored), _id: id };
            db.checkUniqueOutside(name, id, doc);
            db.commitWrites([{ collection: name, id, doc }]);
            return had ? { updated: 1 } : { updated: 0, upsertedId: id };
          }),
        update: (data) =>
          db.call({ op: 'doc.update', collection: name, id }, () => {
            const before = db.latest(name, id);
            if (!before) return { updated: 0 };
            const next = applyUpdate(before, data);
            db.checkUniqueOutside(name, id, next);
            if (JSON.stringify(next) === JSON.stringify(before)) return { updated: 0 };
            db.commitWrites([{ collection: name, id, doc: next }]);
            return { updated: 1 };
          }),
        remove: () =>
          db.call({ op: 'doc.remove', collection: name, id }, () => {
            const had = db.latest(name, id) !== null;
            if (had) db.commitWrites([{ collection: name, id, doc: null }]);
            return { deleted: had ? 1 : 0 };
          }),
      }),
      aggregate: () => ({
        geoNear(options: GeoNearOptions) {
          let limit: number | undefined;
          const stage: FakeAggregation = {
            limit(n: number) {
              limit = n;
              return stage;
            },
            end: () =>
              db.call({ op: 'aggregate', collection: name }, () => {
                if (db.recording) db.geoNearCalls.push({ collection: name, options, limit });
                checkGeoNearOptions(options);
                const key = options.key ?? 'location';
                const near: [number, number] = [(options.near as Point).longitude, (options.near as Point).latitude];
                const maxDistance = options.maxDistance ?? Number.POSITIVE_INFINITY;
                // A box around the circle skips the far documents cheaply (a 2dsphere index does the same).
                const box = nearBox(near, maxDistance);
                const { docs, unplaced } = db.geoCandidates(name, key, near, box);
                for (const d of unplaced)
                  if (matches(d, options.query ?? {})) throw new Error(`geoNear: document ${String(d._id)} has no ${key} (no geo index would hold it)`);
                const candidates: { doc: Stored; distance: number; tie: number }[] = [];
                for (const d of docs) {
                  const loc = d[key] as { coordinates: [number, number] };
                  if (box && !box.holds(loc.coordinates)) continue;
                  if (!matches(d, options.query ?? {})) continue;
                  const distance = haversineM(near, loc.coordinates, MONGO_EARTH_RADIUS_M);
                  if (distance <= maxDistance && distance >= (options.minDistance ?? 0)) candidates.push({ doc: d, distance, tie: db.random() });
                }
                const found = candidates
                  // Nearest first; equal distances in no particular order.
                  .sort((a, b) => a.distance - b.distance || a.tie - b.tie)
                  // $geoNear's own cap (its `limit` option, 100 when omitted), then the `$limit` stage (20 when omitted).
                  .slice(0, options.limit ?? 100)
                  .slice(0, limit ?? 20);
                // Aggregates hand GeoJSON back as stored (no formatField).
                return {
                  data: found.map(
                    (x) =>
                      ({
                        ...structuredClone(x.doc),
                        [options.distanceField]: x.distance * ((options as { distanceMultiplier?: number }).distanceMultiplier ?? 1),
                      }) as FakeDoc,
                  ),
                };
              }),
          };
          return stage;
        },
      }),
    };
  }

  private newId(): string {
    return Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join('');
  }

  // ---------------------------------------------------------------- transactions

  /** The SDK's `db.startTransaction()`: one call; the caller commits or rolls back. */
  async startTransaction(): Promise<FakeTransaction> {
    const state = await this.call({ op: 'startTransaction' }, () => this.begin());
    return this.transactionOf(state);
  }

  /**
   * The SDK's `db.runTransaction(callback, times = 3)`, step for step: a conflict (thrown by a
   * write or the commit) runs the callback again at once, up to `times` more times; any other
   * error rolls back and is rethrown; out of tries, the last error is rethrown after rollback.
   */
  async runTransaction<T>(callback: (tx: FakeTransaction) => Promise<T>, times = 3): Promise<T> {
    let tx: FakeTransaction | null = null;
    try {
      tx = await this.startTransaction();
      const result = await callback(tx);
      if (tx.aborted) throw tx.abortReason;
      await tx.commit();
      return result;
    } catch (error) {
      if (tx === null) throw error;
      const throwWithRollback = async (err: unknown): Promise<never> => {
        if (!tx!.aborted && !(tx as unknown as { committed: boolean }).committed) {
          try {
            await tx!.rollback();
          } catch {
            // as the SDK: a failed rollback is ignored
          }
          throw err;
        }
        if (tx!.aborted) throw tx!.abortReason;
        throw err;
      };
      if (times <= 0) return throwWithRollback(error);
      if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === TRANSACTION_CONFLICT) {
        return this.runTransaction(callback, times - 1);
      }
      return throwWithRollback(error);
    }
  }

  private begin(): TxState {
    this.transactions++;
    const state: TxState = { id: ++this.txSeq, snapshot: this.clock, writes: new Map(), open: true, doomed: null };
    this.openTx.add(state);
    if (this.failTransactionWrite && --this.failTransactionWrite.transaction === 0) {
      const { nth, error } = this.failTransactionWrite;
      this.failTransactionWrite = null;
      let n = 0;
      (state as TxState & { failWrite?: () => void }).failWrite = () => {
        if (++n === nth) throw error;
      };
    }
    return state;
  }

  private end(tx: TxState): void {
    tx.open = false;
    this.openTx.delete(tx);
    for (const [key, holder] of this.locks) if (holder === tx) this.locks.delete(key);
  }

  /** A conflict: the transaction dies (MongoDB aborts it) and the error says to retry. */
  private conflict(tx: TxState, why: string): never {
    this.conflicts++;
    this.end(tx);
    const err = dbError(TRANSACTION_CONFLICT, `database transaction conflict: ${why}`);
    tx.doomed = err;
    throw err;
  }

  private usable(tx: TxState): void {
    if (tx.doomed) {
      if (tx.open) this.conflicts++;
      this.end(tx);
      throw tx.doomed;
    }
    if (!tx.open) throw dbError('DATABASE_REQUEST_FAILED', `transaction ${tx.id} is not open`);
  }

  /** The document as this transaction sees it: its own write, else its snapshot. */
  private txRead(tx: TxState, collection: string, id: string): Stored | null {
    const own = tx.writes.get(keyOf(collection, id));
    return own ? own.doc : this.at(collection, id, tx.snapshot);
  }

  /** Takes the document's lock for a write (a conflict when another transaction holds it or it changed since the snapshot). */
  private txWrite(tx: TxState, write: Write): void {
    this.usable(tx);
    (tx as TxState & { failWrite?: () => void }).failWrite?.();
    const key = keyOf(write.collection, write.id);
    const holder = this.locks.get(key);
    if (holder && holder !== tx) this.conflict(tx, `${write.collection}/${write.id} is written by another transaction`);
    if (this.latestVersion(write.collection, write.id) > tx.snapshot) this.conflict(tx, `${write.collection}/${write.id} changed since the transaction began`);
    if (write.doc) {
      // Another open transaction writing the same unique value: a conflict, as the index entry is locked.
      for (const other of this.openTx) {
        if (other === tx) continue;
        const theirs = [...other.writes.values()].filter((w) => w.collection === write.collection && w.doc).map((w) => w.doc as Stored);
        if (this.clash(write.collection, write.id, write.doc, theirs))
          this.conflict(tx, `a unique ${write.collection} value is written by another transaction`);
      }
    }
    this.locks.set(key, tx);
    tx.writes.set(key, write);
  }

  private transactionOf(state: TxState): FakeTransaction {
    const record = (op: string, collection?: string, id?: string): Omit<CallRecord, 'n'> => ({ op, collection, id, transaction: state.id });
    const refuse = (what: string): never => {
      throw new Error(`the fake refuses ${what} inside a transaction: in the SDK it would run outside it (use doc(id) reads and writes)`);
    };
    const tx: FakeTransaction & { committed: boolean } = {
      aborted: false,
      abortReason: undefined,
      committed: false,
      collection: (name) => ({
        where: () => refuse(`collection("${name}").where(...)`),
        aggregate: () => refuse(`collection("${name}").aggregate()`),
        add: (data) =>
          this.call(record('tx.add', name), () => {
            const doc = serialize(data) as Stored;
            const id = typeof doc._id === 'string' ? doc._id : this.newId();
            this.usable(state);
            if (this.txRead(state, name, id)) {
              state.doomed = dbError(DUPLICATE_WRITE, `E11000 duplicate key error collection: ${name} index: _id_ dup key: { _id: "${id}" }`);
              this.end(state);
              throw state.doomed;
            }
            this.txWrite(state, { collection: name, id, doc: { ...doc, _id: id } });
            return { inserted: 1 as const, ok: 1 as const, id };
          }),
        doc: (id) => ({
          get: () =>
            this.call(record('tx.get', name, id), () => {
              this.usable(state);
              const doc = this.txRead(state, name, id);
              return { data: doc ? (formatField(doc) as FakeDoc) : null };
            }),
          set: (data) =>
            this.call(record('tx.set', name, id), () => {
              if ('_id' in data) throw dbError('INVALID_PARAM', '不能更新_id的值');
              const had = this.txRead(state, name, id) !== null;
              this.txWrite(state, { collection: name, id, doc: { ...(serialize(data) as Stored), _id: id } });
              return { updated: had ? 1 : 0, upserted: had ? [] : [{ _id: id }] };
            }),
          update: (data) =>
            this.call(record('tx.update', name, id), () => {
              this.usable(state);
              const before = this.txRead(state, name, id);
              if (!before) return { updated: 0 };
              this.txWrite(state, { collection: name, id, doc: applyUpdate(before, data) });
              return { updated: 1 };
            }),
          remove: () =>
            this.call(record('tx.remove', name, id), () => {
              this.usable(state);
              const had = this.txRead(state, name, id) !== null;
              if (had) this.txWrite(state, { collection: name, id, doc: null });
              return { deleted: had ? 1 : 0 };
            }),
        }),
      }),
      commit: () =>
        this.call(record('commit'), () => {
          this.usable(state);
          const writes = [...state.writes.values()];
          // Unique indexes are checked on the state the commit leaves (see LENIENCY above).
          const clash = this.commitClash(writes);
          if (clash) {
            this.end(state);
            throw dbError(DUPLICATE_WRITE, clash);
          }
          this.commitWrites(writes, state);
          this.end(state);
          tx.committed = true;
          return { requestId: `commit-${state.id}` };
        }),
      rollback: (reason?: unknown) =>
        this.call(record('rollback'), () => {
          this.end(state);
          tx.aborted = true;
          tx.abortReason = reason;
          return { requestId: `rollback-${state.id}` };
        }),
    };
    return tx;
  }
}
