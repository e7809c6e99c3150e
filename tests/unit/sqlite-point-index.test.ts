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

  it('sees its own upsert at once (a new store, a moved one)', async () => {
    const places = sqlitePlaces(openDatabase(':memory:'));
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
  });

  it("sees another connection's write to the same file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'point-index-'));
    try {
      const file = join(dir, 'nearby.db');
      const reader = sqlitePlaces(openDatabase(file));
      const writer = sqlitePlaces(openDatabase(file));
      await writer.upsert([store('S1', { lat: 31.24, lng: 121.4737 })]);
      expect((await reader.nearby(query)).map((h) => h.place.id)).toEqual(['S1']);
      await writer.upsert([store('S2', { lat: 31.231, lng: 121.4737 }), store('S1', { lat: 31.24, lng: 121.4737 }, { name: 'Renamed' })]);
      const hits = await reader.nearby(query);
      expect(hits.map((h) => h.place.id)).toEqual(['S2', 'S1']);
      expect(hits[1].place.kind === 'store' && hits[1].place.name).toBe('Renamed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
