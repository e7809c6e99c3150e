import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every cloud function bundles, loads alone and stays small (scripts/build.mjs, into a scratch folder). */
describe('cloud function bundles', () => {
  const out = mkdtempSync(join(tmpdir(), 'nearby-bundles-'));
  const listed: string[] = JSON.parse(readFileSync('cloudbaserc.json', 'utf8')).functions.map((f: { name: string }) => f.name);
  let output = '';

  beforeAll(async () => {
    output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['scripts/build.mjs', '--functions', '--out', out], { encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`build failed: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
  }, 90000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds and load-checks every function of cloudbaserc.json', () => {
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) expect(output).toMatch(new RegExp(`^\\s+${name}\\s+\\d+ KiB`, 'm'));
  });

  it('keeps each bundle under 1.6 MB, the SDK being about 1 MB of it', () => {
    for (const name of listed) expect(statSync(join(out, name, 'index.js')).size).toBeLessThan(1.6 * 1024 * 1024);
  });

  it('ships no embedded database and asks the cloud to install nothing', () => {
    for (const name of listed) {
      expect(readFileSync(join(out, name, 'index.js'), 'utf8')).not.toContain('better-sqlite3');
      expect(JSON.parse(readFileSync(join(out, name, 'package.json'), 'utf8')).dependencies).toBeUndefined();
    }
  });
});
