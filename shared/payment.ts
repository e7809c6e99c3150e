/**
 * The payment rules: when a transaction WeChat Pay reports pays the order we expect, and the
 * names we give orders and refunds. Pure: the transaction and the expected order are arguments;
 * the adapters (functions/lib/wechatpay) only verify that WeChat Pay said it.
 */

/** WeChat Pay API v3 `trade_state`. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export const TRADE_STATES: readonly TradeState[] = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'];

/** WeChat Pay API v3 refund `status` (`refund_status` in refund notifications). */
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
export const REFUND_STATUSES: readonly RefundStatus[] = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'];

/** A transaction as WeChat Pay reports it (order query or `TRANSACTION.SUCCESS` notification). */
export interface PayTransaction {
  appId: string;
  mchId: string;
  outTradeNo: string;
  /** WeChat Pay's own number, once paid. */
  transactionId: string | null;
  tradeState: TradeState;
  /** `amount.total`: what the order was for, in fen. */
  totalFen: number;
  /** `amount.payer_total`: what the payer's money covered (coupons lower it); null before payment. */
  payerTotalFen: number | null;
  currency: string;
  payerOpenid: string | null;
  successAt: Date | null;
}

/** A refund as WeChat Pay reports it (refund answer, refund query or `REFUND.*` notification). */
export interface PayRefund {
  /** Carried by refund notifications only (answers to our own calls do not repeat it). */
  mchId: string | null;
  outRefundNo: string;
  outTradeNo: string;
  refundId: string | null;
  transactionId: string | null;
  status: RefundStatus;
  refundFen: number;
  totalFen: number;
  successAt: Date | null;
}

/** The order a payment must match: our merchant and app, our order number, the bill's amount. */
export interface ExpectedPayment {
  mchId: string;
  appId: string;
  outTradeNo: string;
  amountFen: number;
}

export type PaymentMismatch = 'WRONG_MERCHANT' | 'WRONG_APP' | 'WRONG_ORDER' | 'NOT_PAID' | 'WRONG_AMOUNT' | 'WRONG_CURRENCY';

export type PaymentJudgement = { ok: true } | { ok: false; mismatch: PaymentMismatch; message: string };

/**
 * Whether a reported transaction pays the expected order: same merchant, same app, same order
 * number, `trade_state` SUCCESS, and `amount.total` equal to the bill's amount in CNY. The payer's
 * share (`payer_total`) is not compared: a coupon lowers it while the merchant is still paid in full.
 * @example judgePayment({ ...tx, tradeState: 'NOTPAY' }, expected) // => { ok: false, mismatch: 'NOT_PAID', ... }
 */
export function judgePayment(tx: PayTransaction, expected: ExpectedPayment): PaymentJudgement {
  if (tx.mchId !== expected.mchId) return { ok: false, mismatch: 'WRONG_MERCHANT', message: `paid to merchant "${tx.mchId}", not "${expected.mchId}"` };
  if (tx.appId !== expected.appId) return { ok: false, mismatch: 'WRONG_APP', message: `paid through app "${tx.appId}", not "${expected.appId}"` };
  if (tx.outTradeNo !== expected.outTradeNo)
    return { ok: false, mismatch: 'WRONG_ORDER', message: `for order "${tx.outTradeNo}", not "${expected.outTradeNo}"` };
  if (tx.tradeState !== 'SUCCESS') return { ok: false, mismatch: 'NOT_PAID', message: `order "${tx.outTradeNo}" is ${tx.tradeState}` };
  if (tx.currency !== 'CNY') return { ok: false, mismatch: 'WRONG_CURRENCY', message: `paid in ${tx.currency}, not CNY` };
  if (!Number.isSafeInteger(tx.totalFen) || tx.totalFen !== expected.amountFen) {
    return { ok: false, mismatch: 'WRONG_AMOUNT', message: `order total ${tx.totalFen} fen, bill ${expected.amountFen} fen` };
  }
  return { ok: true };
}

/** What an order query means for the order: paid, still payable, or over without payment. */
export type OrderOutcome = 'paid' | 'open' | 'over';

/**
 * @example orderOutcome('USERPAYING') // => 'open'
 * @example orderOutcome('REFUND') // => 'paid'
 */
export function orderOutcome(state: TradeState): OrderOutcome {
  switch (state) {
    case 'SUCCESS':
    case 'REFUND': // paid, then (partly) refunded: the money arrived
      return 'paid';
    case 'NOTPAY':
    case 'USERPAYING':
      return 'open';
    case 'CLOSED':
    case 'REVOKED':
    case 'PAYERROR':
      return 'over';
  }
}

