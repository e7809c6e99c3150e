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

/** A lock that answers after `delayMs`, refusing a `failureRate` share of the commands: the local host's and the tests' lock. */
export function simulatedLock(settings: SimulatedLockSettings = {}): BikeLock {
  const { delayMs = 0, failureRate = 0, random = Math.random } = settings;
  return {
    unlock() {
      const answer: 'ok' | 'failed' = random() < failureRate ? 'failed' : 'ok';
      return new Promise((resolve) => setTimeout(() => resolve(answer), delayMs));
    },
  };
}

export { seededRandom };
