import { byDistanceThenId, distanceM, EARTH_RADIUS_M, pointInZone, zoneBox, type Polygon } from '../../../shared/geo';
import type { Bike, Place, PlaceKind } from '../../../shared/places';
import { importedBike, isFreeFor } from '../../../shared/ride';
import { byNameThenId, literalPattern, placeSearchText } from '../../../shared/search';
import type { FreeFor, NearbyQuery, PlaceHit, PlaceStore, SearchHit } from '../ports';
import { CloudbaseUnavailable, COLLECTIONS, DUPLICATE_WRITE, errorCode, plain } from './db';
import type { AdapterDb, Doc } from './sdk';
import { inTransaction } from './transaction';

/** The Earth radius CloudBase's geoNear measures with (MongoDB's 6378.1 km), in metres. */
export const GEONEAR_EARTH_RADIUS_M = 6378100;

/** Places past `limit` fetched on the first geoNear, for ties and for the `accept` filter. */
export const NEARBY_MARGIN = 8;
/**
 * The most one geoNear page asks for, given as geoNear's own `limit` option: MongoDB's $geoNear
 * answers 100 documents when that option is omitted, whatever `$limit` follows, so a page of more
 * would look complete when it is not. Pages go on by distance, then id (`minDistance` + `_id` nin).
 */
export const GEONEAR_PAGE = 100;
/** Places read in all for one query: past it a filter that rejects nearly everything (or a pile of 1,000 places at one spot) gives up. */
export const MAX_NEARBY_BATCH = 1000;
/** Bikes read per page when counting the bikes of zones. */
const COUNT_PAGE = 1000;
/** What a count reads of a bike: where it stands, and its hold (shared/ride.ts isFreeFor decides, in the same request). */
const COUNTED = { lat: true, lng: true, heldBy: true, heldUntil: true };
/** Two distances closer than this (metres) may be ordered either way by geoNear: a tie. */
const TIE_M = 0.01;
/** Documents written per transaction (each is one request inside it; see docs/deploy.md). */
export const UPSERT_CHUNK = 100;
/** Ids per `_.in` query. */
const IN_CHUNK = 100;

/** The deterministic `_id` of a place: its kind and its id. */
export function placeDocId(kind: PlaceKind, id: string): string {
  return `${kind}:${id}`;
}

/**
 * The geoNear `maxDistance` that covers `radiusM` as the contract measures it: geoNear's larger
 * Earth makes every distance 0.11 % longer, so the radius is scaled up, plus a metre for rounding.
 * @example geoNearMaxDistance(10000) // => 10012.13...
 */
export function geoNearMaxDistance(radiusM: number): number {
  return (radiusM * GEONEAR_EARTH_RADIUS_M) / EARTH_RADIUS_M + 1;
}

/**
 * A box around a zone, padded so that it holds the whole zone whether its edges are read as
 * straight lines in degrees (Turf, our rule) or as great-circle arcs (CloudBase's geoWithin): an
 * arc between two corners of equal latitude bows poleward by about span²/8 · sin(2·lat)/2.
 */
export function paddedZoneBox(zone: Polygon): { minLat: number; maxLat: number; minLng: number; maxLng: number } {
  const box = zoneBox(zone);
  const spanRad = ((box.maxLng - box.minLng) * Math.PI) / 180;
  const bowDeg = ((spanRad * spanRad) / 8) * (180 / Math.PI);
  const padLat = 1e-4 + 2 * bowDeg;
  const padLng = 1e-4;
  return {
    minLat: Math.max(-90, box.minLat - padLat),
    maxLat: Math.min(90, box.maxLat + padLat),
    minLng: Math.max(-180, box.minLng - padLng),
    maxLng: Math.min(180, box.maxLng + padLng),
  };
}

