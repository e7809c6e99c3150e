// `npm run bench`: runs every bench/*.ts in turn (`node bench/run.mjs nearby` runs only those whose name matches).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [filter, ...args] = process.argv.slice(2).reduce((acc, a) => (a.startsWith('--') ? [acc[0], ...acc.slice(1), a] : [a, ...acc.slice(1)]), [undefined]);
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .filter((f) => filter === undefined || f.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`bench: nothing matches "${filter}"`);
  process.exit(2);
}
const failed = [];
for (const file of benches) {
  console.log(`\n=== bench/${file} ===`);
  const run = spawnSync(process.execPath, ['scripts/build-script.mjs', `bench/${file}`, ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`\nbench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
