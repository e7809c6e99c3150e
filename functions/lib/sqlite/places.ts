import { boxesAround, byDistanceThenId, distancesFromM, pointInZone, zoneBox, type Polygon } from '../../../shared/geo';
import type { Bike, Place, PlaceKind } from '../../../shared/places';
import { importedBike, isFreeFor } from '../../../shared/ride';
import type { FreeFor, NearbyQuery, PlaceHit, PlaceStore } from '../ports';
import type { Statement } from 'better-sqlite3';
import { atomically, type Db } from './db';
import { placeSnapshots } from './place-snapshot';
import { sqlitePlaceSearch } from './place-search';

type Candidate = { pk: number; id: string; distance: number; body?: string };

/** A query up to this radius searches its whole circle at once (few places, one statement). */
const ONE_WINDOW_M = 10000;
/** The first search circle of a wider query; it grows only while it holds fewer than `limit` answers. */
const FIRST_WINDOW_M = 5000;

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
      `SELECT p.lat, p.lng, json_extract(p.body, '$.heldBy'), json_extract(p.body, '$.heldUntil') FROM geo_bike g JOIN places p ON p.pk = g.pk
       WHERE g.min_lng <= @maxLng AND g.max_lng >= @minLng AND g.min_lat <= @maxLat AND g.max_lat >= @minLat AND p.status = 'available'`,
    )
    .raw();

  // Text search (shared/search.ts): place-search.ts; older databases' places are indexed once, here.
  const { indexText, search: searchAtOnce } = sqlitePlaceSearch(db, bodiesOf);
  // Stores and stations for the nearby query, in memory until they change (place-snapshot.ts).
  const snapshots = placeSnapshots(db);

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
      // Stores and stations: a walk of the in-memory snapshot, nearest first (place-snapshot.ts).
      if (q.kind !== 'bike') return snapshots.nearby(q as NearbyQuery & { kind: 'store' | 'station' });
      // Bikes, which rides move all day: the R*Tree, read afresh each query.
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

    async countAvailableBikesIn(zone: Polygon, free: FreeFor) {
      let count = 0;
      // The hold's facts are read; shared/ride.ts isFreeFor decides (a bike held for another rider is not counted).
      for (const [lat, lng, heldBy, heldUntil] of bikesInBox.all(zoneBox(zone)) as [number, number, unknown, unknown][]) {
        if (pointInZone({ lat, lng }, zone) && isFreeFor({ heldBy, heldUntil }, free.caller, free.now)) count++;
      }
      return count;
    },

    async countAvailableBikesInZones(zones, free) {
      // Embedded: a box query per zone costs microseconds, no round trip.
      return Promise.all(zones.map((zone) => this.countAvailableBikesIn(zone, free)));
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
