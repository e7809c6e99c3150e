import { seededRandom } from '../../../shared/random';
import type { BikeLock } from '../ports';

export interface SimulatedLockSettings {
  /** How long the lock takes to answer, in ms (a delay past the timeout is a lock that does not answer). */
  delayMs?: number;
  /** The share of unlocks the lock refuses, 0..1. */
  failureRate?: number;
  /** The dice: Math.random by default; `seededRandom(seed)` for a repeatable run. */
  random?: () => number;
}

/** The simulated lock, with what its locks are doing: the ride each open lock opened for. */
export interface SimulatedLock extends BikeLock {
  relock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
  /** The ride an open lock opened for; null when the bike's lock is closed. */
  openFor(bikeId: string): string | null;
}

/**
 * A lock that answers after `delayMs`, refusing a `failureRate` share of the commands: the local
 * host's and the tests' lock. A lock that confirms is open for that ride until `relock` closes it
 * (a rider's own closing at the end of a ride is not simulated: the next unlock opens it anew).
 */
export function simulatedLock(settings: SimulatedLockSettings = {}): SimulatedLock {
  const { delayMs = 0, failureRate = 0, random = Math.random } = settings;
  const open = new Map<string, string>();
  return {
    unlock(bikeId, rideId) {
      const answer: 'ok' | 'failed' = random() < failureRate ? 'failed' : 'ok';
      return new Promise((resolve) =>
        setTimeout(() => {
          if (answer === 'ok') open.set(bikeId, rideId);
          resolve(answer);
        }, delayMs),
      );
    },
    relock(bikeId, rideId) {
      return new Promise((resolve) =>
        setTimeout(() => {
          if (open.get(bikeId) === rideId) open.delete(bikeId);
          resolve('ok');
        }, delayMs),
      );
    },
    openFor: (bikeId) => open.get(bikeId) ?? null,
  };
}

export { seededRandom };
