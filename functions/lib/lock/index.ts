/**
 * The bikes' locks.
 *
 * The port (`BikeLock` in ../ports.ts) is two calls: `unlock(bikeId, rideId)` sends the unlock
 * command and resolves 'ok' once the lock confirms it opened, 'failed' when it refuses. The ride
 * starts only on 'ok'; on anything else the use case aborts the ride and frees the bike.
 * `relock(bikeId, rideId)` closes a lock that opened for a ride that did not start: `timedLock`
 * calls it on a confirmation after the timeout, the unlock use case when `RideStore.confirm`
 * answers null (the ride was aborted meanwhile), and whoever aborts a stale unlock (`relockAborted`).
 *
 * A real-lock adapter (an IoT platform's device API, MQTT, a vendor's HTTPS API) implements the same
 * interface and must:
 * - send the command with `rideId` as its idempotency key, so a retried command opens the lock once;
 * - resolve only on the device's own acknowledgement (not on "the platform accepted the message");
 * - never throw for a lock that refused or is offline: resolve 'failed' (a throw is treated as
 *   'failed' too, but is logged as a bug);
 * - implement `relock`: close the lock only if its last unlock was for that `rideId` (a lock opened
 *   since by another rider stays open), idempotently; and re-lock on an acknowledgement that
 *   reaches it by another way after its function returned (an IoT platform's callback): by then
 *   the ride was rolled back and the bike is offered to others (docs/rides.md, "Unlocks cut short").
 *
 * `timedLock` bounds any lock by `NEARBY_LOCK_TIMEOUT_MS` (3000 ms by default): a lock that does
 * not answer in time counts as 'failed'.
 */
import type { BikeLock, TimedLock } from '../ports';
import { SettingError } from '../settings';
import { simulatedLock } from './simulated';

export { simulatedLock, seededRandom, type SimulatedLock, type SimulatedLockSettings } from './simulated';

export const DEFAULT_LOCK_TIMEOUT_MS = 3000;

/** What the lock reads from the environment (cloudbaserc.json; tests/unit/cloud-settings.test.ts). */
export const ENV_READS: readonly string[] = ['NEARBY_LOCK', 'NEARBY_LOCK_DELAY_MS', 'NEARBY_LOCK_FAILURE_RATE', 'NEARBY_LOCK_TIMEOUT_MS'];

/**
 * The lock, answering 'failed' when it takes longer than `timeoutMs` or throws. A confirmation that
 * comes after the timeout (the ride is being aborted on that 'failed') re-locks the lock at once:
 * an open lock is never left behind a ride that did not start.
 */
export function timedLock(lock: BikeLock, timeoutMs: number = DEFAULT_LOCK_TIMEOUT_MS): TimedLock {
  const relock = (bikeId: string, rideId: string): Promise<'ok' | 'failed'> => {
    const closing = lock.relock;
    if (!closing) return Promise.resolve('failed');
    return new Promise<'ok' | 'failed'>((resolve) => {
      const timer = setTimeout(() => resolve('failed'), timeoutMs);
      closing.call(lock, bikeId, rideId).then(
        (answer) => {
          clearTimeout(timer);
          resolve(answer === 'ok' ? 'ok' : 'failed');
        },
        () => {
          clearTimeout(timer);
          resolve('failed');
        },
      );
    });
  };
  return {
    timeoutMs,
    relock,
    unlock(bikeId, rideId) {
      return new Promise<'ok' | 'failed'>((resolve) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          resolve('failed');
        }, timeoutMs);
        lock.unlock(bikeId, rideId).then(
          (answer) => {
            clearTimeout(timer);
            // Too late: the caller was told 'failed' and aborts the ride, so the open lock closes again.
            if (timedOut && answer === 'ok') void relock(bikeId, rideId);
            resolve(answer === 'ok' ? 'ok' : 'failed');
          },
          () => {
            clearTimeout(timer);
            resolve('failed');
          },
        );
      });
    },
  };
}

/** What the cloud answers for unlocks while no lock adapter is configured (serve: FAILED_PRECONDITION / LOCK_FAILED). */
export const NO_LOCK_MESSAGE = 'no bike lock configured: unlocks are refused until the operator sets NEARBY_LOCK (see docs/deploy.md)';

/** A cloud's lock: the timed lock, or none (`missing` says why), which still knows the timeout the sweeps need. */
export interface CloudLock extends TimedLock {
  readonly missing?: SettingError;
}

/**
 * The cloud's lock, chosen by NEARBY_LOCK. Unset: none; `requireLock` refuses every unlock before
 * a bike is reserved (a cloud must never pretend a bike opened), while the sweeps that abort
 * unlocks cut short still get the timeout. "simulated": the simulated lock, for a demo environment
 * only, chosen explicitly. A real adapter gets its own value here. A malformed NEARBY_LOCK* setting
 * throws a SettingError naming it.
 */
export function cloudLockFrom(env: Record<string, string | undefined>): CloudLock {
  const choice = (env.NEARBY_LOCK ?? '').trim();
  if (choice !== '' && choice !== 'simulated')
    throw new SettingError(`NEARBY_LOCK must be "simulated" (a demo environment) or empty (no lock), not "${choice.slice(0, 32)}"`, 'LOCK_FAILED');
  let settings: ReturnType<typeof lockSettingsFrom>;
  try {
    settings = lockSettingsFrom(env);
  } catch (err) {
    throw new SettingError((err as Error).message);
  }
  if (choice === '') {
    const missing = new SettingError(NO_LOCK_MESSAGE, 'LOCK_FAILED');
    return { timeoutMs: settings.timeoutMs, missing, unlock: () => Promise.reject(missing), relock: () => Promise.resolve('failed' as const) };
  }
  return timedLock(simulatedLock({ delayMs: settings.delayMs, failureRate: settings.failureRate }), settings.timeoutMs);
}

/** The deps, once their lock is one that can open a bike; throws the SettingError of a missing one. */
export function requireLock<D extends { lock: TimedLock }>(deps: D): D {
  const lock: CloudLock = deps.lock;
  if (lock.missing) throw lock.missing;
  return deps;
}

/** Lock settings from the environment: NEARBY_LOCK_DELAY_MS, NEARBY_LOCK_FAILURE_RATE, NEARBY_LOCK_TIMEOUT_MS. */
export function lockSettingsFrom(
  env: Record<string, string | undefined>,
  defaults: { delayMs?: number } = {},
): { delayMs: number; failureRate: number; timeoutMs: number } {
  const num = (name: string, fallback: number, ok: (n: number) => boolean, what: string): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || !ok(n)) throw new Error(`${name} must be ${what}, not "${raw}"`);
    return n;
  };
  return {
    delayMs: num('NEARBY_LOCK_DELAY_MS', defaults.delayMs ?? 0, (n) => n >= 0, 'a number of milliseconds (>= 0)'),
    failureRate: num('NEARBY_LOCK_FAILURE_RATE', 0, (n) => n >= 0 && n <= 1, 'a rate between 0 and 1'),
    timeoutMs: num('NEARBY_LOCK_TIMEOUT_MS', DEFAULT_LOCK_TIMEOUT_MS, (n) => n > 0, 'a number of milliseconds (> 0)'),
  };
}