/** A refund reached a final state: SUCCESS, or CLOSED (it failed and will not be retried by WeChat Pay). ABNORMAL is not final. */
export function refundSettled(status: RefundStatus): boolean {
  return status === 'SUCCESS' || status === 'CLOSED';
}

/** `out_trade_no` and `out_refund_no`: 6..32 characters of `0-9 A-Z a-z _ - *` (WeChat Pay's rule for out_trade_no). */
const OUT_NO = /^[0-9A-Za-z_\-*]{6,32}$/;

/** @example isOutTradeNo('B1a2b3c4d5') // => true */
export function isOutTradeNo(value: string): boolean {
  return OUT_NO.test(value);
}

/**
 * The refund number for money that paid an already paid bill: one per order, so a retried refund
 * request refunds once (WeChat Pay refunds an `out_refund_no` once).
 * @example duplicateRefundNo('B1a2b3c4d5') // => 'RB1a2b3c4d5'
 */
export function duplicateRefundNo(outTradeNo: string): string {
  return `R${outTradeNo}`;
}

/** A whole, positive amount of fen that WeChat Pay accepts as an order total (at most ¥10,000,000). */
export function isPayableFen(amountFen: number): boolean {
  return Number.isSafeInteger(amountFen) && amountFen > 0 && amountFen <= 1_000_000_000;
}

/** What the store holds about an order and its bill when WeChat Pay reports a payment of it. */
export interface PaymentFacts {
  /** Our order of that `out_trade_no`, or null when we never placed it. */
  order: { outTradeNo: string; billId: string; amountFen: number; status: 'open' | 'paid' | 'closed' } | null;
  /** The order's bill: unpaid, or paid by some order. */
  bill: { status: 'unpaid' } | { status: 'paid'; paidByOutTradeNo: string } | null;
}

export type PaymentDecision =
  /** Mark the order paid and the bill paid by it, in one transaction. */
  | { kind: 'record-payment' }
  /** This order's payment is already recorded: answer "handled" again, change nothing. */
  | { kind: 'already-recorded' }
  /** The bill was paid by another order: record this order's payment and a pending refund of all of it. */
  | { kind: 'refund-duplicate'; outRefundNo: string; refundFen: number }
  /** Not a payment of ours: change nothing and refuse the notification. */
  | { kind: 'refuse'; reason: PaymentMismatch | 'UNKNOWN_ORDER'; message: string };

/**
 * What to do with a payment WeChat Pay reports (notification or order query), given what the store
 * holds. Money that arrived is never ignored: an order we had closed meanwhile, or whose bill another
 * order paid first, is recorded and (for the second case) refunded in full.
 * @example decidePayment(tx, merchant, { order: { ...open }, bill: { status: 'unpaid' } }) // => { kind: 'record-payment' }
 */
export function decidePayment(tx: PayTransaction, merchant: { mchId: string; appId: string }, facts: PaymentFacts): PaymentDecision {
  const { order, bill } = facts;
  if (!order || !bill) return { kind: 'refuse', reason: 'UNKNOWN_ORDER', message: `no order "${tx.outTradeNo}" of ours` };
  const judged = judgePayment(tx, { ...merchant, outTradeNo: order.outTradeNo, amountFen: order.amountFen });
  if (!judged.ok) return { kind: 'refuse', reason: judged.mismatch, message: judged.message };
  if (order.status === 'paid') return { kind: 'already-recorded' };
  if (bill.status === 'paid' && bill.paidByOutTradeNo !== order.outTradeNo) {
    return { kind: 'refund-duplicate', outRefundNo: duplicateRefundNo(order.outTradeNo), refundFen: tx.totalFen };
  }
  return { kind: 'record-payment' };
}

/** A prepay id is valid 2 hours (WeChat Pay); past it, `wx.requestPayment` needs a fresh one. */
export const PREPAY_VALID_SEC = 2 * 3600;
/** A prepay id this close to its end is replaced rather than handed out (the payer needs time to pay). */
export const PREPAY_MARGIN_SEC = 5 * 60;
/**
 * How long an order stays payable (`time_expire`), so that paying again within it keeps one order
 * per bill; WeChat Pay refuses payment after it, and the sweeper closes it then.
 */
export const ORDER_TTL_SEC = 24 * 3600;
/** The sweeper closes an expired order only this long after `time_expire`, when no payment can be in flight. */
export const ORDER_CLOSE_GRACE_SEC = 5 * 60;

