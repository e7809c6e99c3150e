/**
 * Settings that reach the cloud (issue 15, part 4): what each function reads, derived from the code
 * (each settings module's ENV_READS, each function's composition in functions/<name>/index.ts), is
 * exactly its cloudbaserc.json entry, every name has its deploy check in scripts/deploy.ts and every
 * check a name; no key material is a function variable; and with realistic values each function's
 * environment stays within SCF's 4 KB (names plus values; the CLI sends every listed variable and
 * replaces the function's whole list on each deploy).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as adapters from '../../functions/lib/cloudbase/adapters';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { PORTS_READS, WORLD_READS } from '../../functions/lib/cloudbase/reads';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { payKeyring } from '../../functions/lib/wechatpay/keys';
import { WECHATPAY_KEY_VARIABLES } from '../../functions/lib/wechatpay/settings';
import { planDeploy, SETTINGS, templateNames } from '../../scripts/deploy';

type Fn = { name: string; envVariables: Record<string, string> };
const config: { functions: Fn[] } = JSON.parse(readFileSync('cloudbaserc.json', 'utf8'));
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** The adapters.ts builder a function's entry composes its ports with. */
function builderOf(fn: string): string {
  const entry = readFileSync(join('functions', fn, 'index.ts'), 'utf8');
  const used = Object.keys(PORTS_READS).filter((builder) => new RegExp(`\\b${builder}\\(`).test(entry));
  expect(used).toHaveLength(1);
  return used[0];
}

/** What the code says a function reads: its world's settings and its ports'. */
const derived = (fn: string) => sorted([...WORLD_READS, ...PORTS_READS[builderOf(fn)]]);

/** Every source file that declares what it reads (export const ENV_READS). */
function settingsModules(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules') walk(path);
      } else if (path.endsWith('.ts') && /export const ENV_READS\b/.test(readFileSync(path, 'utf8'))) out.push(path);
    }
  };
  walk('functions');
  walk('shared');
  return out.sort();
}

