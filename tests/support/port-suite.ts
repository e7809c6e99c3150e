/**
 * Crash testing for any port, over the CloudBase fake or a stoppable SQLite: run an operation once to count its database
 * calls, then, for every call index k and both kinds of stop (the call not applied; the call
 * applied but its answer lost), build the world afresh, stop the function at its k-th call,
 * "restart" (a new adapter instance over the same data, open transactions aborted), check the
 * invariants, retry the way a client would, and check the invariants and the retry's answer.
 *
 * Generic: a scenario says how to build its world, what to run, how a client retries and what
 * must hold. Used by the bookings contract suite; rides, bills and reminders suites plug in theirs.
 */
import { FunctionStopped } from '../../functions/local/cloudbase-standin';

/**
 * A database that counts its calls and can stop the function at one (FakeCloudbase; the SQLite
 * wrapper of tests/support/sqlite-stop.ts).
 */
export interface Stoppable {
  readonly calls: number;
  readonly isStopped: boolean;
  stopAt(n: number, options?: { applied?: boolean }): void;
  restart(): void;
}

/** An invariant: throws (an `expect` failing) when the world breaks it. */
export type Invariant<W> = (world: W) => void | Promise<void>;

export interface CrashScenario<W, A> {
  name: string;
  /** A fresh world with its set-up done (the same every time: the call count must repeat). */
  setUp(): Promise<W>;
  /** The world's database with fault injection (a FakeCloudbase, or a stoppable SQLite). */
  fake(world: W): Stoppable;
  /** The operation under test, as the function runs it. */
  run(world: W): Promise<A>;
  /**
   * After the stop and the restart: what a client does next (send the request again, with the
   * same requestId), on a new adapter instance (build it from the fake inside). Default: `run`.
   */
  retry?(world: W): Promise<A>;
  /** Must hold after every stop (before the retry) and after every retry. */
  invariants: Invariant<W>[];
  /** Checks the retry's answer (e.g. the booking exists once, with the same id as an acknowledged one). */
  afterRetry?(world: W, answer: A): void | Promise<void>;
}

export interface CrashReport {
  /** Database calls the operation makes when nothing goes wrong. */
  calls: number;
  /** Stops injected (two per call: not applied, applied with the answer lost). */
  stops: number;
  /** Stops after which the operation had not reached its stop (fewer calls that time). */
  missed: number;
}

/** Runs `scenario` with a stop at every database call of its operation, in turn. */
export async function crashAtEveryCall<W, A>(scenario: CrashScenario<W, A>): Promise<CrashReport> {
  const clean = await scenario.setUp();
  const cleanFake = scenario.fake(clean);
  const before = cleanFake.calls;
  await scenario.run(clean);
  const calls = cleanFake.calls - before;
  for (const check of scenario.invariants) await check(clean);

  let stops = 0;
  let missed = 0;
  for (let k = 1; k <= calls; k++) {
    for (const applied of [false, true]) {
      const world = await scenario.setUp();
      const fake = scenario.fake(world);
      fake.stopAt(fake.calls + k, { applied });
      stops++;
      const where = `${scenario.name}: stop at call ${k} of ${calls}${applied ? ' (applied, answer lost)' : ''}`;
      try {
        await scenario.run(world);
        if (!fake.isStopped) missed++;
        else throw new Error(`${where}: the operation answered although the function was stopped`);
      } catch (err) {
        if (!(err instanceof FunctionStopped)) {
          // Anything but the stop itself must not come out of a stopped function's last call.
          if (!fake.isStopped) throw new Error(`${where}: failed without a stop: ${String(err)}`);
          throw new Error(`${where}: a stopped call was turned into another error: ${String(err)}`);
        }
      }
      fake.restart();
      await checkAll(where, 'after the stop', scenario.invariants, world);
      const answer = await (scenario.retry ?? scenario.run)(world);
      await checkAll(where, 'after the retry', scenario.invariants, world);
      if (scenario.afterRetry) await withContext(where, 'the retry', () => scenario.afterRetry!(world, answer));
    }
  }
  return { calls, stops, missed };
}

async function checkAll<W>(where: string, when: string, invariants: Invariant<W>[], world: W): Promise<void> {
  for (const check of invariants) await withContext(where, when, () => check(world));
}

async function withContext(where: string, when: string, check: () => void | Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `${where}, ${when}:\n${e.message}`;
    throw e;
  }
}
