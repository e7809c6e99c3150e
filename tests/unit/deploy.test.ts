import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDeploy, readEnvFile } from '../../scripts/deploy';

const root = process.cwd();
const config = JSON.parse(readFileSync('cloudbaserc.json', 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'nearby-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `npm run deploy` as an operator runs it: the real script, an env file, an environment without credentials. */
function deploy(envFile: string, args: string[] = [], env: Record<string, string> = {}) {
  const file = join(scratch, `env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, envFile);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['scripts/build-script.mjs', 'scripts/deploy.ts', '--env-file', file, ...args],
      { encoding: 'utf8', timeout: 60000, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('npm run deploy', () => {
  it('without credentials prints the commands it would run, and runs none', async () => {
    const { code, stdout, stderr } = await deploy('ENV_ID=nearby-1a2b3c\nNEARBY_ADMIN_OPENIDS=oAbC123456789\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/dry run \(no credentials \(TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY not set\)\); would run:/);
    const commands = stdout.split('\n').filter((l) => /^\s+\d\. /.test(l));
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(/node scripts\/build\.mjs --functions$/);
    expect(commands[1]).toMatch(
      /NEARBY_ADMIN_OPENIDS="oAbC123456789".* node node_modules\/@cloudbase\/cli\/bin\/tcb fn deploy --all --force --yes -e nearby-1a2b3c$/,
    );
    expect(commands[2]).toMatch(/ENV_ID="nearby-1a2b3c" node scripts\/cloud-setup\.mjs$/);
    // Said at deploy: this cloud refuses unlocks until a lock is configured.
    expect(stdout).toMatch(/note: NEARBY_LOCK is empty: no bike lock configured, so the cloud refuses every unlock \(LOCK_FAILED/);
  }, 60000);

  // Only where the management SDK is absent, as in this repository's install (docs/deploy.md, step 0).
  const managerInstalled = (() => {
    try {
      require.resolve('@cloudbase/manager-node');
      return true;
    } catch {
      return false;
    }
  })();
  (managerInstalled ? it.skip : it)(
    'with credentials but without the management SDK, stops before deploying anything, naming it',
    async () => {
      const { code, stdout, stderr } = await deploy('ENV_ID=nearby-1a2b3c\n', [], { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' });
      expect(code).toBe(2);
      expect(stderr).toMatch(/^deploy: the management SDK is not installed .*npm i --no-save @cloudbase\/manager-node@5/m);
      expect(stdout).not.toMatch(/\$ /);
    },
    60000,
  );

  it('--dry-run stays dry even with credentials', async () => {
    const { code, stdout } = await deploy('ENV_ID=nearby-1a2b3c\n', ['--dry-run'], { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/dry run \(--dry-run\); would run:/);
    // The credentials never show (WECHAT_APPSECRET is a setting's name, its value empty here).
    expect(stdout).not.toMatch(/tencentcloud_secret|"key"/i);
    expect(stdout).not.toMatch(/SECRET="[^"]/);
  }, 60000);

  it.each([
    ['ENV_ID missing', 'NEARBY_LOCK=simulated\n', /^deploy: ENV_ID is not set/m],
    ['ENV_ID malformed', 'ENV_ID={{env.ENV_ID}}\n', /^deploy: ENV_ID must be a CloudBase environment id/m],
    [
      'a tariff that is no number',
      'ENV_ID=nearby-1a2b3c\nNEARBY_TARIFF_UNIT_SEC=ten\n',
      /^deploy: NEARBY_TARIFF_UNIT_SEC must be an integer of at least 1, not "ten"/m,
    ],
    ['an unknown lock', 'ENV_ID=nearby-1a2b3c\nNEARBY_LOCK=acme\n', /^deploy: NEARBY_LOCK must be empty .* not "acme"/m],
    ['a lock timeout of zero', 'ENV_ID=nearby-1a2b3c\nNEARBY_LOCK_TIMEOUT_MS=0\n', /^deploy: NEARBY_LOCK_TIMEOUT_MS must be/m],
    [
      'an admin list with a stray value',
      'ENV_ID=nearby-1a2b3c\nNEARBY_ADMIN_OPENIDS=oAbC123456789,me@x\n',
      /^deploy: NEARBY_ADMIN_OPENIDS must be a comma list of OPENIDs, and "me@x" is none/m,
    ],
  ])(
    'stops on %s, naming it, before running anything',
    async (_name, envFile, message) => {
      const { code, stdout, stderr } = await deploy(envFile, [], { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' });
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/stopped before doing anything/);
      expect(stdout).not.toMatch(/\$ |would run/);
    },
    60000,
  );
});

describe('the deploy settings', () => {
  it('cloudbaserc.json names only settings the deploy checks, and every function runs on Nodejs20.19 as built (node20)', () => {
    const planned = planDeploy(root, { ENV_ID: 'nearby-1a2b3c' }, { dryRun: true });
    expect(planned.ok).toBe(true);
    for (const f of config.functions) expect(f.runtime).toBe('Nodejs20.19');
    expect(readFileSync('scripts/build.mjs', 'utf8')).toMatch(/target: 'node20'/);
  });

  // What each function reads, both ways against cloudbaserc.json and these checks: tests/unit/cloud-settings.test.ts.

  it('refuses key material named in cloudbaserc.json: it is stored with npm run secrets', () => {
    const root = mkdtempSync(join(scratch, 'root-'));
    const withKey = { ...config, functions: [{ ...config.functions[0], envVariables: { WECHATPAY_PRIVATE_KEY: '{{env.WECHATPAY_PRIVATE_KEY}}' } }] };
    writeFileSync(join(root, 'cloudbaserc.json'), JSON.stringify(withKey));
    expect(planDeploy(root, { ENV_ID: 'nearby-1a2b3c' }, { dryRun: true })).toEqual({
      ok: false,
      problems: [
        'cloudbaserc.json names {{env.WECHATPAY_PRIVATE_KEY}}, a setting this script does not know: add its check to scripts/deploy.ts',
        'cloudbaserc.json names {{env.WECHATPAY_PRIVATE_KEY}}: key material is never a function variable; store it with npm run secrets (docs/payments.md)',
      ],
    });
  });

  it('checks a field map and the messenger settings that reach reminders, and says keys in .env.local are not deployed', () => {
    expect(planDeploy(root, { ENV_ID: 'nearby-1a2b3c', WECHAT_TEMPLATE_BILL_DUE_FIELDS: 'account=thing1,amount=thing1' }, { dryRun: true })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^WECHAT_TEMPLATE_BILL_DUE_FIELDS: /)],
    });
    expect(planDeploy(root, { ENV_ID: 'nearby-1a2b3c', WECHAT_API_TIMEOUT_MS: 'soon' }, { dryRun: true })).toMatchObject({
      ok: false,
      problems: ['WECHAT_API_TIMEOUT_MS must be a number of milliseconds (> 0), not "soon"'],
    });
    const planned = planDeploy(root, { ENV_ID: 'nearby-1a2b3c', WECHATPAY_PRIVATE_KEY: '/keys/apiclient_key.pem' }, { dryRun: true });
    expect(planned.ok && planned.plan.notes).toContain(
      "WECHATPAY_PRIVATE_KEY (the local host's) are not deployed: the functions read WeChat Pay's keys from the secrets collection; npm run secrets -- list shows what is stored",
    );
    expect(planned.ok && planned.plan.commands[1].env).not.toHaveProperty('WECHATPAY_PRIVATE_KEY');
  });

  it('reads .env files as the CLI does: comments, quotes, export', () => {
    expect(readEnvFile('# deploy\nENV_ID=nearby-1\nexport A="b c"\nB=\'d\'\nC=e # note\n\nnot a line')).toEqual({
      ENV_ID: 'nearby-1',
      A: 'b c',
      B: 'd',
      C: 'e',
    });
  });
});
