/**
 * The real payments adapter: WeChat Pay API v3 over HTTPS with node:crypto and the runtime's fetch.
 * Every request is signed with the merchant key and bounded by the timeout; every 2xx answer is
 * verified with the key its `Wechatpay-Serial` names before it is read. Error answers (4xx, 5xx)
 * are reported as they are and never taken as a fact about an order: the use cases query (a
 * verified answer) before they act.
 */
import type { NewPayOrder, NewRefund, PayFailure, PayOutcome, Payments, ReceivedNotification } from '../ports';
import type { PayRefund, PayTransaction } from '../../../shared/payment';
import { authorizationHeader, epochSeconds, paymentArgs, randomNonce } from './crypto';
import { verifyNotification } from './notification';
import type { WechatpaySettings } from './settings';
import { checkSigned, wechatpayKeys } from './verifier';
import { orderProblem, outRefundNoProblem, outTradeNoProblem, type Read, refundFromWire, refundProblem, rfc3339Beijing, transactionFromWire } from './wire';

export interface WechatpayClientOptions {
  /** The HTTP client (the runtime's fetch). */
  fetch?: typeof fetch;
  /** The time that signs requests and judges answers' timestamps (the system clock). */
  clock?: () => Date;
}

const USER_AGENT = 'nearby-wechatpay/1 (node:crypto)';

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
function cutUtf8(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break;
    out += ch;
  }
  return out;
}

export function wechatpayClient(settings: WechatpaySettings, options: WechatpayClientOptions = {}): Payments {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  const keys = wechatpayKeys({ publicKey: settings.publicKey ?? undefined, certificates: settings.platformCertificates });
  const trust = { keys, apiV3Key: settings.apiV3Key };

  /** One signed request; a verified 2xx answer's JSON (null for an empty body) or a failure. */
  async function call(method: 'GET' | 'POST', path: string, payload?: object): Promise<PayOutcome<unknown>> {
    const url = `${settings.baseUrl}${path}`;
    const parsed = new URL(url);
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      Authorization: authorizationHeader({
        mchId: settings.mchId,
        serialNo: settings.merchantSerial,
        privateKey: settings.privateKey,
        method,
        url: parsed.pathname + parsed.search,
        body,
        timestampSec: epochSeconds(clock()),
        nonce: randomNonce(),
      }),
    };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    // With the public key configured, say so: WeChat Pay then signs its answer with that key.
    if (settings.publicKey) headers['Wechatpay-Serial'] = settings.publicKey.id;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
    let status: number;
    let text: string;
    let answerHeaders: Record<string, string>;
    try {
      const response = await doFetch(url, { method, headers, body: payload === undefined ? undefined : body, signal: controller.signal });
      status = response.status;
      answerHeaders = Object.fromEntries(response.headers.entries());
      text = await response.text();
    } catch (e) {
      if (timedOut) return fail({ kind: 'timeout', message: `${method} ${parsed.pathname} took longer than ${settings.timeoutMs} ms` });
      return fail({ kind: 'network', message: `${method} ${parsed.pathname}: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      clearTimeout(timer);
    }

    if (status < 200 || status >= 300) {
      const error = readError(text);
      return fail({ kind: 'http', status, code: error.code, message: error.message });
    }
    const signed = checkSigned(answerHeaders, text, clock(), keys);
    if (!signed.ok) return fail({ kind: 'bad-signature', message: `${method} ${parsed.pathname}: ${signed.refusal}: ${signed.message}` });
    if (text === '') return { ok: true, value: null };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return fail({ kind: 'malformed', message: `${method} ${parsed.pathname}: the answer is not JSON` });
    }
  }

  const mchQuery = `mchid=${encodeURIComponent(settings.mchId)}`;
  const orderPath = (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`;

  return {
    merchant: { mchId: settings.mchId, appId: settings.appId },

    createJsapiOrder: (order: NewPayOrder) =>
      unlessInvalid(orderProblem(order), async () => {
        const answer = await call('POST', '/v3/pay/transactions/jsapi', {
          appid: settings.appId,
          mchid: settings.mchId,
          description: cutUtf8(order.description || 'Nearby', 127),
          out_trade_no: order.outTradeNo,
          time_expire: rfc3339Beijing(order.expiresAt),
          ...(order.attach ? { attach: order.attach.slice(0, 128) } : {}),
          notify_url: settings.notifyUrl,
          amount: { total: order.amountFen, currency: 'CNY' },
          payer: { openid: order.payerOpenid },
        });
        if (!answer.ok) return answer;
        const prepayId = (answer.value as { prepay_id?: unknown } | null)?.prepay_id;
        if (typeof prepayId !== 'string' || prepayId === '') return fail({ kind: 'malformed', message: 'the JSAPI order answer has no prepay_id' });
        return { ok: true, value: { prepayId } };
      }),

    requestPaymentArgs(prepayId: string, now: Date) {
      return paymentArgs(settings.appId, prepayId, settings.privateKey, now);
    },

    queryOrder: (outTradeNo: string) =>
      unlessInvalid(outTradeNoProblem(outTradeNo), async () => {
        const answer = await call('GET', `${orderPath(outTradeNo)}?${mchQuery}`);
        return answer.ok ? readAs(transactionFromWire(answer.value)) : answer;
      }),

    closeOrder: (outTradeNo: string) =>
      unlessInvalid(outTradeNoProblem(outTradeNo), async () => {
        const answer = await call('POST', `${orderPath(outTradeNo)}/close`, { mchid: settings.mchId });
        return answer.ok ? { ok: true, value: null } : answer;
      }),

    refund: (refund: NewRefund) =>
      unlessInvalid(refundProblem(refund), async () => {
        const answer = await call('POST', '/v3/refund/domestic/refunds', {
          out_trade_no: refund.outTradeNo,
          out_refund_no: refund.outRefundNo,
          ...(refund.reason ? { reason: cutUtf8(refund.reason, 80) } : {}),
          notify_url: settings.notifyUrl,
          amount: { refund: refund.refundFen, total: refund.totalFen, currency: 'CNY' },
        });
        return answer.ok ? readAs(refundFromWire(answer.value)) : answer;
      }),

    queryRefund: (outRefundNo: string) =>
      unlessInvalid(outRefundNoProblem(outRefundNo), async () => {
        const answer = await call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
        return answer.ok ? readAs(refundFromWire(answer.value)) : answer;
      }),

    verifyNotification(received: ReceivedNotification, now: Date) {
      return verifyNotification(received, now, trust);
    },
  };
}

/** A request WeChat Pay would refuse is refused here, unsent (`problem` says why); a well-formed one is sent. */
function unlessInvalid<T>(problem: string | null, send: () => Promise<PayOutcome<T>>): Promise<PayOutcome<T>> {
  return problem ? Promise.resolve(fail({ kind: 'invalid', message: problem })) : send();
}

function fail(failure: PayFailure): { ok: false; failure: PayFailure } {
  return { ok: false, failure };
}

function readAs<T extends PayTransaction | PayRefund>(read: Read<T>): PayOutcome<T> {
  return read.ok ? { ok: true, value: read.value } : fail({ kind: 'malformed', message: read.message });
}

/** WeChat Pay's error body `{ code, message }`; anything else becomes its HTTP status alone. */
function readError(text: string): { code: string; message: string } {
  try {
    const json = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof json.code === 'string') return { code: json.code, message: typeof json.message === 'string' ? json.message.slice(0, 200) : '' };
  } catch {
    // not JSON: a gateway's page
  }
  return { code: 'UNKNOWN', message: text.slice(0, 200) };
}
