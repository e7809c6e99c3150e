/**
 * The lock port's relock: a lock that confirms after its ride was aborted (a confirmation after the
 * timeout, or one that lost the race to whoever aborted the ride) is locked again, on the simulated
 * lock; a lock since opened for another ride is left alone.
 */
import { simulatedLock, timedLock } from '../../functions/lib/lock';
import { currentRide, forceEndRide, reserve, sweepStaleUnlocks, unlock } from '../../functions/lib/usecases/ride';
import { startCloud, ADMIN } from '../support/host';
import { ADAPTERS, HERE, LOCK_TIMEOUT_MS, NOWHERE, at, checkInvariants, rideWorld, rideWorldEach } from '../support/rides-world';

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

/** An unlock cut short after its command went out: the lock opened, nobody heard it. */
const strand = async (w: Awaited<ReturnType<typeof rideWorld>>, sim: ReturnType<typeof simulatedLock>, rideId: string, openid: string, bikeCode: string) => {
  const reserved = await w.deps.rides.reserve({ rideId, openid, bikeCode, position: HERE, now: at(0), lockTimeoutMs: LOCK_TIMEOUT_MS });
  if (!reserved.ok) throw new Error(reserved.refusal.reason);
  expect(await sim.unlock(reserved.ride.bikeId, rideId)).toBe('ok');
};

describe.each(ADAPTERS)('the sweep of stale unlocks on %s', (adapter) => {
  it('re-locks the lock of each unlock it aborts, after the abort; a lock opened since for another ride stays open', async () => {
    const w = await rideWorld(adapter);
    try {
      const sim = simulatedLock();
      w.deps.lock = timedLock(sim, LOCK_TIMEOUT_MS);
      await strand(w, sim, 'R-A', 'u1', 'A');
      await strand(w, sim, 'R-B', 'u2', 'B');
      // B's lock has since been opened for another ride (a command of someone else's): not ours to close.
      expect(await sim.unlock('B', 'R-OTHER')).toBe('ok');
      const logged: Record<string, unknown>[] = [];
      expect(await sweepStaleUnlocks(w.deps, { caller: null, now: at(60) }, (l) => logged.push(l))).toEqual({ aborted: 2 });
      expect(sim.openFor('A')).toBeNull();
      expect(sim.openFor('B')).toBe('R-OTHER');
      expect(logged).toEqual([]);
      const state = w.state();
      expect(state.rides.map((r) => r.status)).toEqual(['aborted', 'aborted']);
      checkInvariants(state);
    } finally {
      w.close();
    }
  });

  it('logs a relock the lock does not answer, and still answers the aborts; nothing to relock, nothing sent', async () => {
    const w = await rideWorld(adapter);
    try {
      const sim = simulatedLock();
      const sent: string[] = [];
      const offline = { unlock: sim.unlock, relock: async (bikeId: string, rideId: string) => (sent.push(`${bikeId}/${rideId}`), 'failed' as const) };
      w.deps.lock = timedLock(offline, LOCK_TIMEOUT_MS);
      const logged: Record<string, unknown>[] = [];
      expect(await sweepStaleUnlocks(w.deps, { caller: null, now: at(60) }, (l) => logged.push(l))).toEqual({ aborted: 0 });
      expect(sent).toEqual([]);
      await strand(w, sim, 'R-A', 'u1', 'A');
      // Within the lock timeout the unlock may still confirm: neither aborted nor relocked.
      expect(await sweepStaleUnlocks(w.deps, { caller: null, now: at(LOCK_TIMEOUT_MS / 1000) }, (l) => logged.push(l))).toEqual({ aborted: 0 });
      expect(sent).toEqual([]);
      expect(await sweepStaleUnlocks(w.deps, { caller: null, now: at(60) }, (l) => logged.push(l))).toEqual({ aborted: 1 });
      expect(sent).toEqual(['A/R-A']);
      expect(logged).toEqual([expect.objectContaining({ fn: 'sweepStaleUnlocks', level: 'warn', bikeId: 'A', rideId: 'R-A' })]);
      expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
      // Not retried: the next sweep meets no stale unlock.
      expect(await sweepStaleUnlocks(w.deps, { caller: null, now: at(120) }, (l) => logged.push(l))).toEqual({ aborted: 0 });
      expect(sent).toEqual(['A/R-A']);
    } finally {
      w.close();
    }
  });
});

