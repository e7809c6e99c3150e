import { bindNotFound, bindRateLimited, billRefusals, maskName, payDescription, sortBills, type BillView } from '../../../shared/bills';
import type { RandomSource } from '../../../shared/checkin-code';
import type {
  AccountView,
  BindAccountParams,
  ImportBillsParams,
  ImportBillsResult,
  ListBillsParams,
  PayBillParams,
  PayResult,
  UnbindAccountParams,
} from '../../../shared/contract/bills';
import { isPayableFen, judgeRefund, orderOutcome, sweepOrder, sweepRefund } from '../../../shared/payment';
import { fail, ok, type Result } from '../../../shared/result';
import type { AccountBinding, BillStore, Call, PayOrder, Payments, PaySetup, StoredBill, UserCall } from '../ports';
import { notifyHandled, notifyRefused, receivedFromHttpEvent, type HttpAccessAnswer } from '../wechatpay/http';
import { reported } from '../wechatpay/index';

export interface BillDeps {
  bills: BillStore;
  pay: PaySetup;
  random: RandomSource;
}

/** How many orders or refunds one sweep handles at most (each costs a WeChat Pay call). */
export const PAY_SWEEP_LIMIT = 50;

/** A fresh `out_trade_no`: "P" and 30 hex digits (WeChat Pay allows 6 to 32 characters). */
export function newOutTradeNo(random: RandomSource): string {
  return `P${Buffer.from(random.bytes(15)).toString('hex')}`;
}

function accountView(a: AccountBinding): AccountView {
  return { accountType: a.accountType, accountNo: a.accountNo, holderName: maskName(a.holderName), boundAt: a.boundAt.toISOString() };
}

/** What a client sees of a stored bill. */
export function billView(b: StoredBill): BillView {
  const { openid: _o, paidBy: _p, openOrder: _x, ...view } = b;
  return view;
}

export async function bindAccount(deps: BillDeps, p: BindAccountParams, call: UserCall): Promise<Result<{ account: AccountView }>> {
  const outcome = await deps.bills.bind({ openid: call.caller, ...p, now: call.now });
  if (outcome.kind === 'rate-limited') return bindRateLimited(outcome.retryAt);
  if (outcome.kind === 'not-found' || !outcome.binding) return bindNotFound();
  return ok({ account: accountView(outcome.binding) });
}

export async function unbindAccount(deps: BillDeps, p: UnbindAccountParams, call: UserCall): Promise<Result<{ unbound: true }>> {
  const removed = await deps.bills.unbind(call.caller, p.accountType, p.accountNo, call.now);
  return removed ? ok({ unbound: true }) : fail('NOT_FOUND', `you have no bound ${p.accountType} account "${p.accountNo}"`);
}

export async function listAccounts(deps: BillDeps, call: UserCall): Promise<Result<{ accounts: AccountView[] }>> {
  return ok({ accounts: (await deps.bills.accountsOf(call.caller)).map(accountView) });
}

export async function listBills(deps: BillDeps, p: ListBillsParams, call: UserCall): Promise<Result<{ bills: BillView[] }>> {
  const bills = (await deps.bills.billsOf(call.caller)).filter((b) => p.status === undefined || b.status === p.status);
  return ok({ bills: sortBills(bills.map(billView)) });
}

/**
 * `bills.pay`: one open order per bill (`planPay` in the store's transaction); the order is
 * written before WeChat Pay is asked, so a crash in between leaves an open order without a prepay
 * id, which the next `pay` completes with the same `out_trade_no`, and the sweeper closes if nobody does.
 */
