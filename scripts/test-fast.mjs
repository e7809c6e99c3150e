/**
 * `npm run test:fast`: the loop between edits. The type checks (`npm run typecheck`) and the lint
 * (`npm run lint`) run beside jest's `rules`, `ports` and `pages` projects instead of before them:
 * each of the first two is one process on one core, and jest uses both, so on a 2-core machine
 * running them side by side takes about the CPU time over two instead of its sum (a cold `tsc -b`
 * alone is about 20 s). Their output is held back and printed after jest's, so the report reads in
 * one piece; the exit code is the first failure's. Extra arguments go to jest.
 */
import { spawn } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, { quiet }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
    }
    child.on('close', (code) => resolve({ name: [command, ...args].join(' '), code: code ?? 1, output }));
  });
}

const checks = [run(npm, ['run', '--silent', 'typecheck'], { quiet: true }), run(npm, ['run', '--silent', 'lint'], { quiet: true })];
const jest = await run(npx, ['jest', '--selectProjects', 'rules', 'ports', 'pages', '--maxWorkers=2', ...process.argv.slice(2)], { quiet: false });
const results = [...(await Promise.all(checks)), jest];
for (const r of results.slice(0, 2)) {
  if (r.output.trim() !== '') process.stdout.write(`\n${r.name}:\n${r.output}`);
}
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) console.error(`test:fast: ${r.name} failed (exit ${r.code})`);
process.exit(failed.length === 0 ? 0 : failed[0].code);
