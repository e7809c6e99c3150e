/**
 * WeChat Pay's side of the books, as the sandbox and the tests' WeChat Pay server play it: orders
 * (NOTPAY -> SUCCESS | CLOSED, SUCCESS -> REFUND once refunded), refunds (PROCESSING -> SUCCESS |
 * CLOSED | ABNORMAL), and the error codes WeChat Pay answers. No cryptography here: the sandbox
 * signs with the adapter's code, the test server with its own.
 */
import { randomBytes } from 'node:crypto';
import type { PayRefund, PayTransaction, RefundStatus } from '../../../shared/payment';

export interface DeskOrder {
  appId: string;
  mchId: string;
  outTradeNo: string;
  description: string;
  totalFen: number;
  payerOpenid: string;
  expiresAt: Date | null;
  notifyUrl: string;
  attach: string | null;
}

/** An error as WeChat Pay answers it: HTTP status, `code`, `message`. */
export interface DeskError {
  status: number;
  code: string;
  message: string;
}

export type DeskAnswer<T> = { ok: true; value: T } | { ok: false; error: DeskError };

const err = (status: number, code: string, message: string): { ok: false; error: DeskError } => ({ ok: false, error: { status, code, message } });
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

interface Entry {
  order: DeskOrder;
  tx: PayTransaction;
  refundedFen: number;
}

export class PayDesk {
  private readonly orders = new Map<string, Entry>();
  private readonly refunds = new Map<string, PayRefund>();

  constructor(readonly merchant: { mchId: string; appId: string }) {}

  /** A JSAPI order: a fresh prepay id, also for the same order asked again while unpaid. */
  order(order: DeskOrder): DeskAnswer<{ prepayId: string }> {
    if (order.mchId !== this.merchant.mchId) return err(400, 'PARAM_ERROR', 'mchid does not match the signing merchant');
    if (order.appId !== this.merchant.appId) return err(400, 'APPID_MCHID_NOT_MATCH', 'appid and mchid are not bound');
    if (!Number.isSafeInteger(order.totalFen) || order.totalFen <= 0) return err(400, 'PARAM_ERROR', 'amount.total must be a positive integer');
    const known = this.orders.get(order.outTradeNo);
    if (known) {
      if (known.tx.tradeState === 'SUCCESS' || known.tx.tradeState === 'REFUND') return err(400, 'ORDERPAID', 'the order is paid');
      if (known.tx.tradeState === 'CLOSED') return err(400, 'ORDER_CLOSED', 'the order is closed');
      if (known.order.totalFen !== order.totalFen || known.order.payerOpenid !== order.payerOpenid || known.order.description !== order.description) {
        return err(400, 'INVALID_REQUEST', 'out_trade_no is already used with other parameters');
      }
      known.order = { ...order };
    } else {
      const tx: PayTransaction = {
        appId: order.appId,
        mchId: order.mchId,
        outTradeNo: order.outTradeNo,
        transactionId: null,
        tradeState: 'NOTPAY',
        totalFen: order.totalFen,
        payerTotalFen: null,
        currency: 'CNY',
        payerOpenid: null,
        successAt: null,
      };
      this.orders.set(order.outTradeNo, { order: { ...order }, tx, refundedFen: 0 });
    }
    return { ok: true, value: { prepayId: `wx${digits(16)}${randomBytes(8).toString('hex')}` } };
  }

  get(outTradeNo: string): { order: DeskOrder; tx: PayTransaction } | null {
    const entry = this.orders.get(outTradeNo);
    return entry ? { order: { ...entry.order }, tx: { ...entry.tx } } : null;
  }

  query(outTradeNo: string): DeskAnswer<PayTransaction> {
    const entry = this.orders.get(outTradeNo);
    return entry ? { ok: true, value: { ...entry.tx } } : err(404, 'ORDER_NOT_EXIST', 'no such order');
  }

