import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StoreInput } from '../../shared/contract/places';
import { toGcj02 } from '../../shared/crs';
import { distanceM } from '../../shared/geo';
import { ADMIN, startCloud, storedCounts, type TestCloud } from '../support/host';
import { square } from '../support/places';

const store = (id: string, lat = 31.23, lng = 121.47, extra: Partial<StoreInput> = {}): StoreInput => ({
  kind: 'store',
  id,
  name: `Store ${id}`,
  address: "People's Square",
  lat,
  lng,
  category: 'coffee',
  openingHours: [{ day: 1, open: '09:00', close: '18:00' }],
  slot: { minutes: 30, capacity: 2 },
  ...extra,
});
const bike = (id: string, code: string, lat = 31.23, lng = 121.47) => ({ kind: 'bike', id, code, lat, lng, status: 'available' });

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await startCloud({ seed: 'none' });
});
afterEach(() => cloud.close());

const upsert = (places: unknown[], extra: object = {}, openid = ADMIN) => cloud.call('admin', { action: 'upsertPlaces', places, ...extra }, { openid });
const near = (kind: string, lat: number, lng: number, extra: object = {}) =>
  cloud.call('geo', { action: 'nearby', kind, lat, lng, radius: 50000, limit: 100, ...extra });
/** What is stored: places and their geo rows (SQLite), or the places' collections (CloudBase; a station's zone is on its document). */
const rows = () => {
  if (cloud.backend === 'sqlite')
    return {
      places: cloud.db.prepare('SELECT count(*) FROM places').pluck().get(),
      stores: cloud.db.prepare('SELECT count(*) FROM geo_store').pluck().get(),
      bikes: cloud.db.prepare('SELECT count(*) FROM geo_bike').pluck().get(),
      zones: cloud.db.prepare('SELECT count(*) FROM geo_zone').pluck().get(),
    };
  const docs = cloud.standin!.dump();
  const [stores, stations, bikes] = ['places_store', 'places_station', 'places_bike'].map((c) => docs[c] ?? []);
  return { places: stores.length + stations.length + bikes.length, stores: stores.length, bikes: bikes.length, zones: stations.filter((d) => d.zone).length };
};
const staffCount = () => storedCounts(cloud).staff ?? 0;

