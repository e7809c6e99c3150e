/**
 * The WeChat messenger: `subscribeMessage.send` over HTTPS with an access token from
 * `stable_token` (docs/reminders.md has the sources and the error table).
 *
 * - `POST {base}/cgi-bin/stable_token` `{ grant_type: 'client_credential', appid, secret,
 *   force_refresh }` answers `{ access_token, expires_in }` (seconds, at most 7200). Normal mode
 *   returns the current valid token (renewed by WeChat in its last 5 minutes); force mode
 *   invalidates it and is limited to 20 calls a day, 30 s apart.
 * - The token is cached until its expiry less a margin. On 40001 / 42001 / 40014 the cache is
 *   dropped and the token fetched once in normal mode; only if the same token comes back is it
 *   forced, at most once per 30 s and 20 per Asia/Shanghai day for the AppID: the budget is a
 *   record in the database (`ForceRefreshLedger`, shared/force-refresh.ts) that every function
 *   instance takes from, not a counter of this instance. The send is then tried once more, never
 *   in a loop.
 * - `POST {base}/cgi-bin/message/subscribe/send?access_token=` `{ touser, template_id, page,
 *   data, miniprogram_state, lang }` answers `{ errcode, errmsg }`.
 *
 * Every answer becomes a `SendOutcome`; nothing WeChat or the network does throws. Log lines name
 * the cause and never carry the secret, the token or the openid.
 */
import type { ForceRefreshLedger, MessageToSend, Messenger, SendOutcome } from '../ports';
import { decideForceRefresh, FORCE_REFRESH_PER_DAY, FORCE_REFRESH_SPACING_MS, type ForceRefreshRecord } from '../../../shared/force-refresh';
import { TEMPLATE_ID_VARIABLES, blockedBy, type MessengerSettings, type SettingProblem } from './settings';

export interface WechatMessengerOptions {
  settings: MessengerSettings;
  /** From `readMessengerSettings`: a template a problem blocks is skipped, naming the variable. */
  problems?: readonly SettingProblem[];
  fetch?: typeof fetch;
  /**
   * The AppID's force_refresh budget, shared by every function instance (the database's record);
   * default: a budget of this messenger alone (`memoryForceRefreshLedger`), for tests and tools.
   */
  forceRefresh?: ForceRefreshLedger;
  /** Milliseconds since the epoch: token expiry and the force_refresh spacing are reckoned with it. */
  now?: () => number;
  log?: (line: Record<string, unknown>) => void;
}

/** Refetch this long before WeChat's expiry (WeChat renews a token in its last 5 minutes). */
export const TOKEN_MARGIN_MS = 5 * 60_000;
export { FORCE_REFRESH_PER_DAY, FORCE_REFRESH_SPACING_MS };

/** A force_refresh budget kept in memory: one process's own (the same rule as the database's). */
export function memoryForceRefreshLedger(): ForceRefreshLedger {
  const records = new Map<string, ForceRefreshRecord>();
  return {
    async take(appId, at) {
      const decision = decideForceRefresh(records.get(appId) ?? null, at.getTime());
      if (decision.ok) records.set(appId, decision.record);
      return decision;
    },
  };
}

/** Token errors of any API call: the token is not (or no longer) the valid one. */
const TOKEN_ERRORS = new Set([40001, 42001, 40014]);

/** Sends that can never succeed as they are. */
const PERMANENT: Record<number, string> = {
  47003: "template data breaks the template's field rules (47003; errmsg names the field)",
  41030: 'page is not a page of the released mini program (41030)',
  40003: 'openid is not a user of this AppID (40003)',
  40037: "template id is not one of this mini program's templates (40037)",
};

/** Our configuration, for the token or the send: no message can go until someone fixes it. */
const CONFIG: Record<number, string> = {
  40164: "this server's outbound IP is not on the mini program's API IP allow-list (40164; see docs/deploy.md)",
  40013: 'WECHAT_APPID is not a valid AppID (40013)',
  40125: "WECHAT_APPSECRET is not this AppID's secret (40125)",
  40243: 'the AppSecret is frozen (40243): reset it in the WeChat console',
  41002: 'the AppID is missing from the token request (41002)',
  41004: 'the AppSecret is missing from the token request (41004)',
  48001: 'this mini program is not authorised for the API (48001)',
};

type Answer =
  | { kind: 'answer'; httpStatus: number; body: Record<string, unknown> | null }
  | { kind: 'no-answer'; cause: string; maybeSent: boolean; code?: string };

/**
 * A connection the server closed under the request: most often a kept-alive socket WeChat closed
 * as fetch reused it (the server's idle timeout racing the client's). Whether the request was
 * read cannot be known, so a send is never retried for it (the reminder ledger retries, counting
 * it maybe sent); a normal-mode token fetch, which only reads the current token, is retried once.
 */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

interface CachedToken {
  token: string;
  /** When to stop using it (WeChat's expiry less the margin). */
  useUntilMs: number;
}

