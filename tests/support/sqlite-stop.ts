/**
 * Fault injection for the embedded adapters: the SQLite database wrapped so that every statement
 * executed (run, get, all, iterate) and every transaction's commit counts as one call, and the
 * "function" can be stopped at call n, as `FakeCloudbase.stopAt` does for CloudBase (same
 * `FunctionStopped` error, same `Stoppable` shape for tests/support/port-suite.ts). A stop inside
 * a transaction rolls it back, as a killed process leaves it; a stop "applied" at a commit
 * commits and loses the answer.
 */
import type { Db } from '../../functions/lib/sqlite';
import { FunctionStopped } from '../../functions/local/cloudbase-standin';
import type { Stoppable } from './port-suite';

const COUNTED = new Set(['run', 'get', 'all', 'iterate']);
const CHAINED = new Set(['pluck', 'raw', 'expand', 'safeIntegers', 'bind']);

export function stoppableSqlite(db: Db): { db: Db; faults: Stoppable } {
  let calls = 0;
  let stop: { at: number; applied: boolean } | null = null;
  let stopped = false;

  /** Counts one call; throws FunctionStopped from the stop on (after `apply` when the stop says the answer was lost). */
  function call<T>(apply: () => T): T {
    const n = ++calls;
    if (stopped) throw new FunctionStopped(n);
    if (stop && n >= stop.at) {
      stopped = true;
      if (stop.applied && n === stop.at) apply();
      throw new FunctionStopped(n);
    }
    return apply();
  }

  const wrapStatement = (stmt: object): object =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (COUNTED.has(String(prop))) return (...args: unknown[]) => call(() => value.apply(target, args));
        if (CHAINED.has(String(prop))) {
          return (...args: unknown[]) => {
            value.apply(target, args);
            return receiver;
          };
        }
        return value.bind(target);
      },
    });

  const wrapped = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'prepare') return (source: string) => wrapStatement(target.prepare(source));
      if (prop === 'transaction') {
        // The commit is a call too: counted when the work is done, before better-sqlite3 commits.
        return (work: (...args: unknown[]) => unknown) => {
          let lostAnswer = false;
          const tx = target.transaction((...args: unknown[]) => {
            const result = work(...args);
            try {
              call(() => undefined);
            } catch (err) {
              if (!(stop?.applied && calls === stop.at)) throw err; // dies before the commit: rolled back
              lostAnswer = true; // commits, then dies before answering
            }
            return result;
          });
          const after = (result: unknown) => {
            if (lostAnswer) throw new FunctionStopped(calls);
            return result;
          };
          const variants = ['deferred', 'immediate', 'exclusive'] as const;
          const run = (...args: unknown[]) => after(tx(...args));
          for (const v of variants) Object.assign(run, { [v]: (...args: unknown[]) => after(tx[v](...args)) });
          return run;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  return {
    db: wrapped,
    faults: {
      get calls() {
        return calls;
      },
      get isStopped() {
        return stopped;
      },
      stopAt(n, options = {}) {
        stop = { at: n, applied: options.applied ?? false };
      },
      restart() {
        stop = null;
        stopped = false;
      },
    },
  };
}
