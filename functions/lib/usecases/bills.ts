import {
  accountNoProblem,
  bindNotFound,
  bindRateLimited,
  billRefusals,
  maskName,
  payDescription,
  planImport,
  resolveBiller,
  sortBills,
  type AccountType,
  type BillDetail,
  type Biller,
  type BillerRef,
  type BillView,
  type ResolvedBiller,
} from '../../../shared/bills';
import type { RandomSource } from '../../../shared/checkin-code';
import type {
  AccountView,
  BillerView,
  BillersParams,
  BindAccountParams,
  GetBillParams,
  ImportBillsParams,
  ImportBillsResult,
  ListBillsParams,
  PayBillParams,
  PayResult,
  UnbindAccountParams,
  UpsertBillersParams,
} from '../../../shared/contract/bills';
import { judgeRefund, orderOutcome, payerOrder, sweepOrder, sweepRefund } from '../../../shared/payment';
import { fail, ok, type Result } from '../../../shared/result';
import type {
  AccountBinding,
  BillStore,
  Call,
  NotificationRefusal,
  PayOrder,
  Payments,
  PaySetup,
  ReceivedNotification,
  RideStore,
  StoredBill,
  UserCall,
} from '../ports';
import { reported } from '../ports/payments';

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

function accountView(a: AccountBinding, billerName: string): AccountView {
  return {
    billerId: a.billerId,
    billerName,
    accountType: a.accountType,
    type: a.accountType,
    accountNo: a.accountNo,
    holderName: maskName(a.holderName),
    label: a.label,
    boundAt: a.boundAt.toISOString(),
  };
}

function billerView(b: Biller): BillerView {
  const view: BillerView = { id: b.id, name: b.name, type: b.type, city: b.city };
  if (b.accountNoHint) view.accountNoHint = b.accountNoHint;
  return view;
}

/** What a client sees of a stored bill (its biller's name and the caller's label added by the caller of this). */
export function billView(b: StoredBill): BillView {
  const { openid: _o, paidBy: _p, openOrders: _x, holderName: _h, ...view } = b;
  return view;
}

/** The names of these billers, by id (a biller gone since keeps its id as its name). */
async function billerNames(bills: BillStore, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const names = new Map<string, string>(wanted.map((id) => [id, id]));
  if (wanted.length > 0) for (const b of await bills.billers({ ids: wanted })) names.set(b.id, b.name);
  return names;
}

/** The biller a request names (`resolveBiller` on the billers read now). */
async function billerOf(bills: BillStore, ref: BillerRef): Promise<ResolvedBiller> {
  const byId = ref.billerId !== undefined ? ((await bills.billers({ ids: [ref.billerId] }))[0] ?? null) : null;
  const ofType = ref.accountType !== undefined ? await bills.billers({ type: ref.accountType }) : [];
  return resolveBiller(ref, { byId, ofType });
}

const refOf = (p: { billerId?: string; accountType?: AccountType }): BillerRef =>
  p.billerId !== undefined ? { billerId: p.billerId } : { accountType: p.accountType as AccountType };

/** `bills.billers`: the companies of a city and/or type (no caller needed). */
export async function listBillers(deps: Pick<BillDeps, 'bills'>, p: BillersParams): Promise<Result<{ billers: BillerView[] }>> {
  return ok({ billers: (await deps.bills.billers({ city: p.city, type: p.type })).map(billerView) });
}

/** `admin.upsertBillers`: all or nothing (the contract checked every pattern). */
export async function upsertBillers(deps: Pick<BillDeps, 'bills'>, p: UpsertBillersParams, call: Call): Promise<Result<{ upserted: number }>> {
  return ok(await deps.bills.upsertBillers(p.billers, call.now));
}

export async function bindAccount(deps: BillDeps, p: BindAccountParams, call: UserCall): Promise<Result<{ account: AccountView; alreadyBound: boolean }>> {
  const resolved = await billerOf(deps.bills, refOf(p));
  if (!resolved.ok) return resolved;
  const { biller } = resolved;
  const problem = accountNoProblem(biller, p.accountNo);
  if (problem) return fail('INVALID_ARGUMENT', `accountNo: ${problem}`);
  const outcome = await deps.bills.bind({
    openid: call.caller,
    biller,
    accountNo: p.accountNo,
    holderName: p.holderName,
    label: p.label ?? null,
    now: call.now,
  });
  if (outcome.kind === 'rate-limited') return bindRateLimited(outcome.retryAt);
  if (outcome.kind === 'not-found' || !outcome.binding) return bindNotFound();
  return ok({ account: accountView(outcome.binding, biller.name), alreadyBound: outcome.alreadyBound });
}

export async function unbindAccount(deps: BillDeps, p: UnbindAccountParams, call: UserCall): Promise<Result<{ unbound: true }>> {
  const resolved = await billerOf(deps.bills, refOf(p));
  if (!resolved.ok) return resolved;
  const removed = await deps.bills.unbind(call.caller, resolved.biller.id, p.accountNo, call.now);
  return removed ? ok({ unbound: true }) : billRefusals.notBound(resolved.biller.id, p.accountNo);
}