const errmsgOf = (body: Record<string, unknown> | null): string => (body && typeof body.errmsg === 'string' ? body.errmsg : '');
const errcodeOf = (body: Record<string, unknown> | null): number | null => (body && typeof body.errcode === 'number' ? body.errcode : null);

export function wechatMessenger(options: WechatMessengerOptions): Messenger {
  const { settings } = options;
  const problems = options.problems ?? [];
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: Record<string, unknown>) => console.log(JSON.stringify(line)));

  let cached: CachedToken | null = null;
  let inflight: Promise<TokenResult> | null = null;
  const replacements = new Map<string, Promise<TokenResult>>();
  const ledger = options.forceRefresh ?? memoryForceRefreshLedger();

  type TokenResult = { ok: true; token: string } | { ok: false; outcome: SendOutcome };

  async function post(path: string, body: unknown): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    try {
      const res = await fetchFn(`${settings.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await res.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        const json: unknown = JSON.parse(text);
        if (typeof json === 'object' && json !== null && !Array.isArray(json)) parsed = json as Record<string, unknown>;
      } catch {
        parsed = null;
      }
      return { kind: 'answer', httpStatus: res.status, body: parsed };
    } catch (err) {
      if (controller.signal.aborted) return { kind: 'no-answer', cause: `no answer within ${settings.timeoutMs} ms`, maybeSent: true };
      const code = (err as { cause?: { code?: string } }).cause?.code;
      // Refused or unresolved: the request never left, so WeChat cannot have taken it.
      const neverLeft = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
      return { kind: 'no-answer', cause: `network error${code ? ` ${code}` : ''}: ${(err as Error).message}`, maybeSent: !neverLeft, code };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The outcome of an answer that is not a success, for the token or the send. */
  function failureOf(answer: Answer, what: string, sending: boolean): SendOutcome {
    if (answer.kind === 'no-answer') return { status: 'retryable', cause: `${what}: ${answer.cause}`, maybeSent: sending && answer.maybeSent };
    const errcode = errcodeOf(answer.body);
    const errmsg = errmsgOf(answer.body);
    if (answer.httpStatus >= 500) return { status: 'retryable', cause: `${what}: WeChat answered HTTP ${answer.httpStatus}`, maybeSent: false };
    if (errcode === null) return { status: 'retryable', cause: `${what}: unexpected answer (HTTP ${answer.httpStatus}, no errcode)`, maybeSent: sending };
    if (errcode === 43101) return { status: 'no-quota', cause: `the user has no subscription left for this template (43101) ${errmsg}`.trim() };
    if (PERMANENT[errcode] !== undefined) return { status: 'permanent', errcode, cause: `${PERMANENT[errcode]} ${errmsg}`.trim() };
    if (CONFIG[errcode] !== undefined) return { status: 'config', errcode, cause: `${what}: ${CONFIG[errcode]} ${errmsg}`.trim() };
    if (errcode === -1) return { status: 'retryable', cause: `${what}: WeChat system busy (-1)`, maybeSent: false };
    return { status: 'retryable', cause: `${what}: errcode ${errcode} ${errmsg}`.trim(), maybeSent: false };
  }

  async function fetchToken(force: boolean): Promise<TokenResult> {
    const ask = () =>
      post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: settings.appId,
        secret: settings.appSecret,
        force_refresh: force,
      });
    let answer = await ask();
    // Normal mode only reads the current token: a reset connection is asked again, once (never a force_refresh).
    if (!force && answer.kind === 'no-answer' && answer.code !== undefined && RESET_CODES.has(answer.code)) {
      log({ at: 'messenger', event: 'token', mode: 'normal', retried: answer.code });
      answer = await ask();
    }
    const body = answer.kind === 'answer' ? answer.body : null;
    const token = body?.access_token;
    const expiresInSec = body?.expires_in;
    if (
      answer.kind === 'answer' &&
      answer.httpStatus < 300 &&
      typeof token === 'string' &&
      token !== '' &&
      typeof expiresInSec === 'number' &&
      expiresInSec > 0
    ) {
      const lifeMs = expiresInSec * 1000;
      // A token about to expire is used once, not cached: normal mode renews it in its last minutes.
      const margin = Math.min(TOKEN_MARGIN_MS, lifeMs / 2);
      cached = { token, useUntilMs: now() + lifeMs - margin };
      log({ at: 'messenger', event: 'token', mode: force ? 'force_refresh' : 'normal', expiresInSec });
      return { ok: true, token };
    }
    const outcome = failureOf(answer, force ? 'stable_token (force_refresh)' : 'stable_token', false);
    log({
      at: 'messenger',
      event: 'token',
      mode: force ? 'force_refresh' : 'normal',
      ok: false,
      outcome: outcome.status,
      cause: 'cause' in outcome ? outcome.cause : undefined,
    });
    return { ok: false, outcome };
  }

  /** The cached token, or one fetched (one request for every caller waiting on it). */
  function token(force = false): Promise<TokenResult> {
    if (!force && cached !== null && now() < cached.useUntilMs) return Promise.resolve({ ok: true, token: cached.token });
    if (inflight === null) {
      inflight = fetchToken(force).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  /** Whether a force refresh may go now (30 s apart, 20 a day, for the AppID); takes it from the shared budget when it may. */
  async function takeForceRefresh(appId: string): Promise<{ ok: true } | { ok: false; why: string }> {
    let decision: Awaited<ReturnType<ForceRefreshLedger['take']>>;
    try {
      decision = await ledger.take(appId, new Date(now()));
    } catch (err) {
      // The record cannot be read or written (the database, a conflict that outlasted the retries):
      // never force blind, the budget is the AppID's; the send is retried by the next run.
      return { ok: false, why: `the force_refresh record could not be taken (${(err as Error).message})` };
    }
    if (decision.ok) return { ok: true };
    if (decision.reason === 'SPACING')
      return { ok: false, why: `the last force_refresh was ${Math.round(decision.sinceLastMs / 1000)} s ago (WeChat allows one per 30 s)` };
    return { ok: false, why: `${FORCE_REFRESH_PER_DAY} force_refresh calls today already (WeChat's daily limit)` };
  }

  /** A token other than the rejected one: normal mode first, force_refresh only if WeChat repeats it. */
  async function findReplacement(rejected: string): Promise<TokenResult> {
    // Another send may have replaced it meanwhile.
    if (cached !== null && cached.token !== rejected && now() < cached.useUntilMs) return { ok: true, token: cached.token };
    if (cached?.token === rejected) cached = null;
    const current = await token();
    if (!current.ok || current.token !== rejected) return current;
    cached = null;
    const allowed = await takeForceRefresh(settings.appId ?? '');
    if (!allowed.ok)
      return {
        ok: false,
        outcome: {
          status: 'retryable',
          cause: `access token rejected and WeChat returns the same one; force_refresh not sent: ${allowed.why}`,
          maybeSent: false,
        },
      };
    return token(true);
  }

  /** One replacement per rejected token, shared by every send that met the rejection at once. */
  function replaceToken(rejected: string): Promise<TokenResult> {
    let replacement = replacements.get(rejected);
    if (replacement === undefined) {
      replacement = findReplacement(rejected).finally(() => replacements.delete(rejected));
      replacements.set(rejected, replacement);
    }
    return replacement;
  }

  function sendWith(accessToken: string, message: MessageToSend, templateId: string): Promise<Answer> {
    return post(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`, {
      touser: message.openid,
      template_id: templateId,
      page: message.page,
      data: message.data,
      miniprogram_state: settings.state,
      lang: 'zh_CN',
    });
  }

  const isTokenError = (answer: Answer): boolean => answer.kind === 'answer' && TOKEN_ERRORS.has(errcodeOf(answer.body) ?? 0);

  async function attempt(message: MessageToSend): Promise<SendOutcome> {
    const problem = blockedBy(problems, message.templateKey);
    if (problem !== null) return { status: 'config', cause: problem.message };
    // Settings built by hand (without their problems) get the same answers, not a request WeChat refuses.
    const templateId = settings.templateIds[message.templateKey];
    if (templateId === undefined) return { status: 'config', cause: `${TEMPLATE_ID_VARIABLES[message.templateKey]} is not set` };
    if (settings.appId === null || settings.appSecret === null)
      return { status: 'config', cause: `${settings.appId === null ? 'WECHAT_APPID' : 'WECHAT_APPSECRET'} is not set` };

    let current = await token();
    if (!current.ok) return current.outcome;
    let answer = await sendWith(current.token, message, templateId);
    if (isTokenError(answer)) {
      log({ at: 'messenger', event: 'token-rejected', errcode: answer.kind === 'answer' ? errcodeOf(answer.body) : null });
      current = await replaceToken(current.token);
      if (!current.ok) return current.outcome;
      answer = await sendWith(current.token, message, templateId);
      if (isTokenError(answer))
        return {
          status: 'retryable',
          cause: `access token rejected twice (errcode ${errcodeOf(answer.kind === 'answer' ? answer.body : null)})`,
          maybeSent: false,
        };
    }
    if (answer.kind === 'answer' && answer.httpStatus < 300 && errcodeOf(answer.body) === 0) return { status: 'sent' };
    return failureOf(answer, 'subscribeMessage.send', true);
  }

  return {
    async send(message) {
      const outcome = await attempt(message);
      const line: Record<string, unknown> = { at: 'messenger', event: 'send', templateKey: message.templateKey, outcome: outcome.status };
      if (outcome.status === 'permanent' || (outcome.status === 'config' && outcome.errcode !== undefined)) line.errcode = outcome.errcode;
      if (outcome.status !== 'sent') line.cause = outcome.cause;
      if (outcome.status === 'config' || outcome.status === 'permanent') line.level = 'error';
      log(line);
      return outcome;
    },
  };
}
