import type { Db, SqlitePortsOptions } from '../../functions/lib/sqlite';
import { createHost, type LocalHost } from '../../functions/local/host';
import { seedDemo } from '../../functions/local/seed';
import { backendFrom, openBackend, type BackendName } from '../../functions/local/backend';
import type { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import type { SandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import type { Payments, Ports } from '../../functions/lib/ports';

export const ADMIN = 'test-admin';

/**
 * The back end the host tests run on: NEARBY_TEST_BACKEND (`sqlite` by default; jest.config.js
 * reruns the host suites with `cloudbase-fake`).
 */
export const TEST_BACKEND: BackendName = backendFrom(process.env.NEARBY_TEST_BACKEND);

export interface TestCloud {
  url: string;
  backend: BackendName;
  /** The ports behind the host (for set-up and checks that go through the adapters). */
  ports: Ports;
  /** The SQLite database (only on `sqlite`: check `backend` first, or use `ports`). */
  db: Db;
  /** The CloudBase stand-in (only on `cloudbase-fake`). */
  standin?: FakeCloudbase;
  host: LocalHost;
  /** POSTs an event to a function as `openid` (anonymous when omitted), at `now` when given. */
  call<T = any>(fn: string, event: unknown, as?: { openid?: string; now?: string }): Promise<T>;
  /** The raw HTTP exchange, for status codes and malformed bodies. */
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** A real local host on a free port over a fresh in-memory database (of TEST_BACKEND unless told), with the header clock. */
export async function startCloud(
  options: { seed?: 'demo' | 'none'; dbPath?: string; rides?: SqlitePortsOptions; payments?: Payments; sandbox?: SandboxPayments; backend?: BackendName } = {},
): Promise<TestCloud> {
  const payments = options.payments ?? options.sandbox;
  const backend = openBackend(options.backend ?? TEST_BACKEND, options.dbPath ?? ':memory:', {
    ...options.rides,
    ...(payments ? { pay: { ok: true as const, payments } } : {}),
  });
  const { ports } = backend;
  if (options.seed === 'demo') await seedDemo(ports);
  const host = createHost({ ports, backend: backend.name, admins: new Set([ADMIN]), clock: 'header', sandbox: options.sandbox, log: () => {} });
  const url = await host.listen(0);
  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  return {
    url,
    backend: backend.name,
    ports,
    db: backend.sqlite as Db,
    standin: backend.standin,
    host,
    post,
    async call(fn, event, as = {}) {
      const headers: Record<string, string> = {};
      if (as.openid) headers['x-wx-openid'] = as.openid;
      if (as.now) headers['x-nearby-now'] = as.now;
      const { status, json } = await post(`/functions/${fn}`, JSON.stringify(event), headers);
      if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      await host.close();
      backend.close();
    },
  };
}

/** What a back end holds, table by table (SQLite) or collection by collection (the stand-in): for "writes nothing" checks on either. */
export function storedCounts(store: { sqlite?: Db; standin?: FakeCloudbase; db?: Db }): Record<string, number> {
  const db = store.sqlite ?? store.db;
  if (db) {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
  }
  return Object.fromEntries(Object.entries(store.standin!.dump()).map(([name, docs]) => [name, docs.length]));
}

/** How many places (stores, stations, bikes) a back end holds. */
export function placeCount(store: { sqlite?: Db; standin?: FakeCloudbase; db?: Db }): number {
  const counts = storedCounts(store);
  return (store.sqlite ?? store.db) ? (counts.places ?? 0) : (counts.places_store ?? 0) + (counts.places_station ?? 0) + (counts.places_bike ?? 0);
}

/** Everything a back end holds, as one string: "writes nothing" compares two of these (either back end). */
export function storedState(store: { sqlite?: Db; standin?: FakeCloudbase; db?: Db }): string {
  const db = store.sqlite ?? store.db;
  if (db) {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
  }
  const dump = store.standin!.dump();
  return JSON.stringify(
    Object.keys(dump)
      .sort()
      .map((name) => [name, dump[name]]),
  );
}
