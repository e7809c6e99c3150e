import fc from 'fast-check';
import {
  cloudbasePlaces,
  geoNearMaxDistance,
  MAX_NEARBY_BATCH,
  GEONEAR_PAGE,
  NEARBY_MARGIN,
  paddedZoneBox,
  placeDocId,
  UPSERT_CHUNK,
} from '../../functions/lib/cloudbase/places';
import { cloudbaseStaff } from '../../functions/lib/cloudbase/staff';
import { byDistanceThenId, distanceM, EARTH_RADIUS_M, pointInZone, type LatLng, type Polygon } from '../../shared/geo';
import type { Bike, Place, Station, Store } from '../../shared/places';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { polygon, store } from '../support/places';

const CENTER: LatLng = { lat: 31.2304, lng: 121.4737 };

/** The point `metres` due north of `from`, as the contract measures. */
function north(from: LatLng, metres: number): LatLng {
  return { lat: from.lat + (metres / EARTH_RADIUS_M) * (180 / Math.PI), lng: from.lng };
}

function bike(id: string, at: LatLng, status: Bike['status'] = 'available', code = id): Bike {
  return { kind: 'bike', id, code, lat: at.lat, lng: at.lng, status };
}
const square = (c: LatLng, halfDeg: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [c.lng - halfDeg, c.lat - halfDeg],
      [c.lng + halfDeg, c.lat - halfDeg],
      [c.lng + halfDeg, c.lat + halfDeg],
      [c.lng - halfDeg, c.lat + halfDeg],
      [c.lng - halfDeg, c.lat - halfDeg],
    ],
  ],
});
function station(id: string, at: LatLng, zone: Polygon = square(at, 0.001)): Station {
  return { kind: 'station', id, name: `Station ${id}`, lat: at.lat, lng: at.lng, zone };
}

