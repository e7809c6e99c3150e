import { destination } from '@turf/turf';
import type { NearbyParams } from '../../shared/contract/geo';
import type { StoreInput } from '../../shared/contract/places';
import { nearby } from '../../functions/lib/usecases/nearby';
import { ADMIN, startCloud, TEST_BACKEND, type TestCloud } from '../support/host';
import { BruteForce, citySample, cityStore, prng, type CityPlace } from '../support/cities';
import { polygon, square } from '../support/places';

const NOW = '2026-11-25T10:00:00+08:00'; // a Wednesday

async function upsert(cloud: TestCloud, places: unknown[], crs?: string): Promise<void> {
  for (let i = 0; i < places.length; i += 1000) {
    const res = await cloud.call('admin', { action: 'upsertPlaces', places: places.slice(i, i + 1000), ...(crs ? { crs } : {}) }, { openid: ADMIN });
    if (!res.ok) throw new Error(JSON.stringify(res.error));
  }
}

/**
 * The stand-in (NEARBY_BACKEND=cloudbase-fake) has no geo index to speak of: it measures every
 * place near the query, so it gets fewer random queries (the same generator, the same oracle).
 */
const QUERIES = TEST_BACKEND === 'sqlite' ? { inProcess: 3000, http: 300 } : { inProcess: 600, http: 100 };

describe('geo.nearby against brute force over real cities', () => {
  let cloud: TestCloud;
  let places: CityPlace[];
  let oracle: BruteForce<CityPlace>;

  beforeAll(async () => {
    cloud = await startCloud({ seed: 'none' });
    places = citySample();
    // Twins: same position, other ids, so that ties by id are met for real.
    const twins = places
      .filter((_, i) => i % 500 === 0)
      .flatMap((p) => [
        { ...p, id: `${p.id}-b` },
        { ...p, id: `${p.id}-a` },
        { ...p, id: `A${p.id}` },
      ]);
    // Neighbours across the antimeridian and around the North Pole (the real cities stand too far apart).
    const extreme = (id: string, lat: number, lng: number): CityPlace => ({ id, lat, lng, category: 'a', alwaysOpen: true });
    const edges = [extreme('X-east', -18.1, 179.95), extreme('X-west', -18.1, -179.95), extreme('X-pole', 89.99, 45), extreme('X-pole2', 89.95, -135)];
    places = [...places, ...twins, ...edges];
    oracle = new BruteForce(places);
    await upsert(cloud, places.map(cityStore));
  }, 30_000);
  afterAll(() => cloud.close());

  /** Random queries: near real cities, anywhere on the sphere, near the antimeridian and the poles. */
  function queries(count: number, seed: number): NearbyParams[] {
    const r = prng(seed);
    const extremes = places.filter((p) => Math.abs(p.lng) > 170 || Math.abs(p.lat) > 60);
    const near = (p: { lat: number; lng: number }, maxM: number) => {
      const [lng, lat] = destination([p.lng, p.lat], r() * maxM, r() * 360 - 180, { units: 'meters' }).geometry.coordinates;
      return { lat: Math.max(-90, Math.min(90, lat)), lng: ((((lng + 180) % 360) + 360) % 360) - 180 };
    };
    return Array.from({ length: count }, (): NearbyParams => {
      const pick = r();
      let center: { lat: number; lng: number };
      if (pick < 0.55) center = near(places[Math.floor(r() * places.length)], 5000);
      else if (pick < 0.7) center = { lat: (Math.asin(2 * r() - 1) * 180) / Math.PI, lng: r() * 360 - 180 };
      else if (pick < 0.85) center = near(extremes[Math.floor(r() * extremes.length)], 60000);
      else if (pick < 0.92) center = { lat: r() * 160 - 80, lng: r() < 0.5 ? 180 - r() * 0.5 : -180 + r() * 0.5 };
      else center = { lat: (r() < 0.5 ? 1 : -1) * (90 - r() * 1.5), lng: r() * 360 - 180 };
      const shape = r();
      const radius = shape < 0.15 ? 50000 : shape < 0.5 ? 1 + r() * 49999 : Math.max(1, Math.round(Math.exp(r() * Math.log(50000))));
      const q: NearbyParams = { ...center, kind: 'store', radius, limit: 1 + Math.floor(r() * 100) };
      if (r() < 0.3) q.category = 'abc'[Math.floor(r() * 3)];
      if (r() < 0.2) q.openNow = r() < 0.5;
      return q;
    });
  }

  function expected(q: NearbyParams) {
    return oracle.nearby(
      q,
      q.radius,
      q.limit,
      (p) => (q.category === undefined || p.category === q.category) && (q.openNow === undefined || p.alwaysOpen === q.openNow),
    );
  }

  it(`answers ${QUERIES.inProcess} random queries in-process exactly as brute force: ids, order and distances`, async () => {
    const ports = cloud.ports;
    let nonEmpty = 0;
    let full = 0;
    for (const [n, q] of queries(QUERIES.inProcess, 42).entries()) {
      // Let the host's timers run now and then (idle keep-alive sockets expire on time).
      if (n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      const res = await nearby(ports, q, new Date(NOW));
      if (!res.ok) throw new Error(res.error.message);
      const want = expected(q);
      const got = res.data.items.map((i) => ({ id: i.id, distance: i.distance }));
      if (got.length !== want.length || got.some((g, k) => g.id !== want[k].id || g.distance !== want[k].distance)) {
        expect({ query: q, got }).toEqual({ query: q, got: want });
      }
      if (want.length > 0) nonEmpty++;
      if (want.length === q.limit) full++;
    }
    console.log(`nearby.test: ${QUERIES.inProcess} queries, ${nonEmpty} with places, ${full} cut by their limit`);
    // The draw is meaningful: a third of the queries find places, one in twelve is cut by its limit.
    expect(nonEmpty).toBeGreaterThan(QUERIES.inProcess * 0.3);
    expect(full).toBeGreaterThan(QUERIES.inProcess / 12);
  }, 60_000);

  it(`answers ${QUERIES.http} random queries through HTTP exactly as brute force, stores carrying their open state`, async () => {
    for (const q of queries(QUERIES.http, 7)) {
      const res = await cloud.call('geo', { action: 'nearby', ...q }, { now: NOW });
      expect(res.ok).toBe(true);
      const want = expected(q);
      expect(res.data.items.map((i: any) => i.id)).toEqual(want.map((w) => w.id));
      expect(res.data.items.map((i: any) => i.distance)).toEqual(want.map((w) => w.distance));
      for (const item of res.data.items) {
        const alwaysOpen = item.openingHours.length > 0;
        expect(item).toMatchObject({ kind: 'store', open: alwaysOpen, nextChange: null });
      }
    }
  }, 30_000);

  it('finds places on both sides of the antimeridian, and all around a pole', async () => {
    const across = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: -18.1, lng: 180, radius: 50000, limit: 100 });
    expect(across.data.items.map((i: any) => i.id)).toEqual(oracle.nearby({ lat: -18.1, lng: 180 }, 50000, 100).map((w) => w.id));
    expect(across.data.items.map((i: any) => i.id)).toEqual(expect.arrayContaining(['X-east', 'X-west']));
    const pole = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 90, lng: 0, radius: 10000, limit: 100 });
    expect(pole.data.items.map((i: any) => i.id)).toEqual(['X-pole', 'X-pole2']);
  });

  it('uses radius 3000 and limit 20 when the query gives none', async () => {
    const p = places.filter((_, i) => i % 97 === 0).find((c) => oracle.nearby(c, 3000, 100).length > 20) ?? places[0];
    const res = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: p.lat, lng: p.lng });
    expect(res.data.items.map((i: any) => i.id)).toEqual(oracle.nearby(p, 3000, 20).map((w) => w.id));
  });
});

