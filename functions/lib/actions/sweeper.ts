import { ok, type Result } from '../../../shared/result';
import type { Call, Ports } from '../ports';
import { sweepStaleUnlocks } from '../usecases/ride';
import { sweepPayOrders, sweepRefunds } from '../usecases/bills';

/**
 * One piece of timer work: resolves every waiting state whose deadline has passed at `call.now`,
 * and says how many it resolved. Jobs must be safe to run twice at once (the local host's start
 * and the minute timer may meet): each one's writes are conditional on the state it resolves.
 */
export interface SweepJob {
  name: string;
  run(ports: Ports, call: Call): Promise<Record<string, number>>;
}

/**
 * The sweeper's jobs, run in this order every minute (claimed reminders past their lease are not
 * one: the `reminders` timer resolves them at each run, docs/reminders.md).
 */
export const SWEEP_JOBS: SweepJob[] = [
  // Unlocks cut short: `unlocking` past the lock timeout -> aborted, the bike and the rider free.
  { name: 'staleUnlocks', run: (ports, call) => sweepStaleUnlocks(ports, call) },
  // Pay orders past their deadline: a payment WeChat Pay reports is recorded, an unpaid one closed.
  { name: 'payOrders', run: (ports, call) => sweepPayOrders(ports, call) },
  // Refunds owed (money for a bill already paid): sent, then asked about until settled.
  { name: 'refunds', run: (ports, call) => sweepRefunds(ports, call) },
];

/**
 * Runs every job, each on its own: one that throws does not keep the others from running; the
 * first failure is thrown after all ran (serve logs it and answers INTERNAL).
 */
export async function sweep(
  ports: Ports,
  call: Call,
  jobs: readonly SweepJob[] = SWEEP_JOBS,
): Promise<Result<{ jobs: Record<string, Record<string, number>> }>> {
  const done: Record<string, Record<string, number>> = {};
  const failures: unknown[] = [];
  for (const job of jobs) {
    try {
      done[job.name] = await job.run(ports, call);
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
  return ok({ jobs: done });
}