/** The bill's open order, as the store holds it. */
export interface OpenOrder {
  outTradeNo: string;
  expiresAt: Date;
  prepayId: string | null;
  prepayIssuedAt: Date | null;
}

export type PayPlan =
  /** The bill is paid: FAILED_PRECONDITION. */
  | { kind: 'already-paid' }
  /** The open order's prepay id is still good: sign fresh `wx.requestPayment` arguments for it. */
  | { kind: 'reuse'; outTradeNo: string; prepayId: string }
  /** The open order stays, with a fresh prepay id (JSAPI order again with the same `out_trade_no`). */
  | { kind: 'refresh-prepay'; outTradeNo: string }
  /** No payable order: place a new one, payable until `expiresAt`. */
  | { kind: 'new-order'; expiresAt: Date };

/**
 * What `bills.pay` does: one open order per bill, the same `out_trade_no` while it is payable, a
 * fresh prepay id once the old one is (nearly) past its 2 hours.
 * @example planPay({ billPaid: false, open: null, now }) // => { kind: 'new-order', expiresAt: now + 24 h }
 */
export function planPay(input: { billPaid: boolean; open: OpenOrder | null; now: Date }): PayPlan {
  const { billPaid, open, now } = input;
  if (billPaid) return { kind: 'already-paid' };
  const t = now.getTime();
  if (open && t < open.expiresAt.getTime() - PREPAY_MARGIN_SEC * 1000) {
    const prepayFresh =
      open.prepayId !== null && open.prepayIssuedAt !== null && t < open.prepayIssuedAt.getTime() + (PREPAY_VALID_SEC - PREPAY_MARGIN_SEC) * 1000;
    return prepayFresh && open.prepayId !== null
      ? { kind: 'reuse', outTradeNo: open.outTradeNo, prepayId: open.prepayId }
      : { kind: 'refresh-prepay', outTradeNo: open.outTradeNo };
  }
  return { kind: 'new-order', expiresAt: new Date(t + ORDER_TTL_SEC * 1000) };
}

/** The order `bills.pay` opens: unpaid, no prepay id yet, payable until `expiresAt` (ports' PayOrder). */
export interface NewOrder {
  outTradeNo: string;
  billId: string;
  openid: string;
  amountFen: number;
  status: 'open';
  createdAt: Date;
  expiresAt: Date;
  prepayId: null;
  prepayIssuedAt: null;
  transactionId: null;
  paidAt: null;
}

/** A payer's open order of a bill, as the bill holds it (each household member pays with an order of their own). */
export interface PayerOrder {
  openid: string;
  outTradeNo: string;
}

export type OpenOrderDecision<O> =
  | { kind: 'not-found' }
  | { kind: 'already-paid' }
  | { kind: 'not-payable'; amountFen: number }
  | { kind: 'reuse' | 'refresh-prepay'; order: O }
  | { kind: 'new-order'; order: NewOrder; openOrders: PayerOrder[] };

/**
 * What `bills.pay` does with a bill and the caller's open order of it, decided once for both
 * stores: a bill the caller may not see is not found, a paid bill is refused, an amount WeChat Pay
 * cannot take is not payable, the caller's still open order is kept (planPay says whether its prepay
 * id is fresh), anything else gets a new order of the bill's amount, for this payer: another
 * household member's open order stays theirs (a prepay id belongs to one payer). The store writes
 * the new order and the bill's open orders (`openOrders`) in the same transaction.
 * @example decideOpenOrder({ bill: { id: 'B1', amountFen: 500, status: 'unpaid', openOrders: [] }, visible: true, current: null, openid: 'u', outTradeNo: 'N1', now }).kind // => 'new-order'
 */
export function decideOpenOrder<O extends OpenOrder & { status: string; openid: string }>(input: {
  bill: { id: string; amountFen: number; status: string; openOrders: readonly PayerOrder[] } | null;
  visible: boolean;
  current: O | null;
  openid: string;
  outTradeNo: string;
  now: Date;
}): OpenOrderDecision<O> {
  const { bill, current, now, openid } = input;
  if (bill === null || !input.visible) return { kind: 'not-found' };
  if (bill.status !== 'paid' && !isPayableFen(bill.amountFen)) return { kind: 'not-payable', amountFen: bill.amountFen };
  const open = current && current.status === 'open' && current.openid === openid ? current : null;
  const plan = planPay({ billPaid: bill.status === 'paid', open, now });
  if (plan.kind === 'already-paid') return plan;
  if (plan.kind !== 'new-order') {
    if (open === null) throw new Error('planPay kept an order that is not open');
    return { kind: plan.kind, order: open };
  }
  return {
    kind: 'new-order',
    order: {
      outTradeNo: input.outTradeNo,
      billId: bill.id,
      openid,
      amountFen: bill.amountFen,
      status: 'open',
      createdAt: now,
      expiresAt: plan.expiresAt,
      prepayId: null,
      prepayIssuedAt: null,
      transactionId: null,
      paidAt: null,
    },
    openOrders: [...bill.openOrders.filter((o) => o.openid !== openid), { openid, outTradeNo: input.outTradeNo }],
  };
}

