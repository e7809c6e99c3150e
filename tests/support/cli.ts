/** Operator scripts run as npm runs them: built and started by scripts/build-script.mjs, over a CSV file of the test's. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Runs `scripts/….ts` with its arguments in a child process; its stdout and stderr (a non-zero exit rejects). */
export const runScript = (script: string, args: string[]) =>
  promisify(execFile)(process.execPath, ['scripts/build-script.mjs', script, ...args], { env: { ...process.env, NODE_ENV: 'test' } });

/** Writes `csv` to `name` in a fresh folder, hands its path to `use`, then removes the folder. */
export async function withCsvFile<T>(name: string, csv: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'nearby-csv-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, csv);
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
