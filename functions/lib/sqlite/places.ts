import { boxesAround, byDistanceThenId, distanceM, pointInZone, zoneBox, type Polygon } from '../../../shared/geo';
import type { Place, PlaceKind } from '../../../shared/places';
import type { NearbyQuery, PlaceHit, PlaceStore } from '../ports';
import { atomically, type Db } from './db';

type Candidate = { pk: number; id: string; distance: number };

/** Places in SQLite: one row each, and an R*Tree per kind so that a nearby query never scans the table. */
export function sqlitePlaces(db: Db): PlaceStore {
  const kinds: PlaceKind[] = ['store', 'station', 'bike'];
  const window = (kind: PlaceKind, extra: string) =>
    db
      .prepare(
        `SELECT p.pk, p.id, p.lat, p.lng FROM geo_${kind} g JOIN places p ON p.pk = g.pk
         WHERE g.min_lng <= @maxLng AND g.max_lng >= @minLng AND g.min_lat <= @maxLat AND g.max_lat >= @minLat ${extra}`,
      )
      .raw();
  const inWindow = {
    store: window('store', ''),
    storeOfCategory: window('store', 'AND p.category = @category'),
    station: window('station', ''),
    bike: window('bike', `AND p.status = 'available'`),
  };
  const bodyOf = db.prepare('SELECT body FROM places WHERE pk = ?').pluck();
  const byKindId = db.prepare('SELECT pk, status FROM places WHERE kind = ? AND id = ?');
  const codeHolder = db.prepare(`SELECT id FROM places WHERE kind = 'bike' AND code = ? AND id <> ?`).pluck();
  const write = db.prepare(
    `INSERT INTO places (kind, id, lat, lng, category, status, code, body, updated_at)
     VALUES (@kind, @id, @lat, @lng, @category, @status, @code, @body, @now)
     ON CONFLICT (kind, id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, category = excluded.category,
       status = excluded.status, code = excluded.code, body = excluded.body, updated_at = excluded.updated_at
     RETURNING pk`,
  ).pluck();
  const index = Object.fromEntries(
    [...kinds, 'zone'].map((k) => [k, db.prepare(`INSERT OR REPLACE INTO geo_${k} (pk, min_lng, max_lng, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`)]),
  );
  const bikesInBox = db
    .prepare(
      `SELECT p.lat, p.lng FROM geo_bike g JOIN places p ON p.pk = g.pk
       WHERE g.min_lng <= @maxLng AND g.max_lng >= @minLng AND g.min_lat <= @maxLat AND g.max_lat >= @minLat AND p.status = 'available'`,
    )
    .raw();

  function candidates(q: NearbyQuery): Candidate[] {
    const stmt = q.kind === 'store' && q.category !== undefined ? inWindow.storeOfCategory : inWindow[q.kind];
    const found: Candidate[] = [];
    for (const box of boxesAround(q.center, q.radiusM)) {
      for (const [pk, id, lat, lng] of stmt.all({ ...box, category: q.category }) as [number, string, number, number][]) {
        const distance = distanceM(q.center, { lat, lng });
        if (distance <= q.radiusM) found.push({ pk, id, distance });
      }
    }
    return found.sort(byDistanceThenId);
  }

  return {
    async upsert(places) {
      const now = new Date().toISOString();
      return atomically<{ ok: true } | { ok: false; conflict: string }>(db, (abort) => {
        for (const place of places) {
          let stored = place;
          if (place.kind === 'bike') {
            const holder = codeHolder.get(place.code, place.id) as string | undefined;
            if (holder !== undefined) abort({ ok: false, conflict: `bike code "${place.code}" already belongs to bike "${holder}"` });
            const existing = byKindId.get('bike', place.id) as { status: string } | undefined;
            // An import never takes a bike from under its rider.
            if (existing?.status === 'riding') stored = { ...place, status: 'riding' };
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
          if (stored.kind === 'station') {
            const b = zoneBox(stored.zone);
            index.zone.run(pk, b.minLng, b.maxLng, b.minLat, b.maxLat);
          }
        }
        return { ok: true };
      });
    },

    async nearby(q) {
      const hits: PlaceHit[] = [];
      for (const c of candidates(q)) {
        const place = JSON.parse(bodyOf.get(c.pk) as string) as Place;
        if (q.accept && !q.accept(place)) continue;
        hits.push({ place, distance: c.distance });
        if (hits.length >= q.limit) break;
      }
      return hits;
    },

    async countAvailableBikesIn(zone: Polygon) {
      let count = 0;
      for (const [lat, lng] of bikesInBox.all(zoneBox(zone)) as [number, number][]) {
        if (pointInZone({ lat, lng }, zone)) count++;
      }
      return count;
    },

    async missing(kind, ids) {
      return ids.filter((id) => byKindId.get(kind, id) === undefined);
    },

    async get(kind, id) {
      const row = db.prepare('SELECT body FROM places WHERE kind = ? AND id = ?').pluck().get(kind, id) as string | undefined;
      return row === undefined ? null : JSON.parse(row);
    },
  };
}