describe.each(ADAPTERS)('every other path that aborts an unlock cut short relocks its bike, on %s', (adapter) => {
  /** Each test: a world on the simulated lock with u1's unlock of A cut short (R-A: the lock opened, nobody heard it). */
  const w = rideWorldEach(adapter);
  let sim: ReturnType<typeof simulatedLock>;
  beforeEach(async () => {
    sim = simulatedLock();
    w.deps.lock = timedLock(sim, LOCK_TIMEOUT_MS);
    await strand(w, sim, 'R-A', 'u1', 'A');
  });
  const rideIdOf = (answer: { ok: boolean; data?: unknown }) => (answer as { data: { ride: { id: string } } }).data.ride.id;

  it("the rider's next unlock, of another bike: A closed, B open for the new ride", async () => {
    const answer = await unlock(w.deps, { bikeCode: 'B', ...HERE }, { caller: 'u1', now: at(60) });
    expect(answer).toMatchObject({ ok: true, data: { ride: { bikeId: 'B', status: 'active' } } });
    expect(sim.openFor('A')).toBeNull();
    expect(sim.openFor('B')).toBe(rideIdOf(answer));
    const state = w.state();
    expect(state.rides.map((r) => [r.id, r.status])).toEqual(expect.arrayContaining([['R-A', 'aborted']]));
    checkInvariants(state);
  });

  it("the rider's next unlock, of the same bike: the relock of R-A leaves the lock open for the new ride", async () => {
    const answer = await unlock(w.deps, { bikeCode: 'A', ...HERE }, { caller: 'u1', now: at(60) });
    expect(answer).toMatchObject({ ok: true, data: { ride: { bikeId: 'A', status: 'active' } } });
    expect(sim.openFor('A')).toBe(rideIdOf(answer));
    checkInvariants(w.state());
  });

  it("the rider's next unlock, even when refused (too far): the stale unlock aborted and relocked", async () => {
    expect(await unlock(w.deps, { bikeCode: 'B', ...NOWHERE }, { caller: 'u1', now: at(60) })).toMatchObject({ ok: false, error: { reason: 'TOO_FAR' } });
    expect(sim.openFor('A')).toBeNull();
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
  });

  it("another rider's unlock of that bike, refused (too far): closed; a lock opened since for another ride stays open", async () => {
    expect(await unlock(w.deps, { bikeCode: 'A', ...NOWHERE }, { caller: 'u2', now: at(60) })).toMatchObject({ ok: false, error: { reason: 'TOO_FAR' } });
    expect(sim.openFor('A')).toBeNull();
    await strand(w, sim, 'R-B', 'u3', 'B');
    expect(await sim.unlock('B', 'R-OTHER')).toBe('ok');
    expect(await unlock(w.deps, { bikeCode: 'B', ...NOWHERE }, { caller: 'u2', now: at(60) })).toMatchObject({ ok: false, error: { reason: 'TOO_FAR' } });
    expect(sim.openFor('B')).toBe('R-OTHER');
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted', 'aborted']);
  });

  it("another rider's unlock of that bike: the lock open for their ride", async () => {
    const answer = await unlock(w.deps, { bikeCode: 'A', ...HERE }, { caller: 'u2', now: at(60) });
    expect(answer).toMatchObject({ ok: true, data: { ride: { bikeId: 'A' } } });
    expect(sim.openFor('A')).toBe(rideIdOf(answer));
    checkInvariants(w.state());
  });

  it('rides.current: closed past the lock timeout, not before', async () => {
    expect(await currentRide(w.deps, {}, { caller: 'u1', now: at(1) })).toEqual({ ok: true, data: { ride: null, reservation: null } });
    expect(sim.openFor('A')).toBe('R-A');
    expect(await currentRide(w.deps, {}, { caller: 'u1', now: at(60) })).toEqual({ ok: true, data: { ride: null, reservation: null } });
    expect(sim.openFor('A')).toBeNull();
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
    checkInvariants(w.state());
  });

  it('rides.current: a lock opened since for another ride stays open', async () => {
    expect(await sim.unlock('A', 'R-OTHER')).toBe('ok');
    await currentRide(w.deps, {}, { caller: 'u1', now: at(60) });
    expect(sim.openFor('A')).toBe('R-OTHER');
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
  });

  it("the admin's forceEnd, even before the timeout: closed", async () => {
    expect(await forceEndRide(w.deps, { rideId: 'R-A' }, { caller: 'admin', now: at(1) })).toMatchObject({ ok: true, data: { ride: { status: 'aborted' } } });
    expect(sim.openFor('A')).toBeNull();
    checkInvariants(w.state());
  });

  it("the admin's forceEnd: a lock opened since for another ride stays open; an offline lock still answers the abort", async () => {
    expect(await sim.unlock('A', 'R-OTHER')).toBe('ok');
    expect(await forceEndRide(w.deps, { rideId: 'R-A' }, { caller: 'admin', now: at(1) })).toMatchObject({ ok: true, data: { ride: { status: 'aborted' } } });
    expect(sim.openFor('A')).toBe('R-OTHER');
    await strand(w, sim, 'R-B', 'u2', 'B');
    const sent: string[] = [];
    w.deps.lock = timedLock(
      { unlock: sim.unlock, relock: async (bikeId: string, rideId: string) => (sent.push(`${bikeId}/${rideId}`), 'failed' as const) },
      LOCK_TIMEOUT_MS,
    );
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await forceEndRide(w.deps, { rideId: 'R-B' }, { caller: 'admin', now: at(1) })).toMatchObject({
        ok: true,
        data: { ride: { status: 'aborted' } },
      });
      expect(sent).toEqual(['B/R-B']);
      expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
        expect.objectContaining({ fn: 'forceEndRide', level: 'warn', bikeId: 'B', rideId: 'R-B' }),
      ]);
    } finally {
      log.mockRestore();
    }
  });

  it('a reservation (rides.reserve) of the rider: closed', async () => {
    expect(await reserve(w.deps, { bikeCode: 'B', ...HERE }, { caller: 'u1', now: at(60) })).toMatchObject({
      ok: true,
      data: { reservation: { bikeCode: 'B' } },
    });
    expect(sim.openFor('A')).toBeNull();
    expect(w.state().rides.map((r) => r.status)).toEqual(['aborted']);
  });
});

