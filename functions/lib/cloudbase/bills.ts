import { accountKey, decideBind, recentFailures, utilityBillId, type AccountType, type BillView } from '../../../shared/bills';
import { decideOpenOrder, decidePayment, type PaymentFacts } from '../../../shared/payment';
import type { AccountBinding, BillStore, OwedRefund, PayOrder, StoredBill } from '../ports';
import { plain, type CloudbaseDb } from './db';
import { RIDE_COLLECTIONS, riderOf } from './rides';
import type { AdapterDb, Doc } from './sdk';
import { readAll, readUpTo, type PagingCommand } from './paging';
import { inTransaction } from './transaction';

/**
 * Collections of the bills adapter (cloudbase/database.json, deny-all rules), every `_id`
 * deterministic so that a write retried after a crash lands on the same document:
 * - `bills` (shared with rides): a utility bill's `_id` is `utilityBillId` (type, number, period:
 *   the dedup key), `{ type, accountNo, accountKey, holderName, period, amountFen, dueDate,
 *   status, createdAt, paidAt, paidBy, openOrder, openid: null }`; ride bills get `paidBy`,
 *   `paidAt`, `openOrder` too.
 * - `utility_accounts`: `_id` = `accountKey` ("water:31000001"), `{ type, accountNo, holderName, updatedAt }`.
 * - `bill_users`: `_id` = the caller's OPENID, `{ accounts: [{ accountType, accountNo, boundAt }],
 *   bindFailures: [ISO time], updatedAt }`: bindings and the failed-bind window in one document,
 *   so that two binds of one caller conflict instead of both passing the rate limit.
 * - `pay_orders`: `_id` = `out_trade_no`, the fields of `PayOrder` (times as ISO strings).
 * - `pay_refunds`: `_id` = `out_refund_no`, the fields of `OwedRefund`.
 * - `riders` (the rides adapter's per-rider document): paying a ride bill removes its id from
 *   `unpaidRideBills` in the payment's transaction, so the rider can unlock again.
 */
// `bills` is the rides adapter's collection (RIDE_COLLECTIONS.bills): written as a literal so this
// constant stays pure and the bundles without bills drop it (tests/unit/bundles.test.ts).
export const BILL_COLLECTIONS = { bills: 'bills', accounts: 'utility_accounts', users: 'bill_users', orders: 'pay_orders', refunds: 'pay_refunds' } as const;

export interface BillsDb {
  command: { in(values: unknown[]): unknown; lt(value: unknown): unknown } & PagingCommand;
  collection(name: string): BillsCollection;
  runTransaction<T>(run: (tx: BillsTransaction) => Promise<T>, times?: number): Promise<T>;
}

interface BillsQuery {
  where(query: object): BillsQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): BillsQuery;
  limit(n: number): BillsQuery;
  get(): Promise<{ data: Doc[] }>;
  /** Outside a transaction only: atomic on each document it matches. */
  update(data: object): Promise<{ updated?: number }>;
}

interface BillsCollection extends BillsQuery {
  doc(id: string): { get(): Promise<{ data: Doc[] }>; update(data: object): Promise<{ updated?: number }> };
}

/** `doc()` operations only: they join the transaction. */
export interface BillsTransaction {
  collection(name: string): {
    doc(id: string): {
      get(): Promise<{ data: Doc | null }>;
      set(data: object): Promise<unknown>;
      update(data: object): Promise<unknown>;
    };
  };
}

interface UserDoc {
  accounts: { accountType: AccountType; accountNo: string; boundAt: string }[];
  bindFailures: string[];
}

