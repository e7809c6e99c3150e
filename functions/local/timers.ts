import { timerFunctions } from '../lib/actions';
import type { Main } from '../lib/serve';
import type { LocalContext } from './world';

/**
 * Whether a 7-field CloudBase timer cron (`second minute hour day month weekday year`) fires at
 * `at` (UTC+8, the cloud's zone for triggers). Each field is `*`, a number, `a-b`, `* /n` or a
 * comma list of those; enough for the schedules of cloudbaserc.json.
 * @example cronMatches('0 * * * * * *', new Date('2026-01-01T00:01:00Z')) // => true
 */
export function cronMatches(cron: string, at: Date): boolean {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`timer cron "${cron}": 7 fields expected (second minute hour day month weekday year)`);
  const local = new Date(at.getTime() + 8 * 3600_000);
  const values = [
    local.getUTCSeconds(),
    local.getUTCMinutes(),
    local.getUTCHours(),
    local.getUTCDate(),
    local.getUTCMonth() + 1,
    local.getUTCDay(),
    local.getUTCFullYear(),
  ];
  return fields.every((field, i) => field.split(',').some((part) => partMatches(part, values[i])));
}

function partMatches(part: string, value: number): boolean {
  const [range, stepText] = part.split('/');
  const step = stepText === undefined ? 1 : Number(stepText);
  let low: number;
  let high: number;
  if (range === '*') [low, high] = [0, Number.MAX_SAFE_INTEGER];
  else if (range.includes('-')) [low, high] = range.split('-').map(Number);
  else [low, high] = [Number(range), stepText === undefined ? Number(range) : Number.MAX_SAFE_INTEGER];
  if (![low, high, step].every(Number.isFinite) || step <= 0) throw new Error(`timer cron field "${part}" is not understood`);
  return value >= low && value <= high && (value - low) % step === 0;
}

/**
 * Fires every timer function of `timerFunctions` when its cron matches (on the system clock's whole
 * seconds), with the event the cloud sends (`{ Type: "Timer", TriggerName, Time }`), no caller, and
 * "now" and `Time` from the host's clock. A run still going when its next tick comes is not
 * started twice.
 */
export function startTimers(
  functions: Record<string, Main>,
  log: (line: Record<string, unknown>) => void,
  clock: () => Date = () => new Date(),
): { stop(): void } {
  const running = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const now = new Date();
    const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
    for (const [name, { schedule }] of Object.entries(timerFunctions)) {
      // Only the timer functions this host serves (a test may give it some of them).
      const main = Object.hasOwn(functions, name) ? functions[name] : undefined;
      if (main === undefined || running.has(name) || !cronMatches(schedule, at)) continue;
      running.add(name);
      const hostNow = clock();
      const context: LocalContext = { openid: null, now: hostNow };
      main({ Type: 'Timer', TriggerName: 'local', Time: hostNow.toISOString() }, context)
        .catch((err) => log({ fn: name, level: 'error', error: String(err) }))
        .finally(() => running.delete(name));
    }
    // The next whole second (plus a hair, so that it is past it).
    timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
    timer.unref();
  };
  timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
