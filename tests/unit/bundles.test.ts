import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The budget of a cloud bundle (issue 9): 1.2 MiB in all, at most 150 KB of it our own code. */
const MAX_BUNDLE_BYTES = 1258291;
const MAX_OWN_BYTES = 150000;

const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 240000, env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );

/** Every cloud function bundles, loads alone and stays small (scripts/build.mjs, into a scratch folder). */
describe('cloud function bundles', () => {
  const out = mkdtempSync(join(tmpdir(), 'nearby-bundles-'));
  const listed: string[] = JSON.parse(readFileSync('cloudbaserc.json', 'utf8')).functions.map((f: { name: string }) => f.name);
  let output = '';

  beforeAll(async () => {
    output = await run(['scripts/build.mjs', '--functions', '--out', out]);
  }, 300000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds and load-checks every function of cloudbaserc.json', () => {
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) expect(output).toMatch(new RegExp(`^\\s+${name}\\s+\\d+ KiB`, 'm'));
  });

  it('keeps each bundle within 1.2 MiB, at most 150 KB of it our own code', () => {
    const figures = JSON.parse(readFileSync(join(out, 'bundles.json'), 'utf8'));
    for (const name of listed) {
      const bytes = statSync(join(out, name, 'index.js')).size;
      expect(figures[name].bytes).toBe(bytes);
      expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(figures[name].ownBytes).toBeGreaterThan(1000);
      expect(figures[name].ownBytes).toBeLessThanOrEqual(MAX_OWN_BYTES);
    }
  });

  it("bundles only its own actions and adapters, and neither zod's classic API nor dayjs", () => {
    const code = (name: string) => readFileSync(join(out, name, 'index.js'), 'utf8');
    // Collection names and messages survive minification: they tell which adapters a bundle holds.
    // geo holds the rides adapter on purpose (it aborts unlocks cut short before listing bikes).
    expect(code('geo')).not.toMatch(/slot_counters|booking_customers|booking_codes|NEARBY_TARIFF/);
    // admin holds the bills adapter (importBills), which keeps the riders' unpaid ride bills.
    expect(code('admin')).not.toMatch(/slot_counters|booking_customers|NEARBY_LOCK|NEARBY_TARIFF/);
    expect(code('bills')).not.toMatch(/slot_counters|booking_customers|NEARBY_LOCK|NEARBY_TARIFF/);
    expect(code('bookings')).not.toMatch(/"riders"|NEARBY_LOCK|NEARBY_TARIFF/);
    expect(code('rides')).not.toMatch(/slot_counters|booking_customers|booking_codes/);
    for (const name of listed) {
      // Classic zod's ZodType prototype methods (`.superRefine(`, `.nonempty(`) are absent in zod/mini.
      expect(code(name)).not.toMatch(/superRefine\(|nonempty\(|dayjs/);
    }
  });

  // Every function of cloudbaserc.json; a timer function (one with a trigger) refuses any event that
  // is not its timer's.
  const timers = new Set<string>(
    JSON.parse(readFileSync('cloudbaserc.json', 'utf8'))
      .functions.filter((f: { triggers?: unknown[] }) => f.triggers?.length)
      .map((f: { name: string }) => f.name),
  );
  it.each(listed)('%s loads in a bare node without credentials and answers a bad action (payNotify: a bad request)', async (name) => {
    const probe = `require(process.argv[1]).main({ action: 'teleport' }, {}).then((r) => process.stdout.write('ANSWER ' + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
    const [logged, answered] = (await run(['-e', probe, join(out, name, 'index.js')], { PATH: process.env.PATH })).split('ANSWER ');
    if (name === 'payNotify') {
      // HTTP access: the event is a raw request, and one with no body is refused before any key or database is touched.
      expect(JSON.parse(logged)).toMatchObject({ fn: 'payNotify', status: 400 });
      const answer = JSON.parse(answered);
      expect(answer).toMatchObject({ statusCode: 400 });
      expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: 'no body' });
      return;
    }
    const code = timers.has(name) ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT';
    const message = timers.has(name) ? `^${name} runs on its timer only` : `^action: unknown action "teleport" of function "${name}"`;
    // The function's own log line (one JSON line per call), then its answer.
    expect(JSON.parse(logged)).toMatchObject({ fn: name, ok: false, code });
    expect(JSON.parse(answered)).toEqual({ ok: false, error: { code, message: expect.stringMatching(new RegExp(message)) } });
  });

  it('ships no embedded database and asks the cloud to install nothing', () => {
    for (const name of listed) {
      expect(readFileSync(join(out, name, 'index.js'), 'utf8')).not.toContain('better-sqlite3');
      expect(JSON.parse(readFileSync(join(out, name, 'package.json'), 'utf8')).dependencies).toBeUndefined();
    }
  });
});
