// Bundles every cloud function (one small CommonJS file each, for CloudBase) and the local host.
// Usage: node scripts/build.mjs [--local] [--functions]  (no flag: both)
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const all = !args.has('--local') && !args.has('--functions');
const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning', legalComments: 'none' };

if (all || args.has('--local')) {
  await build({ ...common, entryPoints: ['functions/local/main.ts'], outfile: 'dist/local/main.js', external: ['better-sqlite3'], sourcemap: true });
}

if (all || args.has('--functions')) {
  const names = readdirSync('functions').filter((n) => !['lib', 'local'].includes(n) && existsSync(join('functions', n, 'index.ts')));
  const sizes = {};
  for (const name of names) {
    const out = join('dist/functions', name);
    mkdirSync(out, { recursive: true });
    await build({ ...common, entryPoints: [join('functions', name, 'index.ts')], outfile: join(out, 'index.js'), minify: true, treeShaking: true });
    // CloudBase installs dependencies from package.json: the bundle needs none.
    writeFileSync(join(out, 'package.json'), JSON.stringify({ name: `nearby-${name}`, version: '1.0.0', main: 'index.js', private: true }, null, 2));
    sizes[name] = `${(statSync(join(out, 'index.js')).size / 1024).toFixed(0)} KiB`;
  }
  console.log('functions bundled:', sizes);
}
