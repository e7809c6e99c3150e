import type { Reported } from '../../../shared/payment';
/**
 * WeChat Pay API v3, as the bills use cases need it (functions/lib/wechatpay: the real adapter and
 * the local sandbox). Money in integer fen, times as Dates. Calls that reach WeChat Pay answer a
 * typed failure instead of throwing; nothing here decides whether a bill is paid (shared/payment does).
 */
export type PayTransaction = import('../../../shared/payment').PayTransaction;
export type PayRefund = import('../../../shared/payment').PayRefund;
export type TradeState = import('../../../shared/payment').TradeState;
export type RefundStatus = import('../../../shared/payment').RefundStatus;

/** Why a call to WeChat Pay did not give an answer we can trust. */
export type PayFailure =
  /** No answer within the request timeout. */
  | { kind: 'timeout'; message: string }
  /** The connection failed (DNS, refused, reset). */
  | { kind: 'network'; message: string }
  /** WeChat Pay answered an error: its HTTP status and its `code` (ORDERPAID, ORDER_NOT_EXIST, SYSTEM_ERROR...). */
  | { kind: 'http'; status: number; code: string; message: string }
  /** A 2xx answer whose signature did not verify (or named a key we do not have): treated as no answer. */
  | { kind: 'bad-signature'; message: string }
  /** A verified answer we could not read. */
  | { kind: 'malformed'; message: string }
  /** We refused to send it (an amount that is not integer fen, a bad order number). */
  | { kind: 'invalid'; message: string };

export type PayOutcome<T> = { ok: true; value: T } | { ok: false; failure: PayFailure };

export interface NewPayOrder {
  /** Ours, unique per merchant: 6..32 of `0-9A-Za-z_-*`. */
  outTradeNo: string;
  /** Shown to the payer (at most 127 bytes of UTF-8 are sent). */
  description: string;
  amountFen: number;
  payerOpenid: string;
  /** After this WeChat Pay refuses payment (`time_expire`). */
  expiresAt: Date;
  /** Echoed back by query and notification (`attach`, at most 128 characters). */
  attach?: string;
}

/** The arguments of `wx.requestPayment` (API v3). */
export interface RequestPaymentArgs {
  /** Seconds since the epoch, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=...` */
  package: string;
  signType: 'RSA';
  /** SHA256withRSA of `appId\ntimeStamp\nnonceStr\npackage\n` with the merchant key, base64. */
  paySign: string;
}

export interface NewRefund {
  outTradeNo: string;
  /** Ours: one per refund, a retried request with it refunds once. */
  outRefundNo: string;
  refundFen: number;
  /** The order's `amount.total`. */
  totalFen: number;
  reason?: string;
}

/** The `Wechatpay-*` headers (any case) and the raw body of a notification, as received. */
export interface ReceivedNotification {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A notification whose signature, time and encryption checked out; its content is judged by shared/payment. */
export type PayNotification =
  | { kind: 'transaction'; id: string; eventType: 'TRANSACTION.SUCCESS'; createdAt: Date | null; transaction: PayTransaction }
  | { kind: 'refund'; id: string; eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'; createdAt: Date | null; refund: PayRefund };

export type NotificationRefusal =
  /** A `Wechatpay-*` header is missing or not of its shape. */
  | 'MISSING_HEADER'
  /** `Wechatpay-Signature` starts with `WECHATPAY/SIGNTEST/`: WeChat Pay checking that we verify. */
  | 'SIGNATURE_PROBE'
  /** `Wechatpay-Timestamp` more than 5 minutes away from now. */
  | 'STALE_TIMESTAMP'
  /** `Wechatpay-Serial` names no key we were given (no key is ever downloaded for it). */
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  /** Not the JSON of a notification, or a decrypted resource missing its fields. */
  | 'MALFORMED'
  /** AEAD_AES_256_GCM failed: wrong key, or ciphertext, nonce or associated data changed. */
  | 'DECRYPTION_FAILED'
  /** An `event_type` other than TRANSACTION.SUCCESS and REFUND.*. */
  | 'UNSUPPORTED_EVENT';

export type VerifiedNotification = { ok: true; notification: PayNotification } | { ok: false; refusal: NotificationRefusal; message: string };

export interface Payments {
  /** The merchant (`mchid`) and the mini program (`appid`) this adapter takes payments for. */
  readonly merchant: { mchId: string; appId: string };
  /** JSAPI order (`POST /v3/pay/transactions/jsapi`): the prepay id, valid 2 hours. */
  createJsapiOrder(order: NewPayOrder): Promise<PayOutcome<{ prepayId: string }>>;
  /** `wx.requestPayment` arguments for a prepay id, timestamped `now`. */
  requestPaymentArgs(prepayId: string, now: Date): RequestPaymentArgs;
  /** Order query by `out_trade_no`; an unknown order is `{ kind: 'http', status: 404, code: 'ORDER_NOT_EXIST' }`. */
  queryOrder(outTradeNo: string): Promise<PayOutcome<PayTransaction>>;
  /** Closes an unpaid order (a paid one answers `http` ORDERPAID). */
  closeOrder(outTradeNo: string): Promise<PayOutcome<null>>;
  /** Refund request (`POST /v3/refund/domestic/refunds`); usually PROCESSING at first. */
  refund(refund: NewRefund): Promise<PayOutcome<PayRefund>>;
  queryRefund(outRefundNo: string): Promise<PayOutcome<PayRefund>>;
  /** Verifies and decrypts a notification; never calls the network. */
  verifyNotification(received: ReceivedNotification, now: Date): VerifiedNotification;
  /**
   * Whether an order this adapter placed is now unknown to it: the local sandbox forgets its orders
   * when the host restarts (WeChat Pay never does, so the real client leaves this out). `pay` then
   * places an open order again, with the same `out_trade_no`, instead of handing out a dead prepay id.
   */
  forgot?(outTradeNo: string): boolean;
}

/** The payments adapter of a deployment, or the setting that keeps it from working (pay actions answer FAILED_PRECONDITION). */
export type PaySetup = { ok: true; payments: Payments } | { ok: false; variable: string; message: string };

/**
 * A query's outcome as the sweeper rules read it (shared/payment `Reported`): a verified answer,
 * WeChat Pay saying it does not know the order or refund (404), or no trustworthy answer.
 */
export function reported<T>(outcome: PayOutcome<T>): Reported<T> {
  if (outcome.ok) return { kind: 'answer', value: outcome.value };
  if (outcome.failure.kind === 'http' && outcome.failure.status === 404) return { kind: 'not-found' };
  return { kind: 'unavailable' };
}
