/**
 * The cloud bundles, measured: each function's bundle size (all of it, and our own code in it)
 * and the time a bare `node` takes to require it (the cold-start share we control), the median of
 * several fresh processes. Builds into a scratch folder with scripts/build.mjs; `--dir <folder>`
 * measures bundles built elsewhere instead (an older build, for a before/after). Prints a table
 * and writes bench/results/bundles.{json,md} (not with --dir).
 *
 *   npm run bench -- bundles      (or: node scripts/build-script.mjs bench/bundles.ts [--quick])
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const at = process.argv.indexOf('--dir');
const given = at >= 0 ? resolve(process.argv[at + 1]) : null;
const MAX_BUNDLE_BYTES = 1258291;

const dir = given ?? mkdtempSync(join(tmpdir(), 'nearby-bench-bundles-'));
if (!given) execFileSync(process.execPath, ['scripts/build.mjs', '--functions', '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
const figures: Record<string, { ownBytes?: number }> = existsSync(join(dir, 'bundles.json')) ? JSON.parse(readFileSync(join(dir, 'bundles.json'), 'utf8')) : {};
const names = readdirSync(dir)
  .filter((n) => existsSync(join(dir, n, 'index.js')))
  .sort();

/** Milliseconds a fresh, bare node (no env, no flags) takes to require the bundle. */
function requireMs(file: string): number {
  const probe = `const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  return Number(execFileSync(process.execPath, ['-e', probe, file], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = names.map((name) => {
  const file = join(dir, name, 'index.js');
  const times = Array.from({ length: RUNS }, () => requireMs(file));
  return {
    name,
    bytes: statSync(file).size,
    ownBytes: figures[name]?.ownBytes ?? null,
    requireMs: Math.round(median(times) * 10) / 10,
    minMs: Math.round(Math.min(...times) * 10) / 10,
  };
});

const table = [
  `| function | bundle (bytes) | within 1,258,291 | our own code (bytes) | require, median of ${RUNS} (ms) | fastest (ms) |`,
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.bytes.toLocaleString('en')} | ${r.bytes <= MAX_BUNDLE_BYTES ? 'yes' : 'NO'} | ${r.ownBytes === null ? '?' : r.ownBytes.toLocaleString('en')} | ${r.requireMs} | ${r.minMs} |`,
  ),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')}, node ${process.version}`;
console.log(`bundles in ${given ?? 'a fresh build'} (${machine})\n\n${table}`);

if (!given) {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/bundles.json', `${JSON.stringify({ machine, runs: RUNS, rows }, null, 2)}\n`);
  writeFileSync('bench/results/bundles.md', `# Cloud bundles (npm run bench -- bundles)\n\n${machine}\n\n${table}\n`);
  rmSync(dir, { recursive: true, force: true });
}
