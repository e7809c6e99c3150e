/**
 * A local HTTP server that plays WeChat's server API for the messenger's tests, with the semantics
 * of its documentation (docs/reminders.md lists them):
 *
 * - `POST /cgi-bin/stable_token`: wrong AppID 40013, wrong secret 40125; normal mode returns the
 *   current token with its remaining `expires_in`, and a new one once the current one is in its
 *   last 5 minutes (the old one stays valid until it expires); `force_refresh` invalidates the
 *   current token and issues a new one. Calls less than 30 s apart or past 20 a day are counted
 *   as violations for the tests to assert none (and still answered: WeChat documents the limit,
 *   not its answer).
 * - `POST /cgi-bin/message/subscribe/send?access_token=`: 41001 without a token, 42001 for an
 *   expired token, 40001 for one never issued or invalidated; 40037 unknown template, 40003 unknown
 *   openid, 41030 a page the mini program does not have, 47003 data missing a keyword or out of a
 *   field's limits (the hint names the field), 43101 when the user has no subscription left for the
 *   template (each accepted subscription allows one send, used by a delivered message).
 * - Faults: the IP allow-list (40164 for every call), a 500, WeChat busy (-1), a slow answer (the
 *   message is still delivered: the caller cannot know), and a token WeChat rejects on sends while
 *   normal mode keeps returning it (the case `force_refresh` exists for).
 *
 * The clock is the caller's (`now`), so tests move time without waiting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fieldProblem } from '../../shared/subscribe-message';

/**
 * The keywords of the public-library templates that shared/subscribe-message.ts's default field
 * maps are laid out for, as WeChat's console lists them (written out here, not read from our maps).
 */
const LIBRARY_KEYWORDS = {
  bookingReminder: ['thing1', 'time2', 'character_string3', 'thing4'],
  bookingConfirmed: ['thing1', 'time2', 'phrase3', 'character_string4'],
  billDue: ['thing1', 'amount2', 'date3', 'thing4'],
};

/** `templates` for `startWechatApi`: each given template id with its library template's keywords. */
export function libraryTemplates(ids: Partial<Record<keyof typeof LIBRARY_KEYWORDS, string>>): Record<string, string[]> {
  const templates: Record<string, string[]> = {};
  for (const [key, id] of Object.entries(ids)) if (id) templates[id] = LIBRARY_KEYWORDS[key as keyof typeof LIBRARY_KEYWORDS];
  return templates;
}

export type SendFault = 'http500' | 'busy' | 'slow' | 'ip';
export type TokenFault = 'http500' | 'slow' | 'ip';

export interface WechatApiOptions {
  appId: string;
  appSecret: string;
  /** Template id -> its keywords (`['thing1', 'time2']`). */
  templates: Record<string, string[]>;
  /** Page paths of the mini program (app.json), without query. */
  pages: string[];
  /** Milliseconds since the epoch. */
  now: () => number;
  tokenLifeSec?: number;
  /** How long a `slow` fault holds the answer. */
  slowMs?: number;
  /** How long every answer to a send takes (WeChat's own time, for benches: 0, answered at once, by default). */
  latencyMs?: number;
}

export interface Delivered {
  openid: string;
  templateId: string;
  page: string | undefined;
  data: Record<string, { value: string }>;
  miniprogramState: string | undefined;
  lang: string | undefined;
}

interface IssuedToken {
  value: string;
  expiresAtMs: number;
  invalidated: boolean;
}

export interface WechatApiServer {
  url: string;
  close(): Promise<void>;
  /** The user accepted `count` one-time subscriptions of a template. */
  subscribe(openid: string, templateId: string, count?: number): void;
  subscriptionsLeft(openid: string, templateId: string): number;
  delivered: Delivered[];
  calls: { normalToken: number; forceToken: number; send: number };
  forceRefreshViolations: string[];
  /** The next sends meet these faults, in order. */
  failNextSends(...faults: SendFault[]): void;
  failNextTokens(...faults: TokenFault[]): void;
  /** Every call answers 40164 until turned off. */
  setIpAllowed(allowed: boolean): void;
  /** Sends with the current token answer 40001 while normal mode still returns it. */
  poisonCurrentToken(): void;
  currentToken(): string | null;
}

