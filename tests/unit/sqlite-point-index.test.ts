// The in-process kd-tree behind the embedded nearby query of stores and stations: nearest first
// as brute force orders them, and never stale after a write (this connection's or another's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../functions/lib/sqlite';
import { PointIndex } from '../../functions/lib/sqlite/point-index';
import { sqlitePlaces } from '../../functions/lib/sqlite/places';
import { distancesFromM } from '../../shared/geo';
import { seededRandom } from '../../shared/random';
import { store } from '../support/places';

describe('PointIndex', () => {
  it('visits points nearest first within the radius, as brute force sorts them, on many random queries', () => {
    const random = seededRandom(16);
    const n = 3000;
    const lats = Float64Array.from({ length: n }, () => (Math.asin(2 * random() - 1) * 180) / Math.PI);
    const lngs = Float64Array.from({ length: n }, () => random() * 360 - 180);
    const index = new PointIndex(lngs, lats);
    for (let q = 0; q < 200; q++) {
      const center = { lat: (Math.asin(2 * random() - 1) * 180) / Math.PI, lng: random() * 360 - 180 };
      const radiusM = random() < 0.2 ? 2e7 : random() * 3e6;
      const measure = distancesFromM(center);
      const visited: number[] = [];
      index.nearest(center.lng, center.lat, radiusM, (point, approxM) => {
        expect(Math.abs(approxM - measure(lats[point], lngs[point]))).toBeLessThan(1e-3);
        visited.push(point);
        return visited.length < 50;
      });
      const brute = Array.from({ length: n }, (_, i) => i)
        .map((i) => ({ i, d: measure(lats[i], lngs[i]) }))
        .filter((x) => x.d <= radiusM)
        .sort((a, b) => a.d - b.d)
        .slice(0, 50);
      // Random points have no near-ties: the same points in the same order.
      expect(visited).toEqual(brute.map((x) => x.i));
    }
  });
});