/** A random source that repeats (for reproducible tie orders). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function setUp(places: Place[], seed = 1) {
  const db = new FakeCloudbase({ unique: { places_bike: ['code'] }, random: seeded(seed) });
  const store = cloudbasePlaces(db);
  if (places.length > 0) expect(await store.upsert(places)).toEqual({ ok: true, deferred: [] });
  db.geoNearCalls.length = 0;
  return { db, places: store };
}

describe('CloudBase places: nearby over geoNear', () => {
  it('finds a place just inside the radius, which geoNear on its 6378.1 km Earth puts 11 m outside', async () => {
    const inside = north(CENTER, 9999.9);
    const { db, places } = await setUp([store('S1', inside)]);
    const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: 10000, limit: 5 });
    expect(hits.map((h) => h.place.id)).toEqual(['S1']);
    expect(hits[0].distance).toBeCloseTo(9999.9, 3);
    // What geoNear was asked, and why: its own distance to S1 is past 10,000 m.
    expect(db.geoNearCalls[0].options.maxDistance).toBeCloseTo(geoNearMaxDistance(10000), 6);
    expect(geoNearMaxDistance(10000)).toBeGreaterThan(10011);
  });

  it('leaves out a place just outside the radius, although geoNear returns it', async () => {
    const { places } = await setUp([store('S1', north(CENTER, 10000.5)), store('S2', north(CENTER, 9000))]);
    const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: 10000, limit: 5 });
    expect(hits.map((h) => h.place.id)).toEqual(['S2']);
  });

  it('breaks ties by id, whatever order geoNear gives equal distances', async () => {
    const stacked = Array.from({ length: 30 }, (_, i) => bike(`B${String(30 - i).padStart(2, '0')}`, north(CENTER, 50)));
    for (const seed of [1, 2, 3, 4, 5]) {
      const { places } = await setUp(stacked, seed);
      const hits = await places.nearby({ kind: 'bike', center: CENTER, radiusM: 500, limit: 5 });
      expect(hits.map((h) => h.place.id)).toEqual(['B01', 'B02', 'B03', 'B04', 'B05']);
    }
  });

  it('fetches more when the limit falls inside a group of equal distances', async () => {
    const near = [bike('N1', north(CENTER, 10)), bike('N2', north(CENTER, 20)), bike('N3', north(CENTER, 30))];
    const group = Array.from({ length: 20 }, (_, i) => bike(`G${String(20 - i).padStart(2, '0')}`, north(CENTER, 100)));
    const { db, places } = await setUp([...near, ...group], 7);
    const hits = await places.nearby({ kind: 'bike', center: CENTER, radiusM: 500, limit: 10 });
    expect(hits.map((h) => h.place.id)).toEqual(['N1', 'N2', 'N3', 'G01', 'G02', 'G03', 'G04', 'G05', 'G06', 'G07']);
    // The first page cuts the group; the next starts at its distance, without the ids already read there.
    expect(db.geoNearCalls.map((c) => [c.options.limit, c.limit])).toEqual([
      [10 + NEARBY_MARGIN, 10 + NEARBY_MARGIN],
      [GEONEAR_PAGE, GEONEAR_PAGE],
    ]);
    const [first, second] = db.geoNearCalls;
    expect(first.options.minDistance).toBeUndefined();
    expect(second.options.minDistance).toBeCloseTo((100 * 6378100) / 6371008.8, 3);
    const skipped = (second.options.query as { _id: { operands?: unknown[]; value?: unknown[] } })._id;
    expect(JSON.stringify(skipped)).toMatch(/G\d\d/);
  });

  it('never asks geoNear for more than 100 a page, and pages on distance then id to the right answer', async () => {
    // 300 bikes in rings of equal distance: pages of 100 end inside a ring.
    const rings = Array.from({ length: 300 }, (_, i) => bike(`R${String(i).padStart(3, '0')}`, north(CENTER, 10 + 5 * Math.floor(i / 7))));
    const { db, places } = await setUp(rings, 3);
    const hits = await places.nearby({ kind: 'bike', center: CENTER, radiusM: 5000, limit: 100 });
    const expected = rings
      .map((b) => ({ id: b.id, distance: distanceM(CENTER, b) }))
      .sort(byDistanceThenId)
      .slice(0, 100);
    expect(hits.map((h) => h.place.id)).toEqual(expected.map((x) => x.id));
    expect(db.geoNearCalls.length).toBeGreaterThan(1);
    for (const call of db.geoNearCalls) {
      expect(call.options.limit).toBeLessThanOrEqual(GEONEAR_PAGE);
      expect(call.limit).toBe(call.options.limit);
    }
  });

  it('applies an open-now filter nearest first, doubling the batch until the limit is met', async () => {
    const stores = Array.from({ length: 60 }, (_, i) => store(`S${String(i).padStart(2, '0')}`, north(CENTER, 100 + i * 10)));
    const { db, places } = await setUp(stores);
    const open = new Set(['S05', 'S31', 'S47', 'S58']);
    const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: 5000, limit: 3, accept: (p) => open.has(p.id) });
    expect(hits.map((h) => h.place.id)).toEqual(['S05', 'S31', 'S47']);
    expect(db.geoNearCalls.map((c) => c.options.limit)).toEqual([11, GEONEAR_PAGE]);
  });

  it('asks geoNear for available bikes only and for one category of store', async () => {
    const { db, places } = await setUp([
      bike('B1', north(CENTER, 10), 'maintenance'),
      bike('B2', north(CENTER, 20)),
      store('S1', north(CENTER, 10), { category: 'bakery' }),
      store('S2', north(CENTER, 20), { category: 'cafe' }),
    ]);
    expect((await places.nearby({ kind: 'bike', center: CENTER, radiusM: 100, limit: 5 })).map((h) => h.place.id)).toEqual(['B2']);
    expect((await places.nearby({ kind: 'store', center: CENTER, radiusM: 100, limit: 5, category: 'cafe' })).map((h) => h.place.id)).toEqual(['S2']);
    expect(db.geoNearCalls.map((c) => c.options.query)).toEqual([{ status: 'available' }, { category: 'cafe' }]);
    expect(db.geoNearCalls.every((c) => c.options.spherical === true && c.options.distanceField === 'geoDistance')).toBe(true);
  });

  it('stops at the largest batch when a filter keeps refusing', async () => {
    const stores = Array.from({ length: MAX_NEARBY_BATCH + 10 }, (_, i) => store(`S${String(i).padStart(4, '0')}`, north(CENTER, 10 + i)));
    const { db, places } = await setUp(stores);
    const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: 50000, limit: 1, accept: () => false });
    expect(hits).toEqual([]);
    // Pages of at most 100, 1,000 places read in all, then it gives up.
    expect(db.geoNearCalls.every((c) => (c.options.limit ?? Infinity) <= GEONEAR_PAGE)).toBe(true);
    expect(db.geoNearCalls.reduce((n, c) => n + (c.limit ?? 0), 0)).toBe(MAX_NEARBY_BATCH);
  });

  it('answers as brute force does on random places, random queries and a random filter', async () => {
    // Clustered points and exact duplicates, so that ties and the radius edge both happen.
    const pointArb = fc.record({ dLat: fc.integer({ min: -400, max: 400 }), dLng: fc.integer({ min: -400, max: 400 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(pointArb, { minLength: 1, maxLength: 120 }),
        fc.record({ radiusM: fc.integer({ min: 1, max: 6000 }), limit: fc.integer({ min: 1, max: 40 }), keep: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }),
        async (offsets, q) => {
          const all = offsets.map((o, i) => store(`S${String(i).padStart(3, '0')}`, { lat: CENTER.lat + o.dLat * 1e-4, lng: CENTER.lng + o.dLng * 1e-4 }));
          const { places } = await setUp(all, q.seed);
          const accept = (p: Place) => Number(p.id.slice(1)) % q.keep === 0;
          const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: q.radiusM, limit: q.limit, accept });
          const expected = all
            .map((p) => ({ id: p.id, distance: distanceM(CENTER, p) }))
            .filter((x) => x.distance <= q.radiusM && accept(all[Number(x.id.slice(1))]))
            .sort(byDistanceThenId)
            .slice(0, q.limit);
          expect(hits.map((h) => [h.place.id, h.distance])).toEqual(expected.map((x) => [x.id, x.distance]));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('CloudBase places: documents', () => {
  it('keys each place by kind and id in the collection of its kind, with a GeoJSON location', async () => {
    const { db } = await setUp([store('S1', CENTER), bike('B1', CENTER), station('P1', CENTER)]);
    expect([...db.table('places_store').keys()]).toEqual(['store:S1']);
    expect([...db.table('places_bike').keys()]).toEqual(['bike:B1']);
    expect([...db.table('places_station').keys()]).toEqual(['station:P1']);
    expect(db.table('places_store').get('store:S1')!.location).toEqual({ type: 'Point', coordinates: [CENTER.lng, CENTER.lat] });
    expect(placeDocId('bike', 'B1')).toBe('bike:B1');
  });

  it('reads a place back as it was written, its zone as plain GeoJSON', async () => {
    const p = station('P1', CENTER);
    const { places } = await setUp([p, store('S1', CENTER)]);
    expect(await places.get('station', 'P1')).toEqual(p);
    expect(await places.get('store', 'S1')).toEqual(store('S1', CENTER));
    expect(await places.get('store', 'P1')).toBeNull();
  });

  it('names the ids that hold no place of that kind', async () => {
    const { places } = await setUp([store('S1', CENTER), store('S2', CENTER), bike('S3', CENTER)]);
    expect(await places.missing('store', ['S1', 'S3', 'S2', 'S9'])).toEqual(['S3', 'S9']);
  });

  it('replaces a place on a second import, keeping one document', async () => {
    const { db, places } = await setUp([store('S1', CENTER)]);
    expect(await places.upsert([store('S1', north(CENTER, 100), { name: 'Renamed' })])).toEqual({ ok: true, deferred: [] });
    expect(db.table('places_store').size).toBe(1);
    expect((await places.get('store', 'S1'))!.name).toBe('Renamed');
  });

  it('never takes a bike from under its rider on a re-import', async () => {
    const { db, places } = await setUp([bike('B1', CENTER)]);
    db.table('places_bike').get('bike:B1')!.status = 'riding';
    expect(await places.upsert([bike('B1', north(CENTER, 5), 'available')])).toEqual({ ok: true, deferred: [] });
    expect((await places.get('bike', 'B1'))!.status).toBe('riding');
    expect((await places.get('bike', 'B1'))!.lat).toBeCloseTo(north(CENTER, 5).lat, 12);
  });
});

describe('CloudBase places: bike codes and all-or-nothing imports', () => {
  it('refuses a code that another bike holds, writing nothing', async () => {
    const { db, places } = await setUp([bike('B1', CENTER, 'available', 'C1')]);
    const answer = await places.upsert([bike('B9', CENTER, 'available', 'C9'), bike('B2', CENTER, 'available', 'C1')]);
    expect(answer).toEqual({ ok: false, conflict: 'bike code "C1" already belongs to bike "B1"' });
    expect([...db.table('places_bike').keys()]).toEqual(['bike:B1']);
  });

  it('refuses one code given to two bikes of the same import', async () => {
    const { places } = await setUp([]);
    expect(await places.upsert([bike('B1', CENTER, 'available', 'C1'), bike('B2', CENTER, 'available', 'C1')])).toEqual({
      ok: false,
      conflict: 'bike code "C1" already belongs to bike "B1"',
    });
  });

  it('lets a bike keep its code, and two bikes of one import swap theirs', async () => {
    const { places } = await setUp([bike('B1', CENTER, 'available', 'C1'), bike('B2', CENTER, 'available', 'C2')]);
    expect(await places.upsert([bike('B1', CENTER, 'maintenance', 'C1')])).toEqual({ ok: true, deferred: [] });
    expect(await places.upsert([bike('B1', CENTER, 'available', 'C2'), bike('B2', CENTER, 'available', 'C1')])).toEqual({ ok: true, deferred: [] });
    expect((await places.get('bike', 'B2'))!.code).toBe('C1');
  });

  it('writes a large import in several transactions', async () => {
    const many = Array.from({ length: 2 * UPSERT_CHUNK + 50 }, (_, i) => store(`S${i}`, north(CENTER, i)));
    const { db } = await setUp([]);
    expect(await cloudbasePlaces(db).upsert(many)).toEqual({ ok: true, deferred: [] });
    expect(db.transactions).toBe(3);
    expect(db.table('places_store').size).toBe(many.length);
  });

  it('undoes the chunks already committed when a later one fails, then reports the failure', async () => {
    const old = [store('S0', CENTER, { name: 'Old 0' }), store('S150', CENTER, { name: 'Old 150' })];
    const { db, places } = await setUp(old);
    const many = Array.from({ length: 2 * UPSERT_CHUNK + 50 }, (_, i) => store(`S${i}`, north(CENTER, i), { name: `New ${i}` }));
    db.failTransactionWrite = { transaction: 3, nth: 7, error: new Error('network down') };
    await expect(places.upsert(many)).rejects.toThrow('network down');
    expect([...db.table('places_store').keys()].sort()).toEqual(['store:S0', 'store:S150']);
    expect((await places.get('store', 'S0'))!.name).toBe('Old 0');
    expect((await places.get('store', 'S150'))!.name).toBe('Old 150');
  });

  it('turns a code taken meanwhile (the unique index) into a conflict, after undoing', async () => {
    const { db, places } = await setUp([]);
    const many = Array.from({ length: UPSERT_CHUNK + 1 }, (_, i) => bike(`B${i}`, CENTER));
    db.failTransactionWrite = { transaction: 2, nth: 1, error: Object.assign(new Error('E11000'), { code: 'DATABASE_DUPLICATE_WRITE' }) };
    const answer = await places.upsert(many);
    expect(answer.ok).toBe(false);
    expect(db.table('places_bike').size).toBe(0);
  });
});

describe('CloudBase places: bikes in a zone', () => {
  const zone = polygon('121.47 31.23, 121.48 31.23, 121.475 31.24, 121.47 31.23'); // a triangle

  it('counts the available bikes inside a zone, its boundary included', async () => {
    const { places } = await setUp([
      bike('IN', { lat: 31.233, lng: 121.475 }),
      bike('EDGE', { lat: 31.23, lng: 121.474 }),
      bike('CORNER', { lat: 31.24, lng: 121.475 }),
      bike('BOX', { lat: 31.239, lng: 121.471 }), // inside the zone's box, outside the triangle
      bike('FAR', { lat: 31.3, lng: 121.5 }),
      bike('FIXING', { lat: 31.233, lng: 121.4751 }, 'maintenance'),
    ]);
    expect(await places.countAvailableBikesIn(zone, { now: new Date(), caller: null })).toBe(3);
  });

  it('agrees with pointInZone on random bikes around a zone', async () => {
    const bikes = Array.from({ length: 300 }, (_, i) => {
      const r = seeded(i + 11);
      return bike(`B${i}`, { lat: 31.228 + r() * 0.014, lng: 121.468 + r() * 0.014 });
    });
    const { places } = await setUp(bikes);
    expect(await places.countAvailableBikesIn(zone, { now: new Date(), caller: null })).toBe(bikes.filter((b) => pointInZone(b, zone)).length);
  });

  it('pads the query box more for wide zones, whose great-circle edges bow', () => {
    const small = paddedZoneBox(square(CENTER, 0.01));
    const wide = paddedZoneBox(square(CENTER, 1));
    expect(CENTER.lat + 0.01 - small.maxLat).toBeLessThan(0);
    expect(wide.maxLat - (CENTER.lat + 1)).toBeGreaterThan(small.maxLat - (CENTER.lat + 0.01));
  });
});

describe('CloudBase staff', () => {
  it('stores the stores of a staff member under their OPENID and forgets them on an empty list', async () => {
    const db = new FakeCloudbase();
    const staff = cloudbaseStaff(db);
    expect(await staff.storesOf('o1')).toEqual([]);
    await staff.set('o1', ['S001', 'S008']);
    expect(await staff.storesOf('o1')).toEqual(['S001', 'S008']);
    expect([...db.table('staff').keys()]).toEqual(['o1']);
    await staff.set('o1', []);
    expect(await staff.storesOf('o1')).toEqual([]);
    expect(db.table('staff').size).toBe(0);
  });
});