/** The caller's entry of a bill's open orders, if any. */
export function payerOrder(openOrders: readonly PayerOrder[], openid: string): string | null {
  return openOrders.find((o) => o.openid === openid)?.outTradeNo ?? null;
}

/** A bill's open orders once `outTradeNo` is closed (it is no longer anybody's open order). */
export function openOrdersWithout(openOrders: readonly PayerOrder[], outTradeNo: string): PayerOrder[] {
  return openOrders.filter((o) => o.outTradeNo !== outTradeNo);
}

/** The facts `decidePayment` takes, from the order and its bill as a store read them. */
export function paymentFacts(
  order: { outTradeNo: string; billId: string; amountFen: number; status: 'open' | 'paid' | 'closed' } | null,
  bill: { status: 'unpaid' | 'paid'; paidBy: string | null } | null,
): PaymentFacts {
  return {
    order: order && { outTradeNo: order.outTradeNo, billId: order.billId, amountFen: order.amountFen, status: order.status },
    bill: bill && (bill.status === 'paid' ? { status: 'paid', paidByOutTradeNo: bill.paidBy ?? '' } : { status: 'unpaid' }),
  };
}

/** What a recorded payment writes: the order paid; the bill paid by it, or a pending refund of the money. */
export interface PaymentWrites {
  order: { status: 'paid'; transactionId: string; paidAt: Date };
  /** The bill keeps the transaction too: a paid bill is its own payment record (缴费记录). */
  bill: { status: 'paid'; paidBy: string; paidAt: Date; transactionId: string; openOrders: PayerOrder[] } | null;
  refund: { outRefundNo: string; outTradeNo: string; billId: string; refundFen: number; totalFen: number; status: 'pending'; createdAt: Date } | null;
}

/**
 * The writes of a payment `decidePayment` accepted, with their defaults decided once: paid at
 * WeChat Pay's `success_time` (else now), and a transaction id that says it was unknown rather
 * than none (a paid order always names its transaction).
 * @example paymentWrites({ kind: 'record-payment' }, { ...tx, transactionId: null, successAt: null }, { outTradeNo: 'P1', billId: 'B1' }, now).order.transactionId // => 'unknown-P1'
 */
export function paymentWrites(
  decision: Extract<PaymentDecision, { kind: 'record-payment' | 'refund-duplicate' }>,
  tx: Pick<PayTransaction, 'transactionId' | 'successAt' | 'totalFen'>,
  order: { outTradeNo: string; billId: string },
  now: Date,
): PaymentWrites {
  const paidAt = tx.successAt ?? now;
  const writes: PaymentWrites = {
    order: { status: 'paid', transactionId: tx.transactionId ?? `unknown-${order.outTradeNo}`, paidAt },
    bill: null,
    refund: null,
  };
  if (decision.kind === 'record-payment')
    writes.bill = { status: 'paid', paidBy: order.outTradeNo, paidAt, transactionId: writes.order.transactionId, openOrders: [] };
  else
    writes.refund = {
      outRefundNo: decision.outRefundNo,
      outTradeNo: order.outTradeNo,
      billId: order.billId,
      refundFen: decision.refundFen,
      totalFen: tx.totalFen,
      status: 'pending',
      createdAt: now,
    };
  return writes;
}

/** Where a refund we owe stands. */
export type RefundState = 'pending' | 'sent' | 'refunded' | 'failed';

/** The states a refund may move from into each state: sent once, settled once. */
const REFUND_MOVES: Readonly<Record<'sent' | 'refunded' | 'failed', readonly RefundState[]>> = {
  sent: ['pending'],
  refunded: ['pending', 'sent'],
  failed: ['pending', 'sent'],
};

/**
 * Whether a refund may move from `from` to `to` (a settled refund never moves again).
 * @example refundMoveAllowed('sent', 'refunded') // => true
 * @example refundMoveAllowed('refunded', 'sent') // => false
 */