/** Whether a geoNear failed for want of a geo index (MongoDB: "$geoNear requires a 2d or 2dsphere index", "unable to find index for $geoNear query", IndexNotFound). */
export function missingGeoIndex(err: unknown): boolean {
  const text = `${errorCode(err) ?? ''} ${err instanceof Error ? err.message : String(err)}`;
  return /IndexNotFound|2d(sphere)? index|geo ?ind(ex|ices)|index for \$?geoNear/i.test(text);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The place a document holds: every field but the storage ones. */
export function placeOf(doc: Doc): Place {
  // `location` is derived from lat/lng; `geoDistance` is geoNear's output field; a bike's `rideId`
  // is its open ride (functions/lib/cloudbase/rides.ts), and `afterRide` is null once applied; a
  // bike's hold (`heldBy`, `heldUntil`) is null once let go, `openReports` is the rides adapter's;
  // `search` is the text geo.search matches (shared/search.ts placeSearchText).
  const { _id, _openid, location, geoDistance, updatedAt, rideId, afterRide, heldBy, heldUntil, openReports, search, ...place } =
    plain<Record<string, unknown>>(doc);
  const held = typeof heldBy === 'string' && typeof heldUntil === 'string' ? { heldBy, heldUntil } : {};
  return (afterRide === 'maintenance' ? { ...place, ...held, afterRide } : { ...place, ...held }) as unknown as Place;
}

/** JSON with sorted keys: two places compare equal whatever order their fields were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** The document a place is stored as: its fields, `search` (stores and stations), `location`, `updatedAt`. */
export function placeDoc(db: Pick<AdapterDb, 'Geo'>, place: Place): object {
  const search = place.kind === 'bike' ? {} : { search: placeSearchText(place) };
  return { ...place, ...search, location: new db.Geo.Point(place.lng, place.lat), updatedAt: new Date() };
}

/** What one import transaction wrote of a place, and what it replaced. */
interface Written {
  kind: PlaceKind;
  docId: string;
  written: Place;
  previous: Doc | null;
}

/**
 * Places in CloudBase: one collection per kind (`places_store`, `places_station`, `places_bike`),
 * `_id` = `kind:id`, the place's fields at the top level (so `status`, `code` and `category` can be
 * queried and indexed) and `location` = `Geo.Point(lng, lat)` under a 2dsphere index.
 */
export function cloudbasePlaces(db: AdapterDb): PlaceStore {
  const _ = db.command;
  const collectionOf = (kind: PlaceKind) => db.collection(COLLECTIONS[kind]);

  const docOf = (place: Place): object => placeDoc(db, place);

  /** A condition on `search` that holds the query literally (escaped: ".*" is two characters, not a pattern). */
  const holding = (key: string) => ({ search: db.RegExp({ regexp: literalPattern(key), options: '' }) });

  /** Every stored document among `ids` of one kind, by `_id` (one page each: IN_CHUNK ids match at most IN_CHUNK documents). */
  async function readDocs(kind: PlaceKind, ids: string[], idsOnly = false): Promise<Map<string, Doc>> {
    const found = new Map<string, Doc>();
    for (const part of chunks(ids, IN_CHUNK)) {
      const query = collectionOf(kind).where({ _id: _.in(part) });
      const { data } = await (idsOnly ? query.field({ _id: true }) : query).limit(part.length).get();
      for (const doc of data) found.set(doc._id, doc);
    }
    return found;
  }

  /** A conflict message when the batch would leave two bikes with one code. */
  async function codeConflict(batch: Place[]): Promise<string | null> {
    const owner = new Map<string, string>();
    for (const place of batch) {
      if (place.kind !== 'bike') continue;
      const first = owner.get(place.code);
      if (first !== undefined && first !== place.id) return `bike code "${place.code}" already belongs to bike "${first}"`;
      owner.set(place.code, place.id);
    }
    if (owner.size === 0) return null;
    const importing = new Set(batch.filter((p) => p.kind === 'bike').map((p) => p.id));
    for (const codes of chunks([...owner.keys()], IN_CHUNK)) {
      // One page: `code` is unique among bikes (cloudbase/database.json), so IN_CHUNK codes match at most IN_CHUNK bikes.
      const { data } = await collectionOf('bike')
        .where({ code: _.in(codes) })
        .field({ id: true, code: true })
        .limit(1000)
        .get();
      for (const holder of data) {
        const holderId = String(holder.id);
        // A bike of this batch gives its old code up (or keeps it): only bikes left alone hold theirs.
        if (importing.has(holderId)) continue;
        const taker = owner.get(String(holder.code));
        if (taker !== undefined && taker !== holderId) return `bike code "${String(holder.code)}" already belongs to bike "${holderId}"`;
      }
    }
    return null;
  }

  /**
   * Undoes the chunks a failed import had committed, each document in a transaction that reads it
   * first: only a document still as the import wrote it is put back (one an unlock, a ride's end
   * or another import changed since is left alone), and a bike keeps its ride state as it is now
   * (`riding` and its ride, or what the ride's end left): a restore never frees a ridden bike.
   */
  async function restore(written: Written[]): Promise<void> {
    for (const part of chunks(written, UPSERT_CHUNK)) {
      await inTransaction(db, async (tx) => {
        for (const w of part) {
          const ref = tx.collection(COLLECTIONS[w.kind]).doc(w.docId);
          const { data: current } = await ref.get();
          if (!current || canonical(placeOf(current)) !== canonical(w.written)) continue;
          if (!w.previous) {
            await ref.remove();
            continue;
          }
          const previous = placeOf(w.previous);
          const rideState = w.kind === 'bike' ? { status: current.status, rideId: current.rideId ?? null, afterRide: current.afterRide ?? null } : {};
          await ref.set({ ...docOf(previous), ...rideState });
        }
      });
    }
  }

  /** One geoNear page: nearest first from `after` (inclusive distance, those ids left out), at most `size`. */
  async function geoNear(q: NearbyQuery, size: number, after: { distance: number; ids: string[] } | null, extra: object): Promise<Doc[]> {
    const query: Record<string, unknown> = { ...extra };
    if (q.kind === 'bike') query.status = 'available';
    if (q.kind === 'store' && q.category !== undefined) query.category = q.category;
    if (after) query._id = _.nin(after.ids);
    try {
      const { data } = await collectionOf(q.kind)
        .aggregate()
        .geoNear({
          near: new db.Geo.Point(q.center.lng, q.center.lat),
          spherical: true,
          distanceField: 'geoDistance',
          maxDistance: geoNearMaxDistance(q.radiusM),
          ...(after ? { minDistance: after.distance } : {}),
          limit: size,
          ...(Object.keys(query).length > 0 ? { query } : {}),
          key: 'location',
        })
        .limit(size)
        .end();
      return data ?? [];
    } catch (err) {
      if (missingGeoIndex(err)) {
        throw new CloudbaseUnavailable(
          `${COLLECTIONS[q.kind]} has no 2dsphere index on location: apply cloudbase/database.json (npm run deploy, or node scripts/cloud-setup.mjs)`,
        );
      }
      throw err;
    }
  }

  /** A zone's padded box as a `Geo.Polygon` (see paddedZoneBox). */
  function boxOf(zone: Polygon): unknown {
    const b = paddedZoneBox(zone);
    const corners = [
      [b.minLng, b.minLat],
      [b.maxLng, b.minLat],
      [b.maxLng, b.maxLat],
      [b.minLng, b.maxLat],
      [b.minLng, b.minLat],
    ].map(([lng, lat]) => new db.Geo.Point(lng, lat));
    return new db.Geo.Polygon([new db.Geo.LineString(corners)]);
  }

  /**
   * Available bikes per zone, from ONE query over every zone's box (`_.or` of geoWithin), paged
   * by `_id` 1,000 at a time; each bike is then placed in the zones that hold it (pointInZone).
   * A nearby answer of 20 stations costs one request (two past 1,000 bikes), not 20.
   */
  async function countInZones(zones: readonly Polygon[], free: FreeFor): Promise<number[]> {
    const counts = zones.map(() => 0);
    if (zones.length === 0) return counts;
    const boxes = zones.map((zone) => ({ location: _.geoWithin({ geometry: boxOf(zone) }) }));
    // One zone: a plain filter (as before); several: status AND (box 1 OR box 2 ...).
    const where = boxes.length === 1 ? { status: 'available', ...boxes[0] } : _.and([{ status: 'available' }, _.or(boxes)]);
    // Pages by _id after the last one read, never skip (paging.ts): skip re-walks every page before it.
    let last: string | null = null;
    for (;;) {
      const page: object = last === null ? where : _.and([where, { _id: _.gt(last) }]);
      const { data }: { data: Doc[] } = await collectionOf('bike').where(page).orderBy('_id', 'asc').field(COUNTED).limit(COUNT_PAGE).get();
      for (const bike of data) {
        if (!isFreeFor({ heldBy: bike.heldBy, heldUntil: bike.heldUntil }, free.caller, free.now)) continue;
        const at = { lat: Number(bike.lat), lng: Number(bike.lng) };
        zones.forEach((zone, i) => {
          if (pointInZone(at, zone)) counts[i]++;
        });
      }
      if (data.length < COUNT_PAGE) return counts;
      last = data[data.length - 1]._id;
    }
  }

  /** Places of the query's kind nearest first, ties by id, that also meet `extra` (a condition geoNear's query takes). */
  async function nearest(q: NearbyQuery, extra: object): Promise<PlaceHit[]> {
    // geoNear breaks no ties and measures on a larger Earth: fetch past the limit, measure again
    // with the contract's formula, trust only what lies strictly nearer than the farthest
    // fetched (a tie with it may still be unfetched), and read the next page when that is short.
    const fetched: Array<{ id: string; place: Place; distance: number }> = [];
    let size = Math.min(q.limit + NEARBY_MARGIN, GEONEAR_PAGE);
    let after: { distance: number; ids: string[] } | null = null;
    for (;;) {
      const docs = await geoNear(q, size, after, extra);
      for (const doc of docs) {
        const place = placeOf(doc);
        fetched.push({ id: place.id, place, distance: distanceM(q.center, place) });
      }
      // At the largest read the tail is kept too: better a tie cut by geoNear's order than nothing.
      const exhausted = docs.length < size || fetched.length >= MAX_NEARBY_BATCH;
      const farthest = Math.max(...fetched.map((m) => m.distance));
      const horizon = exhausted ? Infinity : farthest - TIE_M;
      const sure = fetched.filter((m) => m.distance <= q.radiusM && m.distance < horizon).sort(byDistanceThenId);
      const hits: PlaceHit[] = [];
      for (const m of sure) {
        if (q.accept && !q.accept(m.place)) continue;
        hits.push({ place: m.place, distance: m.distance });
        if (hits.length >= q.limit) return hits;
      }
      if (exhausted) return hits;
      // The next page starts at the last distance read, without the ids already read there.
      const last = Number(docs[docs.length - 1].geoDistance);
      const atLast = docs.filter((d) => Number(d.geoDistance) === last).map((d) => d._id);
      after = { distance: last, ids: after && after.distance === last ? [...after.ids, ...atLast] : atLast };
      size = Math.min(GEONEAR_PAGE, MAX_NEARBY_BATCH - fetched.length);
    }
  }

  return {
    async upsert(places) {
      // One document per place; the last of two with the same kind and id wins, as in SQLite.
      const batch = [...new Map(places.map((p) => [placeDocId(p.kind, p.id), p] as const)).values()];
      const conflict = await codeConflict(batch);
      if (conflict) return { ok: false, conflict };

      // One transaction per chunk (each write is a request inside it, and a transaction has a
      // lifetime). Each reads what it replaces inside itself: an unlock between the read and the
      // write is a conflict, and the chunk runs again. A chunk that fails undoes the ones before it.
      const committed: Written[] = [];
      const deferred: string[] = [];
      for (const chunk of chunks(batch, UPSERT_CHUNK)) {
        try {
          const wrote = await inTransaction(db, async (tx) => {
            const out: (Written & { deferred: boolean })[] = [];
            for (const place of chunk) {
              const docId = placeDocId(place.kind, place.id);
              const ref = tx.collection(COLLECTIONS[place.kind]).doc(docId);
              const { data: current } = await ref.get();
              if (place.kind !== 'bike') {
                await ref.set(docOf(place));
                out.push({ kind: place.kind, docId, written: place, previous: current, deferred: false });
                continue;
              }
              // An import never takes a bike from under its rider (shared/ride.ts).
              const { stored, deferred: waits } = importedBike(current ? (placeOf(current) as Bike) : null, place);
              await ref.set({
                ...docOf(stored),
                rideId: current?.status === 'riding' ? (current.rideId ?? null) : null,
                afterRide: stored.afterRide ?? null,
                openReports: current?.openReports ?? [],
              });
              out.push({ kind: 'bike', docId, written: stored, previous: current, deferred: waits });
            }
            return out;
          });
          committed.push(...wrote);
          deferred.push(...wrote.filter((w) => w.deferred).map((w) => w.written.id));
        } catch (err) {
          try {
            await restore(committed);
          } catch (undo) {
            throw new AggregateError([err, undo], 'upsert failed part way and could not be fully undone');
          }
          if (errorCode(err) === DUPLICATE_WRITE) {
            return { ok: false, conflict: 'bike code: another import took one of these codes meanwhile; nothing was imported' };
          }
          throw err;
        }
      }
      return { ok: true, deferred };
    },

    nearby: (q) => nearest(q, {}),

    async search(q) {
      if (q.center === undefined) {
        // By name: one bounded query (the contract's limit is at most 50, under a page of 1,000).
        const { data } = await collectionOf(q.kind).where(holding(q.key)).orderBy('name', 'asc').orderBy('id', 'asc').limit(q.limit).get();
        return data.map((doc) => ({ place: placeOf(doc) as SearchHit['place'] })).sort((a, b) => byNameThenId(a.place, b.place));
      }
      // Nearest first: the same paged geoNear as nearby, the text inside its query, over the whole Earth.
      const hits = await nearest({ kind: q.kind, center: q.center, radiusM: Math.PI * EARTH_RADIUS_M, limit: q.limit }, holding(q.key));
      return hits as SearchHit[];
    },

    async countAvailableBikesIn(zone, free) {
      return (await countInZones([zone], free))[0];
    },

    countAvailableBikesInZones: (zones, free) => countInZones(zones, free),

    async missing(kind, ids) {
      const found = await readDocs(
        kind,
        [...new Set(ids)].map((id) => placeDocId(kind, id)),
        true,
      );
      return ids.filter((id) => !found.has(placeDocId(kind, id)));
    },

    async get(kind, id) {
      const { data } = await collectionOf(kind).doc(placeDocId(kind, id)).get();
      return data.length === 0 ? null : (placeOf(data[0]) as never);
    },

    async getMany(kind, ids) {
      const docs = await readDocs(
        kind,
        [...new Set(ids)].map((id) => placeDocId(kind, id)),
      );
      const found = new Map();
      for (const doc of docs.values()) {
        const place = placeOf(doc);
        found.set(place.id, place);
      }
      return found;
    },
  };
}