describe('through the local host', () => {
  it("the rider's rides.current and the admin's forceEnd close the lock of an unlock cut short", async () => {
    const sim = simulatedLock();
    const cloud = await startCloud({ seed: 'none', rides: { lock: sim, lockTimeoutMs: LOCK_TIMEOUT_MS } });
    try {
      const T = Date.parse('2026-11-25T02:00:00Z');
      const iso = (sec: number) => new Date(T + sec * 1000).toISOString();
      const bikes = ['CUT1', 'CUT2'].map((id) => ({ kind: 'bike', id, code: id, ...HERE, status: 'available' }));
      expect((await cloud.call('admin', { action: 'upsertPlaces', places: bikes }, { openid: ADMIN })).ok).toBe(true);
      for (const [rideId, openid, bikeCode] of [
        ['R-1', 'u1', 'CUT1'],
        ['R-2', 'u2', 'CUT2'],
      ]) {
        const reserved = await cloud.ports.rides.reserve({ rideId, openid, bikeCode, position: HERE, now: new Date(iso(0)), lockTimeoutMs: LOCK_TIMEOUT_MS });
        expect(reserved.ok).toBe(true);
        // The unlock command went out and the lock opened; the function died before hearing it.
        expect(await sim.unlock(bikeCode, rideId)).toBe('ok');
      }
      expect(await cloud.call('rides', { action: 'current' }, { openid: 'u1', now: iso(60) })).toEqual({ ok: true, data: { ride: null, reservation: null } });
      expect(sim.openFor('CUT1')).toBeNull();
      const forced = await cloud.call('rides', { action: 'forceEnd', rideId: 'R-2' }, { openid: ADMIN, now: iso(1) });
      expect(forced).toMatchObject({ ok: true, data: { ride: { id: 'R-2', status: 'aborted' } } });
      expect(sim.openFor('CUT2')).toBeNull();
    } finally {
      await cloud.close();
    }
  });

  it('the sweeper (a timer event) aborts an unlock cut short and closes the lock that opened for it', async () => {
    const sim = simulatedLock();
    const cloud = await startCloud({ seed: 'none', rides: { lock: sim, lockTimeoutMs: LOCK_TIMEOUT_MS } });
    try {
      const T = Date.parse('2026-11-25T02:00:00Z');
      const iso = (sec: number) => new Date(T + sec * 1000).toISOString();
      const bike = { kind: 'bike', id: 'CUT', code: 'CUT', ...HERE, status: 'available' };
      expect((await cloud.call('admin', { action: 'upsertPlaces', places: [bike] }, { openid: ADMIN })).ok).toBe(true);
      const reserved = await cloud.ports.rides.reserve({
        rideId: 'R-CUT',
        openid: 'u1',
        bikeCode: 'CUT',
        position: HERE,
        now: new Date(iso(0)),
        lockTimeoutMs: LOCK_TIMEOUT_MS,
      });
      expect(reserved.ok).toBe(true);
      // The unlock command went out and the lock opened; the function died before hearing it.
      expect(await sim.unlock('CUT', 'R-CUT')).toBe('ok');
      const swept = await cloud.call('sweeper', { Type: 'Timer', TriggerName: 'every-minute', Time: iso(60) }, { now: iso(60) });
      expect(swept).toMatchObject({ ok: true, data: { jobs: { staleUnlocks: { aborted: 1 } } } });
      expect((await cloud.ports.rides.get('R-CUT'))?.status).toBe('aborted');
      expect(sim.openFor('CUT')).toBeNull();
    } finally {
      await cloud.close();
    }
  });

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
