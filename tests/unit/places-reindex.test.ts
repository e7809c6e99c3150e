/**
 * `npm run places -- reindex` (functions/lib/cloudbase/search-backfill.ts) on the CloudBase
 * stand-in: places stored before geo.search had no `search` field and were never found; the
 * backfill pages through more than 1,000 of them by `_id` (pages of 1,000, never `skip`), sets the
 * field where it is missing or stale, writes nothing on a dry run or a second run, and leaves bikes alone.
 */
import { asAdapterDb } from '../../functions/lib/cloudbase/adapters';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import type { AdapterDb } from '../../functions/lib/cloudbase/sdk';
import { reindexPlaceSearch } from '../../functions/lib/cloudbase/search-backfill';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { main } from '../../scripts/places';
import { store } from '../support/places';

const OLD_STORES = 1450;
const STALE_STORES = 40;
const CURRENT_STORES = 10;
const OLD_STATIONS = 25;
const CURRENT_STATIONS = 5;

const id4 = (i: number) => String(i).padStart(4, '0');

/** A database as an older release left it: most places without `search`, some with a stale one, a few current. */
async function olderDatabase(): Promise<FakeCloudbase> {
  const db = new FakeCloudbase({ interleave: false });
  const stored = (place: { lng: number; lat: number }, search?: string) => ({
    ...place,
    ...(search === undefined ? {} : { search }),
    location: new db.Geo.Point(place.lng, place.lat),
    updatedAt: new Date('2026-11-01T00:00:00Z'),
  });
  for (let i = 0; i < OLD_STORES + STALE_STORES + CURRENT_STORES; i++) {
    const s = store(`S${id4(i)}`, { lat: 31.23 + i * 1e-5, lng: 121.47 }, { name: `晨光咖啡 ${i}号`, address: `Nanjing Rd ${i}` });
    // Stale: renamed without the field following (written as 旧名); current: as the import writes it today.
    const search = i < OLD_STORES ? undefined : i < OLD_STORES + STALE_STORES ? '旧名' : `晨光咖啡${i}号\nnanjingrd${i}`;
    await db
      .collection('places_store')
      .doc(`store:S${id4(i)}`)
      .set(stored(s, search));
  }
  for (let i = 0; i < OLD_STATIONS + CURRENT_STATIONS; i++) {
    const station = { kind: 'station', id: `P${id4(i)}`, name: `福州路 停车点 ${i}`, lat: 31.24, lng: 121.48 + i * 1e-5, capacity: 10 };
    await db
      .collection('places_station')
      .doc(`station:P${id4(i)}`)
      .set(stored(station, i < OLD_STATIONS ? undefined : `福州路停车点${i}`));
  }
  await db
    .collection('places_bike')
    .doc('bike:B1')
    .set(stored({ kind: 'bike', id: 'B1', code: 'B1', lat: 31.23, lng: 121.47, status: 'available' } as never));
  return db;
}

