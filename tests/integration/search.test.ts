/**
 * geo.search, geo.get and the store's phone, photos and services, through the local host, over
 * the SQLite adapters and over the CloudBase places adapter on the stand-in (every other port
 * SQLite's: only geo and the import are exercised here).
 */
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import type { Ports } from '../../functions/lib/ports';
import { openDatabase, sqlitePorts } from '../../functions/lib/sqlite';
import { FakeCloudbase, seededRandom } from '../../functions/local/cloudbase-standin';
import { createHost } from '../../functions/local/host';

const ADMIN = 'search-admin';
const NOW = '2026-11-25T10:00:00+08:00'; // a Wednesday, 10:00 in Shanghai
const PEOPLE_SQUARE = { lat: 31.2304, lng: 121.4737 };

interface Host {
  call(fn: string, event: unknown, as?: { openid?: string }): Promise<any>;
  close(): Promise<void>;
}

async function startHost(backend: 'sqlite' | 'cloudbase'): Promise<Host> {
  const db = openDatabase(':memory:');
  const sqlite = sqlitePorts(db);
  let ports: Ports = sqlite;
  if (backend === 'cloudbase') {
    const places = cloudbasePlaces(new FakeCloudbase({ unique: { places_bike: ['code'] }, random: seededRandom(7) }));
    // Every port SQLite's but the places: getters, so that the lazy ports stay lazy.
    ports = Object.create(sqlite, { places: { value: places, enumerable: true } }) as Ports;
  }
  const host = createHost({ ports, admins: new Set([ADMIN]), clock: 'header', log: () => {} });
  const url = await host.listen(0);
  return {
    async call(fn, event, as = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-nearby-now': NOW };
      if (as.openid) headers['x-wx-openid'] = as.openid;
      const res = await fetch(`${url}/functions/${fn}`, { method: 'POST', body: JSON.stringify(event), headers });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    async close() {
      await host.close();
      db.close();
    },
  };
}

const hours = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '20:00' }));
/** A store `northM` metres north of People's Square (1 m of latitude is 1/111195 degree on the contract's sphere). */
const store = (id: string, name: string, address: string, northM: number, extra: object = {}) => ({
  kind: 'store',
  id,
  name,
  address,
  lat: PEOPLE_SQUARE.lat + northM / 111195.08,
  lng: PEOPLE_SQUARE.lng,
  category: 'cafe',
  openingHours: hours,
  slot: { minutes: 30, capacity: 4 },
  ...extra,
});
const zoneAround = (lat: number, lng: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng - 0.001, lat - 0.001],
      [lng + 0.001, lat - 0.001],
      [lng + 0.001, lat + 0.001],
      [lng - 0.001, lat + 0.001],
      [lng - 0.001, lat - 0.001],
    ],
  ],
});
const FUZHOU = { lat: PEOPLE_SQUARE.lat + 700 / 111195.08, lng: PEOPLE_SQUARE.lng };