export async function payBill(deps: BillDeps, p: PayBillParams, call: UserCall): Promise<Result<PayResult>> {
  if (!deps.pay.ok) return billRefusals.payUnavailable(deps.pay.variable, deps.pay.message);
  const payments = deps.pay.payments;
  const visible = await deps.bills.billOf(call.caller, p.billId);
  if (!visible) return billRefusals.notFound(p.billId);
  if (visible.status === 'paid') return billRefusals.alreadyPaid(p.billId);
  if (!isPayableFen(visible.amountFen)) return billRefusals.notPayable(p.billId, visible.amountFen);
  const outcome = await deps.bills.openOrder({ openid: call.caller, billId: p.billId, outTradeNo: newOutTradeNo(deps.random), now: call.now });
  if (outcome.kind === 'not-found') return billRefusals.notFound(p.billId);
  if (outcome.kind === 'already-paid') return billRefusals.alreadyPaid(p.billId);
  const { order, bill } = outcome;
  let prepayId = order.prepayId;
  if (outcome.kind !== 'reuse' || prepayId === null || forgotten(payments, order.outTradeNo)) {
    const placed = await payments.createJsapiOrder({
      outTradeNo: order.outTradeNo,
      description: payDescription(bill),
      amountFen: order.amountFen,
      payerOpenid: order.openid,
      expiresAt: order.expiresAt,
      attach: bill.id.slice(0, 128),
    });
    if (!placed.ok) {
      if (placed.failure.kind === 'http' && placed.failure.code === 'ORDERPAID') {
        // Paid meanwhile (a notification still on its way): record what WeChat Pay says.
        await recordIfPaid(deps.bills, payments, order, call.now);
        return billRefusals.alreadyPaid(p.billId);
      }
      return billRefusals.payFailed(placed.failure.message);
    }
    prepayId = placed.value.prepayId;
    await deps.bills.setPrepay(order.outTradeNo, prepayId, call.now);
  }
  return ok({ outTradeNo: order.outTradeNo, payment: payments.requestPaymentArgs(prepayId, call.now) });
}

/**
 * The local sandbox forgets its orders when the host restarts (WeChat Pay never does): an open order
 * it no longer knows is placed again, with the same `out_trade_no`, instead of handing out a prepay
 * id nobody can pay.
 */
function forgotten(payments: Payments, outTradeNo: string): boolean {
  const sandbox = payments as Payments & { order?: (no: string) => unknown };
  return typeof sandbox.order === 'function' && sandbox.order(outTradeNo) === null;
}

/** Asks WeChat Pay about an order and records a payment it reports (`decidePayment` decides how). */
async function recordIfPaid(bills: BillStore, payments: Payments, order: Pick<PayOrder, 'outTradeNo'>, now: Date): Promise<boolean> {
  const queried = await payments.queryOrder(order.outTradeNo);
  if (!queried.ok || orderOutcome(queried.value.tradeState) !== 'paid') return false;
  const decision = await bills.recordPayment(queried.value, payments.merchant, now);
  return decision.kind !== 'refuse';
}

/** `bills.refresh`: the bill, after asking WeChat Pay about its open order (the "confirming" page). */
export async function refreshBill(deps: BillDeps, p: PayBillParams, call: UserCall): Promise<Result<{ bill: BillView }>> {
  const bill = await deps.bills.billOf(call.caller, p.billId);
  if (!bill) return billRefusals.notFound(p.billId);
  if (bill.status === 'paid' || bill.openOrder === null || !deps.pay.ok) return ok({ bill: billView(bill) });
  if (!(await recordIfPaid(deps.bills, deps.pay.payments, { outTradeNo: bill.openOrder }, call.now))) return ok({ bill: billView(bill) });
  const after = await deps.bills.billOf(call.caller, p.billId);
  return ok({ bill: billView(after ?? bill) });
}

export async function importBills(deps: Pick<BillDeps, 'bills'>, p: ImportBillsParams, call: Call): Promise<Result<ImportBillsResult>> {
  const { imported, duplicateRows } = await deps.bills.importBills(p.bills, call.now);
  return ok({ imported, duplicates: duplicateRows.length, duplicateRows });
}

/**
 * `payNotify`: verify (the Payments port), decide (`decidePayment`, in the store's transaction),
 * write (bill paid once with its order, or a pending refund), and answer 2xx only when handled.
 * Never calls WeChat Pay: a refund it decides is sent by the sweeper.
 */