describe('the embedded nearby query of stores after writes', () => {
  const CENTER = { lat: 31.2304, lng: 121.4737 };
  const query = { kind: 'store' as const, center: CENTER, radiusM: 3000, limit: 5 };

  it('sees its own upsert at once (a new store, a moved one), and a write of plain SQL on the same connection', async () => {
    const db = openDatabase(':memory:');
    const places = sqlitePlaces(db);
    await places.upsert([store('S1', { lat: 31.24, lng: 121.4737 })]);
    expect((await places.nearby(query)).map((h) => h.place.id)).toEqual(['S1']);
    await places.upsert([store('S2', { lat: 31.231, lng: 121.4737 })]);
    expect((await places.nearby(query)).map((h) => h.place.id)).toEqual(['S2', 'S1']);
    await places.upsert([store('S1', { lat: 31.2305, lng: 121.4737 }, { name: 'Moved' })]);
    const hits = await places.nearby(query);
    expect(hits.map((h) => [h.place.id, h.place.kind === 'store' && h.place.name])).toEqual([
      ['S1', 'Moved'],
      ['S2', 'Store S2'],
    ]);
    db.prepare(`UPDATE places SET body = json_set(body, '$.name', 'By SQL') WHERE kind = 'store' AND id = 'S2'`).run();
    expect((await places.nearby(query)).map((h) => h.place.kind === 'store' && h.place.name)).toEqual(['Moved', 'By SQL']);
  });

  it('answers each store as it was stored, byte for byte, when stores share their hours, slot and services', async () => {
    const places = sqlitePlaces(openDatabase(':memory:'));
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' }));
    const stored = [
      store('S1', { lat: 31.231, lng: 121.4737 }, { openingHours: weekdays, services: ['Wi-Fi'] }),
      store(
        'S2',
        { lat: 31.232, lng: 121.4737 },
        { openingHours: [{ day: 7, open: '10:00', close: '16:00' }], slot: { minutes: 15, capacity: 2, autoConfirm: true } },
      ),
      store('S3', { lat: 31.233, lng: 121.4737 }, { openingHours: weekdays, services: ['Wi-Fi', '停车'], phone: '021-5555 0101' }),
      store('S4', { lat: 31.234, lng: 121.4737 }, { openingHours: [...weekdays].reverse(), services: ['Wi-Fi'] }),
    ];
    await places.upsert(stored);
    const hits = await places.nearby({ ...query, limit: 10 });
    expect(hits.map((h) => h.place.id)).toEqual(['S1', 'S2', 'S3', 'S4']);
    // Key order too: the host's JSON answer is the body as imported.
    expect(hits.map((h) => JSON.stringify(h.place))).toEqual(stored.map((s) => JSON.stringify(s)));
    // A caller cannot change what the next query answers.
    const first = hits[0].place;
    expect(() => {
      if (first.kind === 'store') (first.openingHours as Array<{ close: string }>)[0].close = '23:00';
    }).toThrow(TypeError);
    expect(JSON.stringify((await places.nearby({ ...query, limit: 10 }))[2].place)).toBe(JSON.stringify(stored[2]));
  });

  it('filters by category and by accept on the way out, nearest first, up to the limit', async () => {
    const places = sqlitePlaces(openDatabase(':memory:'));
    await places.upsert([
      store('A', { lat: 31.2314, lng: 121.4737 }, { category: 'tea' }),
      store('B', { lat: 31.2324, lng: 121.4737 }, { category: 'cafe' }),
      store('C', { lat: 31.2334, lng: 121.4737 }, { category: 'tea' }),
      store('D', { lat: 31.2344, lng: 121.4737 }, { category: 'tea' }),
    ]);
    const tea = await places.nearby({ ...query, category: 'tea', limit: 2 });
    expect(tea.map((h) => h.place.id)).toEqual(['A', 'C']);
    const notA = await places.nearby({ ...query, category: 'tea', limit: 5, accept: (p) => p.id !== 'A' });
    expect(notA.map((h) => h.place.id)).toEqual(['C', 'D']);
    // 0.001 degree of latitude is 111.19 m on the contract's sphere: A is 111 m north of the centre.
    expect(Math.round(tea[0].distance)).toBe(111);
  });

  it("sees another connection's write to the same file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'point-index-'));
    try {
      const file = join(dir, 'nearby.db');
      const reader = sqlitePlaces(openDatabase(file));
      const writerDb = openDatabase(file);
      const writer = sqlitePlaces(writerDb);
      await writer.upsert([store('S1', { lat: 31.24, lng: 121.4737 })]);
      expect((await reader.nearby(query)).map((h) => h.place.id)).toEqual(['S1']);
      await writer.upsert([store('S2', { lat: 31.231, lng: 121.4737 }), store('S1', { lat: 31.24, lng: 121.4737 }, { name: 'Renamed' })]);
      const hits = await reader.nearby(query);
      expect(hits.map((h) => h.place.id)).toEqual(['S2', 'S1']);
      expect(hits[1].place.kind === 'store' && hits[1].place.name).toBe('Renamed');
      // Another connection's commit that touches no store (a bike) keeps the snapshot: the very same places.
      await writer.upsert([{ kind: 'bike', id: 'B1', code: '100001', lat: 31.2305, lng: 121.4737, status: 'available' }]);
      const again = await reader.nearby(query);
      expect(again.map((h) => h.place)).toEqual(hits.map((h) => h.place));
      expect(again[0].place).toBe(hits[0].place);
      // A store written by SQL of its own (no adapter) is seen too: the counter moves by trigger.
      writerDb.prepare(`UPDATE places SET body = json_set(body, '$.name', 'By SQL') WHERE kind = 'store' AND id = 'S2'`).run();
      const bySql = await reader.nearby(query);
      expect(bySql[0].place.kind === 'store' && bySql[0].place.name).toBe('By SQL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
