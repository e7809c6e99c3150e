// Runs a TypeScript script of ours: bundles it with esbuild to a temp file, then runs it with the given arguments.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
const outfile = join(mkdtempSync(join(tmpdir(), 'nearby-')), basename(entry).replace(/\.ts$/, '.js'));
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  logLevel: 'warning',
  sourcemap: 'inline',
});
const run = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
  env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') },
});
process.exit(run.status ?? 1);
