import { Contended } from '../ports';
import { errorCode, TRANSACTION_CONFLICT } from './db';

/** What `inTransaction` needs of the SDK's database. */
export interface TransactionRunner<Tx> {
  runTransaction<T>(run: (tx: Tx) => Promise<T>, times?: number): Promise<T>;
}

/** Rounds of `runTransaction` (each retries a conflict 3 times at once, the SDK's own loop). */
export const TRANSACTION_ROUNDS = 4;
/** The first pause between rounds; it doubles each round, and each pause is drawn from [base/2, base]. */
export const ROUND_PAUSE_MS = 40;

/**
 * Runs `run` in one CloudBase transaction. The SDK retries a conflict 3 times without waiting,
 * which hot documents (a bike many riders scan, a rider's own document) can exhaust; this adds
 * rounds with a jittered, doubling pause so that racers spread out. When conflicts outlast every
 * round, nothing was written (each attempt rolled back) and the caller gets `Contended`, a clean
 * retryable error. Any other error is rethrown as is.
 */
export async function inTransaction<Tx, T>(db: TransactionRunner<Tx>, run: (tx: Tx) => Promise<T>, jitter: () => number = Math.random): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await db.runTransaction(run);
    } catch (err) {
      if (errorCode(err) !== TRANSACTION_CONFLICT) throw err;
      if (round + 1 >= TRANSACTION_ROUNDS) throw new Contended('others are changing the same records right now: nothing was written; try again');
      const base = ROUND_PAUSE_MS * 2 ** round;
      await new Promise((resolve) => setTimeout(resolve, base / 2 + jitter() * (base / 2)));
    }
  }
}
