/**
 * The local host serves this machine's tools, never a web page (API.md "Calling"): a foreign
 * `Origin` or `Host` is 403 before any function runs and writes nothing; no answer carries CORS
 * grants; WeChat DevTools' `wx.request` (no Origin, a servicewechat.com Referer) and a device's
 * (Origin https://servicewechat.com) are served. Paths that do not decode are 404, never a stack.
 *
 * Requests go through node:http, not fetch, so that `Host` and `Origin` are exactly what a browser
 * or DevTools would send.
 */
import { request } from 'node:http';
import { openDatabase, sqlitePorts, type Db } from '../../functions/lib/sqlite';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { createHost, type LocalHost } from '../../functions/local/host';

const ADMIN = 'origin-admin';
const NOW = '2026-11-25T10:00:00+08:00';

/**
 * What WeChat DevTools' simulator sends with `wx.request` to a local server, as captured from
 * DevTools 1.06.2401020 (a GET to localhost; public capture, see docs/api.md "Local host"): no
 * `Origin`, a `Referer` of https://servicewechat.com/{appid}/devtools/page-frame.html, Chromium's
 * Sec-Fetch-* headers. The AppID here is the project's `touristappid` (project.config.json).
 */
const DEVTOOLS = {
  'user-agent':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1 wechatdevtools/1.06.2401020 MicroMessenger/8.0.5 webview/',
  'content-type': 'application/json',
  accept: '*/*',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  referer: 'https://servicewechat.com/touristappid/devtools/page-frame.html',
  'accept-encoding': 'gzip, deflate, br',
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

let db: Db;
let host: LocalHost;
let port: number;
const logs: Record<string, unknown>[] = [];

/** One HTTP exchange with exactly these headers (`host: null` sends none at all). */
function exchange(method: string, path: string, headers: Record<string, string | null> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { host: hostHeader, ...rest } = headers;
    const sent: Record<string, string> = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== null));
    if (hostHeader !== null) sent.host = hostHeader ?? `127.0.0.1:${port}`;
    if (body !== undefined) sent['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port, method, path, headers: sent, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const placesCount = () => db.prepare('SELECT count(*) FROM places').pluck().get() as number;
const upsert = (id: string) =>
  JSON.stringify({ action: 'upsertPlaces', places: [{ kind: 'bike', id, code: id, lat: 31.23, lng: 121.47, status: 'available' }] });
const corsHeaders = (a: Answer) => Object.keys(a.headers).filter((h) => h.startsWith('access-control-'));

beforeAll(async () => {
  db = openDatabase(':memory:');
  const sandbox = sandboxPayments();
  const ports = sqlitePorts(db, { pay: { ok: true, payments: sandbox } });
  host = createHost({ ports, admins: new Set([ADMIN]), clock: 'header', sandbox, log: (line) => logs.push(line) });
  const url = await host.listen(0);
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await host.close();
  db.close();
});
beforeEach(() => {
  logs.length = 0;
});

describe("WeChat's clients and this machine's tools are served", () => {
  it("serves DevTools' wx.request as it sends it (no Origin, a servicewechat.com Referer), with no CORS grant", async () => {
    const before = placesCount();
    const res = await exchange('POST', '/functions/admin', { ...DEVTOOLS, 'x-wx-openid': ADMIN, 'x-nearby-now': NOW }, upsert('DEVTOOLS-1'));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, data: { upserted: 1 } });
    expect(placesCount()).toBe(before + 1);
    expect(corsHeaders(res)).toEqual([]);
  });

  it("serves a device's wx.request (Origin https://servicewechat.com) and DevTools at localhost", async () => {
    const device = await exchange(
      'POST',
      '/functions/geo',
      { ...DEVTOOLS, origin: 'https://servicewechat.com' },
      JSON.stringify({ action: 'nearby', kind: 'bike', lat: 31.23, lng: 121.47 }),
    );
    expect(device.status).toBe(200);
    expect(device.json.ok).toBe(true);
    const local = await exchange('GET', '/healthz', { ...DEVTOOLS, host: `localhost:${port}` });
    expect(local.status).toBe(200);
  });

  it.each([
    ['curl, no Origin, Host 127.0.0.1:port', {}],
    ['Host without its port', { host: '127.0.0.1' }],
    ['Host localhost', { host: `localhost:${0}` }],
    ['Host [::1]', { host: '[::1]' }],
    ['Host LOCALHOST (names are case-insensitive)', { host: 'LOCALHOST' }],
    ['a loopback page on another port', { origin: 'http://127.0.0.1:5173' }],
    ['a localhost page', { origin: 'http://localhost:3000' }],
  ])('serves %s', async (_what, headers: Record<string, string>) => {
    const h = headers.host === 'localhost:0' ? { ...headers, host: `localhost:${port}` } : headers;
    const res = await exchange('GET', '/healthz', h);
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(corsHeaders(res)).toEqual([]);
  });
});

