/**
 * A bike's lock (see functions/lib/lock): sends the unlock command and answers when the lock
 * confirms ('ok') or refuses ('failed').
 */
export interface BikeLock {
  unlock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
  /**
   * Closes the lock again if it is open for `rideId`: it confirmed after that ride was aborted (a
   * late answer, or one that lost the race to whoever expired the ride), and the bike is offered to
   * others. A lock opened since for another ride is left alone ('ok': nothing of this ride to
   * close). Idempotent (`rideId` is the key); an offline lock resolves 'failed', never throws.
   * Every real adapter implements it; optional only so that a test's one-line lock stays one line.
   */
  relock?(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
}

/** A lock bounded by its timeout (`timedLock`): an unlock older than `timeoutMs` can no longer confirm. */
export interface TimedLock extends BikeLock {
  readonly timeoutMs: number;
  /** `BikeLock.relock`, bounded by the timeout too ('failed' for a lock without it). */
  relock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
}