describe('the settings each function reads', () => {
  it.each(config.functions.map((f) => [f.name, f] as const))('%s: its cloudbaserc.json entry is exactly what its composition reads', (name, f) => {
    expect(sorted(Object.keys(f.envVariables))).toEqual(derived(name));
    for (const [variable, value] of Object.entries(f.envVariables)) expect(value).toBe(`{{env.${variable}}}`);
  });

  it('template field maps and every subscribe-message setting reach reminders', () => {
    const reminders = config.functions.find((f) => f.name === 'reminders') as Fn;
    for (const name of [
      'WECHAT_TEMPLATE_BOOKING_REMINDER_FIELDS',
      'WECHAT_TEMPLATE_BOOKING_CONFIRMED_FIELDS',
      'WECHAT_TEMPLATE_BILL_DUE_FIELDS',
      'WECHAT_APPSECRET',
      'WECHAT_API_BASE_URL',
      'WECHAT_API_TIMEOUT_MS',
    ])
      expect(Object.keys(reminders.envVariables)).toContain(name);
  });

  it('each settings module declares every setting its source names', () => {
    const modules = settingsModules();
    expect(modules).toEqual([
      'functions/lib/cloudbase/world.ts',
      'functions/lib/lock/index.ts',
      'functions/lib/messenger/settings.ts',
      'functions/lib/wechatpay/keys.ts',
      'functions/lib/wechatpay/settings.ts',
      'shared/tariff.ts',
    ]);
    for (const file of modules) {
      const declared: readonly string[] = require(join(process.cwd(), file)).ENV_READS;
      // Named in a string or read as env.NAME; the key variables are the local host's (never a function's).
      const named = [...readFileSync(file, 'utf8').matchAll(/(?:['"`]|\benv\.)((?:NEARBY|WECHATPAY|WECHAT)_[A-Z0-9_]*[A-Z0-9])\b/g)].map((m) => m[1]);
      const undeclared = sorted(named).filter((n) => !declared.includes(n) && !(WECHATPAY_KEY_VARIABLES as readonly string[]).includes(n));
      expect({ file, undeclared }).toEqual({ file, undeclared: [] });
    }
  });

  it('each composition reads nothing it does not declare (recorded from its builders and its world)', async () => {
    const keys = payKeyring(async () => null);
    await keys.refresh();
    for (const builder of Object.keys(PORTS_READS)) {
      const read = new Set<string>();
      const env = new Proxy({} as Record<string, string | undefined>, {
        get: (_t, name) => {
          if (typeof name === 'string') read.add(name);
          return undefined;
        },
      });
      const make = (adapters as unknown as Record<string, (db: CloudbaseDb, env: object, keys: unknown) => Record<string, unknown>>)[builder];
      const ports = make(new FakeCloudbase() as unknown as CloudbaseDb, env, keys);
      for (const port of Object.keys(ports)) {
        try {
          void ports[port];
        } catch {
          // A port whose setting is missing refuses: what it read is recorded all the same.
        }
      }
      try {
        createCloudbaseWorld(() => ports, env).isAdmin('o1');
      } catch {
        // Nobody is an admin without NEARBY_ADMIN_OPENIDS.
      }
      expect({ builder, undeclared: sorted(read).filter((n) => ![...WORLD_READS, ...PORTS_READS[builder]].includes(n)) }).toEqual({ builder, undeclared: [] });
    }
  });

  it('scripts/deploy.ts checks every setting of cloudbaserc.json, and knows no other', () => {
    const named = sorted(config.functions.flatMap((f) => Object.keys(f.envVariables)));
    expect(sorted(Object.keys(SETTINGS).filter((n) => n !== 'ENV_ID'))).toEqual(named);
    expect(sorted(templateNames(config).keys())).toEqual(sorted([...named, 'ENV_ID']));
  });

  it('never makes key material a function variable', () => {
    for (const f of config.functions) for (const name of WECHATPAY_KEY_VARIABLES) expect(Object.keys(f.envVariables)).not.toContain(name);
    for (const name of WECHATPAY_KEY_VARIABLES) expect(Object.keys(SETTINGS)).not.toContain(name);
  });
});

/** Values as long as a real deployment's (a 28-character OPENID, 43-character template ids, WeChat's field maps). */
const REALISTIC: Record<string, string> = {
  ENV_ID: 'nearby-prod-8g2k3x4y5z6a7b8c',
  NEARBY_ADMIN_OPENIDS: [
    'oAbCdEfGhIjKlMnOpQrStUvWxY01',
    'oAbCdEfGhIjKlMnOpQrStUvWxY02',
    'oAbCdEfGhIjKlMnOpQrStUvWxY03',
    'oAbCdEfGhIjKlMnOpQrStUvWxY04',
    'oAbCdEfGhIjKlMnOpQrStUvWxY05',
  ].join(','),
  NEARBY_LOCK: 'simulated',
  NEARBY_LOCK_DELAY_MS: '800',
  NEARBY_LOCK_FAILURE_RATE: '0.02',
  NEARBY_LOCK_TIMEOUT_MS: '3000',
  NEARBY_TARIFF_FREE_SEC: '300',
  NEARBY_TARIFF_UNIT_SEC: '900',
  NEARBY_TARIFF_UNIT_FEE_FEN: '150',
  NEARBY_TARIFF_SURCHARGE_FEN: '500',
  NEARBY_TARIFF_DAILY_CAP_FEN: '2000',
  NEARBY_PAY: 'wechatpay',
  WECHATPAY_MCHID: '1900000109',
  WECHAT_APPID: 'wx8a9b7c6d5e4f3a2b',
  WECHATPAY_APIV3_KEY: 'Kq7Lm2Np9Rs4Tv6Wx8Yz1Ab3Cd5Ef0Gh',
  WECHATPAY_NOTIFY_URL: 'https://nearby-prod-8g2k3x4y5z6a7b8c-1300000000.ap-shanghai.app.tcloudbase.com/pay/notify',
  WECHATPAY_BASE_URL: 'https://api.mch.weixin.qq.com',
  WECHATPAY_TIMEOUT_MS: '5000',
  WECHAT_APPSECRET: '3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c2e',
  WECHAT_TEMPLATE_BOOKING_REMINDER: 'Zx8e9WdOp1Jr2Ti3Dz4Xm5Nc6Bv7Lq8Ak9Sj0Hg1Fd2',
  WECHAT_TEMPLATE_BOOKING_REMINDER_FIELDS: 'store=thing12,start=time25,code=character_string31,note=thing40',
  WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3Qa4W',
  WECHAT_TEMPLATE_BOOKING_CONFIRMED_FIELDS: 'store=thing12,start=time25,status=phrase17,code=character_string31',
  WECHAT_TEMPLATE_BILL_DUE: 'Mn5Bv4Cx3Zl2Kj1Hg0Fd9Sa8Po7Iu6Yt5Re4Wq3Ez2X',
  WECHAT_TEMPLATE_BILL_DUE_FIELDS: 'account=thing21,amount=amount33,due=date44,note=thing50',
  WECHAT_TEMPLATE_BOOKING_CHANGED: 'Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6Qw5E',
  WECHAT_TEMPLATE_BOOKING_CHANGED_FIELDS: 'store=thing11,start=time12,status=phrase13,reason=thing14',
  WECHAT_TEMPLATE_NEW_BOOKING: 'Zx1Cv2Bn3Mm4Lk5Jh6Gf7Dd8Ss9Aa0Qq1Ww2Ee3Rr4T',
  WECHAT_TEMPLATE_NEW_BOOKING_FIELDS: 'store=thing21,start=time22,party=thing23,contact=thing24,note=thing25',
  WECHAT_MINIPROGRAM_STATE: 'formal',
  WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
  WECHAT_API_TIMEOUT_MS: '5000',
};

describe('each function environment rendered with realistic values', () => {
  it('are values the deploy takes', () => {
    const planned = planDeploy(process.cwd(), REALISTIC, { dryRun: true });
    expect(planned).toMatchObject({ ok: true });
  });

  it('stays within SCF 4 KB a function (names plus values), without a key', () => {
    const sizes: Record<string, number> = {};
    for (const f of config.functions) {
      const rendered = Object.entries(f.envVariables).map(([name, value]) => [name, value.replace(/\{\{\s*env\.(\w+)\s*\}\}/g, (_m, v) => REALISTIC[v] ?? '')]);
      for (const [name, value] of rendered) {
        expect({ name, value: REALISTIC[name] === undefined ? 'missing' : 'given' }).toEqual({ name, value: 'given' });
        expect(value).not.toMatch(/-----BEGIN/);
      }
      sizes[f.name] = rendered.reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
    }
    console.log(`environment bytes per function (names plus values): ${JSON.stringify(sizes)}`);
    for (const [name, bytes] of Object.entries(sizes)) expect([name, bytes <= 4096]).toEqual([name, true]);
  });
});
