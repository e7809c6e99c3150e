import { boxesAround, byDistanceThenId, distancesFromM, EARTH_RADIUS_M, pointInZone, zoneBox, type Polygon } from '../../../shared/geo';
import type { Bike, Place, PlaceKind } from '../../../shared/places';
import { importedBike } from '../../../shared/ride';
import type { NearbyQuery, PlaceHit, PlaceStore } from '../ports';
import type { Statement } from 'better-sqlite3';
import { atomically, type Db } from './db';
import { NEAR_TIE_M, PointIndex } from './point-index';
import { sqlitePlaceSearch } from './place-search';

type Candidate = { pk: number; id: string; distance: number; body?: string };
/** A place seen only through its R*Tree box: its exact distance lies within [low, high]. */
type Bounded = { pk: number; low: number; high: number };

/** Metres per degree of arc on the contract's sphere. */
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

/** A query up to this radius searches its whole circle at once (few places, one statement). */
const ONE_WINDOW_M = 10000;
/** The first search circle of a wider query; it grows only while it holds fewer than `limit` answers. */
const FIRST_WINDOW_M = 5000;
/** Up to this many places are read by one `IN (?, ...)` statement prepared for their count; more through json_each. */
const FEW_ROWS = 64;
/** Parsed stores and stations kept for the next answers; past this many the cache starts again. */
const PARSED_CACHE = 50_000;

/** The stores or stations of the in-process index: tree position -> pk and id. */
interface Snapshot {
  index: PointIndex;
  pks: Float64Array;
  ids: string[];
  lats: Float64Array;
  lngs: Float64Array;
}

