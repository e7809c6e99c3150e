/**
 * The real `npm start` entry, as an outside check starts it: build, then `node dist/local/main.js`
 * with settings in the environment, called over HTTP exactly as API.md says.
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startEntry as start, stopEntry, type Entry } from '../support/entry';

const ROOT = path.resolve(__dirname, '../..');
/** This run's own build of the entry (the suite runs once per back end, maybe at the same time). */
const MAIN = path.join('dist', `entry-test-${process.pid}`, 'main.js');
jest.setTimeout(20_000);

/** Spawns the built entry and waits for /healthz. */
async function startEntry(env: Record<string, string>): Promise<Entry> {
  // The back end this run tests (jest.config.js runs this suite on both).
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NEARBY_BACKEND: process.env.NEARBY_TEST_BACKEND ?? 'sqlite' };
  const entry = await start(MAIN, { ...base, ...env }, 8000);
  expect(entry.health).toEqual({ ok: true, backend: env.NEARBY_BACKEND ?? base.NEARBY_BACKEND });
  return entry;
}

const stop = (entry: Entry | undefined) => stopEntry(entry);

async function call(entry: Entry, fn: string, event: unknown, as: { openid?: string; now?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as.openid) headers['X-WX-OPENID'] = as.openid;
  if (as.now) headers['X-Nearby-Now'] = as.now;
  const res = await fetch(`${entry.url}/functions/${fn}`, { method: 'POST', body: typeof event === 'string' ? event : JSON.stringify(event), headers });
  return { status: res.status, body: (await res.json()) as any };
}

const CENTRE = { lat: 31.2304, lng: 121.4737 };
const station = {
  kind: 'station',
  id: 'PX1',
  name: 'Entry gate',
  lat: 31.2,
  lng: 121.4,
  zone: {
    type: 'Polygon',
    coordinates: [
      [
        [121.4, 31.2],
        [121.401, 31.2],
        [121.401, 31.201],
        [121.4, 31.2],
      ],
    ],
  },
};

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--local', '--local-out', MAIN], { cwd: ROOT, stdio: 'pipe' });
});
afterAll(() => rmSync(path.join(ROOT, path.dirname(MAIN)), { recursive: true, force: true }));

