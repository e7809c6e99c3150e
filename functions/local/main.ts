/**
 * `npm start`: the local cloud on 127.0.0.1, every function over the embedded database.
 * Settings (environment): PORT, NEARBY_BACKEND, NEARBY_DB, NEARBY_SEED, NEARBY_ADMIN_OPENIDS, NEARBY_CLOCK, NEARBY_TIMERS.
 * NEARBY_BACKEND: `sqlite` (default) or `cloudbase-fake` (the CloudBase adapters over the stand-in: ./backend.ts).
 * Rides: NEARBY_LOCK_DELAY_MS (300), NEARBY_LOCK_FAILURE_RATE (0), NEARBY_LOCK_TIMEOUT_MS (3000), NEARBY_TARIFF_* (shared/tariff.ts).
 * Reminders: NEARBY_MESSENGER (`outbox` default: messages go to GET /outbox, no setting needed;
 * `wechat`: WeChat's API, every WECHAT_* setting of docs/reminders.md required at start).
 * Payments: NEARBY_PAY (sandbox, or wechatpay with the WECHATPAY_* settings of docs/payments.md).
 */
import { paymentsFrom, type PaymentsChoice } from '../lib/wechatpay';
import type { SqlitePortsOptions } from '../lib/sqlite';
import { backendFrom, DEFAULT_DB_PATHS, openBackend, type BackendName } from './backend';
import { lockSettingsFrom } from '../lib/lock';
import { tariffFrom } from '../../shared/tariff';
import { createHost } from './host';
import { strictWechatNotify } from '../lib/messenger';
import type { ForceRefreshLedger, Notify } from '../lib/ports';
import { sqliteForceRefreshLedger } from '../lib/sqlite/service-state';
import { cloudbaseForceRefreshLedger, type ServiceStateDb } from '../lib/cloudbase/service-state';
import { seedDemo } from './seed';
import { seedDemoBills } from './seed-bills';

export interface LocalSettings {
  port: number;
  /** NEARBY_BACKEND: the adapters behind every function. */
  backend: BackendName;
  dbPath: string;
  seed: 'demo' | 'none';
  admins: Set<string>;
  clock: 'system' | 'header';
  /** Whether the host fires its timer functions (the sweeper) on their schedule (NEARBY_TIMERS, "on" by default). */
  timers: boolean;
  /** The simulated lock and the tariff (NEARBY_LOCK_*, NEARBY_TARIFF_*); defaults when absent. */
  rides?: SqlitePortsOptions;
  /** NEARBY_MESSENGER=wechat: WeChat's API with its settings (read at start; a missing one stops it). Absent: the outbox. */
  notify?: Notify;
  /** The WeChat messenger's stable_token force_refresh budget: the database's record, bound by `start` once it is open. */
  forceRefresh?: LedgerBoundAtStart;
  /** NEARBY_PAY and the WECHATPAY_* settings: the sandbox (default) or WeChat Pay. */
  pay?: Extract<PaymentsChoice, { ok: true }>;
}