export function refundMoveAllowed(from: RefundState, to: 'sent' | 'refunded' | 'failed'): boolean {
  return REFUND_MOVES[to].includes(from);
}

/** What an order query answered, as the sweeper sees it. */
export type Reported<T> = { kind: 'answer'; value: T } | { kind: 'not-found' } | { kind: 'unavailable' };

export type OrderSweep =
  /** WeChat Pay says paid: record it (decidePayment decides how). */
  | { kind: 'record-payment'; transaction: PayTransaction }
  /** Over without payment (closed, revoked, failed, or never reached WeChat Pay and now expired): mark it closed. */
  | { kind: 'mark-closed' }
  /** Expired and still unpaid: close it at WeChat Pay, then mark it closed once closing answered. */
  | { kind: 'close' }
  /** Still payable, or WeChat Pay did not answer: look again next run. */
  | { kind: 'wait' };

/**
 * What the sweeper does with an open order, given WeChat Pay's answer to a query of it.
 * An order WeChat Pay never saw (a crash between our write and the JSAPI call) is closed on our
 * side once it is past its deadline; an unanswered query changes nothing.
 */
export function sweepOrder(order: { expiresAt: Date }, reported: Reported<PayTransaction>, now: Date): OrderSweep {
  const expired = now.getTime() > order.expiresAt.getTime() + ORDER_CLOSE_GRACE_SEC * 1000;
  if (reported.kind === 'unavailable') return { kind: 'wait' };
  if (reported.kind === 'not-found') return expired ? { kind: 'mark-closed' } : { kind: 'wait' };
  const outcome = orderOutcome(reported.value.tradeState);
  if (outcome === 'paid') return { kind: 'record-payment', transaction: reported.value };
  if (outcome === 'over') return { kind: 'mark-closed' };
  return expired ? { kind: 'close' } : { kind: 'wait' };
}

export type RefundSweep =
  /** Send the refund request (again: the same `out_refund_no` refunds once). */
  | { kind: 'send' }
  /** The money is back with the payer. */
  | { kind: 'mark-refunded'; successAt: Date | null }
  /** WeChat Pay closed the refund unpaid: a person must look (the payer is still owed the money). */
  | { kind: 'mark-failed' }
  | { kind: 'wait' };

/**
 * What the sweeper does with a refund we owe (`reported`: WeChat Pay's answer to a query of it,
 * null when not asked): send it until WeChat Pay knows it, then query it until it settles. ABNORMAL (the payer's card refused it) waits: WeChat Pay's merchant platform
 * resolves it, and a later query reports the outcome.
 */
export function sweepRefund(refund: { sent: boolean }, reported: Reported<PayRefund> | null): RefundSweep {
  if (!refund.sent) return { kind: 'send' };
  if (reported === null) return { kind: 'wait' }; // sent and not asked yet: ask first
  if (reported.kind === 'unavailable') return { kind: 'wait' };
  if (reported.kind === 'not-found') return { kind: 'send' };
  if (reported.value.status === 'SUCCESS') return { kind: 'mark-refunded', successAt: reported.value.successAt };
  if (reported.value.status === 'CLOSED') return { kind: 'mark-failed' };
  return { kind: 'wait' };
}

/**
 * Whether a refund WeChat Pay reports is the one we owe: our merchant (refund notifications carry
 * `mchid`; answers to our own calls do not), the same order, the same amount.
 * @example judgeRefund({ ...refund, refundFen: 1 }, { mchId, outTradeNo, refundFen: 4280 }) // => { ok: false, mismatch: 'WRONG_AMOUNT', ... }
 */
export function judgeRefund(refund: PayRefund, owed: { mchId: string; outTradeNo: string; refundFen: number }): PaymentJudgement {
  if (refund.mchId !== null && refund.mchId !== owed.mchId)
    return { ok: false, mismatch: 'WRONG_MERCHANT', message: `refunded by merchant "${refund.mchId}", not "${owed.mchId}"` };
  if (refund.outTradeNo !== owed.outTradeNo)
    return { ok: false, mismatch: 'WRONG_ORDER', message: `a refund of order "${refund.outTradeNo}", not "${owed.outTradeNo}"` };
  if (refund.refundFen !== owed.refundFen)
    return { ok: false, mismatch: 'WRONG_AMOUNT', message: `refund of ${refund.refundFen} fen, ${owed.refundFen} fen owed` };
  return { ok: true };
}