const FIVE_MIN_MS = 5 * 60_000;

export async function startWechatApi(options: WechatApiOptions): Promise<WechatApiServer> {
  const lifeMs = (options.tokenLifeSec ?? 7200) * 1000;
  const slowMs = options.slowMs ?? 2000;
  const tokens: IssuedToken[] = [];
  const poisoned = new Set<string>();
  const subscriptions = new Map<string, number>();
  const knownUsers = new Set<string>();
  const sendFaults: SendFault[] = [];
  const tokenFaults: TokenFault[] = [];
  let ipAllowed = true;
  let serial = 0;
  let lastForceMs = Number.NEGATIVE_INFINITY;
  const forceDays = new Map<string, number>();
  const delivered: Delivered[] = [];
  const calls = { normalToken: 0, forceToken: 0, send: 0 };
  const forceRefreshViolations: string[] = [];
  const pending = new Set<NodeJS.Timeout>();

  const rid = () => `rid: ${(++serial).toString(16).padStart(8, '0')}-local`;
  const current = (): IssuedToken | null => {
    const last = tokens[tokens.length - 1];
    return last && !last.invalidated && last.expiresAtMs > options.now() ? last : null;
  };
  const issue = (): IssuedToken => {
    const token = { value: `TOKEN_${++serial}_${Math.random().toString(36).slice(2, 10)}`, expiresAtMs: options.now() + lifeMs, invalidated: false };
    tokens.push(token);
    return token;
  };
  const json = (res: ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8' });
    res.end(JSON.stringify(body));
  };
  const later = (fn: () => void) => {
    const t = setTimeout(() => {
      pending.delete(t);
      fn();
    }, slowMs);
    pending.add(t);
  };
  const ipRefusal = (res: ServerResponse) => json(res, { errcode: 40164, errmsg: `invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist ${rid()}` });

  function stableToken(body: Record<string, unknown>, res: ServerResponse) {
    const force = body.force_refresh === true;
    if (force) calls.forceToken += 1;
    else calls.normalToken += 1;
    const fault = tokenFaults.shift();
    if (!ipAllowed || fault === 'ip') return ipRefusal(res);
    if (fault === 'http500') return json(res, { message: 'internal error' }, 500);
    if (body.grant_type !== 'client_credential') return json(res, { errcode: 40002, errmsg: `invalid grant_type ${rid()}` });
    if (body.appid !== options.appId) return json(res, { errcode: 40013, errmsg: `invalid appid ${rid()}` });
    if (body.secret !== options.appSecret) return json(res, { errcode: 40125, errmsg: `invalid appsecret ${rid()}` });
    let token: IssuedToken;
    if (force) {
      const t = options.now();
      const day = new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
      const today = (forceDays.get(day) ?? 0) + 1;
      forceDays.set(day, today);
      if (t - lastForceMs < 30_000) forceRefreshViolations.push(`force_refresh ${Math.round((t - lastForceMs) / 1000)} s after the last one`);
      if (today > 20) forceRefreshViolations.push(`force_refresh number ${today} of the day`);
      lastForceMs = t;
      const was = current();
      if (was) was.invalidated = true;
      token = issue();
    } else {
      const live = current();
      token = live && live.expiresAtMs - options.now() > FIVE_MIN_MS ? live : issue();
    }
    const answer = () => json(res, { access_token: token.value, expires_in: Math.floor((token.expiresAtMs - options.now()) / 1000) });
    if (fault === 'slow') later(answer);
    else answer();
  }

  function send(query: URLSearchParams, body: Record<string, unknown>, res: ServerResponse) {
    calls.send += 1;
    const fault = sendFaults.shift();
    if (!ipAllowed || fault === 'ip') return ipRefusal(res);
    if (fault === 'http500') return json(res, { message: 'internal error' }, 500);
    if (fault === 'busy') return json(res, { errcode: -1, errmsg: `system error ${rid()}` });
    const value = query.get('access_token');
    if (!value) return json(res, { errcode: 41001, errmsg: `access_token missing ${rid()}` });
    const token = tokens.find((t) => t.value === value);
    if (!token || token.invalidated || poisoned.has(value))
      return json(res, { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest ${rid()}` });
    if (token.expiresAtMs <= options.now()) return json(res, { errcode: 42001, errmsg: `access_token expired ${rid()}` });
    const openid = typeof body.touser === 'string' ? body.touser : '';
    const templateId = typeof body.template_id === 'string' ? body.template_id : '';
    const keywords = options.templates[templateId];
    if (!keywords) return json(res, { errcode: 40037, errmsg: `invalid template_id ${rid()}` });
    if (!knownUsers.has(openid)) return json(res, { errcode: 40003, errmsg: `invalid openid ${rid()}` });
    const page = typeof body.page === 'string' ? body.page : undefined;
    if (page !== undefined && page !== '' && !options.pages.includes(page.split('?')[0].replace(/^\//, '')))
      return json(res, { errcode: 41030, errmsg: `invalid page ${rid()}` });
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, { value?: unknown }>;
    for (const keyword of keywords) {
      const field = data[keyword];
      const problem = field === undefined ? `data.${keyword}.value is empty` : fieldProblem(keyword, field?.value);
      if (problem !== null) return json(res, { errcode: 47003, errmsg: `argument invalid! data.${keyword}.value invalid (${problem}) ${rid()}` });
    }
    const key = `${openid}|${templateId}`;
    const left = subscriptions.get(key) ?? 0;
    if (left < 1) return json(res, { errcode: 43101, errmsg: `user refuse to accept the msg ${rid()}` });
    subscriptions.set(key, left - 1);
    delivered.push({
      openid,
      templateId,
      page,
      data: data as Record<string, { value: string }>,
      miniprogramState: typeof body.miniprogram_state === 'string' ? body.miniprogram_state : undefined,
      lang: typeof body.lang === 'string' ? body.lang : undefined,
    });
    const answer = () => json(res, { errcode: 0, errmsg: 'ok' });
    // Slow: WeChat took the message; only the answer is late.
    if (fault === 'slow') later(answer);
    else if (options.latencyMs) setTimeout(answer, options.latencyMs);
    else answer();
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
      } catch {
        return json(res, { errcode: 47001, errmsg: `data format error ${rid()}` });
      }
      if (req.method !== 'POST') return json(res, { errcode: 43002, errmsg: `require POST method ${rid()}` });
      if (url.pathname === '/cgi-bin/stable_token') return stableToken(body, res);
      if (url.pathname === '/cgi-bin/message/subscribe/send') return send(url.searchParams, body, res);
      return json(res, { errcode: 404, errmsg: 'not found' }, 404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    subscribe(openid, templateId, count = 1) {
      knownUsers.add(openid);
      const key = `${openid}|${templateId}`;
      subscriptions.set(key, (subscriptions.get(key) ?? 0) + count);
    },
    subscriptionsLeft: (openid, templateId) => subscriptions.get(`${openid}|${templateId}`) ?? 0,
    delivered,
    calls,
    forceRefreshViolations,
    failNextSends: (...faults) => void sendFaults.push(...faults),
    failNextTokens: (...faults) => void tokenFaults.push(...faults),
    setIpAllowed(allowed) {
      ipAllowed = allowed;
    },
    poisonCurrentToken() {
      const live = current();
      if (live) poisoned.add(live.value);
    },
    currentToken: () => current()?.value ?? null,
  };
}
