import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFrom, start } from '../../functions/local/main';
import { DEFAULT_DB_PATHS } from '../../functions/local/backend';
import { placeCount, startCloud, TEST_BACKEND, type TestCloud } from '../support/host';

/** The back end these tests run on (jest.config.js runs them on both). */
const BACKEND = { NEARBY_BACKEND: TEST_BACKEND };

describe('local host settings (environment)', () => {
  it('defaults to port 8787, .local/nearby.db, the demo city, admin local-admin and the system clock', () => {
    expect(settingsFrom({})).toMatchObject({ port: 8787, dbPath: '.local/nearby.db', seed: 'demo', admins: new Set(['local-admin']), clock: 'system' });
  });

  it('takes every setting from its variable', () => {
    const s = settingsFrom({ PORT: '9000', NEARBY_DB: ':memory:', NEARBY_SEED: 'none', NEARBY_ADMIN_OPENIDS: ' a, b ,,c ', NEARBY_CLOCK: 'header' });
    expect(s).toMatchObject({ port: 9000, dbPath: ':memory:', seed: 'none', admins: new Set(['a', 'b', 'c']), clock: 'header' });
    expect(settingsFrom({ PORT: '0' }).port).toBe(0);
  });

  it('reads an empty variable as unset', () => {
    expect(settingsFrom({ PORT: '', NEARBY_DB: '', NEARBY_SEED: '', NEARBY_CLOCK: '' })).toMatchObject({
      port: 8787,
      dbPath: '.local/nearby.db',
      seed: 'demo',
      clock: 'system',
    });
  });

  it('picks the back end from NEARBY_BACKEND (sqlite by default), each with its own default file', () => {
    expect(settingsFrom({})).toMatchObject({ backend: 'sqlite', dbPath: '.local/nearby.db' });
    expect(settingsFrom({ NEARBY_BACKEND: '' })).toMatchObject({ backend: 'sqlite' });
    expect(settingsFrom({ NEARBY_BACKEND: 'cloudbase-fake' })).toMatchObject({ backend: 'cloudbase-fake', dbPath: '.local/nearby-cloudbase.jsonl' });
    expect(settingsFrom({ NEARBY_BACKEND: 'cloudbase-fake', NEARBY_DB: ':memory:' }).dbPath).toBe(':memory:');
    expect(DEFAULT_DB_PATHS.sqlite).not.toBe(DEFAULT_DB_PATHS['cloudbase-fake']);
  });

  it.each([
    [{ NEARBY_BACKEND: 'mongo' }, /NEARBY_BACKEND must be "sqlite" or "cloudbase-fake", not "mongo"/],
    [{ NEARBY_BACKEND: 'CloudBase' }, /NEARBY_BACKEND/],
    [{ PORT: 'abc' }, /PORT must be a port number, not "abc"/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '-1' }, /PORT/],
    [{ PORT: '80.5' }, /PORT/],
    [{ PORT: '0x50' }, /PORT/],
    [{ NEARBY_SEED: 'city' }, /NEARBY_SEED must be "demo" or "none", not "city"/],
    [{ NEARBY_CLOCK: 'wall' }, /NEARBY_CLOCK must be "system" or "header", not "wall"/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => settingsFrom(env)).toThrow(message);
  });
});