function userOf(doc: Doc | null): UserDoc {
  const d = doc ? plain<Record<string, unknown>>(doc) : {};
  return {
    accounts: Array.isArray(d.accounts) ? (d.accounts as UserDoc['accounts']) : [],
    bindFailures: Array.isArray(d.bindFailures) ? (d.bindFailures as unknown[]).map(String) : [],
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function billOfDoc(doc: Doc): StoredBill {
  const d = plain<Record<string, unknown>>(doc);
  const view: BillView = {
    id: String(d._id),
    type: d.type as StoredBill['type'],
    amountFen: Number(d.amountFen),
    status: d.status === 'paid' ? 'paid' : 'unpaid',
  };
  if (str(d.accountNo)) view.accountNo = String(d.accountNo);
  if (str(d.period)) view.period = String(d.period);
  if (str(d.dueDate)) view.dueDate = String(d.dueDate);
  if (str(d.paidAt)) view.paidAt = String(d.paidAt);
  if (str(d.rideId)) view.rideId = String(d.rideId);
  return { ...view, openid: str(d.openid), paidBy: str(d.paidBy), openOrder: str(d.openOrder) };
}

function orderOfDoc(doc: Doc): PayOrder {
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

function refundOfDoc(doc: Doc): OwedRefund {
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

/** Whether a user may see (and pay) a bill: their own ride bill, or a bill of an account they have bound. */
function visibleTo(user: UserDoc, openid: string, bill: StoredBill): boolean {
  if (bill.type === 'ride') return bill.openid === openid;
  return user.accounts.some((a) => a.accountType === bill.type && a.accountNo === bill.accountNo);
}

/**
 * Accounts, bills, orders and refunds in CloudBase. Every operation that touches several documents
 * is one `runTransaction` of `doc()` reads and writes that asks the rule (decideBind, decideOpenOrder,
 * decidePayment) on what it read; queries (listings, the sweeper's) run outside transactions and
 * only find ids, which the transaction then reads again.
 */
export function cloudbaseBills(db: BillsDb, jitter: () => number = Math.random): BillStore {
  const col = (name: string) => db.collection(name);
  const transact = <T>(run: (tx: BillsTransaction) => Promise<T>) => inTransaction(db, run, jitter);
  const first = async (name: string, id: string): Promise<Doc | null> => (await col(name).doc(id).get()).data[0] ?? null;

  function within(tx: BillsTransaction) {
    const ref = (name: string, id: string) => tx.collection(name).doc(id);
    const read = async (name: string, id: string) => (await ref(name, id).get()).data;
    return {
      ref,
      read,
      async bill(id: string) {
        const doc = await read(BILL_COLLECTIONS.bills, id);
        return doc ? billOfDoc(doc) : null;
      },
      async order(no: string | null) {
        if (no === null) return null;
        const doc = await read(BILL_COLLECTIONS.orders, no);
        return doc ? orderOfDoc(doc) : null;
      },
      user: async (openid: string) => userOf(await read(BILL_COLLECTIONS.users, openid)),
    };
  }

  return {
    async importBills(rows, now) {
      const at = now.toISOString();
      return transact(async (tx) => {
        const t = within(tx);
        const duplicateRows: number[] = [];
        for (const [i, row] of rows.entries()) {
          const id = utilityBillId(row);
          if (await t.read(BILL_COLLECTIONS.bills, id)) {
            duplicateRows.push(i);
            continue;
          }
          const key = accountKey(row.accountType, row.accountNo);
          await t.ref(BILL_COLLECTIONS.bills, id).set({
            openid: null,
            type: row.accountType,
            accountNo: row.accountNo,
            accountKey: key,
            holderName: row.holderName,
            period: row.period,
            amountFen: row.amountFen,
            dueDate: row.dueDate,
            status: 'unpaid',
            createdAt: at,
            paidAt: null,
            paidBy: null,
            openOrder: null,
          });
          await t.ref(BILL_COLLECTIONS.accounts, key).set({ type: row.accountType, accountNo: row.accountNo, holderName: row.holderName, updatedAt: at });
        }
        return { imported: rows.length - duplicateRows.length, duplicateRows };
      });
    },

    async bind({ openid, accountType, accountNo, holderName, now }) {
      const at = now.toISOString();
      return transact(async (tx) => {
        const t = within(tx);
        const user = await t.user(openid);
        const accountDoc = await t.read(BILL_COLLECTIONS.accounts, accountKey(accountType, accountNo));
        const utilityName = accountDoc && typeof accountDoc.holderName === 'string' ? accountDoc.holderName : null;
        const bound = user.accounts.find((a) => a.accountType === accountType && a.accountNo === accountNo);
        const failures = recentFailures(
          user.bindFailures.map((s) => new Date(s)),
          now,
        );
        const decision = decideBind(
          { failures, account: utilityName === null ? null : { holderName: utilityName }, holderName, alreadyBound: bound !== undefined },
          now,
        );
        if (decision.kind === 'rate-limited') return decision;
        if (decision.kind === 'not-found') {
          await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, bindFailures: [...failures.map((d) => d.toISOString()), at], updatedAt: at });
          return decision;
        }
        if (utilityName === null) return decision;
        if (!bound)
          await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, accounts: [...user.accounts, { accountType, accountNo, boundAt: at }], updatedAt: at });
        const binding: AccountBinding = { accountType, accountNo, holderName: utilityName, boundAt: new Date(bound?.boundAt ?? at) };
        return { ...decision, binding };
      });
    },

    async unbind(openid, accountType, accountNo, now) {
      return transact(async (tx) => {
        const t = within(tx);
        const user = await t.user(openid);
        const kept = user.accounts.filter((a) => !(a.accountType === accountType && a.accountNo === accountNo));
        if (kept.length === user.accounts.length) return false;
        await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, accounts: kept, updatedAt: now.toISOString() });
        return true;
      });
    },

    async accountsOf(openid) {
      const user = userOf(await first(BILL_COLLECTIONS.users, openid));
      const out: AccountBinding[] = [];
      for (const a of user.accounts) {
        const doc = await first(BILL_COLLECTIONS.accounts, accountKey(a.accountType, a.accountNo));
        if (doc) out.push({ accountType: a.accountType, accountNo: a.accountNo, holderName: String(doc.holderName), boundAt: new Date(a.boundAt) });
      }
      return out;
    },

    async billsOf(openid) {
      const user = userOf(await first(BILL_COLLECTIONS.users, openid));
      // Every bill of the user's rides and bound accounts, a page at a time by _id (paging.ts).
      const bills = () => col(BILL_COLLECTIONS.bills);
      const rides = await readAll(bills, db.command, { openid, type: 'ride' }, '_id');
      const keys = user.accounts.map((a) => accountKey(a.accountType, a.accountNo));
      const utility = keys.length === 0 ? [] : await readAll(bills, db.command, { accountKey: db.command.in(keys) }, '_id');
      return [...rides, ...utility].map(billOfDoc);
    },

    async billOf(openid, billId) {
      const doc = await first(BILL_COLLECTIONS.bills, billId);
      if (!doc) return null;
      const bill = billOfDoc(doc);
      if (bill.type === 'ride') return bill.openid === openid ? bill : null;
      return visibleTo(userOf(await first(BILL_COLLECTIONS.users, openid)), openid, bill) ? bill : null;
    },

    async openOrder({ openid, billId, outTradeNo, now }) {
      return transact(async (tx) => {
        const t = within(tx);
        const bill = await t.bill(billId);
        if (!bill || !visibleTo(bill.type === 'ride' ? { accounts: [], bindFailures: [] } : await t.user(openid), openid, bill))
          return { kind: 'not-found' as const };
        const decision = decideOpenOrder({ bill, current: await t.order(bill.openOrder), openid, outTradeNo, now });
        if (decision.kind === 'already-paid') return decision;
        if (decision.kind !== 'new-order') return { kind: decision.kind, order: decision.order, bill };
        const { order } = decision;
        const { outTradeNo: _id, createdAt, expiresAt, ...fields } = order;
        await t.ref(BILL_COLLECTIONS.orders, outTradeNo).set({ ...fields, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString() });
        await t.ref(BILL_COLLECTIONS.bills, billId).update({ openOrder: outTradeNo });
        return { kind: 'new-order' as const, order, bill: { ...bill, openOrder: outTradeNo } };
      });
    },

    async setPrepay(outTradeNo, prepayId, issuedAt) {
      // One document: a conditional update is atomic on its own (and loses to a close or a payment).
      await col(BILL_COLLECTIONS.orders).where({ _id: outTradeNo, status: 'open' }).update({ prepayId, prepayIssuedAt: issuedAt.toISOString() });
    },

    async order(outTradeNo) {
      const doc = await first(BILL_COLLECTIONS.orders, outTradeNo);
      return doc ? orderOfDoc(doc) : null;
    },

    async recordPayment(tx, merchant, now) {
      return transact(async (t0) => {
        const t = within(t0);
        const order = await t.order(tx.outTradeNo);
        const bill = order ? await t.bill(order.billId) : null;
        const facts: PaymentFacts = {
          order: order && { outTradeNo: order.outTradeNo, billId: order.billId, amountFen: order.amountFen, status: order.status },
          bill: bill && (bill.status === 'paid' ? { status: 'paid', paidByOutTradeNo: bill.paidBy ?? '' } : { status: 'unpaid' }),
        };
        const decision = decidePayment(tx, merchant, facts);
        // (decidePayment refuses an order or bill it was not given: the nulls are its answer too.)
        if (decision.kind === 'refuse' || decision.kind === 'already-recorded' || order === null || bill === null) return decision;
        const paidAt = (tx.successAt ?? now).toISOString();
        const riderId = bill.type === 'ride' && decision.kind === 'record-payment' ? bill.openid : null;
        const rider = riderId === null ? null : riderOf(await t.read(RIDE_COLLECTIONS.riders, riderId));
        await t.ref(BILL_COLLECTIONS.orders, tx.outTradeNo).update({ status: 'paid', transactionId: tx.transactionId ?? `unknown-${tx.outTradeNo}`, paidAt });
        if (decision.kind === 'record-payment') {
          await t.ref(BILL_COLLECTIONS.bills, order.billId).update({ status: 'paid', paidBy: tx.outTradeNo, paidAt, openOrder: null });
          // The rider's unpaid-bills record, in the payment's transaction: the rider can unlock again.
          if (riderId !== null && rider !== null) {
            await t
              .ref(RIDE_COLLECTIONS.riders, riderId)
              .set({ ...rider, unpaidRideBills: rider.unpaidRideBills.filter((id) => id !== bill.id), updatedAt: now });
          }
        } else {
          await t.ref(BILL_COLLECTIONS.refunds, decision.outRefundNo).set({
            outTradeNo: tx.outTradeNo,
            billId: order.billId,
            refundFen: decision.refundFen,
            totalFen: tx.totalFen,
            status: 'pending',
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
          });
        }
        return decision;
      });
    },

    async closeOrder(outTradeNo, now) {
      return transact(async (tx) => {
        const t = within(tx);
        const order = await t.order(outTradeNo);
        if (order?.status !== 'open') return false;
        await t.ref(BILL_COLLECTIONS.orders, outTradeNo).update({ status: 'closed', closedAt: now.toISOString() });
        const bill = await t.bill(order.billId);
        if (bill && bill.openOrder === outTradeNo) await t.ref(BILL_COLLECTIONS.bills, bill.id).update({ openOrder: null });
        return true;
      });
    },

    async expiredOrders(before, limit) {
      // Oldest deadline first, ties by out_trade_no: the same order every sweep, pages past 1,000.
      const where = { status: 'open', expiresAt: db.command.lt(before.toISOString()) };
      return (await readUpTo(() => col(BILL_COLLECTIONS.orders), db.command, where, 'expiresAt', limit)).map(orderOfDoc);
    },

    async owedRefunds(limit) {
      const where = { status: db.command.in(['pending', 'sent']) };
      return (await readUpTo(() => col(BILL_COLLECTIONS.refunds), db.command, where, 'createdAt', limit)).map(refundOfDoc);
    },

    async markRefund(outRefundNo, status, now) {
      return transact(async (tx) => {
        const t = within(tx);
        const doc = await t.read(BILL_COLLECTIONS.refunds, outRefundNo);
        const from = status === 'sent' ? ['pending'] : ['pending', 'sent'];
        if (!doc || !from.includes(String(doc.status))) return false;
        await t.ref(BILL_COLLECTIONS.refunds, outRefundNo).update({ status, updatedAt: now.toISOString() });
        return true;
      });
    },

    async refund(outRefundNo) {
      const doc = await first(BILL_COLLECTIONS.refunds, outRefundNo);
      return doc ? refundOfDoc(doc) : null;
    },
  };
}

/** The SDK's database as this adapter sees it. */
export function asBillsDb(db: CloudbaseDb | AdapterDb): BillsDb {
  return db as unknown as BillsDb;
}