describe('admin.upsertPlaces', () => {
  it('writes a batch of every kind and answers how many', async () => {
    const res = await upsert([
      store('S1'),
      { kind: 'station', id: 'P1', name: 'Gate', lat: 31.23, lng: 121.47, zone: square(31.23, 121.47) },
      bike('B1', 'B1'),
    ]);
    expect(res).toEqual({ ok: true, data: { upserted: 3 } });
    expect(rows()).toEqual({ places: 3, stores: 1, bikes: 1, zones: 1 });
  });

  it('writes nothing of a batch holding one bad place', async () => {
    await upsert([store('S0')]);
    const before = rows();
    const res = await upsert([store('S1'), store('S2'), { ...store('S3'), openingHours: [{ day: 8, open: '09:00', close: '10:00' }] }]);
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('INVALID_ARGUMENT');
    expect(res.error.message).toMatch(/^places\[2\]\.openingHours\[0\]\.day: /);
    expect(rows()).toEqual(before);
  });

  it('refuses a bike code that belongs to another bike with ALREADY_EXISTS, and writes nothing of the batch', async () => {
    await upsert([bike('B1', 'QR1')]);
    const before = rows();
    const res = await upsert([store('S1'), bike('B2', 'QR2'), bike('B3', 'QR1')]);
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('ALREADY_EXISTS');
    expect(res.error.message).toMatch(/QR1/);
    expect(rows()).toEqual(before);
    expect((await near('store', 31.23, 121.47)).data.items).toEqual([]);
  });

  it('refuses two bikes of one batch sharing a code', async () => {
    const res = await upsert([bike('B1', 'QR1'), bike('B2', 'QR1')]);
    expect(res.error.code).toBe('ALREADY_EXISTS');
    expect(rows().places).toBe(0);
  });

  it('lets a bike keep its own code when it is imported again', async () => {
    await upsert([bike('B1', 'QR1')]);
    expect((await upsert([bike('B1', 'QR1', 31.24, 121.48)])).ok).toBe(true);
  });

  it('replaces a place with the same id, and the geo index follows it to its new position', async () => {
    await upsert([store('S1', 31.23, 121.47), bike('B1', 'QR1', 31.23, 121.47)]);
    await upsert([store('S1', 39.9, 116.4, { name: 'Moved', category: 'bakery' }), bike('B1', 'QR1', 39.9, 116.4)]);
    expect(rows()).toEqual({ places: 2, stores: 1, bikes: 1, zones: 0 });
    expect((await near('store', 31.23, 121.47)).data.items).toEqual([]);
    expect((await near('bike', 31.23, 121.47)).data.items).toEqual([]);
    const moved = await near('store', 39.9, 116.4);
    expect(moved.data.items).toEqual([expect.objectContaining({ id: 'S1', name: 'Moved', lat: 39.9, lng: 116.4, distance: 0 })]);
    expect((await near('store', 39.9, 116.4, { category: 'coffee' })).data.items).toEqual([]);
    expect((await near('store', 39.9, 116.4, { category: 'bakery' })).data.items).toHaveLength(1);
    expect((await near('bike', 39.9, 116.4)).data.items.map((b: any) => b.id)).toEqual(['B1']);
  });

  it("moves a station's zone with it: bikes are counted in the new zone only", async () => {
    await upsert([bike('B1', 'QR1', 31.2305, 121.4705)]);
    await upsert([{ kind: 'station', id: 'P1', name: 'Gate', lat: 31.2305, lng: 121.4705, zone: square(31.23, 121.47) }]);
    expect((await near('station', 31.23, 121.47)).data.items[0].bikesAvailable).toBe(1);
    await upsert([{ kind: 'station', id: 'P1', name: 'Gate', lat: 31.2305, lng: 121.4705, zone: square(31.24, 121.48) }]);
    expect((await near('station', 31.23, 121.47)).data.items[0].bikesAvailable).toBe(0);
  });

  it('takes a bike out of the nearby list when it goes into maintenance', async () => {
    await upsert([bike('B1', 'QR1')]);
    await upsert([{ ...bike('B1', 'QR1'), status: 'maintenance' }]);
    expect((await near('bike', 31.23, 121.47)).data.items).toEqual([]);
  });

  it('takes 1000 places in one call, and refuses 1001 with INVALID_ARGUMENT', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => bike(`B${i}`, `QR${i}`, 31.2 + i * 1e-5, 121.4));
    expect(await upsert(many(1000))).toEqual({ ok: true, data: { upserted: 1000 } });
    const res = await upsert(many(1001).map((b) => ({ ...b, id: `X${b.id}`, code: `X${b.code}` })));
    expect(res.error).toEqual({ code: 'INVALID_ARGUMENT', message: 'places: must hold at most 1000 places' });
    expect(rows().places).toBe(1000);
  });

  it('stores WGS84 and BD-09 input in GCJ-02 (zones too), within a metre', async () => {
    const wgs = { lat: 31.2304, lng: 121.4737 };
    const bd = { lat: 31.2404, lng: 121.4837 };
    await upsert([store('W1', wgs.lat, wgs.lng), { kind: 'station', id: 'PW', name: 'Gate', lat: wgs.lat, lng: wgs.lng, zone: square(wgs.lat, wgs.lng) }], {
      crs: 'wgs84',
    });
    await upsert([store('D1', bd.lat, bd.lng)], { crs: 'bd09' });
    await upsert([store('G1', wgs.lat, wgs.lng)], { crs: 'gcj02' });
    const items = (await near('store', 31.23, 121.47)).data.items;
    const at = (id: string) => items.find((i: any) => i.id === id);
    expect(at('W1')).toMatchObject(toGcj02(wgs, 'wgs84'));
    expect(at('D1')).toMatchObject(toGcj02(bd, 'bd09'));
    expect(at('G1')).toMatchObject(wgs);
    // GCJ-02 lies some hundreds of metres from WGS84 in Shanghai: the conversion really happened.
    expect(distanceM(at('W1'), wgs)).toBeGreaterThan(100);
    const station = (await near('station', 31.23, 121.47)).data.items[0];
    station.zone.coordinates[0].forEach(([lng, lat]: [number, number], i: number) => {
      const [wLng, wLat] = square(wgs.lat, wgs.lng).coordinates[0][i];
      expect(distanceM({ lat, lng }, toGcj02({ lat: wLat, lng: wLng }, 'wgs84'))).toBeLessThan(1e-6);
    });
  });

  const fixture = path.resolve(__dirname, '../../../shared/data/china-cities-crs.json');
  (existsSync(fixture) ? it : it.skip)('stores the reference cities within a metre of their GCJ-02 positions, from WGS84 and from BD-09', async () => {
    const cities = JSON.parse(readFileSync(fixture, 'utf8')).slice(0, 200) as Array<{ coords: Record<'WGS84' | 'GCJ02' | 'BD09', [number, number]> }>;
    const at = ([lng, lat]: [number, number]) => ({ lat, lng });
    await upsert(
      cities.map((c, i) => store(`W${i}`, c.coords.WGS84[1], c.coords.WGS84[0])),
      { crs: 'wgs84' },
    );
    await upsert(
      cities.map((c, i) => store(`D${i}`, c.coords.BD09[1], c.coords.BD09[0])),
      { crs: 'bd09' },
    );
    for (const [i, c] of cities.entries()) {
      expect(distanceM((await cloud.ports.places.get('store', `W${i}`))!, at(c.coords.GCJ02))).toBeLessThan(1);
      expect(distanceM((await cloud.ports.places.get('store', `D${i}`))!, at(c.coords.GCJ02))).toBeLessThan(1);
    }
  });

  it('is for admins only: PERMISSION_DENIED for a signed-in user, UNAUTHENTICATED for nobody; nothing written', async () => {
    const user = await upsert([store('S1')], {}, 'someone');
    expect(user.error.code).toBe('PERMISSION_DENIED');
    const anonymous = await cloud.call('admin', { action: 'upsertPlaces', places: [store('S1')] });
    expect(anonymous.error.code).toBe('UNAUTHENTICATED');
    expect(rows().places).toBe(0);
  });

  it('checks the caller before the input: a non-admin learns nothing about the schema', async () => {
    const res = await upsert([{ kind: 'car' }], {}, 'someone');
    expect(res.error.code).toBe('PERMISSION_DENIED');
  });
});

