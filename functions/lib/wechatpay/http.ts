/**
 * payNotify's HTTP edges: CloudBase's HTTP-access event in, its answer out (API.md, "Function
 * payNotify"). WeChat Pay takes a 200 or 204 as "handled" and sends anything else again later: a
 * notification we refuse (forged, stale, malformed) answers 4xx and is refused again each time, a
 * failure of ours answers 5xx; both with WeChat Pay's `{ code: "FAIL", message }` body.
 */
import type { ReceivedNotification } from '../ports';

/** CloudBase HTTP access's event for a function: the raw request. */
export interface HttpAccessEvent {
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface HttpAccessAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** WeChat Pay posts notifications as JSON and no bigger than this; a larger body is not one. */
export const MAX_NOTIFICATION_BYTES = 64 * 1024;

/**
 * The notification in an HTTP-access event: the headers as they came and the body byte for byte
 * (decoded when CloudBase base64-encoded it), since the signature covers the exact body.
 */
export function receivedFromHttpEvent(event: unknown): { ok: true; received: ReceivedNotification } | { ok: false; answer: HttpAccessAnswer } {
  if (typeof event !== 'object' || event === null) return { ok: false, answer: notifyRefused(400, 'not an HTTP access event') };
  const e = event as HttpAccessEvent;
  if (e.httpMethod !== undefined && e.httpMethod.toUpperCase() !== 'POST') return { ok: false, answer: notifyRefused(405, 'notifications are POSTed') };
  if (typeof e.body !== 'string' || e.body === '') return { ok: false, answer: notifyRefused(400, 'no body') };
  const body = e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
  if (Buffer.byteLength(body, 'utf8') > MAX_NOTIFICATION_BYTES) return { ok: false, answer: notifyRefused(413, 'the body is too large for a notification') };
  const headers = typeof e.headers === 'object' && e.headers !== null ? e.headers : {};
  return { ok: true, received: { headers, body } };
}

/** Handled (or already handled before): WeChat Pay stops sending it. */
export function notifyHandled(): HttpAccessAnswer {
  return { statusCode: 204, headers: {}, body: '' };
}

/** Not handled: 4xx for a notification we refuse, 5xx for a failure of ours (WeChat Pay sends it again later). */
export function notifyRefused(statusCode: number, message: string): HttpAccessAnswer {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'FAIL', message: message.slice(0, 200) }) };
}