export function settingsFrom(env: NodeJS.ProcessEnv): LocalSettings {
  // An empty variable (`PORT= npm start`) means the default, as if unset; "0x50" or "1e3" are no ports.
  const portText = env.PORT?.trim() || '8787';
  const backend = backendFrom(env.NEARBY_BACKEND);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const seed = env.NEARBY_SEED || 'demo';
  if (seed !== 'demo' && seed !== 'none') throw new Error(`NEARBY_SEED must be "demo" or "none", not "${seed}"`);
  const clock = env.NEARBY_CLOCK || 'system';
  if (clock !== 'system' && clock !== 'header') throw new Error(`NEARBY_CLOCK must be "system" or "header", not "${clock}"`);
  const timers = env.NEARBY_TIMERS || 'on';
  if (timers !== 'on' && timers !== 'off') throw new Error(`NEARBY_TIMERS must be "on" or "off", not "${timers}"`);
  const admins = new Set(
    (env.NEARBY_ADMIN_OPENIDS || 'local-admin')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  // A real lock takes a moment: the simulated one answers after 300 ms unless told otherwise.
  const lock = lockSettingsFrom(env, { delayMs: 300 });
  const rides: SqlitePortsOptions = { lock: { delayMs: lock.delayMs, failureRate: lock.failureRate }, lockTimeoutMs: lock.timeoutMs, tariff: tariffFrom(env) };
  const messenger = env.NEARBY_MESSENGER || 'outbox';
  if (messenger !== 'outbox' && messenger !== 'wechat') throw new Error(`NEARBY_MESSENGER must be "outbox" or "wechat", not "${messenger}"`);
  // The outbox needs no setting; WeChat's API needs every one, and a missing one stops the start naming it.
  const forceRefresh = messenger === 'wechat' ? ledgerBoundAtStart() : undefined;
  const notify = messenger === 'wechat' ? strictWechatNotify(env, { forceRefresh }) : undefined;
  // A missing or malformed WECHATPAY_* (with NEARBY_PAY=wechatpay) stops the host at start, naming it.
  const pay = paymentsFrom(env, 'sandbox');
  if (!pay.ok) throw new Error(pay.message.includes(pay.variable) ? pay.message : `${pay.variable}: ${pay.message}`);
  return { port, backend, dbPath: env.NEARBY_DB || DEFAULT_DB_PATHS[backend], seed, admins, clock, timers: timers === 'on', rides, pay, notify, forceRefresh };
}

type LedgerBoundAtStart = ForceRefreshLedger & { bind(ledger: ForceRefreshLedger): void };

/** A force_refresh budget whose record is the database's, once `start` has opened it (until then none may be taken). */
function ledgerBoundAtStart(): LedgerBoundAtStart {
  let bound: ForceRefreshLedger | null = null;
  return {
    bind: (ledger) => {
      bound = ledger;
    },
    take: (appId, now) => (bound ? bound.take(appId, now) : Promise.reject(new Error('the database is not open yet'))),
  };
}

export async function start(settings: LocalSettings, log?: (line: Record<string, unknown>) => void) {
  const pay = settings.pay;
  const backend = openBackend(settings.backend ?? 'sqlite', settings.dbPath, {
    ...settings.rides,
    ...(pay ? { pay: { ok: true, payments: pay.payments } } : {}),
    notify: settings.notify,
  });
  settings.forceRefresh?.bind(
    backend.sqlite ? sqliteForceRefreshLedger(backend.sqlite) : cloudbaseForceRefreshLedger(backend.standin as unknown as ServiceStateDb),
  );
  const { ports } = backend;
  const seeded = settings.seed === 'demo' ? await seedDemo(ports) : false;
  // A SQLite database seeded before bills (or before billers) existed gets the demo companies and accounts too (once).
  if (settings.seed === 'demo' && !seeded && backend.sqlite?.prepare(`SELECT count(*) FROM billers WHERE id = 'sh-water'`).pluck().get() === 0)
    await seedDemoBills(ports.bills, new Date());
  const sandbox = pay?.mode === 'sandbox' ? pay.payments : undefined;
  const host = createHost({ ports, backend: backend.name, admins: settings.admins, clock: settings.clock, timers: settings.timers, sandbox, log });
  // A host killed mid-unlock left rides `unlocking`: the sweep resolves the ones already past the
  // lock timeout before the first request (later ones, whoever meets them, or the next sweep).
  const now = new Date();
  const swept = await host.functions.sweeper({ Type: 'Timer', TriggerName: 'start', Time: now.toISOString() }, { openid: null, now });
  if (!swept.ok) throw new Error(`the start sweep failed: ${swept.error.message}`);
  const url = await host.listen(settings.port);
  return { host, db: backend.sqlite as import('../lib/sqlite').Db, backend, url, seeded, swept: swept.data };
}

if (require.main === module) {
  let settings: LocalSettings;
  try {
    settings = settingsFrom(process.env);
  } catch (err) {
    console.error(`nearby: ${(err as Error).message}`);
    process.exit(2);
  }
  start(settings).then(
    ({ host, backend, url, seeded }) => {
      console.log(
        `nearby: local cloud on ${url} (${backend.name} back end, database ${settings.dbPath}${seeded ? ', demo city seeded' : ''}; clock ${settings.clock})`,
      );
      console.log(
        `nearby: try  curl -s -X POST ${url}/functions/geo -H 'content-type: application/json' -d '{"action":"nearby","kind":"store","lat":31.2304,"lng":121.4737,"limit":3}'`,
      );
      const stop = () =>
        host.close().then(() => {
          backend.close();
          process.exit(0);
        });
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      const message =
        (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${settings.port} is in use: stop the other server or set PORT` : (err as Error).message;
      console.error(`nearby: cannot start: ${message}`);
      process.exit(1);
    },
  );
}
