/**
 * `POST /sandbox/pay/{outTradeNo}` of the local host (API.md, "Function payNotify"): the sandbox
 * plays the payer. The order is paid in the sandbox and its signed notification is delivered to
 * payNotify as CloudBase's HTTP access would deliver it, answering payNotify's status; with
 * `?deliver=false` nothing is delivered and the notification itself is the answer, for tests
 * to deliver, replay or tamper with. An order the sandbox never saw is 404.
 */
import { fail } from '../../../shared/result';
import type { HttpAccessAnswer, HttpAccessEvent } from './http';
import type { SandboxPayments } from './sandbox';

export interface SandboxRouteAnswer {
  status: number;
  /** JSON to send: payNotify's body parsed when it is JSON, the notification with deliver=false, or an error. */
  body: unknown;
}

/** The HTTP-access event WeChat Pay's POST would become (headers lower-cased, as CloudBase gives them). */
export function httpEventOf(notification: { headers: Record<string, string | string[] | undefined>; body: string }, path = '/payNotify'): HttpAccessEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(notification.headers))
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return { httpMethod: 'POST', path, headers, body: notification.body, isBase64Encoded: false };
}

export async function sandboxPay(
  sandbox: SandboxPayments,
  outTradeNo: string,
  options: { deliver: boolean; now: Date; payNotify: (event: HttpAccessEvent) => Promise<HttpAccessAnswer> },
): Promise<SandboxRouteAnswer> {
  if (!sandbox.order(outTradeNo)) return { status: 404, body: fail('NOT_FOUND', `the sandbox has no order "${outTradeNo.slice(0, 40)}"`) };
  const paid = sandbox.pay(outTradeNo, options.now);
  if (!paid.ok) {
    const reason = paid.failure.kind === 'http' ? paid.failure.code : paid.failure.kind;
    return { status: 409, body: fail('FAILED_PRECONDITION', `the sandbox cannot pay "${outTradeNo.slice(0, 40)}": ${paid.failure.message}`, reason) };
  }
  if (!options.deliver) return { status: 200, body: { headers: paid.notification.headers, body: paid.notification.body } };
  const answer = await options.payNotify(httpEventOf(paid.notification));
  let body: unknown = answer.body;
  try {
    body = answer.body === '' ? null : JSON.parse(answer.body);
  } catch {
    // not JSON: passed on as text
  }
  return { status: answer.statusCode, body };
}
