/**
 * The typed client of the cloud-function contract (API.md). The only module that sends requests:
 * pages call the typed wrappers below and get `Result` values, never exceptions.
 *
 * Add a wrapper per action in a service module of your domain (services/bookings.ts, ...):
 *   export const createBooking = (p: CreateParams) => callFunction<{ booking: Booking }>('bookings', { action: 'create', ...p });
 */
import { config } from '../config';
import type { AppError, GetResult, NearbyItem, NearbyParams, NearbyResult, Result, SearchResult } from '../shared/index';

export type { AppError, Result };

/** The cloud functions a client may call (those that exist: cloudbaserc.json lists them; timer and HTTP-only functions are not callable). */
export type FunctionName = 'geo' | 'bookings' | 'rides' | 'bills' | 'subscriptions' | 'admin';

/** An event: the action and its parameters. */
export interface ActionEvent {
  action: string;
  [param: string]: unknown;
}

/** What pages show when the server cannot be reached; they offer a retry. */
export const UNREACHABLE_MESSAGE = '无法连接服务器，请检查网络后重试';

const TIMEOUT_MS = 10000;

/**
 * Calls `name` with `{ action, ...params }` and resolves to its `Result`. Transport failures
 * (no network, local host down, a non-contract answer) become `{ ok: false, error: { code: 'INTERNAL' } }`.
 */
export function callFunction<T>(name: FunctionName, data: ActionEvent): Promise<Result<T>> {
  return config.mode === 'cloud' ? viaCloud<T>(name, data) : viaLocalHost<T>(name, data);
}

function viaCloud<T>(name: FunctionName, data: ActionEvent): Promise<Result<T>> {
  return new Promise((resolve) => {
    wx.cloud.callFunction({
      name,
      data,
      success: (res) => resolve(asResult<T>(res.result)),
      fail: (err) => resolve(unreachable(err && err.errMsg)),
    });
  });
}

function viaLocalHost<T>(name: FunctionName, data: ActionEvent): Promise<Result<T>> {
  return new Promise((resolve) => {
    wx.request({
      url: `${config.localUrl}/functions/${name}`,
      method: 'POST',
      data,
      header: { 'content-type': 'application/json', 'X-WX-OPENID': config.localOpenid },
      timeout: TIMEOUT_MS,
      // The host answers 200 with the result, and 400 with the same error shape for a bad body.
      success: (res) => resolve(asResult<T>(res.data, res.statusCode)),
      fail: (err) => resolve(unreachable(err && err.errMsg)),
    });
  });
}

function unreachable(detail?: string): Result<never> {
  if (detail) console.warn('[api] transport failure:', detail);
  return { ok: false, error: { code: 'INTERNAL', message: UNREACHABLE_MESSAGE, reason: 'UNREACHABLE' } };
}

/** Accepts only contract-shaped answers: anything else is a server fault the page can retry. */
function asResult<T>(body: unknown, statusCode?: number): Result<T> {
  const answer = typeof body === 'string' ? parseJson(body) : body;
  if (answer && typeof answer === 'object') {
    const r = answer as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    if (r.ok === true && 'data' in r) return answer as Result<T>;
    if (r.ok === false && r.error && typeof r.error.code === 'string' && typeof r.error.message === 'string') {
      return answer as Result<T>;
    }
  }
  const status = statusCode === undefined ? '' : `（HTTP ${statusCode}）`;
  return { ok: false, error: { code: 'INTERNAL', message: `服务器返回了无法识别的结果${status}，请稍后重试` } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- geo ----

/** `geo.nearby` parameters; `radius` (m, default 3000) and `limit` (default 20) may be left out. */
export type NearbyQuery = Omit<NearbyParams, 'radius' | 'limit'> & { radius?: number; limit?: number };

export type { NearbyItem, NearbyResult };

/** Places of one kind around a position, nearest first. */
export function nearby(query: NearbyQuery): Promise<Result<NearbyResult>> {
  return callFunction<NearbyResult>('geo', { action: 'nearby', ...query });
}

/** `geo.search` parameters: the text (1 to 40 characters), nearest first from `lat`/`lng` when given. */
export interface SearchQuery {
  q: string;
  kind?: 'store' | 'station';
  lat?: number;
  lng?: number;
  limit?: number;
}

/** Stores (or stations) whose name or address holds the text. */
export function search(query: SearchQuery): Promise<Result<SearchResult>> {
  return callFunction<SearchResult>('geo', { action: 'search', ...query });
}

/** One store or station by id (shared links), with its distance from `lat`/`lng` when given. */
export function getPlace(query: { kind: 'store' | 'station'; id: string; lat?: number; lng?: number }): Promise<Result<GetResult>> {
  return callFunction<GetResult>('geo', { action: 'get', ...query });
}
