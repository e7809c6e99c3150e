/**
 * The lock port's relock: a lock that confirms after its ride was aborted (a confirmation after the
 * timeout, or one that lost the race to whoever aborted the ride) is locked again, on the simulated
 * lock; a lock since opened for another ride is left alone.
 */
import { simulatedLock, timedLock } from '../../functions/lib/lock';
import { unlock } from '../../functions/lib/usecases/ride';
import { startCloud, ADMIN } from '../support/host';
import { ADAPTERS, HERE, LOCK_TIMEOUT_MS, at, checkInvariants, rideWorld } from '../support/rides-world';

describe('the simulated lock', () => {
  it('is open for the ride it confirmed, until relock closes it; a relock of another ride leaves it open', async () => {
    const lock = simulatedLock();
    expect(lock.openFor('B1')).toBeNull();
    expect(await lock.unlock('B1', 'R1')).toBe('ok');
    expect(lock.openFor('B1')).toBe('R1');
    expect(await lock.relock('B1', 'R0')).toBe('ok');
    expect(lock.openFor('B1')).toBe('R1');
    expect(await lock.relock('B1', 'R1')).toBe('ok');
    expect(lock.openFor('B1')).toBeNull();
    // Idempotent: closing a closed lock again changes nothing.
    expect(await lock.relock('B1', 'R1')).toBe('ok');
    expect(lock.openFor('B1')).toBeNull();
  });

  it('stays closed when it refuses', async () => {
    const lock = simulatedLock({ failureRate: 1 });
    expect(await lock.unlock('B1', 'R1')).toBe('failed');
    expect(lock.openFor('B1')).toBeNull();
  });
});

describe('timedLock re-locks a confirmation that comes after the timeout', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-25T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('answers failed at the timeout, and closes the lock again when it opens late', async () => {
    // Opens 50 ms after the command; the timeout is 20 ms.
    const lock = simulatedLock({ delayMs: 50 });
    const timed = timedLock(lock, 20);
    const answer = timed.unlock('B1', 'R1');
    await jest.advanceTimersByTimeAsync(20);
    expect(await answer).toBe('failed');
    expect(lock.openFor('B1')).toBeNull();
    await jest.advanceTimersByTimeAsync(30);
    // The late confirmation: the lock is open for R1, and the relock command is under way.
    expect(lock.openFor('B1')).toBe('R1');
    await jest.advanceTimersByTimeAsync(50);
    expect(lock.openFor('B1')).toBeNull();
  });

  it('does not touch a lock that answered in time', async () => {
    const lock = simulatedLock({ delayMs: 5 });
    const answer = timedLock(lock, 20).unlock('B1', 'R1');
    await jest.advanceTimersByTimeAsync(5);
    expect(await answer).toBe('ok');
    await jest.advanceTimersByTimeAsync(1000);
    expect(lock.openFor('B1')).toBe('R1');
  });

  it('answers failed for a lock without relock, or whose relock throws or hangs', async () => {
    expect(await timedLock({ unlock: async () => 'ok' as const }, 20).relock('B1', 'R1')).toBe('failed');
    const throwing = timedLock({ unlock: async () => 'ok' as const, relock: () => Promise.reject(new Error('offline')) }, 20);
    expect(await throwing.relock('B1', 'R1')).toBe('failed');
    const hanging = timedLock({ unlock: async () => 'ok' as const, relock: () => new Promise<never>(() => {}) }, 20).relock('B1', 'R1');
    await jest.advanceTimersByTimeAsync(20);
    expect(await hanging).toBe('failed');
  });
});

describe.each(ADAPTERS)('the unlock use case on %s', (adapter) => {
  it('re-locks a lock that confirms after its ride was aborted meanwhile, and answers LOCK_FAILED', async () => {
    const w = await rideWorld(adapter);
    try {
      const sim = simulatedLock();
      // The lock opens, but in the meantime an admin's forceEnd (or a sweep) aborted the ride.
      const racing = {
        async unlock(bikeId: string, rideId: string) {
          const answer = await sim.unlock(bikeId, rideId);
          expect(await w.deps.rides.abort({ rideId, cause: 'admin', now: at(1), lockTimeoutMs: LOCK_TIMEOUT_MS })).not.toBeNull();
          return answer;
        },
        relock: (bikeId: string, rideId: string) => sim.relock(bikeId, rideId),
      };
      w.deps.lock = timedLock(racing, LOCK_TIMEOUT_MS);
      const answer = await unlock(w.deps, { bikeCode: 'A', ...HERE }, { caller: 'u1', now: at(0) });
      expect(answer).toMatchObject({ ok: false, error: { reason: 'LOCK_FAILED' } });
      const state = w.state();
      expect(state.rides.map((r) => r.status)).toEqual(['aborted']);
      expect(state.bikes.find((b) => b.id === 'A')?.status).toBe('available');
      expect(sim.openFor('A')).toBeNull();
      checkInvariants(state);
    } finally {
      w.close();
    }
  });

  it('leaves the lock open for a ride that started', async () => {
    const w = await rideWorld(adapter);
    try {
      const sim = simulatedLock();
      w.deps.lock = timedLock(sim, LOCK_TIMEOUT_MS);
      const answer = await unlock(w.deps, { bikeCode: 'A', ...HERE }, { caller: 'u1', now: at(0) });
      expect(answer.ok).toBe(true);
      expect(sim.openFor('A')).toBe(w.state().rides[0].id);
    } finally {
      w.close();
    }
  });
});

describe('through the local host', () => {
  it('a lock slower than the timeout: LOCK_FAILED, the bike free, and the lock closed again once it opens', async () => {
    const sim = simulatedLock({ delayMs: 60 });
    const relocks: string[] = [];
    const lock = { unlock: sim.unlock, relock: (bikeId: string, rideId: string) => (relocks.push(`${bikeId}/${rideId}`), sim.relock(bikeId, rideId)) };
    const cloud = await startCloud({ seed: 'none', rides: { lock, lockTimeoutMs: 20 } });
    try {
      const bike = { kind: 'bike', id: 'SLOW', code: 'SLOW', ...HERE, status: 'available' };
      expect((await cloud.call('admin', { action: 'upsertPlaces', places: [bike] }, { openid: ADMIN })).ok).toBe(true);
      const res = await cloud.call('rides', { action: 'unlock', bikeCode: 'SLOW', ...HERE }, { openid: 'slow-rider' });
      expect(res).toMatchObject({ ok: false, error: { reason: 'LOCK_FAILED' } });
      // The ride and the bike as stored, on either back end.
      const ride = (
        cloud.db
          ? cloud.db.prepare(`SELECT id, status FROM rides`).get()
          : { id: cloud.standin!.dump().rides[0]._id, status: cloud.standin!.dump().rides[0].status }
      ) as { id: string; status: string };
      expect(ride.status).toBe('aborted');
      // Wait (bounded) for the late confirmation and its relock: the lock ends closed.
      for (let i = 0; i < 100 && !(relocks.length === 1 && sim.openFor('SLOW') === null); i++) await new Promise((r) => setTimeout(r, 10));
      expect(relocks).toEqual([`SLOW/${ride.id}`]);
      expect(sim.openFor('SLOW')).toBeNull();
      const bikeStatus = cloud.db
        ? cloud.db.prepare(`SELECT status FROM places WHERE id = 'SLOW'`).pluck().get()
        : cloud.standin!.dump().places_bike.find((d) => d.code === 'SLOW')?.status;
      expect(bikeStatus).toBe('available');
    } finally {
      await cloud.close();
    }
  });
});