describe.each(['sqlite', 'cloudbase'] as const)('geo.search and geo.get through the host on %s', (backend) => {
  let host: Host;
  beforeAll(async () => {
    host = await startHost(backend);
    const places = [
      store('S1', '晨光咖啡', '南京东路 100 号', 500, {
        phone: '021-6321 0000',
        photos: ['https://example.com/a.jpg', 'cloud://env-1.abcd/stores/s1.jpg'],
        services: ['Wi-Fi', '停车'],
      }),
      store('S2', 'Luckin Coffee 人民广场店', '西藏中路 20 号', 200),
      store('S3', '大药房', '福州路 8 号', 900, { phone: '+86 21 5555 1234' }),
      { kind: 'station', id: 'T1', name: '福州路停车点', lat: FUZHOU.lat, lng: FUZHOU.lng, zone: zoneAround(FUZHOU.lat, FUZHOU.lng) },
    ];
    const res = await host.call('admin', { action: 'upsertPlaces', places }, { openid: ADMIN });
    expect(res).toEqual({ ok: true, data: { upserted: 4 } });
  });
  afterAll(() => host.close());

  const search = (params: object) => host.call('geo', { action: 'search', ...params });
  const ids = (res: any) => res.data.items.map((i: { id: string }) => i.id);

  it('finds stores by a short Chinese substring, nearest first with distances, open state as nearby shows it', async () => {
    const res = await search({ q: ' 号 ', ...PEOPLE_SQUARE });
    expect(ids(res)).toEqual(['S2', 'S1', 'S3']);
    expect(res.data.items.map((i: { distance: number }) => Math.round(i.distance))).toEqual([200, 500, 900]);
    expect(res.data.items[1]).toMatchObject({ name: '晨光咖啡', open: true, phone: '021-6321 0000', services: ['Wi-Fi', '停车'] });
    expect(res.data.items[1].nextChange).toBe('2026-11-25T20:00:00+08:00');
  });

  it('without a position answers by name, with no distance', async () => {
    const res = await search({ q: '号' });
    expect(ids(res)).toEqual(['S2', 'S3', 'S1']);
    expect(res.data.items.every((i: object) => !('distance' in i))).toBe(true);
  });

  it('ignores case, width and spaces; takes ".*" as text; finds stations when asked', async () => {
    expect(ids(await search({ q: 'ＬＵＣＫＩＮ coffee' }))).toEqual(['S2']);
    expect(ids(await search({ q: '.*' }))).toEqual([]);
    expect(ids(await search({ q: '药', limit: 1 }))).toEqual(['S3']);
    const stations = await search({ q: '停车', kind: 'station', ...PEOPLE_SQUARE });
    expect(ids(stations)).toEqual(['T1']);
    expect(stations.data.items[0]).toMatchObject({ kind: 'station', bikesAvailable: 0 });
    expect(Math.round(stations.data.items[0].distance)).toBe(700);
  });

  it('gets one place for a shared link, with the distance from the user once located', async () => {
    const located = await host.call('geo', { action: 'get', kind: 'station', id: 'T1', ...PEOPLE_SQUARE });
    expect(located.data.item).toMatchObject({ id: 'T1', name: '福州路停车点', bikesAvailable: 0 });
    expect(Math.round(located.data.item.distance)).toBe(700);
    const unlocated = await host.call('geo', { action: 'get', kind: 'store', id: 'S1' });
    expect(unlocated.data.item).toMatchObject({ id: 'S1', open: true, photos: ['https://example.com/a.jpg', 'cloud://env-1.abcd/stores/s1.jpg'] });
    expect('distance' in unlocated.data.item).toBe(false);
    expect(await host.call('geo', { action: 'get', kind: 'store', id: 'T1' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'id: no store "T1"' },
    });
  });

  it.each([
    ['q empty', { q: '' }, /^q: /],
    ['q blank', { q: '   ' }, /^q: /],
    ['q of 41 characters', { q: '咖'.repeat(41) }, /^q: must be at most 40/],
    ['q a number', { q: 5 }, /^q: /],
    ['limit 51', { q: '咖啡', limit: 51 }, /^limit: must be at most 50/],
    ['lat without lng', { q: '咖啡', lat: 31.2 }, /^lng: /],
    ['kind bike', { q: '咖啡', kind: 'bike' }, /^kind: /],
  ])('refuses a search with %s as INVALID_ARGUMENT naming the field', async (_name, params, message) => {
    const res = await search(params);
    expect(res).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) } });
  });

  it.each([
    ['a phone that is not a phone number', { phone: 'call me' }, /^places\[0\]\.phone: /],
    ['a phone of 21 characters', { phone: '1'.repeat(21) }, /^places\[0\]\.phone: /],
    ['an http:// photo', { photos: ['http://example.com/a.jpg'] }, /^places\[0\]\.photos\[0\]: /],
    ['10 photos', { photos: Array.from({ length: 10 }, (_, i) => `https://example.com/${i}.jpg`) }, /^places\[0\]\.photos: must have at most 9/],
    ['11 services', { services: Array.from({ length: 11 }, (_, i) => `s${i}`) }, /^places\[0\]\.services: must have at most 10/],
    ['a service of 11 characters', { services: ['x'.repeat(11)] }, /^places\[0\]\.services\[0\]: /],
  ])('refuses an import with %s, naming the field, writing nothing', async (_name, extra, message) => {
    const res = await host.call('admin', { action: 'upsertPlaces', places: [store('S9', '新店咖啡', '新路 1 号', 100, extra)] }, { openid: ADMIN });
    expect(res).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) } });
    expect((await host.call('geo', { action: 'get', kind: 'store', id: 'S9' })).error.code).toBe('NOT_FOUND');
  });
});
