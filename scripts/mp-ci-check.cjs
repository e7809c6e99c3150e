// Compiles mini program projects with WeChat's own build module (miniprogram-ci), offline, and runs
// its code-quality rules: app.json and page JSON schemas, privacy settings, TypeScript and WXSS
// parsing, sizes. Prints one JSON line per project:
//   { project, files, sizes: { main, subpackages: { root: bytes } }, quality: [...] }  or  { project, error, code }
// Usage: node scripts/mp-ci-check.cjs [projectDir ...]   (default: this repository)
// tests/unit/miniprogram-ci.test.ts runs it in a child process: the compiler leaves a worker
// process running, so this script exits explicitly when done.
const { generateKeyPairSync } = require('node:crypto');
const { mkdtempSync, writeFileSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** Compiled bytes per package: a subpackage is everything under its root, the main package the rest. */
function sizesOf(result, app) {
  const roots = (app.subpackages || app.subPackages || []).map((s) => s.root.replace(/\/?$/, '/'));
  const sizes = { main: 0, subpackages: Object.fromEntries(roots.map((r) => [r.slice(0, -1), 0])) };
  for (const [name, content] of Object.entries(result)) {
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    const owner = roots.find((r) => name.startsWith(r));
    if (owner) sizes.subpackages[owner.slice(0, -1)] += bytes;
    else sizes.main += bytes;
  }
  return sizes;
}

async function check(ci, root, privateKeyPath, scratch) {
  const config = JSON.parse(readFileSync(path.join(root, 'project.config.json'), 'utf8'));
  const project = new ci.Project({
    appid: 'wx0000000000000000',
    type: 'miniProgram',
    projectPath: root,
    privateKeyPath,
    ignores: ['node_modules/**/*'],
    // Given locally, the project's attributes need no call to WeChat's servers.
    attr: async () => ci.DefaultProjectAttr,
  });
  // savePath is a file: the compiled package is written there as one archive.
  const savePath = path.join(mkdtempSync(path.join(scratch, 'out-')), 'compiled.zip');
  const result = await ci.getCompiledResult({ project, desc: 'check', setting: config.setting, onProgressUpdate: () => {} }, savePath);
  const quality = await ci.checkCodeQuality(project);
  const app = JSON.parse(readFileSync(path.join(root, config.miniprogramRoot || '', 'app.json'), 'utf8'));
  return { files: Object.keys(result).length, sizes: sizesOf(result, app), quality };
}

async function main() {
  const ci = require('miniprogram-ci');
  const projects = process.argv.slice(2);
  if (projects.length === 0) projects.push(path.resolve(__dirname, '..'));
  const scratch = mkdtempSync(path.join(tmpdir(), 'nearby-mpci-'));
  // A throwaway key: nothing is uploaded, but a Project wants one.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKeyPath = path.join(scratch, 'private.key');
  writeFileSync(privateKeyPath, privateKey);
  try {
    for (const dir of projects) {
      const root = path.resolve(dir);
      try {
        console.log(JSON.stringify({ project: root, ...(await check(ci, root, privateKeyPath, scratch)) }));
      } catch (err) {
        console.log(JSON.stringify({ project: root, error: String((err && err.message) || err), code: err && err.code }));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
