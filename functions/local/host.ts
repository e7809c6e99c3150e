import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { functionActions, timerFunctions } from '../lib/actions';
import type { Ports } from '../lib/ports';
import { serve, serveTimer, type Main } from '../lib/serve';
import { startTimers } from './timers';
import { fail } from '../../shared/result';
import { checkInstant } from '../../shared/time';
import { localWorld, type LocalContext } from './world';
import { servePayNotify, type PayNotifyMain } from '../lib/actions/pay-notify';
import type { HttpAccessAnswer, HttpAccessEvent } from '../lib/wechatpay/http';
import type { SandboxPayments } from '../lib/wechatpay/sandbox';
import { sandboxPay } from '../lib/wechatpay/sandbox-route';
import type { BackendName } from './backend';
import { localUploads } from './uploads';

/** Where the local host serves `payNotify` as CloudBase HTTP access does (docs/deploy.md's path); `/functions/payNotify` too. */
export const PAY_NOTIFY_PATH = '/pay/notify';

/** The cloud's own limit for an event. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** How long the host keeps an idle keep-alive socket (its `Keep-Alive: timeout=65` hint); see createHost. */
export const KEEP_ALIVE_MS = 65_000;

export interface HostOptions {
  ports: Ports;
  /** The adapters behind `ports` (NEARBY_BACKEND), as `GET /healthz` names them; `sqlite` when not said. */
  backend?: BackendName;
  admins: ReadonlySet<string>;
  /** `header` lets a request set "now" with `X-Nearby-Now` (demos and tests only). */
  clock: 'system' | 'header';
  /**
   * Fires the timer functions (the sweeper) on their schedule, as the cloud does: on with
   * `npm start` (NEARBY_TIMERS=off turns it off), off unless asked (tests call them directly).
   */
  timers?: boolean;
  /** The sandbox behind `ports.pay` (NEARBY_PAY=sandbox): serves `POST /sandbox/pay/{outTradeNo}`. */
  sandbox?: SandboxPayments;
  log?: (line: Record<string, unknown>) => void;
}

export interface LocalHost {
  server: Server;
  functions: Record<string, Main>;
  /** `payNotify`, as HTTP access calls it. */
  payNotify: PayNotifyMain;
  /** Starts listening on 127.0.0.1 (port 0 picks a free one); resolves to the base URL. */
  listen(port: number): Promise<string>;
  close(): Promise<void>;
}

class BadRequest extends Error {}

