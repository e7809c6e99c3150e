/** Who calls and when: read from the function context by the world, never from the event. */
export interface Call {
  caller: string | null;
  now: Date;
}
export interface UserCall extends Call {
  caller: string;
}

/**
 * A write that lost to concurrent writes of the same records every time it was tried: nothing of
 * it was written, and the same request may simply be sent again (serve answers it as
 * RESOURCE_EXHAUSTED with reason CONTENDED, never as a bug).
 */
export class Contended extends Error {
  readonly retryable = true;
}

/** A clock for work outside a call (timers, an outbox); a call's "now" is `Call.now`, set by the world. */
export interface Clock {
  now(): Date;
}
