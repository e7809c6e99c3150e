/**
 * The places and staff contracts, written once and run against the SQLite adapters and the
 * CloudBase adapters on the shared fake: the same answers from both. (Bike import and maintenance
 * rules, and geoNear batching, have their own suites.)
 */
import { cloudbasePlaces } from '../../../functions/lib/cloudbase/places';
import { cloudbaseStaff } from '../../../functions/lib/cloudbase/staff';
import type { PlaceStore, StaffStore } from '../../../functions/lib/ports';
import { openDatabase } from '../../../functions/lib/sqlite';
import { sqlitePlaces } from '../../../functions/lib/sqlite/places';
import { sqliteStaff } from '../../../functions/lib/sqlite/staff';
import { distanceM, EARTH_RADIUS_M, type LatLng } from '../../../shared/geo';
import type { Bike, Place, Store } from '../../../shared/places';
import { FakeCloudbase, seededRandom } from '../../../functions/local/cloudbase-standin';
import { polygon, store } from '../../support/places';
import { searchKey } from '../../../shared/search';

/** A successful upsert (no ridden bike set to maintenance here). */
const UPSERTED = { ok: true, deferred: [] };
const CENTER: LatLng = { lat: 31.2304, lng: 121.4737 };
/** The point `metres` from `from` at `bearingDeg` (0 = north), as the contract measures. */
function toward(from: LatLng, metres: number, bearingDeg = 0): LatLng {
  const d = metres / EARTH_RADIUS_M;
  const b = (bearingDeg * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lng1 = (from.lng * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lng: (lng2 * 180) / Math.PI };
}
const bike = (id: string, at: LatLng, status: Bike['status'] = 'available', code = `C-${id}`): Bike => ({
  kind: 'bike',
  id,
  code,
  lat: at.lat,
  lng: at.lng,
  status,
});

interface Backend {
  name: string;
  make(seed: number): { places: PlaceStore; staff: StaffStore };
}
const backends: Backend[] = [
  {
    name: 'SQLite',
    make() {
      const db = openDatabase(':memory:');
      return { places: sqlitePlaces(db), staff: sqliteStaff(db) };
    },
  },
  {
    name: 'CloudBase',
    make(seed) {
      const db = new FakeCloudbase({ unique: { places_bike: ['code'] }, random: seededRandom(seed) });
      return { places: cloudbasePlaces(db), staff: cloudbaseStaff(db) };
    },
  },
];

describe.each(backends)('places port on $name', (backend) => {
  it('gets what was upserted, replaces it on a second upsert, and answers null for an unknown id', async () => {
    const { places } = backend.make(1);
    const s1 = store('S1', CENTER);
    expect(await places.upsert([s1])).toEqual(UPSERTED);
    expect(await places.get('store', 'S1')).toEqual(s1);
    expect(await places.upsert([{ ...s1, name: 'Renamed' }])).toEqual(UPSERTED);
    expect((await places.get('store', 'S1'))?.name).toBe('Renamed');
    expect(await places.get('store', 'S9')).toBeNull();
    expect(await places.get('bike', 'S1')).toBeNull();
  });

  it('writes nothing of an upsert refused for a bike code another bike holds', async () => {
    const { places } = backend.make(1);
    expect(await places.upsert([bike('B1', CENTER, 'available', 'C1')])).toEqual(UPSERTED);
    const answer = await places.upsert([store('S1', CENTER), bike('B9', CENTER, 'available', 'C9'), bike('B2', CENTER, 'available', 'C1')]);
    expect(answer).toEqual({ ok: false, conflict: 'bike code "C1" already belongs to bike "B1"' });
    expect(await places.get('bike', 'B9')).toBeNull();
    expect(await places.get('store', 'S1')).toBeNull();
    expect(await places.missing('bike', ['B1', 'B2', 'B9'])).toEqual(['B2', 'B9']);
  });

  it('finds places nearest first, ties by id, within the radius, at most `limit`', async () => {
    for (const seed of [1, 2, 3]) {
      const { places } = backend.make(seed);
      const spots = [
        store('S-far', toward(CENTER, 900, 10)),
        store('S-b', toward(CENTER, 300, 90)),
        store('S-a', toward(CENTER, 300, 90)),
        store('S-near', toward(CENTER, 100, 200)),
        store('S-out', toward(CENTER, 1100, 45)),
      ];
      expect(await places.upsert(spots)).toEqual(UPSERTED);
      const hits = await places.nearby({ kind: 'store', center: CENTER, radiusM: 1000, limit: 10 });
      expect(hits.map((h) => h.place.id)).toEqual(['S-near', 'S-a', 'S-b', 'S-far']);
      for (const h of hits) expect(h.distance).toBeCloseTo(distanceM(CENTER, h.place), 6);
      const two = await places.nearby({ kind: 'store', center: CENTER, radiusM: 1000, limit: 2 });
      expect(two.map((h) => h.place.id)).toEqual(['S-near', 'S-a']);
      expect(await places.nearby({ kind: 'station', center: CENTER, radiusM: 1000, limit: 10 })).toEqual([]);
    }
  });

  it('lists only available bikes nearby, and applies a filter it cannot index until `limit` pass', async () => {
    const { places } = backend.make(1);
    const set: Place[] = [
      bike('B1', toward(CENTER, 10)),
      bike('B2', toward(CENTER, 20), 'riding'),
      bike('B3', toward(CENTER, 30), 'maintenance'),
      bike('B4', toward(CENTER, 40)),
      store('S1', toward(CENTER, 10)),
      store('S2', toward(CENTER, 20), { category: 'food' }),
      store('S3', toward(CENTER, 30)),
    ];
    expect(await places.upsert(set)).toEqual(UPSERTED);
    expect((await places.nearby({ kind: 'bike', center: CENTER, radiusM: 100, limit: 10 })).map((h) => h.place.id)).toEqual(['B1', 'B4']);
    const even = await places.nearby({ kind: 'store', center: CENTER, radiusM: 100, limit: 1, accept: (p) => p.id !== 'S1' });
    expect(even.map((h) => h.place.id)).toEqual(['S2']);
    const food = await places.nearby({ kind: 'store', center: CENTER, radiusM: 100, limit: 5, category: 'food' });
    expect(food.map((h) => h.place.id)).toEqual(['S2']);
  });

  it('counts the available bikes inside a zone, its boundary included', async () => {
    const { places } = backend.make(1);
    const zone = polygon('121.47 31.23, 121.48 31.23, 121.475 31.24, 121.47 31.23'); // a triangle
    expect(
      await places.upsert([
        bike('IN', { lat: 31.233, lng: 121.475 }),
        bike('EDGE', { lat: 31.23, lng: 121.474 }),
        bike('OUT', { lat: 31.239, lng: 121.471 }),
        bike('FIXING', { lat: 31.233, lng: 121.4751 }, 'maintenance'),
      ]),
    ).toEqual(UPSERTED);
    expect(await places.countAvailableBikesIn(zone, { now: new Date(), caller: null })).toBe(2);
  });

  it('tells which ids name no place of a kind', async () => {
    const { places } = backend.make(1);
    expect(await places.upsert([store('S1', CENTER), store('S2', CENTER)])).toEqual(UPSERTED);
    expect(await places.missing('store', ['S1', 'S3', 'S2', 'S9'])).toEqual(['S3', 'S9']);
    expect(await places.missing('bike', ['S1'])).toEqual(['S1']);
  });
});

describe.each(backends)('staff port on $name', (backend) => {
  it('stores the stores of a staff member and forgets them on an empty list', async () => {
    const { staff } = backend.make(1);
    expect(await staff.storesOf('o1')).toEqual([]);
    await staff.set('o1', ['S001', 'S008']);
    await staff.set('o2', ['S002']);
    expect(await staff.storesOf('o1')).toEqual(['S001', 'S008']);
    await staff.set('o1', ['S003']);
    expect(await staff.storesOf('o1')).toEqual(['S003']);
    await staff.set('o1', []);
    expect(await staff.storesOf('o1')).toEqual([]);
    expect(await staff.storesOf('o2')).toEqual(['S002']);
  });
});

describe.each(backends)('places search on $name', (backend) => {
  const station = (id: string, name: string, at: LatLng): Place => ({
    kind: 'station',
    id,
    name,
    lat: at.lat,
    lng: at.lng,
    zone: {
      type: 'Polygon',
      coordinates: [
        [
          [at.lng, at.lat],
          [at.lng + 0.001, at.lat],
          [at.lng, at.lat + 0.001],
          [at.lng, at.lat],
        ],
      ],
    },
  });
  const world = async (seed = 1) => {
    const { places } = backend.make(seed);
    const set: Place[] = [
      store('S1', toward(CENTER, 500, 0), { name: '晨光咖啡', address: '南京东路 100 号' }),
      store('S2', toward(CENTER, 200, 90), { name: 'Luckin Coffee 人民广场店', address: '西藏中路 20 号' }),
      store('S3', toward(CENTER, 900, 180), { name: '大药房', address: '福州路 8 号 咖啡 楼上' }),
      store('S4', toward(CENTER, 50, 270), { name: 'ＭＡＮ ＣＯＦＦＥＥ', address: 'Fuzhou Rd 1' }),
      store('S5', toward(CENTER, 300, 45), { name: 'a.*b 实验店', address: '(测试) 路' }),
      station('T1', '福州路 停车点', toward(CENTER, 100, 0)),
      station('T2', '人民广场停车区', toward(CENTER, 400, 0)),
    ];
    expect(await places.upsert(set)).toEqual(UPSERTED);
    return places;
  };
  const ids = (hits: { place: { id: string } }[]) => hits.map((h) => h.place.id);

  it('finds Chinese by a substring of one or two characters, in the name or the address', async () => {
    const places = await world();
    expect(ids(await places.search({ kind: 'store', key: '咖啡', limit: 20 }))).toEqual(['S3', 'S1']);
    expect(ids(await places.search({ kind: 'store', key: '药', limit: 20 }))).toEqual(['S3']);
    expect(ids(await places.search({ kind: 'store', key: '南京东路', limit: 20 }))).toEqual(['S1']);
    expect(ids(await places.search({ kind: 'store', key: '号', limit: 20 }))).toEqual(['S2', 'S3', 'S1']);
  });

  it('finds Latin ignoring case, width and spaces (keys in searchKey form), never across name and address', async () => {
    const places = await world();
    expect(ids(await places.search({ kind: 'store', key: searchKey('coffee'), limit: 20 }))).toEqual(['S2', 'S4']);
    expect(ids(await places.search({ kind: 'store', key: searchKey('ＭＡＮ co'), limit: 20 }))).toEqual(['S4']);
    expect(ids(await places.search({ kind: 'store', key: searchKey('luckin coffee 人民'), limit: 20 }))).toEqual(['S2']);
    // "实验店" ends the name and "(测试)" starts the address: no match spans the two.
    expect(ids(await places.search({ kind: 'store', key: searchKey('店(测'), limit: 20 }))).toEqual([]);
  });

  it('takes the query as text: ".*" and other pattern characters match only themselves', async () => {
    const places = await world();
    expect(ids(await places.search({ kind: 'store', key: '.*', limit: 20 }))).toEqual(['S5']);
    expect(ids(await places.search({ kind: 'store', key: 'a.*b', limit: 20 }))).toEqual(['S5']);
    expect(ids(await places.search({ kind: 'store', key: '.+', limit: 20 }))).toEqual([]);
    expect(ids(await places.search({ kind: 'store', key: '(测试)', limit: 20 }))).toEqual(['S5']);
    expect(ids(await places.search({ kind: 'store', key: '[a-z]', limit: 20 }))).toEqual([]);
  });

  it('answers nearest first with distances from a position, at most `limit`', async () => {
    for (const seed of [1, 2, 3]) {
      const places = await world(seed);
      const hits = await places.search({ kind: 'store', key: '号', center: CENTER, limit: 20 });
      expect(ids(hits)).toEqual(['S2', 'S1', 'S3']);
      expect(hits.map((h) => Math.round(h.distance as number))).toEqual([200, 500, 900]);
      expect(ids(await places.search({ kind: 'store', key: '号', center: CENTER, limit: 2 }))).toEqual(['S2', 'S1']);
      expect(ids(await places.search({ kind: 'store', key: '号', limit: 2 }))).toEqual(['S2', 'S3']);
    }
  });

  it('searches stations by name only, and forgets a name once replaced', async () => {
    const places = await world();
    expect(ids(await places.search({ kind: 'station', key: '停车', center: CENTER, limit: 20 }))).toEqual(['T1', 'T2']);
    expect(ids(await places.search({ kind: 'station', key: '福州路停车点', limit: 20 }))).toEqual(['T1']);
    expect(ids(await places.search({ kind: 'store', key: '停车', limit: 20 }))).toEqual([]);
    expect(await places.upsert([store('S1', toward(CENTER, 500, 0), { name: '晚风茶馆', address: '南京东路 100 号' })])).toEqual(UPSERTED);
    expect(ids(await places.search({ kind: 'store', key: '咖啡', limit: 20 }))).toEqual(['S3']);
    expect(ids(await places.search({ kind: 'store', key: '茶', limit: 20 }))).toEqual(['S1']);
  });
});

describe('places search on CloudBase: requests', () => {
  it('costs one request by name and one geoNear from a position (the escaped text inside its query)', async () => {
    const db = new FakeCloudbase({ unique: { places_bike: ['code'] }, random: seededRandom(4) });
    const places = cloudbasePlaces(db);
    const many = Array.from({ length: 300 }, (_, i) =>
      store(`S${String(i).padStart(3, '0')}`, toward(CENTER, 10 * i, i), { name: i % 3 === 0 ? `咖啡 ${i}` : `茶 ${i}` }),
    );
    expect(await places.upsert(many)).toEqual(UPSERTED);
    let before = db.calls;
    const byName = await places.search({ kind: 'store', key: '咖啡', limit: 20 });
    expect(db.calls - before).toBe(1);
    expect(byName).toHaveLength(20);
    before = db.calls;
    const near = await places.search({ kind: 'store', key: '咖啡', center: CENTER, limit: 50 });
    expect(db.calls - before).toBe(1);
    expect(ids2(near)).toEqual(Array.from({ length: 50 }, (_, k) => `S${String(3 * k).padStart(3, '0')}`));
    const call = db.geoNearCalls[db.geoNearCalls.length - 1];
    expect(call.options.query).toEqual({ search: expect.anything() });
    // 100 matches, limit 50: one page of 58 answers it; a missing match would need a second one.
    expect(call.limit).toBe(58);
  });
});
const ids2 = (hits: { place: { id: string } }[]) => hits.map((h) => h.place.id);