/** Places in SQLite: one row each, and an R*Tree per kind so that a nearby query never scans the table. */
export function sqlitePlaces(db: Db): PlaceStore {
  const kinds: PlaceKind[] = ['store', 'station', 'bike'];
  // Positional parameters (maxLng, minLng, maxLat, minLat[, category]): binding them is cheaper than names.
  // The last circle of a query also reads the bodies: one statement fewer for most queries.
  const window = (kind: PlaceKind, extra: string, body: boolean) =>
    db
      .prepare(
        `SELECT p.pk, p.id, p.lat, p.lng${body ? ', p.body' : ''} FROM geo_${kind} g JOIN places p ON p.pk = g.pk
         WHERE g.min_lng <= ? AND g.max_lng >= ? AND g.min_lat <= ? AND g.max_lat >= ? ${extra}`,
      )
      .raw();
  const windows = (body: boolean) => ({
    store: window('store', '', body),
    storeOfCategory: window('store', 'AND p.category = ?', body),
    station: window('station', '', body),
    bike: window('bike', `AND p.status = 'available'`, body),
  });
  const inWindow = windows(false);
  const inLastWindow = windows(true);
  const bodyOf = db.prepare('SELECT body FROM places WHERE pk = ?').pluck();
  /** `SELECT <columns> FROM places WHERE pk IN (?, ...)`, one statement prepared per list length. */
  const byPks = (columns: string) => {
    const statements: Array<Statement<number[]>> = [];
    return (pks: number[]): unknown[] => {
      let stmt = statements[pks.length];
      if (stmt === undefined) {
        stmt = db.prepare<number[]>(`SELECT ${columns} FROM places WHERE pk IN (${pks.map(() => '?').join(', ')})`).raw();
        statements[pks.length] = stmt;
      }
      return stmt.all(...pks);
    };
  };
  const bodiesByPks = byPks('pk, body');
  /** The bodies of up to `limit` places in one statement, by pk. */
  const bodiesOf = (pks: number[]): Map<number, string> => new Map(bodiesByPks(pks) as [number, string][]);
  // The R*Tree alone (no row of `places` read): boxes of float32 coordinates that hold each point.
  const boxesIn = Object.fromEntries(
    (['store', 'station'] as const).map((k) => [
      k,
      db.prepare(`SELECT pk, min_lat, max_lat, min_lng, max_lng FROM geo_${k} WHERE min_lng <= ? AND max_lng >= ? AND min_lat <= ? AND max_lat >= ?`).raw(),
    ]),
  ) as Record<'store' | 'station', Statement<number[]>>;
  const rowsOf = db.prepare<[string]>('SELECT pk, id, lat, lng, body FROM places WHERE pk IN (SELECT value FROM json_each(?))').raw();
  const rowsOfFew = byPks('pk, id, lat, lng, body');
  const bodyByKindId = db.prepare('SELECT body FROM places WHERE kind = ? AND id = ?').pluck();
  const byKindId = db.prepare('SELECT pk, status FROM places WHERE kind = ? AND id = ?');
  const codeHolder = db.prepare(`SELECT id FROM places WHERE kind = 'bike' AND code = ? AND id <> ?`).pluck();
  const write = db
    .prepare(
      `INSERT INTO places (kind, id, lat, lng, category, status, code, body, updated_at)
     VALUES (@kind, @id, @lat, @lng, @category, @status, @code, @body, @now)
     ON CONFLICT (kind, id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, category = excluded.category,
       status = excluded.status, code = excluded.code, body = excluded.body, updated_at = excluded.updated_at
     RETURNING pk`,
    )
    .pluck();
  const index = Object.fromEntries(
    [...kinds, 'zone'].map((k) => [k, db.prepare(`INSERT OR REPLACE INTO geo_${k} (pk, min_lng, max_lng, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`)]),
  );
  const bikesInBox = db
    .prepare(
      `SELECT p.lat, p.lng FROM geo_bike g JOIN places p ON p.pk = g.pk
       WHERE g.min_lng <= @maxLng AND g.max_lng >= @minLng AND g.min_lat <= @maxLat AND g.max_lat >= @minLat AND p.status = 'available'`,
    )
    .raw();

  // Text search (shared/search.ts): place-search.ts; older databases' places are indexed once, here.
  const { indexText, search: searchAtOnce } = sqlitePlaceSearch(db, bodiesOf);

  // The nearby query of stores and stations (no filter) walks an in-process kd-tree of their
  // positions nearest first (point-index.ts) and reads only the answer's rows, parsed once and kept:
  // the R*Tree and JSON.parse of every answer cost 3-11x geokdbush (bench/results/nearby-history.md).
  // Both are dropped when stores or stations change: by this adapter's upsert, or by another
  // connection (PRAGMA data_version moves only for other connections' commits; bikes, which rides
  // move all day, never use this path).
  const snapshots: { store?: Snapshot; station?: Snapshot } = {};
  const parsed = new Map<number, Place>();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seenVersion = dataVersion.get() as number;
  const pointsOf = db.prepare<[string]>('SELECT pk, id, lat, lng FROM places WHERE kind = ?').raw();
  function forget(): void {
    snapshots.store = undefined;
    snapshots.station = undefined;
    parsed.clear();
  }
  function snapshotOf(kind: 'store' | 'station'): Snapshot {
    if (!db.memory) {
      const version = dataVersion.get() as number;
      if (version !== seenVersion) {
        seenVersion = version;
        forget();
      }
    }
    let snap = snapshots[kind];
    if (snap === undefined) {
      const rows = pointsOf.all(kind) as [number, string, number, number][];
      const lngs = new Float64Array(rows.length);
      const lats = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        lats[i] = rows[i][2];
        lngs[i] = rows[i][3];
      }
      const index = new PointIndex(lngs, lats);
      const pks = new Float64Array(rows.length);
      const ids: string[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        pks[i] = rows[i][0];
        ids[i] = rows[i][1];
      }
      snap = { index, pks, ids, lats, lngs };
      snapshots[kind] = snap;
    }
    return snap;
  }
  /** Stores or stations within the radius, nearest first, ties by id, at most `limit`, from the kd-tree. */
  function nearbyByIndex(q: NearbyQuery & { kind: 'store' | 'station' }): PlaceHit[] {
    const snap = snapshotOf(q.kind);
    const measure = distancesFromM(q.center);
    const found: Candidate[] = [];
    // The walk's order is the contract's to within nanometres: it reads on a hair past the radius and
    // past the limit-th answer (ties with it are ordered by id below), and every distance is measured exactly.
    snap.index.nearest(q.center.lng, q.center.lat, q.radiusM + NEAR_TIE_M, (point, approxM) => {
      if (found.length >= q.limit && approxM > found[q.limit - 1].distance + NEAR_TIE_M) return false;
      const distance = measure(snap.lats[point], snap.lngs[point]);
      if (distance <= q.radiusM) found.push({ pk: snap.pks[point], id: snap.ids[point], distance });
      return true;
    });
    found.sort(byDistanceThenId);
    if (found.length > q.limit) found.length = q.limit;
    const missing = found.filter((c) => !parsed.has(c.pk)).map((c) => c.pk);
    if (missing.length > 0) {
      if (parsed.size + missing.length > PARSED_CACHE) parsed.clear();
      for (const [pk, body] of bodiesOf(missing)) parsed.set(pk, Object.freeze(JSON.parse(body)) as Place);
    }
    return found.map((c) => ({ place: parsed.get(c.pk) as Place, distance: c.distance }));
  }

  /** Every place of the query's kind within `radiusM` (not the query's radius), nearest first, ties by id. */
  function candidates(q: NearbyQuery, radiusM: number, measure: (lat: number, lng: number) => number): Candidate[] {
    const statements = radiusM >= q.radiusM ? inLastWindow : inWindow;
    const ofCategory = q.kind === 'store' && q.category !== undefined;
    const stmt = ofCategory ? statements.storeOfCategory : statements[q.kind];
    const found: Candidate[] = [];
    for (const box of boxesAround(q.center, radiusM)) {
      const params: Array<number | string> = [box.maxLng, box.minLng, box.maxLat, box.minLat];
      if (ofCategory) params.push(q.category as string);
      for (const [pk, id, lat, lng, body] of stmt.all(...params) as [number, string, number, number, string?][]) {
        const distance = measure(lat, lng);
        if (distance <= radiusM) found.push({ pk, id, distance, body });
      }
    }
    return found.sort(byDistanceThenId);
  }

  /**
   * The places of the query's kind whose box meets the circle of `radiusM`, each with bounds on its
   * exact distance (the R*Tree keeps float32 boxes around each point), and how many of them are
   * certainly within the circle.
   */
  function bounded(kind: 'store' | 'station', center: { lat: number; lng: number }, radiusM: number, measure: (lat: number, lng: number) => number) {
    const found: Bounded[] = [];
    let within = 0;
    for (const box of boxesAround(center, radiusM)) {
      for (const [pk, minLat, maxLat, minLng, maxLng] of boxesIn[kind].all(box.maxLng, box.minLng, box.maxLat, box.minLat) as number[][]) {
        // The point lies in its box: no farther from the box's corner than the box's two sides (plus a hair for rounding).
        const d = measure(minLat, minLng);
        const slack = (maxLat - minLat + (maxLng - minLng)) * M_PER_DEG + 1e-6;
        if (d - slack > radiusM) continue;
        found.push({ pk, low: d - slack, high: d + slack });
        if (d + slack <= radiusM) within++;
      }
    }
    return { found, within };
  }

  /**
   * The exact first `limit` places within the query's radius among `found`, which holds every place
   * that could be one of them: only those whose lower bound is not beyond the `limit`-th upper bound
   * are read from `places` (one statement), measured exactly, and parsed.
   */
  function exactTop(q: NearbyQuery, found: Bounded[], measure: (lat: number, lng: number) => number): PlaceHit[] {
    let pks: number[];
    if (found.length > q.limit) {
      const highs = found.map((c) => c.high).sort((a, b) => a - b);
      const cut = highs[q.limit - 1];
      pks = [];
      for (const c of found) if (c.low <= cut) pks.push(c.pk);
    } else {
      pks = found.map((c) => c.pk);
    }
    if (pks.length === 0) return [];
    const exact: Candidate[] = [];
    const rows = pks.length <= FEW_ROWS ? rowsOfFew(pks) : rowsOf.all(JSON.stringify(pks));
    for (const [pk, id, lat, lng, body] of rows as [number, string, number, number, string][]) {
      const distance = measure(lat, lng);
      if (distance <= q.radiusM) exact.push({ pk, id, distance, body });
    }
    exact.sort(byDistanceThenId);
    if (exact.length > q.limit) exact.length = q.limit;
    return exact.map((c) => ({ place: JSON.parse(c.body as string) as Place, distance: c.distance }));
  }

  /**
   * A wide query (stores of no given category, stations; no `accept`) on the R*Tree's boxes alone:
   * a circle's places cost no read of `places` until the answer is known, and then only its own.
   */
  function nearbyByBoxes(q: NearbyQuery & { kind: 'store' | 'station' }): PlaceHit[] {
    const measure = distancesFromM(q.center);
    let radiusM = FIRST_WINDOW_M;
    for (;;) {
      const { found, within } = bounded(q.kind, q.center, radiusM, measure);
      // Fewer than `limit` places certainly within a smaller circle: the answer may lie outside it.
      if (radiusM >= q.radiusM || within >= q.limit) return exactTop(q, found, measure);
      radiusM = widen(radiusM, within, q);
    }
  }
  // On a file, one read transaction a query: its statements see one snapshot and take the file's
  // read lock once (a statement of its own costs two fcntl calls). In memory nothing else can write.
  const nearbyByBoxesAtOnce = db.memory ? nearbyByBoxes : db.transaction(nearbyByBoxes);

  /**
   * The circle to search after one of `radiusM` held `held` answers (fewer than `limit`): sized for
   * `limit` answers if places were spread evenly, at least half again as wide, at most four times;
   * the query's own radius once that is near.
   */
  function widen(radiusM: number, held: number, q: NearbyQuery): number {
    const factor = Math.min(4, Math.max(1.5, 1.2 * Math.sqrt(q.limit / Math.max(held, 0.5))));
    const next = radiusM * factor;
    return next >= 0.7 * q.radiusM ? q.radiusM : next;
  }

  return {
    async upsert(places) {
      const now = new Date().toISOString();
      if (places.some((p) => p.kind !== 'bike')) forget();
      return atomically<{ ok: true; deferred: string[] } | { ok: false; conflict: string }>(db, (abort) => {
        const deferred: string[] = [];
        for (const place of places) {
          let stored = place;
          if (place.kind === 'bike') {
            const holder = codeHolder.get(place.code, place.id) as string | undefined;
            if (holder !== undefined) abort({ ok: false, conflict: `bike code "${place.code}" already belongs to bike "${holder}"` });
            const current = bodyByKindId.get('bike', place.id) as string | undefined;
            // An import never takes a bike from under its rider (shared/ride.ts).
            const imported = importedBike(current === undefined ? null : (JSON.parse(current) as Bike), place);
            stored = imported.stored;
            if (imported.deferred) deferred.push(place.id);
          }
          const pk = write.get({
            kind: stored.kind,
            id: stored.id,
            lat: stored.lat,
            lng: stored.lng,
            category: stored.kind === 'store' ? stored.category : null,
            status: stored.kind === 'bike' ? stored.status : null,
            code: stored.kind === 'bike' ? stored.code : null,
            body: JSON.stringify(stored),
            now,
          }) as number;
          index[stored.kind].run(pk, stored.lng, stored.lng, stored.lat, stored.lat);
          indexText(pk, stored);
          if (stored.kind === 'station') {
            const b = zoneBox(stored.zone);
            index.zone.run(pk, b.minLng, b.maxLng, b.minLat, b.maxLat);
          }
        }
        return { ok: true, deferred };
      });
    },

    async nearby(q) {
      if (q.accept === undefined && ((q.kind === 'store' && q.category === undefined) || q.kind === 'station')) {
        return nearbyByIndex(q as NearbyQuery & { kind: 'store' | 'station' });
      }
      // A wide query's circles may hold hundreds of places: read them from the R*Tree alone. A
      // narrower one reads its few places and their bodies in one statement (below), which is cheaper.
      if (q.radiusM > ONE_WINDOW_M && q.accept === undefined && ((q.kind === 'store' && q.category === undefined) || q.kind === 'station')) {
        return nearbyByBoxesAtOnce(q as NearbyQuery & { kind: 'store' | 'station' });
      }
      // A wide query searches a small circle first and widens it only while it holds fewer than
      // `limit` answers: every place within a circle is found, so its first `limit` are the answer.
      // Dense areas then never measure (or sort) the thousands of places of the whole radius.
      const measure = distancesFromM(q.center);
      const parsed = new Map<number, Place>();
      const placeOf = (c: Candidate): Place => {
        let place = parsed.get(c.pk);
        if (place === undefined) {
          place = JSON.parse(c.body ?? (bodyOf.get(c.pk) as string)) as Place;
          parsed.set(c.pk, place);
        }
        return place;
      };
      let radiusM = q.radiusM <= ONE_WINDOW_M ? q.radiusM : FIRST_WINDOW_M;
      for (;;) {
        const found = candidates(q, radiusM, measure);
        const last = radiusM >= q.radiusM;
        let held: number;
        if (q.accept) {
          const hits: PlaceHit[] = [];
          for (const c of found) {
            const place = placeOf(c);
            if (!q.accept(place)) continue;
            hits.push({ place, distance: c.distance });
            if (hits.length >= q.limit) break;
          }
          if (hits.length >= q.limit || last) return hits;
          held = hits.length;
        } else {
          if (found.length >= q.limit || last) {
            const top = found.slice(0, q.limit);
            const bodies = last ? undefined : bodiesOf(top.map((c) => c.pk));
            return top.map((c) => ({ place: JSON.parse(c.body ?? (bodies?.get(c.pk) as string)) as Place, distance: c.distance }));
          }
          held = found.length;
        }
        radiusM = widen(radiusM, held, q);
      }
    },

    async countAvailableBikesIn(zone: Polygon) {
      let count = 0;
      for (const [lat, lng] of bikesInBox.all(zoneBox(zone)) as [number, number][]) {
        if (pointInZone({ lat, lng }, zone)) count++;
      }
      return count;
    },

    async countAvailableBikesInZones(zones) {
      // Embedded: a box query per zone costs microseconds, no round trip.
      return Promise.all(zones.map((zone) => this.countAvailableBikesIn(zone)));
    },

    async missing(kind, ids) {
      return ids.filter((id) => byKindId.get(kind, id) === undefined);
    },

    async get(kind, id) {
      const row = bodyByKindId.get(kind, id) as string | undefined;
      return row === undefined ? null : JSON.parse(row);
    },

    async getMany(kind, ids) {
      // Embedded: a lookup per id costs microseconds, no round trip.
      const found = new Map();
      for (const id of new Set(ids)) {
        const row = bodyByKindId.get(kind, id) as string | undefined;
        if (row !== undefined) found.set(id, JSON.parse(row));
      }
      return found;
    },

    async search(q) {
      return searchAtOnce(q);
    },
  };
}
