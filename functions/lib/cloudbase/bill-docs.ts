/**
 * The bills adapter's documents in CloudBase (functions/lib/cloudbase/bills.ts reads and writes
 * them): the collections, the caller's bindings document, and how a document becomes a record.
 */
import { accountKey, type AccountType, type Biller, type BillView } from '../../../shared/bills';
import type { PayerOrder } from '../../../shared/payment';
import type { OwedRefund, PayOrder, StoredBill } from '../ports';
import { plain } from './db';
import type { ChainQuery, Doc, DocTransaction } from './sdk';
import type { PagingCommand } from './paging';

/**
 * Collections of the bills adapter (cloudbase/database.json, deny-all rules), every `_id`
 * deterministic so that a write retried after a crash lands on the same document:
 * - `billers`: `_id` = the biller's id, `{ name, type, city, accountNoPattern, accountNoHint, updatedAt }`.
 * - `bills` (shared with rides): a utility bill's `_id` is `utilityBillId` (biller, number, period:
 *   the dedup key), `{ type, billerId, accountNo, accountKey, holderName, period, amountFen,
 *   dueDate, status, createdAt, paidAt, paidBy, openOrders, openid: null }`; ride bills get
 *   `paidBy`, `paidAt`, `openOrders` too (`rideBill`). `openOrders`: `[{ openid, outTradeNo }]`,
 *   each payer's open order (household members pay with orders of their own).
 * - `utility_accounts`: `_id` = `accountKey` ("water:31000001"), `{ billerId, type, accountNo, holderName, updatedAt }`.
 * - `bind_guards`: `_id` = `accountKey`, `{ failures: [ISO time], updatedAt }`: the failed binds of
 *   one number by anybody (known or not: the answer must not tell), read in the bind's transaction.
 * - `bill_users`: `_id` = the caller's OPENID, `{ accounts: [{ billerId, accountType, accountNo,
 *   label, boundAt }], bindFailures: [ISO time], updatedAt }`: bindings and the failed-bind window
 *   in one document, so that two binds of one caller conflict instead of both passing the rate limit.
 * - `pay_orders`: `_id` = `out_trade_no`, the fields of `PayOrder` (times as ISO strings).
 * - `pay_refunds`: `_id` = `out_refund_no`, the fields of `OwedRefund`.
 * - `riders` (the rides adapter's per-rider document): paying a ride bill removes its id from
 *   `unpaidRideBills` in the payment's transaction, so the rider can unlock again.
 */
// `bills` is the rides adapter's collection (RIDE_COLLECTIONS.bills): written as a literal so this
// constant stays pure and the bundles without bills drop it (tests/unit/bundles.test.ts).
export const BILL_COLLECTIONS = {
  billers: 'billers',
  bills: 'bills',
  accounts: 'utility_accounts',
  guards: 'bind_guards',
  users: 'bill_users',
  orders: 'pay_orders',
  refunds: 'pay_refunds',
} as const;

export interface BillsDb {
  command: { in(values: unknown[]): unknown; lt(value: unknown): unknown } & PagingCommand;
  collection(name: string): BillsCollection;
  runTransaction<T>(run: (tx: BillsTransaction) => Promise<T>, times?: number): Promise<T>;
}

export interface BillsQuery extends ChainQuery<BillsQuery> {
  /** Outside a transaction only: atomic on each document it matches. */
  update(data: object): Promise<{ updated?: number }>;
}

export interface BillsCollection extends BillsQuery {
  doc(id: string): { get(): Promise<{ data: Doc[] }>; update(data: object): Promise<{ updated?: number }> };
}

export type BillsTransaction = DocTransaction;

export interface UserAccount {
  billerId: string;
  accountType: AccountType;
  accountNo: string;
  label: string | null;
  boundAt: string;
}

export interface UserDoc {
  accounts: UserAccount[];
  bindFailures: string[];
}

export function userOf(doc: Doc | null): UserDoc {
  const d = doc ? plain<Record<string, unknown>>(doc) : {};
  const accounts = Array.isArray(d.accounts) ? (d.accounts as Partial<UserAccount>[]) : [];
  return {
    // A binding made before billers names its type: the biller named after the type.
    accounts: accounts.map((a) => ({
      billerId: String(a.billerId ?? a.accountType),
      accountType: a.accountType as AccountType,
      accountNo: String(a.accountNo),
      label: typeof a.label === 'string' ? a.label : null,
      boundAt: String(a.boundAt),
    })),
    bindFailures: Array.isArray(d.bindFailures) ? (d.bindFailures as unknown[]).map(String) : [],
  };
}

export const boundKeys = (user: UserDoc) => user.accounts.map((a) => accountKey(a.billerId, a.accountNo));

export const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function billOfDoc(doc: Doc): StoredBill {
  const d = plain<Record<string, unknown>>(doc);
  const view: BillView = {
    id: String(d._id),
    type: d.type as StoredBill['type'],
    amountFen: Number(d.amountFen),
    status: d.status === 'paid' ? 'paid' : 'unpaid',
  };
  if (view.type !== 'ride') view.billerId = str(d.billerId) ?? view.type;
  if (str(d.accountNo)) view.accountNo = String(d.accountNo);
  if (str(d.period)) view.period = String(d.period);
  if (str(d.dueDate)) view.dueDate = String(d.dueDate);
  if (str(d.paidAt)) view.paidAt = String(d.paidAt);
  if (str(d.rideId)) view.rideId = String(d.rideId);
  if (str(d.transactionId) && view.status === 'paid') view.transactionId = String(d.transactionId);
  const openOrders = Array.isArray(d.openOrders)
    ? (d.openOrders as PayerOrder[]).map((o) => ({ openid: String(o.openid), outTradeNo: String(o.outTradeNo) }))
    : [];
  return { ...view, openid: str(d.openid), paidBy: str(d.paidBy), openOrders, holderName: str(d.holderName) };
}

export function billerOfDoc(doc: Doc): Biller {
  const d = plain<Record<string, unknown>>(doc);
  const b: Biller = { id: String(d._id), name: String(d.name), type: d.type as AccountType, city: String(d.city ?? '') };
  if (str(d.accountNoPattern)) b.accountNoPattern = String(d.accountNoPattern);
  if (str(d.accountNoHint)) b.accountNoHint = String(d.accountNoHint);
  return b;
}

export function orderOfDoc(doc: Doc): PayOrder {
  const d = plain<Record<string, unknown>>(doc);
  const date = (k: string) => (typeof d[k] === 'string' ? new Date(d[k] as string) : null);
  return {
    outTradeNo: String(d._id),
    billId: String(d.billId),
    openid: String(d.openid),
    amountFen: Number(d.amountFen),
    status: d.status as PayOrder['status'],
    createdAt: new Date(String(d.createdAt)),
    expiresAt: new Date(String(d.expiresAt)),
    prepayId: str(d.prepayId),
    prepayIssuedAt: date('prepayIssuedAt'),
    transactionId: str(d.transactionId),
    paidAt: date('paidAt'),
  };
}

export function refundOfDoc(doc: Doc): OwedRefund {
  const d = plain<Record<string, unknown>>(doc);
  return {
    outRefundNo: String(d._id),
    outTradeNo: String(d.outTradeNo),
    billId: String(d.billId),
    refundFen: Number(d.refundFen),
    totalFen: Number(d.totalFen),
    status: d.status as OwedRefund['status'],
    createdAt: new Date(String(d.createdAt)),
  };
}