  close(outTradeNo: string): DeskAnswer<null> {
    const entry = this.orders.get(outTradeNo);
    if (!entry) return err(404, 'ORDER_NOT_EXIST', 'no such order');
    if (entry.tx.tradeState === 'SUCCESS' || entry.tx.tradeState === 'REFUND') return err(400, 'ORDERPAID', 'the order is paid');
    entry.tx.tradeState = 'CLOSED';
    return { ok: true, value: null };
  }

  /** The payer pays (`payerTotalFen` lower than the total when a coupon covers the rest). */
  pay(outTradeNo: string, now: Date, payerTotalFen?: number): DeskAnswer<PayTransaction> {
    const entry = this.orders.get(outTradeNo);
    if (!entry) return err(404, 'ORDER_NOT_EXIST', 'no such order');
    if (entry.tx.tradeState === 'SUCCESS' || entry.tx.tradeState === 'REFUND') return err(400, 'ORDERPAID', 'the order is paid');
    if (entry.tx.tradeState === 'CLOSED') return err(400, 'ORDER_CLOSED', 'the order is closed');
    if (entry.order.expiresAt && now.getTime() > entry.order.expiresAt.getTime()) return err(400, 'ORDER_CLOSED', 'the order expired (time_expire)');
    entry.tx = {
      ...entry.tx,
      tradeState: 'SUCCESS',
      transactionId: `42000${digits(23)}`,
      payerTotalFen: payerTotalFen ?? entry.order.totalFen,
      payerOpenid: entry.order.payerOpenid,
      successAt: now,
    };
    return { ok: true, value: { ...entry.tx } };
  }

  /** A refund request: the same `out_refund_no` again answers the same refund. */
  refund(input: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number }): DeskAnswer<PayRefund> {
    const again = this.refunds.get(input.outRefundNo);
    if (again) return { ok: true, value: { ...again } };
    const entry = this.orders.get(input.outTradeNo);
    if (!entry) return err(404, 'RESOURCE_NOT_EXISTS', 'no such order');
    if (entry.tx.tradeState !== 'SUCCESS' && entry.tx.tradeState !== 'REFUND') return err(403, 'NOT_ENOUGH', 'the order is not paid');
    if (input.totalFen !== entry.order.totalFen) return err(400, 'PARAM_ERROR', 'amount.total is not the order total');
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0 || entry.refundedFen + input.refundFen > entry.order.totalFen) {
      return err(400, 'PARAM_ERROR', 'amount.refund is more than what is left to refund');
    }
    entry.refundedFen += input.refundFen;
    entry.tx.tradeState = 'REFUND';
    const refund: PayRefund = {
      mchId: entry.order.mchId,
      outRefundNo: input.outRefundNo,
      outTradeNo: input.outTradeNo,
      refundId: `50${digits(27)}`,
      transactionId: entry.tx.transactionId,
      status: 'PROCESSING',
      refundFen: input.refundFen,
      totalFen: entry.order.totalFen,
      successAt: null,
    };
    this.refunds.set(input.outRefundNo, refund);
    return { ok: true, value: { ...refund } };
  }

  queryRefund(outRefundNo: string): DeskAnswer<PayRefund> {
    const refund = this.refunds.get(outRefundNo);
    return refund ? { ok: true, value: { ...refund } } : err(404, 'RESOURCE_NOT_EXISTS', 'no such refund');
  }

  /** The bank's answer to a refund: SUCCESS, CLOSED or ABNORMAL. */
  settleRefund(outRefundNo: string, status: Exclude<RefundStatus, 'PROCESSING'>, now: Date): DeskAnswer<PayRefund> {
    const refund = this.refunds.get(outRefundNo);
    if (!refund) return err(404, 'RESOURCE_NOT_EXISTS', 'no such refund');
    refund.status = status;
    refund.successAt = status === 'SUCCESS' ? now : null;
    return { ok: true, value: { ...refund } };
  }
}