describe('geo.nearby: stations, bikes and stores', () => {
  let cloud: TestCloud;
  // Zones: square(31.23, 121.47) is about 110 m a side, SW corner at (31.2300, 121.4700).
  const bike = (id: string, lat: number, lng: number, status = 'available') => ({ kind: 'bike', id, code: id, lat, lng, status });
  const store = (id: string, lat: number, lng: number, extra: Partial<StoreInput> = {}): StoreInput => ({
    kind: 'store',
    id,
    name: `Store ${id}`,
    address: 'somewhere',
    lat,
    lng,
    category: 'coffee',
    openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' })),
    slot: { minutes: 30, capacity: 2 },
    ...extra,
  });

  beforeAll(async () => {
    cloud = await startCloud({ seed: 'none' });
    await upsert(cloud, [
      { kind: 'station', id: 'P1', name: 'Gate one', lat: 31.2305, lng: 121.4705, zone: square(31.23, 121.47) },
      // A second zone overlapping the first one's east half.
      { kind: 'station', id: 'P2', name: 'Gate two', lat: 31.2305, lng: 121.471, zone: square(31.23, 121.4705) },
      // A concave zone ("U") further north: the notch is outside.
      {
        kind: 'station',
        id: 'P3',
        name: 'Gate three',
        lat: 31.241,
        lng: 121.47,
        zone: polygon(
          '121.47 31.24, 121.471 31.24, 121.471 31.241, 121.4706 31.241, 121.4706 31.2403, 121.4704 31.2403, 121.4704 31.241, 121.47 31.241, 121.47 31.24',
        ),
      },
      bike('B1', 31.2302, 121.4702), // inside P1
      bike('B2', 31.2302, 121.4707), // inside P1 and P2
      bike('B3', 31.23, 121.4703), // on P1's south edge
      bike('B4', 31.231, 121.47), // on P1's north-west corner
      bike('B5', 31.2302, 121.4702, 'maintenance'), // inside P1, not available
      bike('B6', 31.2299, 121.4702), // just south of P1
      bike('B7', 31.2408, 121.4705), // in P3's notch: outside
      bike('B8', 31.2408, 121.4702), // in P3's west arm
      bike('B9', 31.2402, 121.4705, 'maintenance'), // in P3's base, not available
    ]);
    await upsert(cloud, [
      store('S1', 31.2001, 121.5),
      store('S2', 31.2002, 121.5, { category: 'bakery' }),
      store('S3', 31.2003, 121.5, { openingHours: [3].map((day) => ({ day, open: '11:00', close: '20:00' })) }),
      store('S4', 31.2004, 121.5, { openingHours: [{ day: 2, open: '22:00', close: '02:00' }] }),
      store('S5', 31.2005, 121.5, { timezone: 'America/New_York', openingHours: [{ day: 2, open: '20:00', close: '23:00' }] }),
      store('S6', 31.2006, 121.5, { openingHours: [] }),
      store('S7', 31.2007, 121.5, { openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '00:00' })) }),
      // Two stores at one spot: ties go by id in code-unit order ("T10" before "T2").
      store('T2', 31.21, 121.5),
      store('T10', 31.21, 121.5),
    ]);
  });
  afterAll(() => cloud.close());

  const near = (kind: string, lat: number, lng: number, extra: object = {}, now = NOW) =>
    cloud.call('geo', { action: 'nearby', kind, lat, lng, radius: 5000, limit: 100, ...extra }, { now });

  it("counts only the available bikes inside each station's zone, the boundary included", async () => {
    const res = await near('station', 31.2305, 121.4705);
    const counts = Object.fromEntries(res.data.items.map((s: any) => [s.id, s.bikesAvailable]));
    // P1: B1, B2, B3 (edge), B4 (corner); P2 (east half): B2; P3: B8 (not B7 in the notch).
    expect(counts).toEqual({ P1: 4, P2: 1, P3: 1 });
    expect(res.data.items[0]).toMatchObject({ kind: 'station', id: 'P1', name: 'Gate one', zone: square(31.23, 121.47) });
  });

  it('shows only available bikes, nearest first, with code and distance', async () => {
    const res = await near('bike', 31.2302, 121.4702);
    const ids = res.data.items.map((b: any) => b.id);
    expect(ids).not.toContain('B5');
    expect(ids).not.toContain('B9');
    expect(ids.sort()).toEqual(['B1', 'B2', 'B3', 'B4', 'B6', 'B7', 'B8']);
    expect(res.data.items[0]).toEqual({ kind: 'bike', id: 'B1', code: 'B1', lat: 31.2302, lng: 121.4702, distance: 0 });
  });

  it('stops at the radius: a bike 1 m past it is left out', async () => {
    const res = await near('bike', 31.2302, 121.4702, { radius: 10 });
    expect(res.data.items.map((b: any) => b.id)).toEqual(['B1']);
  });

  it('filters stores by category', async () => {
    const res = await near('store', 31.2, 121.5, { category: 'bakery' });
    expect(res.data.items.map((s: any) => s.id)).toEqual(['S2']);
  });

  it('breaks distance ties by id', async () => {
    const res = await near('store', 31.21, 121.5, { limit: 2 });
    expect(res.data.items.map((s: any) => s.id)).toEqual(['T10', 'T2']);
  });

  it("tells each store's open state and exact next change, at the request's clock", async () => {
    // Wednesday 2026-11-25 10:00 in Shanghai = Tuesday 21:00 in New York.
    const res = await near('store', 31.2, 121.5, { limit: 7 });
    const state = Object.fromEntries(res.data.items.map((s: any) => [s.id, [s.open, s.nextChange]]));
    expect(state).toEqual({
      S1: [true, '2026-11-25T18:00:00+08:00'],
      S2: [true, '2026-11-25T18:00:00+08:00'],
      S3: [false, '2026-11-25T11:00:00+08:00'],
      S4: [false, '2026-12-01T22:00:00+08:00'],
      S5: [true, '2026-11-24T23:00:00-05:00'],
      S6: [false, null],
      S7: [true, null],
    });
  });

  it("keeps Tuesday night's hours past midnight open on Wednesday 01:00", async () => {
    const res = await near('store', 31.2004, 121.5, { limit: 1 }, '2026-11-25T01:00:00+08:00');
    expect(res.data.items[0]).toMatchObject({ id: 'S4', open: true, nextChange: '2026-11-25T02:00:00+08:00' });
  });

  it('with openNow, keeps only the stores open (or closed) at that time, still up to the limit', async () => {
    const open = await near('store', 31.2, 121.5, { openNow: true, limit: 4 });
    expect(open.data.items.map((s: any) => s.id)).toEqual(['S1', 'S2', 'S5', 'S7']);
    const closed = await near('store', 31.2, 121.5, { openNow: false, limit: 2 });
    expect(closed.data.items.map((s: any) => s.id)).toEqual(['S3', 'S4']);
    const later = await near('store', 31.2, 121.5, { openNow: true, limit: 3 }, '2026-11-25T12:00:00+08:00');
    expect(later.data.items.map((s: any) => s.id)).toEqual(['S1', 'S2', 'S3']);
  });

  it('answers an empty list far from everything', async () => {
    const res = await near('store', -45, -120);
    expect(res).toEqual({ ok: true, data: { items: [] } });
  });
});