export async function listAccounts(deps: BillDeps, call: UserCall): Promise<Result<{ accounts: AccountView[] }>> {
  const accounts = await deps.bills.accountsOf(call.caller);
  const names = await billerNames(
    deps.bills,
    accounts.map((a) => a.billerId),
  );
  return ok({ accounts: accounts.map((a) => accountView(a, names.get(a.billerId) ?? a.billerId)) });
}

/** The caller's view of bills: each with its biller's name and the caller's label of its account. */
async function viewsOf(deps: BillDeps, caller: string, bills: readonly StoredBill[]): Promise<BillView[]> {
  const utility = bills.filter((b) => b.billerId !== undefined);
  if (utility.length === 0) return bills.map(billView);
  const names = await billerNames(
    deps.bills,
    utility.map((b) => b.billerId as string),
  );
  const labels = new Map((await deps.bills.accountsOf(caller)).map((a) => [`${a.billerId}:${a.accountNo}`, a.label]));
  return bills.map((b) => {
    const view = billView(b);
    if (b.billerId === undefined) return view;
    view.billerName = names.get(b.billerId) ?? b.billerId;
    const label = labels.get(`${b.billerId}:${b.accountNo}`);
    if (label) view.label = label;
    return view;
  });
}

export async function listBills(deps: BillDeps, p: ListBillsParams, call: UserCall): Promise<Result<{ bills: BillView[] }>> {
  const bills = (await deps.bills.billsOf(call.caller)).filter((b) => p.status === undefined || b.status === p.status);
  return ok({ bills: sortBills(await viewsOf(deps, call.caller, bills)) });
}

/** A bill in full for its caller: the list's fields, the holder (masked), and the transaction once paid. */
async function detailOf(deps: BillDeps, caller: string, bill: StoredBill): Promise<BillDetail> {
  const [view] = await viewsOf(deps, caller, [bill]);
  const detail: BillDetail = { ...view };
  if (bill.holderName !== null && bill.type !== 'ride') detail.holderName = maskName(bill.holderName);
  // Bills paid before the bill kept its transaction: the order that paid it has it.
  if (bill.status === 'paid' && detail.transactionId === undefined && bill.paidBy !== null) {
    const order = await deps.bills.order(bill.paidBy);
    if (order?.transactionId) detail.transactionId = order.transactionId;
  }
  return detail;
}

/**
 * `bills.get`: one of the caller's bills in full; a ride bill also says which ride (bike, start,
 * end, duration, fee and surcharge) when the function has the rides (the `bills` function does).
 */
export async function getBill(deps: BillDeps & { rides?: Pick<RideStore, 'get'> }, p: GetBillParams, call: UserCall): Promise<Result<{ bill: BillDetail }>> {
  const bill = await deps.bills.billOf(call.caller, p.billId);
  if (!bill) return billRefusals.notFound(p.billId);
  const detail = await detailOf(deps, call.caller, bill);
  if (bill.type === 'ride' && bill.rideId !== undefined && deps.rides) {
    const ride = await deps.rides.get(bill.rideId);
    if (ride && ride.status === 'ended') {
      Object.assign(detail, {
        bikeCode: ride.bikeCode,
        startAt: ride.startAt!,
        endAt: ride.endAt!,
        durationSec: ride.durationSec!,
        feeFen: ride.feeFen!,
        surchargeFen: ride.surchargeFen!,
      });
    }
  }
  return ok({ bill: detail });
}

/**
 * `bills.pay`: one open order per bill (`planPay` in the store's transaction); the order is
 * written before WeChat Pay is asked, so a crash in between leaves an open order without a prepay
 * id, which the next `pay` completes with the same `out_trade_no`, and the sweeper closes if nobody does.
 */