export async function handlePayNotify(deps: Pick<BillDeps, 'bills' | 'pay'>, event: unknown, now: Date): Promise<HttpAccessAnswer> {
  const received = receivedFromHttpEvent(event);
  if (!received.ok) return received.answer;
  if (!deps.pay.ok) return notifyRefused(503, `payments are not configured (${deps.pay.variable})`);
  const payments = deps.pay.payments;
  const verified = payments.verifyNotification(received.received, now);
  if (!verified.ok)
    return notifyRefused(verified.refusal === 'MALFORMED' || verified.refusal === 'MISSING_HEADER' ? 400 : 401, `${verified.refusal}: ${verified.message}`);
  const n = verified.notification;
  if (n.kind === 'transaction') {
    const decision = await deps.bills.recordPayment(n.transaction, payments.merchant, now);
    return decision.kind === 'refuse' ? notifyRefused(400, `${decision.reason}: ${decision.message}`) : notifyHandled();
  }
  const owed = await deps.bills.refund(n.refund.outRefundNo);
  if (!owed) return notifyRefused(404, `no refund "${n.refund.outRefundNo.slice(0, 40)}" of ours`);
  const judged = judgeRefund(n.refund, { mchId: payments.merchant.mchId, outTradeNo: owed.outTradeNo, refundFen: owed.refundFen });
  if (!judged.ok) return notifyRefused(400, `${judged.mismatch}: ${judged.message}`);
  const swept = sweepRefund({ sent: true }, { kind: 'answer', value: n.refund });
  if (swept.kind === 'mark-refunded') await deps.bills.markRefund(owed.outRefundNo, 'refunded', now);
  if (swept.kind === 'mark-failed') await deps.bills.markRefund(owed.outRefundNo, 'failed', now);
  return notifyHandled();
}

/**
 * Sweeper job: open orders past their deadline are asked about (`sweepOrder`): a payment WeChat
 * Pay reports is recorded, an unpaid order past `time_expire` and its grace is closed there and here.
 */
export async function sweepPayOrders(deps: Pick<BillDeps, 'bills' | 'pay'>, call: Call): Promise<Record<string, number>> {
  const counts = { checked: 0, paid: 0, closed: 0 };
  if (!deps.pay.ok) return counts;
  const payments = deps.pay.payments;
  for (const order of await deps.bills.expiredOrders(call.now, PAY_SWEEP_LIMIT)) {
    counts.checked++;
    const step = sweepOrder(order, reported(await payments.queryOrder(order.outTradeNo)), call.now);
    if (step.kind === 'record-payment') {
      if ((await deps.bills.recordPayment(step.transaction, payments.merchant, call.now)).kind !== 'refuse') counts.paid++;
    } else if (step.kind === 'mark-closed') {
      if (await deps.bills.closeOrder(order.outTradeNo, call.now)) counts.closed++;
    } else if (step.kind === 'close') {
      const closed = await payments.closeOrder(order.outTradeNo);
      if (closed.ok) {
        if (await deps.bills.closeOrder(order.outTradeNo, call.now)) counts.closed++;
      } else if (closed.failure.kind === 'http' && closed.failure.code === 'ORDERPAID') {
        if (await recordIfPaid(deps.bills, payments, order, call.now)) counts.paid++;
      }
    }
  }
  return counts;
}

/** Sweeper job: refunds owed are sent (the same `out_refund_no` refunds once) and asked about until they settle. */
export async function sweepRefunds(deps: Pick<BillDeps, 'bills' | 'pay'>, call: Call): Promise<Record<string, number>> {
  const counts = { sent: 0, refunded: 0, failed: 0 };
  if (!deps.pay.ok) return counts;
  const payments = deps.pay.payments;
  for (const owed of await deps.bills.owedRefunds(PAY_SWEEP_LIMIT)) {
    const sent = owed.status === 'sent';
    const step = sweepRefund({ sent }, sent ? reported(await payments.queryRefund(owed.outRefundNo)) : null);
    if (step.kind === 'send') {
      const answer = await payments.refund({
        outTradeNo: owed.outTradeNo,
        outRefundNo: owed.outRefundNo,
        refundFen: owed.refundFen,
        totalFen: owed.totalFen,
        reason: '账单已支付，重复付款退回',
      });
      if (answer.ok) {
        if (!sent && (await deps.bills.markRefund(owed.outRefundNo, 'sent', call.now))) counts.sent++;
        const now = sweepRefund({ sent: true }, { kind: 'answer', value: answer.value });
        if (now.kind === 'mark-refunded' && (await deps.bills.markRefund(owed.outRefundNo, 'refunded', call.now))) counts.refunded++;
      }
    } else if (step.kind === 'mark-refunded') {
      if (await deps.bills.markRefund(owed.outRefundNo, 'refunded', call.now)) counts.refunded++;
    } else if (step.kind === 'mark-failed') {
      if (await deps.bills.markRefund(owed.outRefundNo, 'failed', call.now)) counts.failed++;
    }
  }
  return counts;
}
