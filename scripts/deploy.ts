/**
 * `npm run deploy [-- --dry-run] [--env-file <path>]`: builds, deploys every cloud function with the
 * pinned CloudBase CLI (devDependencies: @cloudbase/cli 2.12.10) without a single prompt, then
 * applies `cloudbase/` (collections, indexes, client rules, function invoke rules).
 *
 * Settings come from `.env.local` (or --env-file), the process environment winning, exactly as the
 * CLI fills cloudbaserc.json's `{{env.NAME}}` values. A missing or malformed setting stops the deploy
 * naming it; settings that leave a part of the service off (no admin yet, no bike lock) are said.
 * Without TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or with --dry-run) nothing runs: the
 * commands are printed instead.
 *
 * Why these CLI flags (read in the CLI 2.12.10 sources, `tcb fn deploy`): without a name and without
 * `--all`/`--yes` it opens a checkbox of functions; without `--force`/`--yes` it asks which existing
 * functions to overwrite; an envId left as "{{env.ENV_ID}}" opens an environment picker, so `-e` is
 * always given. Credentials: the CLI reads TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN from the
 * environment when no `tcb login` session is stored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lockSettingsFrom } from '../functions/lib/lock';
import { WECHATPAY_VARIABLES, wechatpaySettingsFrom } from '../functions/lib/wechatpay/settings';
import { TEMPLATE_ID_VARIABLES, readMessengerSettings } from '../functions/lib/messenger/settings';
import { tariffFrom } from '../shared/tariff';
import { readEnvFile } from './env-file';

export { readEnvFile };

type Vars = Record<string, string | undefined>;

export interface Command {
  what: string;
  argv: string[];
  /** Variables added to the command's environment. */
  env: Record<string, string>;
}

export interface Plan {
  commands: Command[];
  notes: string[];
  /** Why nothing will run, when it will not. */
  dryRun: string | null;
}

/** The settings cloudbaserc.json may name, each with its check (null: fine). */
const SETTINGS: Record<string, (value: string, vars: Vars) => string | null> = {
  ENV_ID: (v) => (/^[a-z0-9][a-z0-9-]{2,62}$/i.test(v) ? null : `ENV_ID must be a CloudBase environment id such as "nearby-1a2b3c", not "${v}"`),
  NEARBY_ADMIN_OPENIDS: (v) => {
    const bad = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .find((id) => !/^[A-Za-z0-9_-]{6,128}$/.test(id));
    return bad === undefined ? null : `NEARBY_ADMIN_OPENIDS must be a comma list of OPENIDs, and "${bad}" is none`;
  },
  NEARBY_LOCK: (v) =>
    ['', 'simulated'].includes(v.trim()) ? null : `NEARBY_LOCK must be empty (no lock: unlocks refused) or "simulated" (a demo environment), not "${v}"`,
  ...Object.fromEntries(
    ['NEARBY_LOCK_DELAY_MS', 'NEARBY_LOCK_FAILURE_RATE', 'NEARBY_LOCK_TIMEOUT_MS'].map((name) => [
      name,
      (_v: string, vars: Vars) => thrown(() => lockSettingsFrom(vars)),
    ]),
  ),
  NEARBY_PAY: (v) =>
    ['', 'wechatpay'].includes(v.trim()) ? null : `NEARBY_PAY must be empty or "wechatpay" in the cloud (the sandbox is for the local host only), not "${v}"`,
  // WeChat Pay is all or nothing: none of its settings (bills.pay answers FAILED_PRECONDITION), or all
  // of them as payments read them (functions/lib/wechatpay/settings.ts).
  ...Object.fromEntries(WECHATPAY_VARIABLES.map((name) => [name, (_v: string, vars: Vars) => wechatpayProblem(vars)])),
  // Subscribe messages: a missing one skips only the reminders it concerns (logged); a set one must read well.
  ...Object.fromEntries(
    [
      'WECHAT_APPSECRET',
      ...Object.values(TEMPLATE_ID_VARIABLES),
      // Field maps of the issue-19 templates (their keywords depend on the template the operator picked).
      'WECHAT_TEMPLATE_BOOKING_CHANGED_FIELDS',
      'WECHAT_TEMPLATE_NEW_BOOKING_FIELDS',
      'WECHAT_MINIPROGRAM_STATE',
    ].map((name) => [
      name,
      (v: string, vars: Vars) => (v.trim() === '' ? null : (readMessengerSettings(vars).problems.find((p) => p.variable === name)?.message ?? null)),
    ]),
  ),
  ...Object.fromEntries(
    ['NEARBY_TARIFF_FREE_SEC', 'NEARBY_TARIFF_UNIT_SEC', 'NEARBY_TARIFF_UNIT_FEE_FEN', 'NEARBY_TARIFF_SURCHARGE_FEN', 'NEARBY_TARIFF_DAILY_CAP_FEN'].map(
      (name) => [name, (_v: string, vars: Vars) => thrown(() => tariffFrom(vars))],
    ),
  ),
};

