/**
 * Stores and stations held in memory for the embedded nearby query: a kd-tree of their positions
 * (point-index.ts) and the places themselves, parsed once from their bodies when the snapshot is
 * built and kept frozen. A query walks the tree nearest first, filters (category, `accept`) on the
 * places in memory and stops once its `limit` nearest are known: no SQLite row is read and no body
 * parsed per query (reading the answer's rows and parsing them cost 3-6x geokdbush by itself:
 * bench/results/nearby-history.md, docs/places.md "The embedded nearby query").
 *
 * The snapshot is rebuilt after any write to stores or stations, whoever makes it: each query reads
 * its kind's `place_versions` counter (migration 12: moved by triggers on every insert, update or
 * delete of a store or station, by this connection or another, through the adapter or plain SQL),
 * one small statement (on a file about as dear as `PRAGMA data_version`: the read lock). Bookings
 * and bikes, which move all day, leave it alone.
 * Bikes, which rides move all day, never use it.
 */
import type { NearbyQuery, PlaceHit } from '../ports';
import type { Place } from '../../../shared/places';
import { distancesFromM } from '../../../shared/geo';
import type { Db } from './db';
import { NEAR_TIE_M, PointIndex } from './point-index';

type SnapshotKind = 'store' | 'station';

interface Snapshot {
  /** The kind's `place_versions` counter when the snapshot was read (migration 12). */
  version: number;
  index: PointIndex;
  /** Input position -> place, latitude, longitude (the `places` columns). */
  places: Place[];
  lats: Float64Array;
  lngs: Float64Array;
}

/** Fields of a store that most stores share (a chain's hours, slot, services): one frozen copy each. */
const SHARED_FIELDS = ['openingHours', 'slot', 'services'] as const;

export function placeSnapshots(db: Db) {
  const snapshots: { store?: Snapshot; station?: Snapshot } = {};
  const versionOf = db.prepare<[string]>('SELECT version FROM place_versions WHERE kind = ?').pluck();
  // The table in pk order (pages one after another), not the (kind, id) index's order (a lookup a
  // row): about twice as fast for 135,000 stores; bikes' rows are skipped on the way.
  const rowsOf = db.prepare<[string]>('SELECT lat, lng, body FROM places NOT INDEXED WHERE kind = ?').raw();

  /** `version`: the counter read before the rows (a write between the two costs one more build, never a stale one). */
  function build(kind: SnapshotKind, version: number): Snapshot {
    const lats: number[] = [];
    const lngs: number[] = [];
    const places: Place[] = [];
    const shared = new Map<string, unknown>();
    const last: Record<string, unknown> = {};
    for (const [lat, lng, body] of rowsOf.iterate(kind) as IterableIterator<[number, number, string]>) {
      const place = JSON.parse(body) as Record<string, unknown>;
      if (kind === 'store') {
        for (const field of SHARED_FIELDS) {
          const value = place[field];
          if (value === undefined) continue;
          // Most stores repeat the one before them (a chain's import): a comparison, not a key.
          if (sameJson(value, last[field])) {
            place[field] = last[field];
            continue;
          }
          const key = `${field}:${JSON.stringify(value)}`;
          let known = shared.get(key);
          if (known === undefined) {
            known = deepFreeze(value);
            shared.set(key, known);
          }
          place[field] = known;
          last[field] = known;
        }
      }
      places.push(Object.freeze(place) as unknown as Place);
      lats.push(lat);
      lngs.push(lng);
    }
    const latArray = Float64Array.from(lats);
    const lngArray = Float64Array.from(lngs);
    return { version, index: new PointIndex(lngArray, latArray), places, lats: latArray, lngs: lngArray };
  }

  function snapshotOf(kind: SnapshotKind): Snapshot {
    const version = versionOf.get(kind) as number;
    let snap = snapshots[kind];
    if (snap === undefined || snap.version !== version) {
      snap = build(kind, version);
      snapshots[kind] = snap;
    }
    return snap;
  }

  /**
   * Stores or stations within the radius (of the category, passing `accept`), nearest first, ties
   * by id, at most `limit`. The walk's order is the contract's to within nanometres: it reads on a
   * hair past the radius and past the limit-th answer (ties with it are ordered by id below), and
   * every distance is measured exactly.
   */
  function nearby(q: NearbyQuery & { kind: SnapshotKind }): PlaceHit[] {
    const { limit, radiusM, category, accept } = q;
    if (limit < 1) return [];
    const { index, places, lats, lngs } = snapshotOf(q.kind);
    const measure = distancesFromM(q.center);
    const found: PlaceHit[] = [];
    index.nearest(q.center.lng, q.center.lat, radiusM + NEAR_TIE_M, (point, approxM) => {
      if (found.length >= limit && approxM > found[limit - 1].distance + NEAR_TIE_M) return false;
      const place = places[point];
      if (category !== undefined && (place.kind !== 'store' || place.category !== category)) return true;
      const distance = measure(lats[point], lngs[point]);
      if (distance > radiusM) return true;
      if (accept !== undefined && !accept(place)) return true;
      found.push({ place, distance });
      return true;
    });
    if (found.length > 1) found.sort(byDistanceThenPlaceId);
    if (found.length > limit) found.length = limit;
    return found;
  }

  return { nearby };
}

function byDistanceThenPlaceId(a: PlaceHit, b: PlaceHit): number {
  if (a.distance !== b.distance) return a.distance - b.distance;
  return a.place.id < b.place.id ? -1 : a.place.id > b.place.id ? 1 : 0;
}

/** The same JSON value, keys in the same order (so that the answer serialises as the body did). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const k = aKeys[i];
    if (k !== bKeys[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