describe('node dist/local/main.js with PORT, NEARBY_DB=:memory:, NEARBY_CLOCK=header, NEARBY_ADMIN_OPENIDS=a1,a2', () => {
  let entry: Entry;
  beforeAll(async () => {
    entry = await startEntry({ NEARBY_DB: ':memory:', NEARBY_CLOCK: 'header', NEARBY_ADMIN_OPENIDS: 'a1,a2' });
  });
  afterAll(() => stop(entry));

  it('listens on PORT and says so', async () => {
    // The line may still be in the pipe when /healthz first answers.
    for (let i = 0; i < 40 && !entry.output().includes('local cloud on'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(entry.output()).toContain(`local cloud on ${entry.url}`);
  });

  it('serves the seeded demo city: the nearest stores, nearest first, within the default 3000 m', async () => {
    const { status, body } = await call(entry, 'geo', { action: 'nearby', kind: 'store', ...CENTRE, limit: 5 });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.data.items).toHaveLength(5);
    const distances = body.data.items.map((s: { distance: number }) => s.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(Math.max(...distances)).toBeLessThanOrEqual(3000);
    const bikes = await call(entry, 'geo', { action: 'nearby', kind: 'bike', ...CENTRE });
    expect(bikes.body.data.items.length).toBeGreaterThan(0);
  });

  it('takes "now" from X-Nearby-Now', async () => {
    const open = async (now: string) =>
      (await call(entry, 'geo', { action: 'nearby', kind: 'store', ...CENTRE, radius: 50000, limit: 100 }, { now })).body.data.items.filter(
        (s: { open: boolean }) => s.open,
      ).length;
    expect(await open('2026-11-25T12:00:00+08:00')).toBeGreaterThan(await open('2026-11-25T03:00:00+08:00'));
  });

  it('lets the admins a1 and a2 upsert places, and nobody else: local-admin is no admin here', async () => {
    for (const admin of ['a1', 'a2']) {
      const res = await call(entry, 'admin', { action: 'upsertPlaces', places: [{ ...station, id: `PX-${admin}` }] }, { openid: admin });
      expect(res.body).toEqual({ ok: true, data: { upserted: 1 } });
    }
    expect((await call(entry, 'admin', { action: 'upsertPlaces', places: [station] }, { openid: 'local-admin' })).body.error.code).toBe('PERMISSION_DENIED');
    expect((await call(entry, 'admin', { action: 'upsertPlaces', places: [station] })).body.error.code).toBe('UNAUTHENTICATED');
    expect((await call(entry, 'admin', { action: 'setStaff', openid: 'clerk', storeIds: ['S001'] }, { openid: 'a2' })).body).toEqual({
      ok: true,
      data: { staff: { openid: 'clerk', storeIds: ['S001'] } },
    });
  });

  it('answers a body that is not JSON with HTTP 400 and the error shape, and an unknown action with INVALID_ARGUMENT', async () => {
    const bad = await call(entry, 'geo', '{"action":');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.any(String) } });
    const unknown = await call(entry, 'bookings', { action: 'teleport' }, { openid: 'u1' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.error.code).toBe('INVALID_ARGUMENT');
  });

  it("books a demo store and lets its demo staff check the booking in, at the header's time", async () => {
    const now = '2026-11-25T09:00:00+08:00';
    const slots = await call(entry, 'bookings', { action: 'slots', storeId: 'S001', date: '2026-11-26' }, { now });
    const slot = slots.body.data.slots.find((s: { remaining: number }) => s.remaining > 0);
    const made = await call(entry, 'bookings', { action: 'create', storeId: 'S001', start: slot.start }, { openid: 'entry-customer', now });
    expect(made.body.data.booking).toMatchObject({ storeId: 'S001', start: slot.start, end: slot.end, status: 'pending' });
    const windowOpen = new Date(Date.parse(slot.start) - 10 * 60_000).toISOString();
    const done = await call(entry, 'bookings', { action: 'checkIn', code: made.body.data.booking.code }, { openid: 'local-staff', now: windowOpen });
    expect(done.body.data.booking.status).toBe('checked_in');
  });

  it('unlocks a demo bike through the simulated lock and ends the ride with the tariff', async () => {
    const bikes = await call(entry, 'geo', { action: 'nearby', kind: 'bike', ...CENTRE, limit: 1 });
    const bike = bikes.body.data.items[0];
    const rider = 'entry-rider';
    const unlocked = await call(
      entry,
      'rides',
      { action: 'unlock', bikeCode: bike.code, lat: bike.lat, lng: bike.lng },
      { openid: rider, now: '2026-11-25T08:00:00Z' },
    );
    expect(unlocked.body).toEqual({
      ok: true,
      data: { ride: { id: expect.any(String), bikeId: bike.id, bikeCode: bike.code, startAt: expect.any(String), status: 'active' } },
    });
    const ended = await call(
      entry,
      'rides',
      { action: 'end', rideId: unlocked.body.data.ride.id, lat: bike.lat, lng: bike.lng, acceptSurcharge: true },
      { openid: rider, now: '2026-11-25T08:10:00Z' },
    );
    expect(ended.body.data.ride).toMatchObject({ status: 'ended', durationSec: 600, feeFen: expect.any(Number), billId: expect.any(String) });
    expect([150, 650]).toContain(ended.body.data.ride.feeFen);
  });
});

describe('node dist/local/main.js with NEARBY_SEED=none', () => {
  let entry: Entry;
  beforeAll(async () => {
    entry = await startEntry({ NEARBY_DB: ':memory:', NEARBY_SEED: 'none' });
  });
  afterAll(() => stop(entry));

  it('serves an empty city, and keeps local-admin as the default admin', async () => {
    for (const kind of ['store', 'station', 'bike']) {
      expect((await call(entry, 'geo', { action: 'nearby', kind, ...CENTRE, radius: 50000, limit: 100 })).body).toEqual({ ok: true, data: { items: [] } });
    }
    expect((await call(entry, 'admin', { action: 'upsertPlaces', places: [station] }, { openid: 'local-admin' })).body).toEqual({
      ok: true,
      data: { upserted: 1 },
    });
  });

  it('ignores X-Nearby-Now with the system clock (the default)', async () => {
    const res = await call(entry, 'geo', { action: 'nearby', kind: 'store', ...CENTRE }, { now: 'not a time' });
    expect(res.status).toBe(200);
  });
});

describe('node dist/local/main.js with an unknown NEARBY_BACKEND', () => {
  it('refuses to start, naming the setting, and listens on nothing', async () => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', NEARBY_DB: ':memory:', NEARBY_BACKEND: 'mongodb' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(out).toContain('nearby: NEARBY_BACKEND must be "sqlite" or "cloudbase-fake", not "mongodb"');
    expect(out).not.toContain('local cloud on');
  });
});
