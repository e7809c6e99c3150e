/**
 * Races decided inside the reserve transaction: every check (shared/ride.ts `decideUnlock`) runs
 * inside it, so however racers interleave around the lock, one bike gets one ride and one rider
 * one ride; the one-open-ride indexes of the schema stand behind the rule.
 */
import { openDatabase, sqlitePorts, type Db } from '../../functions/lib/sqlite';
import type { Ports } from '../../functions/lib/ports';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import { unlock } from '../../functions/lib/usecases/ride';
import { upsertPlacesParams } from '../../shared/contract/admin';

const HERE = { lat: 30, lng: 120 };
const now = new Date('2026-11-25T00:00:00Z');

let db: Db;
let ports: Ports;
beforeEach(async () => {
  db = openDatabase(':memory:');
  ports = sqlitePorts(db, { lock: { delayMs: 10 } });
  const bikes = ['A', 'B'].map((id) => ({ kind: 'bike', id, code: id, ...HERE, status: 'available' }));
  expect((await upsertPlaces(ports, upsertPlacesParams.parse({ places: bikes }))).ok).toBe(true);
});
afterEach(() => db.close());

const openRides = () => db.prepare(`SELECT openid, bike_id FROM rides WHERE status IN ('unlocking', 'active') ORDER BY openid`).all();

it('gives one bike to one of eight riders at once', async () => {
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => unlock(ports, { bikeCode: 'A', ...HERE }, { caller: `r${i}`, now })));
  expect(answers.filter((a) => a.ok)).toHaveLength(1);
  const refused = answers.filter((a) => !a.ok);
  for (const a of refused) expect(!a.ok && a.error).toMatchObject({ reason: 'BIKE_UNAVAILABLE', message: 'bikeCode: bike A is in use' });
  expect(openRides()).toHaveLength(1);
});

it('gives a rider who unlocks two bikes at once one ride, and leaves the other bike available', async () => {
  const answers = await Promise.all(['A', 'B'].map((code) => unlock(ports, { bikeCode: code, ...HERE }, { caller: 'solo', now })));
  expect(answers.filter((a) => a.ok)).toHaveLength(1);
  expect(answers.find((a) => !a.ok)).toMatchObject({
    error: { reason: 'ACTIVE_RIDE', message: expect.stringMatching(/^you already ride bike [AB]: end that ride first$/) },
  });
  expect(openRides()).toHaveLength(1);
  const statuses = db.prepare(`SELECT status FROM places WHERE kind = 'bike' ORDER BY id`).pluck().all();
  expect(statuses.sort()).toEqual(['available', 'riding']);
});

it('refuses, in the schema itself, a second open ride of a rider or of a bike', () => {
  const insert = db.prepare(
    `INSERT INTO rides (id, openid, bike_id, bike_code, status, requested_at, start_lat, start_lng) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', 30, 120)`,
  );
  insert.run('r1', 'u1', 'A', 'A', 'active');
  expect(() => insert.run('r2', 'u1', 'B', 'B', 'unlocking')).toThrow(/UNIQUE/);
  expect(() => insert.run('r3', 'u2', 'A', 'A', 'unlocking')).toThrow(/UNIQUE/);
  // Ended and aborted rides do not count.
  insert.run('r4', 'u1', 'B', 'B', 'ended');
  insert.run('r5', 'u3', 'A', 'A', 'aborted');
});
