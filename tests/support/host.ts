import { openDatabase, sqlitePorts, type Db, type SqlitePortsOptions } from '../../functions/lib/sqlite';
import { createHost, type LocalHost } from '../../functions/local/host';
import { seedDemo } from '../../functions/local/seed';
import type { SandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import type { Payments } from '../../functions/lib/ports';

export const ADMIN = 'test-admin';

export interface TestCloud {
  url: string;
  db: Db;
  host: LocalHost;
  /** POSTs an event to a function as `openid` (anonymous when omitted), at `now` when given. */
  call<T = any>(fn: string, event: unknown, as?: { openid?: string; now?: string }): Promise<T>;
  /** The raw HTTP exchange, for status codes and malformed bodies. */
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** A real local host on a free port over a fresh in-memory database, with the header clock. */
export async function startCloud(
  options: { seed?: 'demo' | 'none'; dbPath?: string; rides?: SqlitePortsOptions; payments?: Payments; sandbox?: SandboxPayments } = {},
): Promise<TestCloud> {
  const db = openDatabase(options.dbPath ?? ':memory:');
  const payments = options.payments ?? options.sandbox;
  const ports = sqlitePorts(db, { ...options.rides, ...(payments ? { pay: { ok: true as const, payments } } : {}) });
  if (options.seed === 'demo') await seedDemo(db, ports);
  const host = createHost({ ports, admins: new Set([ADMIN]), clock: 'header', sandbox: options.sandbox, log: () => {} });
  const url = await host.listen(0);
  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  return {
    url,
    db,
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
      db.close();
    },
  };
}