export async function payBill(deps: BillDeps, p: PayBillParams, call: UserCall): Promise<Result<PayResult>> {
  if (!deps.pay.ok) return billRefusals.payUnavailable(deps.pay.variable, deps.pay.message);
  const payments = deps.pay.payments;
  // Every refusal (not yours, paid, not payable) is decideOpenOrder's, in the store's transaction.
  const outcome = await deps.bills.openOrder({ openid: call.caller, billId: p.billId, outTradeNo: newOutTradeNo(deps.random), now: call.now });
  if (outcome.kind === 'not-found') return billRefusals.notFound(p.billId);
  if (outcome.kind === 'already-paid') return billRefusals.alreadyPaid(p.billId);
  if (outcome.kind === 'not-payable') return billRefusals.notPayable(p.billId, outcome.amountFen);
  const { order, bill } = outcome;
  let prepayId = order.prepayId;
  if (outcome.kind !== 'reuse' || prepayId === null || payments.forgot?.(order.outTradeNo) === true) {
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

/** Asks WeChat Pay about an order and records a payment it reports (`decidePayment` decides how). */
async function recordIfPaid(bills: BillStore, payments: Payments, order: Pick<PayOrder, 'outTradeNo'>, now: Date): Promise<boolean> {
  const queried = await payments.queryOrder(order.outTradeNo);
  if (!queried.ok || orderOutcome(queried.value.tradeState) !== 'paid') return false;
  const decision = await bills.recordPayment(queried.value, payments.merchant, now);
  return decision.kind !== 'refuse';
}

/** `bills.refresh`: the bill in full (as `get`), after asking WeChat Pay about the caller's open order (the "confirming" page). */
export async function refreshBill(deps: BillDeps, p: PayBillParams, call: UserCall): Promise<Result<{ bill: BillDetail }>> {
  const bill = await deps.bills.billOf(call.caller, p.billId);
  if (!bill) return billRefusals.notFound(p.billId);
  const open = payerOrder(bill.openOrders, call.caller);
  const answer = async (b: StoredBill) => ok({ bill: await detailOf(deps, call.caller, b) });
  if (bill.status === 'paid' || open === null || !deps.pay.ok) return answer(bill);
  if (!(await recordIfPaid(deps.bills, deps.pay.payments, { outTradeNo: open }, call.now))) return answer(bill);
  const after = await deps.bills.billOf(call.caller, p.billId);
  return answer(after ?? bill);
}

/**
 * `admin.importBills`: every row's biller resolved and its number checked (`planImport`, on the
 * billers read now), then one all-or-nothing write (which makes a type's biller when needed).
 */
export async function importBills(deps: Pick<BillDeps, 'bills'>, p: ImportBillsParams, call: Call): Promise<Result<ImportBillsResult>> {
  const ids = [...new Set(p.bills.flatMap((r) => (r.billerId !== undefined ? [r.billerId] : [])))];
  const types = [...new Set(p.bills.flatMap((r) => (r.billerId === undefined && r.accountType !== undefined ? [r.accountType] : [])))];
  const byId = new Map(ids.length === 0 ? [] : (await deps.bills.billers({ ids })).map((b) => [b.id, b] as const));
  const ofType = new Map<AccountType, Biller[]>();
  for (const type of types) ofType.set(type, await deps.bills.billers({ type }));
  const plan = planImport(
    p.bills.map(({ billerId: _b, accountType: _a, ...r }) => ({ ...r, ...refOf({ billerId: _b, accountType: _a }) })),
    { byId, ofType },
  );
  if (!plan.ok) return plan;
  const { imported, duplicateRows } = await deps.bills.importBills(plan.rows, call.now, plan.create);
  return ok({ imported, duplicates: duplicateRows.length, duplicateRows });
}

/**
 * What `payNotify` did with a notification, for actions/pay-notify.ts to answer on the wire
 * (`handled` is the only outcome WeChat Pay must not send again).
 */
export type PayNotifyOutcome =
  | { kind: 'handled' }
  /** Payments are not configured (`variable` names the setting). */
  | { kind: 'unconfigured'; variable: string }
  /** The notification's verification refused it (`refusal` as the Payments port names it). */
  | { kind: 'unverified'; refusal: NotificationRefusal; message: string }
  /** Verified, but it does not pay or refund what we expect (shared/payment's reason in the message). */
  | { kind: 'refused'; message: string }
  /** A refund notification for a refund we never asked for. */
  | { kind: 'unknown-refund'; outRefundNo: string };

/**
 * `payNotify`: verify (the Payments port), decide (`decidePayment`, in the store's transaction),
 * write (bill paid once with its order, or a pending refund), and say whether it was handled.
 * Never calls WeChat Pay: a refund it decides is sent by the sweeper.
 */
export async function recordPayNotification(deps: Pick<BillDeps, 'bills' | 'pay'>, received: ReceivedNotification, now: Date): Promise<PayNotifyOutcome> {
  if (!deps.pay.ok) return { kind: 'unconfigured', variable: deps.pay.variable };
  const payments = deps.pay.payments;
  const verified = payments.verifyNotification(received, now);
  if (!verified.ok) return { kind: 'unverified', refusal: verified.refusal, message: verified.message };
  const n = verified.notification;
  if (n.kind === 'transaction') {
    const decision = await deps.bills.recordPayment(n.transaction, payments.merchant, now);
    return decision.kind === 'refuse' ? { kind: 'refused', message: `${decision.reason}: ${decision.message}` } : { kind: 'handled' };
  }
  const owed = await deps.bills.refund(n.refund.outRefundNo);
  if (!owed) return { kind: 'unknown-refund', outRefundNo: n.refund.outRefundNo };
  const judged = judgeRefund(n.refund, { mchId: payments.merchant.mchId, outTradeNo: owed.outTradeNo, refundFen: owed.refundFen });
  if (!judged.ok) return { kind: 'refused', message: `${judged.mismatch}: ${judged.message}` };
  const swept = sweepRefund({ sent: true }, { kind: 'answer', value: n.refund });
  if (swept.kind === 'mark-refunded') await deps.bills.markRefund(owed.outRefundNo, 'refunded', now);
  if (swept.kind === 'mark-failed') await deps.bills.markRefund(owed.outRefundNo, 'failed', now);
  return { kind: 'handled' };
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