/** The local cloud: HTTP in front of the same functions the cloud runs, on the embedded database. */
export function createHost(options: HostOptions): LocalHost {
  const log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const world = localWorld(options.ports, options.admins, log);
  const functions: Record<string, Main> = {
    ...Object.fromEntries(Object.entries(functionActions).map(([name, actions]) => [name, serve(name, actions, world)])),
    ...Object.fromEntries(Object.entries(timerFunctions).map(([name, timer]) => [name, serveTimer(name, timer.run, world)])),
  };
  const payNotify = servePayNotify(world);
  // The host's own clock, for the timers it fires: the system clock, or with NEARBY_CLOCK=header the
  // latest X-Nearby-Now run on since it was seen (a demo's "now" is where its requests put it).
  let lastHeader: { at: number; seen: number } | null = null;
  const hostNow = () => (lastHeader ? new Date(lastHeader.at + (Date.now() - lastHeader.seen)) : new Date());
  const timers = options.timers ? startTimers(functions, log, hostNow) : null;
  // Report photos (wx.cloud.uploadFile's stand-in): functions/local/uploads.ts.
  const uploads = localUploads();

  // The port this host listens on, once it does: a Host header naming another port is no request for us.
  let boundPort: number | null = null;
  const server = createServer((req, res) => {
    // A web page (a foreign Origin) or a rebound DNS name (a foreign Host) never reaches a route:
    // nothing runs, nothing is written, not even the header clock (API.md "Calling").
    const refused = foreignRequest(req.headers, boundPort);
    if (refused !== null) {
      log({ level: 'warn', at: 'host', refused: refused.header, method: req.method, value: refused.value.slice(0, 120) });
      req.resume();
      return send(res, 403, fail('PERMISSION_DENIED', refused.message), true);
    }
    route(req, res).catch((err) => {
      log({ level: 'error', error: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) send(res, 500, fail('INTERNAL', 'internal error'));
    });
  });

  // Keep-alive: Node 20 says `Keep-Alive: timeout=5` by default and closes an idle socket at 6 s;
  // fetch (undici) drops it 2 s before the hint (3 s idle), counted from when it READ the answer,
  // while the server counts from when it WROTE it. In one busy process (the tests: host and client
  // share an event loop; a batch of requests handled back to back) the two can be more than 3 s
  // apart: the server closes first, and a request sent on that socket before its FIN is read fails
  // (ECONNRESET / UND_ERR_SOCKET; seen once at load 9 in reminders-scale). At 65 s no idle gap of a
  // test comes near it (undici keeps 63 s from the hint); headersTimeout stays above it as Node asks.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/healthz') return send(res, 200, { ok: true, backend: options.backend ?? 'sqlite' });
    if (url.pathname.startsWith('/uploads') && (await uploads.serve(req, res, url.pathname))) return;
    if (url.pathname === '/outbox') {
      // The local messenger's outbox (API.md, reminders): every message "sent", oldest first.
      if (req.method !== 'GET') return send(res, 405, fail('INVALID_ARGUMENT', 'use GET'));
      const outbox = options.ports.notify.outbox;
      if (!outbox) return send(res, 404, fail('NOT_FOUND', 'no outbox: this host sends subscribe messages to WeChat (NEARBY_MESSENGER=wechat)'));
      return send(res, 200, { messages: outbox.messages() });
    }
    if (url.pathname === PAY_NOTIFY_PATH || url.pathname === '/functions/payNotify') return servePayNotifyHttp(req, res, url);
    const sandboxPath = /^\/sandbox\/pay\/([^/]+)$/.exec(url.pathname);
    if (sandboxPath && options.sandbox) {
      if (req.method !== 'POST') return send(res, 405, fail('INVALID_ARGUMENT', 'use POST'));
      let context: LocalContext;
      try {
        context = contextOf(req);
        await readBody(req);
      } catch (err) {
        if (err instanceof BadRequest) return send(res, 400, fail('INVALID_ARGUMENT', err.message), true);
        throw err;
      }
      const deliver = url.searchParams.get('deliver') !== 'false';
      // An order number that does not decode (%ZZ) names no order: 404, as an unknown one is.
      const outTradeNo = decoded(sandboxPath[1]);
      if (outTradeNo === null) return send(res, 404, fail('NOT_FOUND', `the sandbox has no order "${sandboxPath[1].slice(0, 40)}" (the path does not decode)`));
      const answer = await sandboxPay(options.sandbox, outTradeNo, {
        deliver,
        now: context.now,
        payNotify: (event) => payNotify(event, context),
      });
      return send(res, answer.status, answer.body);
    }
    const fn = /^\/functions\/([^/]+)$/.exec(url.pathname);
    if (fn) {
      if (req.method !== 'POST') return send(res, 405, fail('INVALID_ARGUMENT', 'use POST with a JSON body'));
      // A name that does not decode (%ZZ) names no function either.
      const name = decoded(fn[1]);
      const main = name !== null && Object.hasOwn(functions, name) ? functions[name] : undefined;
      if (!main)
        return send(res, 404, fail('INVALID_ARGUMENT', `unknown function "${(name ?? fn[1]).slice(0, 64)}" (known: ${Object.keys(functions).join(', ')})`));
      let event: unknown;
      let context: LocalContext;
      try {
        context = contextOf(req);
        event = parseJson(await readBody(req));
      } catch (err) {
        if (err instanceof BadRequest) return send(res, 400, fail('INVALID_ARGUMENT', err.message), true);
        throw err;
      }
      return send(res, 200, await main(event, context));
    }
    return send(res, 404, fail('NOT_FOUND', `no route ${req.method} ${url.pathname}`));
  }

  /** HTTP access: the raw request becomes the event; the function's status, headers and body the answer. */
  async function servePayNotifyHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let context: LocalContext;
    let body: Buffer;
    try {
      context = contextOf(req);
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BadRequest)
        return sendAnswer(res, {
          statusCode: 400,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: 'FAIL', message: err.message }),
        });
      throw err;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const event: HttpAccessEvent = { httpMethod: req.method ?? 'POST', path: url.pathname, headers, body: body.toString('utf8'), isBase64Encoded: false };
    return sendAnswer(res, await payNotify(event, { ...context, openid: null }));
  }

  function contextOf(req: IncomingMessage): LocalContext {
    const openid = String(req.headers['x-wx-openid'] ?? '').trim();
    let now = new Date();
    const header = req.headers['x-nearby-now'];
    if (options.clock === 'header' && typeof header === 'string' && header !== '') {
      // The contract's own instant: an offset or Z is required (never the host machine's zone), every field real.
      const checked = checkInstant(header.trim());
      if (!checked.ok) throw new BadRequest(`X-Nearby-Now: ${checked.message}`);
      now = new Date(checked.value);
      lastHeader = { at: now.getTime(), seen: Date.now() };
    }
    return { openid: openid === '' ? null : openid, now };
  }

  return {
    server,
    functions,
    payNotify,
    listen(port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          const { port: actual } = server.address() as AddressInfo;
          boundPort = actual;
          resolve(`http://127.0.0.1:${actual}`);
        });
      });
    },
    close() {
      timers?.stop();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The names this host answers to: loopback only (a DNS name rebound to 127.0.0.1 is refused). */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i;
/** A loopback page's origin (a developer's own tool on this machine), any port. */
const LOOPBACK_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
/** What WeChat's clients send as their referrer and, on devices, as `Origin` (DevTools sends none). */
export const WECHAT_ORIGIN = 'https://servicewechat.com';

/**
 * Why a request is not one of this machine's tools (API.md "Calling"), or null when it may be
 * served. `Origin` absent (curl, scripts, the mini program in DevTools): served; `null` or an
 * http(s) origin other than WeChat's or a loopback page's: refused (a web page open in a browser).
 * `Host` other than 127.0.0.1, localhost or [::1], with no port or `port` (once the host
 * listens): refused (DNS rebinding). No answer of this host carries CORS grants, so a page that
 * gets past these checks still cannot read an answer.
 */
export function foreignRequest(headers: IncomingHttpHeaders, port: number | null): { header: 'origin' | 'host'; value: string; message: string } | null {
  const host = headers.host ?? '';
  const hostMatch = LOOPBACK_HOST.exec(host);
  if (!hostMatch || (hostMatch[1] !== undefined && port !== null && Number(hostMatch[1]) !== port)) {
    return {
      header: 'host',
      value: host,
      message: `Host: this local host serves 127.0.0.1, localhost or [::1]${port !== null ? ` (port ${port})` : ''} only, not "${host.slice(0, 64)}"`,
    };
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(origin)?.[1]?.toLowerCase();
  const web = origin.trim().toLowerCase() === 'null' || scheme === 'http' || scheme === 'https';
  if (!web || origin === WECHAT_ORIGIN || LOOPBACK_ORIGIN.test(origin)) return null;
  return {
    header: 'origin',
    value: origin,
    message: `Origin: this local host serves this machine's tools and WeChat's clients only, not a web page of "${origin.slice(0, 64)}"`,
  };
}

function decoded(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function sendAnswer(res: ServerResponse, answer: HttpAccessAnswer): void {
  res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Reads the body, refusing more than the cloud's 6 MiB without buffering it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      return reject(new BadRequest(`the body is larger than ${limit} bytes (6 MiB)`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BadRequest(`the body is larger than ${limit} bytes (6 MiB)`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest('the body must be JSON');
  }
}
