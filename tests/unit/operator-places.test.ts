/**
 * The operator's place tools (scripts/places.ts), both ways: against the cloud (the use cases over
 * the CloudBase adapters, here on the shared fake of the SDK's database) and against a real local
 * host over HTTP. Seeding twice writes the same city; a bad place stops everything before a write.
 */
import { adminPorts } from '../../functions/lib/cloudbase/adapters';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { hostTarget, main, portsTarget, writePlaces } from '../../scripts/places';
import { demoCity } from '../../functions/local/demo-city';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, startCloud, type TestCloud } from '../support/host';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';

const city = demoCity();
const idsOf = (kind: string) => city.places.filter((p) => p.kind === kind).map((p) => p.id);
const bikes = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ kind: 'bike', id: `OP${from + i}`, code: `OP-${from + i}`, lat: 31.23 + i * 1e-6, lng: 121.47, status: 'available' }));

describe('against the cloud (CloudBase adapters on the fake)', () => {
  it('seeds the demo city in batches, and a second seed writes the same documents', async () => {
    const db = new FakeCloudbase();
    const ports = adminPorts(db as unknown as CloudbaseDb);
    const lines: string[] = [];
    expect(await writePlaces(portsTarget(ports), city, (l) => lines.push(l))).toEqual({ batches: 1, upserted: city.places.length });
    for (const kind of ['store', 'station', 'bike'] as const) expect(await ports.places.missing(kind, idsOf(kind))).toEqual([]);
    expect(await ports.staff.storesOf(city.staff[0].openid)).toEqual(city.staff[0].storeIds);
    const callsOnce = db.calls;
    expect(await writePlaces(portsTarget(ports), city)).toEqual({ batches: 1, upserted: city.places.length });
    expect(await ports.places.get('bike', idsOf('bike')[0])).toEqual(expect.objectContaining({ id: idsOf('bike')[0], status: 'available' }));
    expect(db.calls).toBeGreaterThan(callsOnce);
    expect(lines).toContain(`batch 1/1: ${city.places.length} places upserted`);
  });

  it('imports 2,050 places in three calls of at most 1,000', async () => {
    const db = new FakeCloudbase();
    const ports = adminPorts(db as unknown as CloudbaseDb);
    const sizes: number[] = [];
    const target = portsTarget(ports);
    const counting = { ...target, upsertPlaces: (p: Parameters<typeof target.upsertPlaces>[0]) => (sizes.push(p.places.length), target.upsertPlaces(p)) };
    expect(await writePlaces(counting, { places: bikes(2050) })).toEqual({ batches: 3, upserted: 2050 });
    expect(sizes).toEqual([1000, 1000, 50]);
    expect(
      await ports.places.missing(
        'bike',
        bikes(2050).map((b) => b.id),
      ),
    ).toEqual([]);
  }, 60000);

  it('refuses a file with one bad place, naming it by its place in the file, and writes nothing', async () => {
    const db = new FakeCloudbase();
    const places = bikes(1500);
    places[1203] = { ...places[1203], lat: 95 };
    await expect(writePlaces(portsTarget(adminPorts(db as unknown as CloudbaseDb)), { places })).rejects.toThrow(
      /^nothing written: places\[1203\]\.lat: must be between -90 and 90/,
    );
    expect(db.calls).toBe(0);
  });
});

describe('against the local host', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startCloud({ seed: 'none' });
  });
  afterAll(() => cloud.close());
  const rows = () => cloud.db.prepare('SELECT kind, count(*) AS n FROM places GROUP BY kind ORDER BY kind').all();

  it('seeds the demo city through admin calls, the same city again on a rerun', async () => {
    expect(await writePlaces(hostTarget(cloud.url, ADMIN), city)).toEqual({ batches: 1, upserted: city.places.length });
    const once = rows();
    expect(once).toEqual([
      { kind: 'bike', n: idsOf('bike').length },
      { kind: 'station', n: idsOf('station').length },
      { kind: 'store', n: idsOf('store').length },
    ]);
    await writePlaces(hostTarget(cloud.url, ADMIN), city);
    expect(rows()).toEqual(once);
    const near = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 31.2304, lng: 121.4737, limit: 3 });
    expect(near.data.items).toHaveLength(3);
  });

  it('stops at a refused batch, saying what was written (not an admin: PERMISSION_DENIED)', async () => {
    await expect(writePlaces(hostTarget(cloud.url, 'not-an-admin'), { places: bikes(10) })).rejects.toThrow(/^batch 1\/1 refused \(PERMISSION_DENIED\)/);
  });
});

describe('store details in an import file (npm run places -- import)', () => {
  let cloud: TestCloud;
  let dir: string;
  beforeAll(async () => {
    cloud = await startCloud({ seed: 'none' });
    dir = mkdtempSync(join(tmpdir(), 'places-'));
  });
  afterAll(async () => {
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const store = (extra: object) => ({
    kind: 'store',
    id: 'D1',
    name: '详情咖啡',
    address: '福州路 1 号',
    lat: 31.2304,
    lng: 121.4737,
    category: 'coffee',
    openingHours: [{ day: 1, open: '08:00', close: '20:00' }],
    slot: { minutes: 30, capacity: 4 },
    ...extra,
  });
  const runImport = async (places: unknown[]) => {
    const file = join(dir, 'places.json');
    writeFileSync(file, JSON.stringify({ places }));
    const saved = process.env.NEARBY_URL;
    process.env.NEARBY_URL = cloud.url;
    process.env.NEARBY_OPERATOR_OPENID = ADMIN;
    const quiet = [jest.spyOn(console, 'log').mockImplementation(() => {}), jest.spyOn(console, 'error').mockImplementation(() => {})];
    try {
      return await main(['import', file]);
    } finally {
      process.env.NEARBY_URL = saved;
      delete process.env.NEARBY_OPERATOR_OPENID;
      for (const spy of quiet) spy.mockRestore();
    }
  };

  it('reads phone, photos and services, and the store answers with them', async () => {
    const details = { phone: '021-6321 0000', photos: ['https://example.com/d1.jpg', 'cloud://env.abcd/d1.jpg'], services: ['Wi-Fi', '停车'] };
    expect(await runImport([store(details)])).toBe(0);
    const got = await cloud.call('geo', { action: 'get', kind: 'store', id: 'D1' });
    expect(got.data.item).toMatchObject(details);
  });

  it('refuses a file whose photo is not https:// or cloud://, and writes nothing of it', async () => {
    expect(await runImport([store({ id: 'D2', photos: ['ftp://example.com/x.jpg'] })])).toBe(1);
    expect((await cloud.call('geo', { action: 'get', kind: 'store', id: 'D2' })).error.code).toBe('NOT_FOUND');
  });

  it('the demo city gives every store a phone and services the contract takes', () => {
    const stores = city.places.filter((p) => p.kind === 'store');
    expect(stores.every((s) => s.kind === 'store' && /^\+?[0-9][0-9 -]{1,18}[0-9]$/.test(s.phone ?? '') && (s.services?.length ?? 0) > 0)).toBe(true);
    expect(stores[0]).toMatchObject({ name: '梧桐咖啡', phone: '021-63217 1263', services: ['Wi-Fi', '插座', '外带'] });
  });
});