describe('start() over a database file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nearby-host-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds the demo city into an empty database only, keeps the data across restarts (SQLite in WAL mode)', async () => {
    const settings = settingsFrom({ ...BACKEND, PORT: '0', NEARBY_DB: join(dir, 'nested', 'nearby.db') });
    const first = await start(settings, () => {});
    expect(first.seeded).toBe(true);
    if (TEST_BACKEND === 'sqlite') expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const count = (started: typeof first) => placeCount(started.backend);
    const seededCount = count(first);
    expect(seededCount).toBeGreaterThan(200);
    // Something the demo does not have, to see that a restart keeps it.
    const added = await first.host.functions.admin(
      { action: 'upsertPlaces', places: [{ kind: 'bike', id: 'EXTRA', code: 'EXTRA', lat: 31.23, lng: 121.47, status: 'available' }] },
      { openid: 'local-admin', now: new Date() },
    );
    expect(added.ok).toBe(true);
    const health = await fetch(`${first.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, backend: TEST_BACKEND });
    await first.host.close();
    first.backend.close();

    const second = await start(settings, () => {});
    expect(second.seeded).toBe(false);
    expect(count(second)).toBe(seededCount + 1);
    if (TEST_BACKEND === 'sqlite') expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await second.host.close();
    second.backend.close();
  });

  it('leaves an empty database empty with NEARBY_SEED=none', async () => {
    const settings = settingsFrom({ ...BACKEND, PORT: '0', NEARBY_DB: join(dir, 'empty.db'), NEARBY_SEED: 'none' });
    const host = await start(settings, () => {});
    expect(host.seeded).toBe(false);
    expect(placeCount(host.backend)).toBe(0);
    await host.host.close();
    host.backend.close();
  });
});

describe('the local host over HTTP', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startCloud({ seed: 'demo' });
  });
  afterAll(() => cloud.close());

  it('answers /healthz with 200 { ok: true }', async () => {
    const res = await fetch(`${cloud.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, backend: cloud.backend });
  });

  it('keeps an idle socket 65 s (Keep-Alive: timeout=65): fetch, dropping it 2 s before the hint, always closes first', async () => {
    // Node's 5 s default let the server close a socket the test's fetch was about to reuse
    // (ECONNRESET under load, reminders-scale): functions/local/host.ts explains the race.
    const res = await fetch(`${cloud.url}/healthz`);
    await res.text();
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
    expect(cloud.host.server.keepAliveTimeout).toBe(65_000);
    expect(cloud.host.server.headersTimeout).toBe(66_000);
  });

  it('serves a function as HTTP 200 with its result, whatever the result', async () => {
    const good = await cloud.post('/functions/geo', JSON.stringify({ action: 'nearby', kind: 'store', lat: 31.2304, lng: 121.4737, limit: 3 }));
    expect(good.status).toBe(200);
    expect(good.json.data.items).toHaveLength(3);
    const bad = await cloud.post('/functions/geo', JSON.stringify({ action: 'nearby', kind: 'store', lat: 91, lng: 0 }));
    expect(bad.status).toBe(200);
    expect(bad.json.ok).toBe(false);
  });

  it('answers GET on a function with 405 and the error shape', async () => {
    const res = await fetch(`${cloud.url}/functions/geo`);
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/POST/) } });
  });

  it('answers an unknown route with 404 and the error shape', async () => {
    const res = await fetch(`${cloud.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(false);
  });

  it('grants no CORS (a web page must not drive it: tests/integration/host-origin.test.ts)', async () => {
    const res = await fetch(`${cloud.url}/functions/geo`, { method: 'OPTIONS' });
    expect(res.status).toBe(405);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('with the header clock, takes "now" from X-Nearby-Now, and refuses one that is no time', async () => {
    const at = (now: string) => cloud.call('geo', { action: 'nearby', kind: 'store', lat: 31.2304, lng: 121.4737, limit: 100 }, { now });
    const night = (await at('2026-11-25T03:00:00+08:00')).data.items.filter((s: any) => s.open).length;
    const noon = (await at('2026-11-25T12:00:00+08:00')).data.items.filter((s: any) => s.open).length;
    expect(noon).toBeGreaterThan(night);
    const res = await cloud.post('/functions/geo', JSON.stringify({ action: 'nearby', kind: 'store', lat: 31.23, lng: 121.47 }), {
      'x-nearby-now': 'yesterday',
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^X-Nearby-Now: /) } });
  });

  it('with the system clock, ignores X-Nearby-Now', async () => {
    const settings = settingsFrom({ ...BACKEND, PORT: '0', NEARBY_DB: ':memory:', NEARBY_SEED: 'none' });
    const host = await start(settings, () => {});
    const res = await fetch(`${host.url}/functions/geo`, {
      method: 'POST',
      body: JSON.stringify({ action: 'nearby', kind: 'store', lat: 31.23, lng: 121.47 }),
      headers: { 'x-nearby-now': 'yesterday' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, data: { items: [] } });
    await host.host.close();
    host.backend.close();
  });
});
