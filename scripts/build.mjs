// Bundles every cloud function (one small CommonJS file each, for CloudBase) and the local host.
// Usage: node scripts/build.mjs [--local] [--functions] [--out <dir>]  (no flag: both; functions
// go to <dir>, default dist/functions)
//
// A cloud bundle is `dist/functions/<name>/index.js` (+ a package.json with no dependencies):
// esbuild, minified, tree-shaken, @cloudbase/node-sdk bundled in. The build fails when
// - a function listed in cloudbaserc.json has no functions/<name>/index.ts (or the reverse),
// - a bundle holds better-sqlite3 or any native module (the cloud has neither),
// - a bundle does not load in a fresh Node, or loading it does more than define `main`,
// - a bundle is over the budget: 1.2 MiB (1,258,291 bytes) in all, at most 150 KB of it our own code.
// It writes <dir>/bundles.json: each bundle's bytes, our own code's bytes and its require time.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const argv = process.argv.slice(2);
const args = new Set(argv);
const outRoot = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'dist/functions';
const all = !args.has('--local') && !args.has('--functions');
// The cloud runtime is Nodejs20.19 (cloudbaserc.json): the bundles target it.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none' };

/** The budget of a cloud bundle (issue 9): the whole file, and our own code (functions/, shared/) in it. */
const MAX_BUNDLE_BYTES = 1258291;
const MAX_OWN_BYTES = 150000;

/**
 * `zod/locales` re-exports every locale (about 300 KiB minified); the functions use the English
 * messages only (shared/contract/common.ts sets them), so the index is cut down to `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) =>
      /[\\/]zod[\\/]/.test(a.importer) ? { path: resolve(dirname(a.importer), a.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (a) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(a.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(a.path),
    }));
  },
};

/** Never in a cloud bundle: the embedded database and anything native. */
const forbidden = [/better-sqlite3/, /\.node$/];

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

if (all || args.has('--local')) {
  // `--local-out <file>`: a test's own copy, so that parallel tests never run a file being rewritten.
  const localOut = argv.includes('--local-out') ? argv[argv.indexOf('--local-out') + 1] : 'dist/local/main.js';
  await build({ ...common, entryPoints: ['functions/local/main.ts'], outfile: localOut, external: ['better-sqlite3'], sourcemap: true });
}

if (all || args.has('--functions')) {
  const folders = readdirSync('functions').filter((n) => !['lib', 'local'].includes(n) && existsSync(join('functions', n, 'index.ts')));
  const listed = JSON.parse(readFileSync('cloudbaserc.json', 'utf8')).functions.map((f) => f.name);
  const unlisted = folders.filter((n) => !listed.includes(n));
  const missing = listed.filter((n) => !folders.includes(n));
  if (missing.length > 0) fail(`cloudbaserc.json lists ${missing.join(', ')} but functions/<name>/index.ts is missing`);
  if (unlisted.length > 0) fail(`functions/${unlisted.join(', functions/')} exist but cloudbaserc.json does not list them (add them, or they never deploy)`);

  rmSync(outRoot, { recursive: true, force: true });
  const sizes = {};
  const figures = {};
  await Promise.all(
    listed.map(async (name) => {
      const out = join(outRoot, name);
      mkdirSync(out, { recursive: true });
      const result = await build({
        ...common,
        entryPoints: [join('functions', name, 'index.ts')],
        outfile: join(out, 'index.js'),
        minify: true,
        treeShaking: true,
        metafile: true,
        plugins: [zodEnglishOnly],
      });
      const inputs = Object.keys(result.metafile.inputs);
      const bad = inputs.filter((f) => forbidden.some((re) => re.test(f)));
      if (bad.length > 0) fail(`${name}: the bundle holds ${bad.join(', ')} (an embedded or native module reached cloud code)`);
      const code = readFileSync(join(out, 'index.js'));
      if (code.includes('better-sqlite3')) fail(`${name}: the bundle mentions better-sqlite3 (a require of the embedded database reached cloud code)`);
      // CloudBase installs dependencies from package.json: the bundle needs none.
      writeFileSync(join(out, 'package.json'), JSON.stringify({ name: `nearby-${name}`, version: '1.0.0', main: 'index.js', private: true }, null, 2));
      const bytes = statSync(join(out, 'index.js')).size;
      const ownBytes = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
        .filter(([file]) => !file.includes('node_modules'))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
      if (bytes > MAX_BUNDLE_BYTES) fail(`${name}: the bundle is ${bytes} bytes, over the budget of ${MAX_BUNDLE_BYTES} (1.2 MiB)`);
      if (ownBytes > MAX_OWN_BYTES) fail(`${name}: our own code is ${ownBytes} bytes of the bundle, over the budget of ${MAX_OWN_BYTES}`);
      figures[name] = { bytes, ownBytes, gzipBytes: gzipSync(code).length };
      sizes[name] = `${(bytes / 1024).toFixed(0)} KiB (${(gzipSync(code).length / 1024).toFixed(0)} KiB gzip, own ${(ownBytes / 1024).toFixed(0)} KiB)`;
    }),
  );

  // Each bundle loads alone, as CloudBase loads it: `main` is a function, and nothing ran
  // (no SDK init, no network) at require time.
  const probe = `
    const started = process.hrtime.bigint();
    const m = require(process.argv[1]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (typeof m.main !== 'function') { console.error('no main'); process.exit(1); }
    setImmediate(() => { process.stdout.write(ms.toFixed(0)); process.exit(0); });`;
  const loadMs = {};
  // One at a time, so that the printed require times are not those of four loads racing.
  for (const name of listed) {
    loadMs[name] = await new Promise((done) => {
      execFile(
        process.execPath,
        ['-e', probe, resolve(outRoot, name, 'index.js')],
        { encoding: 'utf8', timeout: 20000, env: { PATH: process.env.PATH } },
        (err, stdout, stderr) => {
          if (err) fail(`${name}: the bundle does not load: ${(stderr || err.message).toString().trim().split('\n').slice(0, 5).join(' | ')}`);
          done(stdout);
        },
      );
    });
  }
  console.log('functions bundled:');
  for (const name of listed) console.log(`  ${name.padEnd(14)} ${sizes[name].padEnd(38)} require ${loadMs[name]} ms`);
  for (const name of listed) figures[name].requireMs = Number(loadMs[name]);
  writeFileSync(join(outRoot, 'bundles.json'), `${JSON.stringify(figures, null, 2)}\n`);
}
