/**
 * WeChat Pay API v3's JSON field names, in one place: a transaction (order query answer and
 * payment notification resource) and a refund (refund answer, refund query, refund notification).
 */
import {
  isOutTradeNo,
  isPayableFen,
  type PayRefund,
  type PayTransaction,
  REFUND_STATUSES,
  type RefundStatus,
  TRADE_STATES,
  type TradeState,
} from '../../../shared/payment';

export interface WireTransaction {
  appid?: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: TradeState;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount: { total: number; payer_total?: number; currency?: string; payer_currency?: string };
}

export interface WireRefund {
  refund_id?: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no: string;
  mchid?: string;
  channel?: string;
  user_received_account?: string;
  success_time?: string;
  create_time?: string;
  /** In answers and queries. */
  status?: RefundStatus;
  /** In refund notifications. */
  refund_status?: RefundStatus;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const fen = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
function time(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const at = new Date(v);
  return Number.isNaN(at.getTime()) ? null : at;
}

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/** A transaction from its JSON; `appid` may be missing from query answers of unpaid orders ('' then). */
export function transactionFromWire(json: unknown): Read<PayTransaction> {
  if (!isObject(json) || !isObject(json.amount)) return { ok: false, message: 'a transaction needs an object with "amount"' };
  const mchId = str(json.mchid);
  const outTradeNo = str(json.out_trade_no);
  const tradeState = TRADE_STATES.find((s) => s === json.trade_state);
  const totalFen = fen(json.amount.total);
  if (!mchId || !outTradeNo || !tradeState || totalFen === null)
    return { ok: false, message: 'a transaction needs mchid, out_trade_no, a known trade_state and an integer amount.total' };
  const payer = isObject(json.payer) ? json.payer : {};
  return {
    ok: true,
    value: {
      appId: str(json.appid) ?? '',
      mchId,
      outTradeNo,
      transactionId: str(json.transaction_id),
      tradeState,
      totalFen,
      payerTotalFen: fen(json.amount.payer_total),
      // A domestic merchant is paid in CNY only; unpaid orders' answers may leave it out.
      currency: str(json.amount.currency) ?? str(json.amount.payer_currency) ?? 'CNY',
      payerOpenid: str(payer.openid),
      successAt: time(json.success_time),
    },
  };
}

/** A refund from its JSON (`status` in answers, `refund_status` in notifications). */
export function refundFromWire(json: unknown): Read<PayRefund> {
  if (!isObject(json) || !isObject(json.amount)) return { ok: false, message: 'a refund needs an object with "amount"' };
  const outRefundNo = str(json.out_refund_no);
  const outTradeNo = str(json.out_trade_no);
  const status = REFUND_STATUSES.find((s) => s === (json.status ?? json.refund_status));
  const refundFen = fen(json.amount.refund);
  const totalFen = fen(json.amount.total);
  if (!outRefundNo || !outTradeNo || !status || refundFen === null || totalFen === null) {
    return { ok: false, message: 'a refund needs out_refund_no, out_trade_no, a known status and integer amount.refund and amount.total' };
  }
  return {
    ok: true,
    value: {
      mchId: str(json.mchid),
      outRefundNo,
      outTradeNo,
      refundId: str(json.refund_id),
      transactionId: str(json.transaction_id),
      status,
      refundFen,
      totalFen,
      successAt: time(json.success_time),
    },
  };
}

/** RFC 3339 in Beijing time, as WeChat Pay writes times: `2026-01-02T03:04:05+08:00`. */
export function rfc3339Beijing(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

/** A transaction as WeChat Pay writes it (the sandbox's notifications and answers). */
export function transactionToWire(tx: PayTransaction): WireTransaction {
  return {
    appid: tx.appId,
    mchid: tx.mchId,
    out_trade_no: tx.outTradeNo,
    ...(tx.transactionId ? { transaction_id: tx.transactionId } : {}),
    trade_type: 'JSAPI',
    trade_state: tx.tradeState,
    ...(tx.successAt ? { success_time: rfc3339Beijing(tx.successAt), bank_type: 'OTHERS' } : {}),
    ...(tx.payerOpenid ? { payer: { openid: tx.payerOpenid } } : {}),
    amount: { total: tx.totalFen, ...(tx.payerTotalFen === null ? {} : { payer_total: tx.payerTotalFen }), currency: tx.currency, payer_currency: tx.currency },
  };
}

/** A refund as WeChat Pay writes it; `notification` uses `refund_status` and carries `mchid`. */
export function refundToWire(refund: PayRefund, notification: boolean): WireRefund {
  return {
    ...(refund.refundId ? { refund_id: refund.refundId } : {}),
    out_refund_no: refund.outRefundNo,
    ...(refund.transactionId ? { transaction_id: refund.transactionId } : {}),
    out_trade_no: refund.outTradeNo,
    ...(notification && refund.mchId ? { mchid: refund.mchId } : {}),
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt ? { success_time: rfc3339Beijing(refund.successAt) } : {}),
    ...(notification ? { refund_status: refund.status } : { status: refund.status }),
    amount: { total: refund.totalFen, refund: refund.refundFen, payer_total: refund.totalFen, payer_refund: refund.refundFen, currency: 'CNY' },
  };
}

const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

/** Why WeChat Pay would refuse this order, or null: checked before anything is sent. */
export function orderProblem(order: { outTradeNo: string; amountFen: number; payerOpenid: string }): string | null {
  const tradeNo = outTradeNoProblem(order.outTradeNo);
  if (tradeNo) return tradeNo;
  if (!isPayableFen(order.amountFen)) return `amount ${order.amountFen} is not a positive whole number of fen`;
  if (order.payerOpenid === '') return "the payer's openid is empty";
  return null;
}

/** Why WeChat Pay would refuse this refund, or null. */
export function refundProblem(refund: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number }): string | null {
  const numbers = outTradeNoProblem(refund.outTradeNo) ?? outRefundNoProblem(refund.outRefundNo);
  if (numbers) return numbers;
  if (!isPayableFen(refund.refundFen) || !isPayableFen(refund.totalFen) || refund.refundFen > refund.totalFen) {
    return `refund ${refund.refundFen} of ${refund.totalFen} fen is not a whole amount within the total`;
  }
  return null;
}

/** Why WeChat Pay would refuse this `out_trade_no`, or null. */
export function outTradeNoProblem(outTradeNo: string): string | null {
  return isOutTradeNo(outTradeNo) ? null : `out_trade_no "${outTradeNo.slice(0, 40)}" is not 6..32 of 0-9A-Za-z_-*`;
}

/** Why WeChat Pay would refuse this `out_refund_no`, or null. */
export function outRefundNoProblem(outRefundNo: string): string | null {
  return OUT_REFUND_NO.test(outRefundNo) ? null : 'out_refund_no is not 1..64 of 0-9A-Za-z_-|*@';
}
