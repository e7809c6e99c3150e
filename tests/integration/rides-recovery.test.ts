/**
 * Unlocks cut short, through the real local host: geo.nearby meets them, the sweeper (a timer
 * function: only a timer event without a caller runs it) resolves them, and a host that starts
 * over a database left by a crash sweeps before its first request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFrom, start } from '../../functions/local/main';
import { startCloud, ADMIN, TEST_BACKEND, type TestCloud } from '../support/host';

const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (sec: number) => new Date(T0 + sec * 1000).toISOString();
const HERE = { lat: 30, lng: 120 };

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await startCloud();
  const imported = await cloud.call(
    'admin',
    {
      action: 'upsertPlaces',
      places: [
        { kind: 'bike', id: 'A', code: 'A', ...HERE, status: 'available' },
        { kind: 'bike', id: 'B', code: 'B', ...HERE, status: 'available' },
      ],
    },
    { openid: ADMIN },
  );
  expect(imported.ok).toBe(true);
});
afterEach(() => cloud.close());

/** The reservation of an unlock whose host died before the lock answered. */
async function strand(openid: string, bikeCode: string, sec: number): Promise<string> {
  const reserved = await cloud.ports.rides.reserve({
    rideId: `R-${bikeCode}`,
    openid,
    bikeCode,
    position: HERE,
    now: new Date(iso(sec)),
    lockTimeoutMs: 3000,
  });
  if (!reserved.ok) throw new Error(reserved.refusal.reason);
  return reserved.ride.id;
}
const bikesNearby = async (sec: number, openid?: string) =>
  (await cloud.call('geo', { action: 'nearby', kind: 'bike', ...HERE }, { now: iso(sec), ...(openid ? { openid } : {}) })).data.items.map(
    (b: { id: string }) => b.id,
  );
const status = async (rideId: string) => (await cloud.ports.rides.get(rideId))?.status;

it('lists a bike stranded by an unlock cut short again once a signed-in geo.nearby meets it past the lock timeout', async () => {
  const rideId = await strand('u1', 'A', 0);
  expect(await bikesNearby(2, 'u2')).toEqual(['B']);
  expect(await status(rideId)).toBe('unlocking');
  // An anonymous read never writes: the stale unlock waits for the sweeper or a rider's call.
  expect(await bikesNearby(4)).toEqual(['B']);
  expect(await status(rideId)).toBe('unlocking');
  expect((await bikesNearby(4, 'u2')).sort()).toEqual(['A', 'B']);
  expect(await status(rideId)).toBe('aborted');
});

it('runs the sweeper for a timer event at the host clock only', async () => {
  const rideId = await strand('u1', 'A', 0);
  const timer = (sec: number) => ({ Type: 'Timer', TriggerName: 'every-minute', Time: iso(sec) });
  expect(await cloud.call('sweeper', timer(60), { openid: 'u1', now: iso(60) })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  expect(await cloud.call('sweeper', { action: 'sweep' }, { now: iso(60) })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  // An event whose Time is an hour ahead runs at the host's clock (X-Nearby-Now here, 1 s after the
  // unlock, within the lock timeout): it expires nobody's unlock. A malformed one runs nothing.
  expect(await cloud.call('sweeper', timer(3600), { now: iso(1) })).toMatchObject({ ok: true, data: { jobs: { staleUnlocks: { aborted: 0 } } } });
  expect(await cloud.call('sweeper', { Type: 'Timer', TriggerName: 7, Time: iso(60) }, { now: iso(60) })).toMatchObject({
    ok: false,
    error: { code: 'INVALID_ARGUMENT' },
  });
  expect(await status(rideId)).toBe('unlocking');
  expect(await cloud.call('sweeper', timer(61), { now: iso(60) })).toEqual({
    ok: true,
    data: { jobs: { staleUnlocks: { aborted: 1 }, payOrders: { checked: 0, paid: 0, closed: 0 }, refunds: { sent: 0, refunded: 0, failed: 0 } } },
  });
  expect(await status(rideId)).toBe('aborted');
  expect((await cloud.call('rides', { action: 'unlock', bikeCode: 'A', ...HERE }, { openid: 'u2', now: iso(61) })).ok).toBe(true);
});

it('sweeps at start: a host restarted over a database left by a crash frees the bike and the rider', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nearby-restart-'));
  try {
    const settings = settingsFrom({ NEARBY_BACKEND: TEST_BACKEND, PORT: '0', NEARBY_DB: join(dir, 'nearby.db'), NEARBY_SEED: 'none', NEARBY_TIMERS: 'off' });
    const first = await start(settings, () => {});
    await first.backend.ports.places.upsert([{ kind: 'bike', id: 'A', code: 'A', ...HERE, status: 'available' }]);
    const reserved = await first.backend.ports.rides.reserve({
      rideId: 'R1',
      openid: 'u1',
      bikeCode: 'A',
      position: HERE,
      now: new Date(Date.now() - 60_000),
      lockTimeoutMs: 3000,
    });
    expect(reserved.ok).toBe(true);
    await first.host.close();
    first.backend.close();
    const second = await start(settings, () => {});
    try {
      expect(second.swept).toEqual({
        jobs: { staleUnlocks: { aborted: 1 }, payOrders: { checked: 0, paid: 0, closed: 0 }, refunds: { sent: 0, refunded: 0, failed: 0 } },
      });
      expect((await second.backend.ports.places.get('bike', 'A'))?.status).toBe('available');
    } finally {
      await second.host.close();
      second.backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reads NEARBY_TIMERS: on by default, off, or a clear error', () => {
  expect(settingsFrom({}).timers).toBe(true);
  expect(settingsFrom({ NEARBY_TIMERS: 'off' }).timers).toBe(false);
  expect(settingsFrom({ NEARBY_TIMERS: '' }).timers).toBe(true);
  expect(() => settingsFrom({ NEARBY_TIMERS: 'no' })).toThrow('NEARBY_TIMERS must be "on" or "off", not "no"');
});