/** Whether WeChat Pay's settings are absent or whole; a partial or malformed set names the variable. */
function wechatpayProblem(vars: Vars): string | null {
  if (!wechatpayConfigured(vars)) return null;
  const read = wechatpaySettingsFrom(vars);
  return read.ok ? null : read.message;
}

// WECHAT_APPID alone is the subscribe messages' too: it does not mean WeChat Pay is being set up.
const wechatpayConfigured = (vars: Vars): boolean => WECHATPAY_VARIABLES.some((name) => name !== 'WECHAT_APPID' && (vars[name]?.trim() ?? '') !== '');

function thrown(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Every `{{env.NAME}}` of cloudbaserc.json, with the functions that take it. */
export function templateNames(config: { envId?: string; functions: Array<{ name: string; envVariables?: Record<string, string> }> }): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const take = (value: string | undefined, fn: string) => {
    for (const m of (value ?? '').matchAll(/\{\{\s*env\.([A-Za-z0-9_]+)\s*\}\}/g)) names.set(m[1], [...(names.get(m[1]) ?? []), fn]);
  };
  take(config.envId, '(envId)');
  for (const f of config.functions) for (const value of Object.values(f.envVariables ?? {})) take(value, f.name);
  return names;
}

/** What `npm run deploy` does with these variables, or why it must not run at all. */
export function planDeploy(root: string, vars: Vars, options: { dryRun: boolean }): { ok: true; plan: Plan } | { ok: false; problems: string[] } {
  const config = JSON.parse(readFileSync(join(root, 'cloudbaserc.json'), 'utf8'));
  const names = templateNames(config);
  const problems: string[] = [];
  const envId = vars.ENV_ID?.trim() ?? '';
  if (envId === '') problems.push('ENV_ID is not set: put ENV_ID=<your CloudBase environment id> in .env.local');
  for (const name of names.keys()) {
    const check = SETTINGS[name];
    if (!check) problems.push(`cloudbaserc.json names {{env.${name}}}, a setting this script does not know: add its check to scripts/deploy.ts`);
    else if ((vars[name] ?? '') !== '') {
      const fault = check(vars[name] ?? '', vars);
      if (fault && !problems.includes(fault)) problems.push(fault);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const notes: string[] = [];
  if (!vars.NEARBY_ADMIN_OPENIDS?.trim())
    notes.push(
      'NEARBY_ADMIN_OPENIDS is empty: nobody is an admin; admin actions answer FAILED_PRECONDITION until you set it (read your OPENID with admin.whoami) and deploy again',
    );
  const lock = vars.NEARBY_LOCK?.trim() ?? '';
  if (lock === '') notes.push('NEARBY_LOCK is empty: no bike lock configured, so the cloud refuses every unlock (LOCK_FAILED, "no bike lock configured")');
  if (!wechatpayConfigured(vars))
    notes.push(
      'WECHATPAY_* are not set: bills.pay answers FAILED_PRECONDITION naming the first missing one, payNotify answers 503, everything else works (docs/payments.md)',
    );
  if (lock === 'simulated') notes.push('NEARBY_LOCK=simulated: unlocks "open" without any bike opening; a demo environment only');
  // DevTools reads project.private.config.json over project.config.json.
  const appids = ['project.private.config.json', 'project.config.json']
    .filter((f) => existsSync(join(root, f)))
    .map((f) => String(JSON.parse(readFileSync(join(root, f), 'utf8')).appid ?? ''));
  if (!appids.some((id) => /^wx[0-9a-f]{16}$/.test(id)))
    notes.push(
      `project.config.json: appid is "${appids[appids.length - 1]}": put your mini program's AppID there (or in project.private.config.json) before uploading (docs/deploy.md, step 0)`,
    );

  // The CLI fills {{env.NAME}} from .env files and the process environment: hand it exactly ours.
  const settings = Object.fromEntries([...names.keys()].map((name) => [name, vars[name] ?? '']));
  const node = process.execPath;
  const commands: Command[] = [
    { what: 'build every function (scripts/build.mjs checks the bundles)', argv: [node, 'scripts/build.mjs', '--functions'], env: {} },
    {
      what: 'deploy every function of cloudbaserc.json, no prompt',
      argv: [node, 'node_modules/@cloudbase/cli/bin/tcb', 'fn', 'deploy', '--all', '--force', '--yes', '-e', envId],
      env: settings,
    },
    { what: 'apply cloudbase/: collections, indexes, client rules, function invoke rules', argv: [node, 'scripts/cloud-setup.mjs'], env: { ENV_ID: envId } },
  ];
  const missingKeys = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY'].filter((k) => !vars[k]);
  const dryRun = options.dryRun ? '--dry-run' : missingKeys.length > 0 ? `no credentials (${missingKeys.join(', ')} not set)` : null;
  return { ok: true, plan: { commands, notes, dryRun } };
}

const shown = (command: Command) =>
  [
    ...Object.entries(command.env).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
    ...command.argv.map((a, i) => (i === 0 ? 'node' : /^[\w./@:=-]+$/.test(a) ? a : JSON.stringify(a))),
  ].join(' ');

function main(argv: string[]): number {
  const root = process.cwd();
  const at = argv.indexOf('--env-file');
  const envFile = at >= 0 ? argv[at + 1] : join(root, '.env.local');
  const fileVars = existsSync(envFile) ? readEnvFile(readFileSync(envFile, 'utf8')) : {};
  const vars: Vars = { ...fileVars, ...process.env };
  const planned = planDeploy(root, vars, { dryRun: argv.includes('--dry-run') });
  if (!planned.ok) {
    for (const p of planned.problems) console.error(`deploy: ${p}`);
    console.error(`deploy: stopped before doing anything (settings read from ${existsSync(envFile) ? envFile : 'the environment only: no ' + envFile})`);
    return 2;
  }
  const { plan } = planned;
  // cloud-setup needs the management SDK, which the project does not install for everybody: say so
  // before anything is deployed rather than after the functions.
  let managerSdk = true;
  try {
    createRequire(join(root, 'package.json')).resolve('@cloudbase/manager-node');
  } catch {
    managerSdk = false;
  }
  const noManager = 'the management SDK is not installed (it applies cloudbase/): npm i --no-save @cloudbase/manager-node@5';
  if (!managerSdk && !plan.dryRun) {
    console.error(`deploy: ${noManager}`);
    console.error('deploy: stopped before doing anything');
    return 2;
  }
  if (!managerSdk) plan.notes.push(noManager);
  for (const note of plan.notes) console.log(`deploy: note: ${note}`);
  if (plan.dryRun) {
    console.log(`deploy: dry run (${plan.dryRun}); would run:`);
    plan.commands.forEach((c, i) => console.log(`  ${i + 1}. ${shown(c)}\n     # ${c.what}`));
    return 0;
  }
  for (const c of plan.commands) {
    console.log(`deploy: ${c.what}\n  $ ${shown(c)}`);
    const run = spawnSync(c.argv[0], c.argv.slice(1), { stdio: 'inherit', cwd: root, env: { ...process.env, ...fileVars, ...c.env } });
    if (run.status !== 0) {
      console.error(`deploy: failed at: ${c.what} (exit ${run.status ?? run.signal})`);
      return 1;
    }
  }
  console.log('deploy: done');
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