describe('admin.setStaff', () => {
  it('makes a user staff of existing stores, and an empty list ends it', async () => {
    await upsert([store('S1'), store('S2')]);
    const res = await cloud.call('admin', { action: 'setStaff', openid: 'clerk', storeIds: ['S1', 'S2', 'S1'] }, { openid: ADMIN });
    expect(res).toEqual({ ok: true, data: { staff: { openid: 'clerk', storeIds: ['S1', 'S2'] } } });
    expect(await cloud.ports.staff.storesOf('clerk')).toEqual(['S1', 'S2']);
    await cloud.call('admin', { action: 'setStaff', openid: 'clerk', storeIds: [] }, { openid: ADMIN });
    expect(staffCount()).toBe(0);
  });

  it('answers NOT_FOUND for an unknown store, naming it, and changes nothing', async () => {
    await upsert([store('S1')]);
    const res = await cloud.call('admin', { action: 'setStaff', openid: 'clerk', storeIds: ['S1', 'S404'] }, { openid: ADMIN });
    expect(res.error).toEqual({ code: 'NOT_FOUND', message: 'storeIds: no store "S404"' });
    expect(staffCount()).toBe(0);
  });

  it('does not take a bike or a station for a store', async () => {
    await upsert([bike('B1', 'QR1')]);
    const res = await cloud.call('admin', { action: 'setStaff', openid: 'clerk', storeIds: ['B1'] }, { openid: ADMIN });
    expect(res.error.code).toBe('NOT_FOUND');
  });

  it('is for admins only', async () => {
    await upsert([store('S1')]);
    expect((await cloud.call('admin', { action: 'setStaff', openid: 'me', storeIds: ['S1'] }, { openid: 'me' })).error.code).toBe('PERMISSION_DENIED');
    expect((await cloud.call('admin', { action: 'setStaff', openid: 'me', storeIds: ['S1'] })).error.code).toBe('UNAUTHENTICATED');
  });
});