describe('a web page or a rebound DNS name is 403 before any function runs, and writes nothing', () => {
  const foreign: [string, Record<string, string | null>][] = [
    ['a web page over https', { origin: 'https://evil.example' }],
    ['a web page over http', { origin: 'http://evil.example:8787' }],
    ['an opaque origin (sandboxed frame, file:, a no-referrer form)', { origin: 'null' }],
    ["a look-alike of WeChat's origin", { origin: 'https://servicewechat.com.evil.example' }],
    ["WeChat's origin over http", { origin: 'http://servicewechat.com' }],
    ['a name that resolves to loopback', { origin: 'http://127.0.0.1.nip.io:8787' }],
    ['a loopback origin over https', { origin: 'https://localhost:8443' }],
    ['two origins in one header', { origin: 'https://servicewechat.com, https://evil.example' }],
    ['DNS rebinding (Host names the attacker)', { host: 'evil.example:0' }],
    ['a Host of another port', { host: '127.0.0.1:1' }],
    ['a Host of the LAN address', { host: '192.168.1.20:0' }],
    ['a Host that only starts like loopback', { host: 'localhost.evil.example' }],
  ];
  const fix = (headers: Record<string, string | null>) =>
    headers.host?.endsWith(':0') ? { ...headers, host: headers.host.replace(/:0$/, `:${port}`) } : headers;

  it.each(foreign)('refuses %s on a function that writes', async (_what, headers) => {
    const before = placesCount();
    const res = await exchange('POST', '/functions/admin', { 'content-type': 'application/json', 'x-wx-openid': ADMIN, ...fix(headers) }, upsert('EVIL'));
    expect(res.status).toBe(403);
    const header = 'origin' in headers ? 'Origin' : 'Host';
    expect(res.json).toEqual({ ok: false, error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(new RegExp(`^${header}: `)) } });
    expect(corsHeaders(res)).toEqual([]);
    expect(placesCount()).toBe(before);
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', at: 'host', refused: header.toLowerCase() })]);
  });

  it("leaves a request with no Host at all to Node's own refusal (HTTP/1.1 requires it): 400, nothing written", async () => {
    const before = placesCount();
    const res = await exchange('POST', '/functions/admin', { 'x-wx-openid': ADMIN, host: null }, upsert('NO-HOST'));
    expect(res.status).toBe(400);
    expect(placesCount()).toBe(before);
  });

  it('refuses a foreign page on every route: health, outbox, sandbox pay, payNotify, a CORS preflight', async () => {
    const evil = { origin: 'https://evil.example' };
    for (const [method, path] of [
      ['GET', '/healthz'],
      ['GET', '/outbox'],
      ['POST', '/sandbox/pay/ORDER1'],
      ['POST', '/pay/notify'],
      ['OPTIONS', '/functions/admin'],
      ['GET', '/nowhere'],
    ]) {
      const res = await exchange(method, path, { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-wx-openid' });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(corsHeaders(res)).toEqual([]);
    }
  });

  it('grants no preflight to anybody: OPTIONS without an Origin is 405, with no Access-Control-* header', async () => {
    const res = await exchange('OPTIONS', '/functions/geo', { 'access-control-request-method': 'POST' });
    expect(res.status).toBe(405);
    expect(res.json).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/POST/) } });
    expect(corsHeaders(res)).toEqual([]);
  });
});

describe('a path that does not decode is 404 everywhere, never a stack in the log', () => {
  it.each(['/sandbox/pay/%ZZ', '/sandbox/pay/%E0%A4%A', '/functions/%ZZ', '/%ZZ', '/pay/%ZZ'])('%s', async (path) => {
    const res = await exchange('POST', path, {}, '{}');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(NOT_FOUND|INVALID_ARGUMENT)$/) } });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(JSON.stringify(logs)).not.toMatch(/URIError|at .*\.ts:\d+/);
  });
});
