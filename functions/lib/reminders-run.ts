/**
 * The reminders run's budget, derived from the function's own `timeout` in cloudbaserc.json (the
 * file the CLI deploys from, bundled here so that the two cannot drift): a run takes new work for
 * that long less REMINDER_MARGIN_MS, then leaves the rest to the next run (docs/scale.md). It sits
 * beside the use cases, not among them: it reads the deployment's config, which a use case never does.
 */
import cloudbaserc from '../../cloudbaserc.json';
import { REMINDER_CONCURRENCY, reminderBudgetMs, type ReminderRunOptions } from './usecases/reminders';

interface FunctionEntry {
  name: string;
  timeout?: number;
}

/** A function's timeout in seconds as cloudbaserc.json deploys it (SCF's default, 3 s, when absent). */
export function functionTimeoutSec(name: string, config: { functions: readonly FunctionEntry[] } = cloudbaserc): number {
  const entry = config.functions.find((f) => f.name === name);
  if (!entry) throw new Error(`cloudbaserc.json has no function "${name}"`);
  return typeof entry.timeout === 'number' ? entry.timeout : 3;
}

/** What every `reminders` run uses, in the cloud and on the local host (wall time; tests inject a clock). */
export const REMINDERS_RUN: Pick<ReminderRunOptions, 'budgetMs' | 'concurrency'> = {
  budgetMs: reminderBudgetMs(functionTimeoutSec('reminders')),
  concurrency: REMINDER_CONCURRENCY,
};