/** `db` with some of its methods replaced (the stand-in is a class: a spread would lose the rest). */
function overriding(db: AdapterDb, overrides: Partial<AdapterDb>): AdapterDb {
  return new Proxy(db, {
    get(target, key) {
      if (key in overrides) return overrides[key as keyof AdapterDb];
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The database's reads of each collection, and whether any skipped. */
function watching(db: FakeCloudbase): { adapter: AdapterDb; limits: Record<string, number[]>; skips: number } {
  const seen = { limits: {} as Record<string, number[]>, skips: 0 };
  const adapter = asAdapterDb(db as unknown as CloudbaseDb);
  const collection = adapter.collection.bind(adapter);
  const wrap = (name: string, q: ReturnType<typeof collection>): ReturnType<typeof collection> =>
    new Proxy(q, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === 'skip') seen.skips++;
        if (key === 'limit') return (n: number) => ((seen.limits[name] ??= []).push(n), wrap(name, value.call(target, n)));
        if (key === 'where' || key === 'orderBy') return (...args: unknown[]) => wrap(name, value.apply(target, args));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return Object.assign(seen, { adapter: overriding(adapter, { collection: (name: string) => wrap(name, collection(name)) }) });
}

const docOf = async (db: FakeCloudbase, collection: string, id: string) => (await db.collection(collection).doc(id).get()).data[0];
const transactions = (db: FakeCloudbase) => new Set(db.log.filter((c) => c.transaction !== undefined).map((c) => c.transaction)).size;

describe('places reindex: the search field of places stored before geo.search', () => {
  it('geo.search misses the older places until the backfill has run, then finds them; a second run writes nothing', async () => {
    const db = await olderDatabase();
    const places = cloudbasePlaces(asAdapterDb(db as unknown as CloudbaseDb));
    expect(await places.search({ kind: 'store', key: '晨光咖啡7号', limit: 5 })).toEqual([]);
    expect(await places.search({ kind: 'station', key: '福州路停车点3', limit: 5 })).toEqual([]);

    const seen = watching(db);
    const lines: string[] = [];
    const counts = await reindexPlaceSearch(seen.adapter, { log: (l) => lines.push(l) });
    expect(counts).toEqual([
      { kind: 'store', read: 1500, stale: 1490, written: 1490 },
      { kind: 'station', read: 30, stale: 25, written: 25 },
    ]);
    expect(lines).toEqual([
      'store: 1500 read, 1490 without a current search field, 1490 written',
      'station: 30 read, 25 without a current search field, 25 written',
    ]);
    // Two pages of stores (1,000 + 500), one of stations; by _id after the last read, never skip.
    expect(seen.limits).toEqual({ places_store: [1000, 1000], places_station: [1000] });
    expect(seen.skips).toBe(0);
    // 1,490 stale stores in transactions of 100: 10 for the first page's, 5 for the second's; 1 for the stations.
    expect(transactions(db)).toBe(16);

    expect((await docOf(db, 'places_store', 'store:S0007')).search).toBe('晨光咖啡7号\nnanjingrd7');
    expect((await docOf(db, 'places_store', 'store:S1460')).search).toBe('晨光咖啡1460号\nnanjingrd1460');
    expect((await docOf(db, 'places_station', 'station:P0003')).search).toBe('福州路停车点3');
    expect(await docOf(db, 'places_store', 'store:S0007')).toMatchObject({
      name: '晨光咖啡 7号',
      address: 'Nanjing Rd 7',
      category: 'cafe',
      lat: 31.23007,
      lng: 121.47,
    });
    expect(await docOf(db, 'places_bike', 'bike:B1')).not.toHaveProperty('search');

    expect((await places.search({ kind: 'store', key: '晨光咖啡7号', limit: 5 })).map((h) => h.place.id)).toEqual(['S0007']);
    expect((await places.search({ kind: 'store', key: 'nanjingrd1460', limit: 5 })).map((h) => h.place.id)).toEqual(['S1460']);
    expect((await places.search({ kind: 'station', key: '福州路停车点3', limit: 5 })).map((h) => h.place.id)).toEqual(['P0003']);

    const before = db.calls;
    const again = await reindexPlaceSearch(asAdapterDb(db as unknown as CloudbaseDb));
    expect(again).toEqual([
      { kind: 'store', read: 1500, stale: 0, written: 0 },
      { kind: 'station', read: 30, stale: 0, written: 0 },
    ]);
    expect(db.calls - before).toBe(3); // the three page reads, no write
  }, 60000);

  it('a dry run counts and writes nothing', async () => {
    const db = await olderDatabase();
    const before = db.calls;
    expect(await reindexPlaceSearch(asAdapterDb(db as unknown as CloudbaseDb), { dryRun: true })).toEqual([
      { kind: 'store', read: 1500, stale: 1490, written: 0 },
      { kind: 'station', read: 30, stale: 25, written: 0 },
    ]);
    expect(db.calls - before).toBe(3);
    expect(await docOf(db, 'places_store', 'store:S0007')).not.toHaveProperty('search');
  }, 60000);

  it('a place set right or removed between the page read and its transaction is left as it is', async () => {
    const db = await olderDatabase();
    const adapter = asAdapterDb(db as unknown as CloudbaseDb);
    // The first transaction starts after the first page is read: meanwhile an import rewrites S0000 and S0001 goes.
    const run = adapter.runTransaction.bind(adapter);
    let first = true;
    const racing = overriding(adapter, {
      runTransaction: async (fn, times) => {
        if (first) {
          first = false;
          await cloudbasePlaces(adapter).upsert([store('S0000', { lat: 31.23, lng: 121.47 }, { name: '新名字', address: 'Nanjing Rd 0' })]);
          await db.collection('places_store').doc('store:S0001').remove();
        }
        return run(fn, times);
      },
    } as Partial<AdapterDb>);
    const [stores] = await reindexPlaceSearch(racing);
    expect(stores).toEqual({ kind: 'store', read: 1500, stale: 1490, written: 1488 });
    expect((await docOf(db, 'places_store', 'store:S0000')).search).toBe('新名字\nnanjingrd0');
    expect(await docOf(db, 'places_store', 'store:S0001')).toBeUndefined();
  }, 60000);
});

describe('npm run places -- reindex', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it('prints the counts of each kind and the total, on the database of ENV_ID', async () => {
    Object.assign(process.env, { ENV_ID: 'env-test', TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' });
    const db = await olderDatabase();
    const out: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const opened: string[] = [];
    const code = await main(['reindex', '--dry-run'], (envId) => (opened.push(envId), asAdapterDb(db as unknown as CloudbaseDb)));
    expect(code).toBe(0);
    expect(opened).toEqual(['env-test']);
    expect(out).toEqual([
      'places: store: 1500 read, 1490 without a current search field, none written (dry run)',
      'places: station: 30 read, 25 without a current search field, none written (dry run)',
      'places: reindex done (dry run), 1530 read, 1515 without a current search field, 0 written',
    ]);
  }, 60000);

  it('refuses the local host and a missing environment', async () => {
    const err: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    const never = () => {
      throw new Error('no database should be opened');
    };
    expect(await main(['reindex', '--to', 'local'], never)).toBe(2);
    for (const name of ['ENV_ID', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']) delete process.env[name];
    expect(await main(['reindex'], never)).toBe(2);
    expect(err).toEqual([
      'places: reindex is for CloudBase only (the local host indexes every place as it writes it)',
      'places: ENV_ID is not set (the environment or .env.local)',
    ]);
  });
});
