import { seededRandom, simulatedLock, timedLock } from '../../functions/lib/lock';
import { ADMIN, startCloud, type TestCloud } from '../support/host';

const NOW = '2026-11-25T08:00:00+08:00';
const HERE = { lat: 30.5, lng: 120.5 };

describe('the simulated lock of the local host', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    // Half the commands refused, repeatably: the same seed gives the same failures on every run.
    cloud = await startCloud({ seed: 'none', rides: { lock: { delayMs: 5, failureRate: 0.5, random: seededRandom(42) } } });
    const bikes = Array.from({ length: 12 }, (_, i) => ({ kind: 'bike', id: `L${i}`, code: `L${i}`, ...HERE, status: 'available' }));
    expect((await cloud.call('admin', { action: 'upsertPlaces', places: bikes }, { openid: ADMIN })).ok).toBe(true);
  });
  afterAll(() => cloud.close());

  it('starts a ride for every confirmed unlock and frees every bike whose lock refused', async () => {
    const outcomes: { bike: string; ok: boolean }[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await cloud.call('rides', { action: 'unlock', bikeCode: `L${i}`, ...HERE }, { openid: `lock-rider-${i}`, now: NOW });
      if (!res.ok) expect(res.error.reason).toBe('LOCK_FAILED');
      outcomes.push({ bike: `L${i}`, ok: res.ok });
    }
    expect(outcomes.some((o) => o.ok)).toBe(true);
    expect(outcomes.some((o) => !o.ok)).toBe(true);
    for (const o of outcomes) expect((await cloud.ports.places.get('bike', o.bike))?.status).toBe(o.ok ? 'riding' : 'available');
    const free = await cloud.call('geo', { action: 'nearby', kind: 'bike', ...HERE, radius: 10, limit: 100 });
    expect(free.data.items.map((b: { id: string }) => b.id).sort()).toEqual(
      outcomes
        .filter((o) => !o.ok)
        .map((o) => o.bike)
        .sort(),
    );
  });
});

describe('timedLock', () => {
  it('answers failed for a lock slower than the timeout, and passes a quick answer through', async () => {
    expect(await timedLock(simulatedLock({ delayMs: 200 }), 20).unlock('b', 'r')).toBe('failed');
    expect(await timedLock(simulatedLock({ delayMs: 1 }), 200).unlock('b', 'r')).toBe('ok');
  });
  it('answers failed for a lock that throws', async () => {
    expect(await timedLock({ unlock: () => Promise.reject(new Error('offline')) }, 50).unlock('b', 'r')).toBe('failed');
  });
});
