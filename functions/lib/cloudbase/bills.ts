import { accountKey, billVisibleTo, decideBind, recentFailures, utilityBillId } from '../../../shared/bills';
import { decideOpenOrder, decidePayment, openOrdersWithout, payerOrder, paymentFacts, paymentWrites, refundMoveAllowed } from '../../../shared/payment';
import { accountBinding, type AccountBinding, type BillStore, type OwedRefund } from '../ports';
import type { CloudbaseDb } from './db';
import { RIDE_COLLECTIONS, riderOf } from './ride-docs';
import type { AdapterDb, Doc } from './sdk';
import { readAll, readUpTo } from './paging';
import { inTransaction } from './transaction';
import {
  BILL_COLLECTIONS,
  type BillsDb,
  type BillsTransaction,
  type UserAccount,
  billOfDoc,
  billerOfDoc,
  boundKeys,
  orderOfDoc,
  refundOfDoc,
  userOf,
} from './bill-docs';

/**
 * Billers, accounts, bills, orders and refunds in CloudBase. Every operation that touches several
 * documents is one `runTransaction` of `doc()` reads and writes that asks the rule (decideBind,
 * billVisibleTo, decideOpenOrder, decidePayment and paymentWrites, refundMoveAllowed) on what it
 * read; queries (listings, the sweeper's) run outside transactions and only find ids, which the
 * transaction then reads again.
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

  /** Every document of a query, page by page in `_id` order (paging.ts: a query returns at most 1,000). */
  const everyPage = (name: string, where: Record<string, unknown>): Promise<Doc[]> => readAll(() => col(name), db.command, where, '_id');

  return {
    async upsertBillers(billers, now) {
      const at = now.toISOString();
      return transact(async (tx) => {
        for (const b of billers) {
          const { id, ...fields } = b;
          await tx
            .collection(BILL_COLLECTIONS.billers)
            .doc(id)
            .set({ ...fields, accountNoPattern: b.accountNoPattern ?? null, accountNoHint: b.accountNoHint ?? null, updatedAt: at });
        }
        return { upserted: billers.length };
      });
    },

    async billers(filter) {
      const where: Record<string, unknown> = {};
      if (filter.city !== undefined) where.city = filter.city;
      if (filter.type !== undefined) where.type = filter.type;
      const docs: Doc[] = [];
      if (filter.ids !== undefined) {
        // `in` of at most 100 ids a query.
        const ids = [...new Set(filter.ids)];
        for (let i = 0; i < ids.length; i += 100)
          docs.push(...(await everyPage(BILL_COLLECTIONS.billers, { ...where, _id: db.command.in(ids.slice(i, i + 100)) })));
      } else docs.push(...(await everyPage(BILL_COLLECTIONS.billers, where)));
      return docs.map(billerOfDoc).sort((a, b) => a.city.localeCompare(b.city) || a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
    },

    async importBills(rows, now, create = []) {
      const at = now.toISOString();
      return transact(async (tx) => {
        const t = within(tx);
        for (const b of create) {
          if (await t.read(BILL_COLLECTIONS.billers, b.id)) continue;
          const { id, ...fields } = b;
          await t.ref(BILL_COLLECTIONS.billers, id).set({ ...fields, accountNoPattern: null, accountNoHint: null, updatedAt: at });
        }
        const duplicateRows: number[] = [];
        for (const [i, row] of rows.entries()) {
          const id = utilityBillId(row);
          if (await t.read(BILL_COLLECTIONS.bills, id)) {
            duplicateRows.push(i);
            continue;
          }
          const key = accountKey(row.billerId, row.accountNo);
          await t.ref(BILL_COLLECTIONS.bills, id).set({
            openid: null,
            type: row.accountType,
            billerId: row.billerId,
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
            openOrders: [],
          });
          await t
            .ref(BILL_COLLECTIONS.accounts, key)
            .set({ billerId: row.billerId, type: row.accountType, accountNo: row.accountNo, holderName: row.holderName, updatedAt: at });
        }
        return { imported: rows.length - duplicateRows.length, duplicateRows };
      });
    },

    async bind({ openid, biller, accountNo, holderName, label, now }) {
      const at = now.toISOString();
      const key = accountKey(biller.id, accountNo);
      return transact(async (tx) => {
        const t = within(tx);
        const user = await t.user(openid);
        const accountDoc = await t.read(BILL_COLLECTIONS.accounts, key);
        const guardDoc = await t.read(BILL_COLLECTIONS.guards, key);
        const utilityName = accountDoc && typeof accountDoc.holderName === 'string' ? accountDoc.holderName : null;
        const bound = user.accounts.find((a) => a.billerId === biller.id && a.accountNo === accountNo);
        const dates = (ts: unknown) => (Array.isArray(ts) ? ts.map((s) => new Date(String(s))) : []);
        const callerFailures = recentFailures(dates(user.bindFailures), now);
        const accountFailures = recentFailures(dates(guardDoc?.failures), now);
        const decision = decideBind(
          {
            callerFailures,
            accountFailures,
            account: utilityName === null ? null : { holderName: utilityName },
            holderName,
            binding: bound ? { label: bound.label } : null,
            label,
          },
          now,
        );
        if (decision.kind === 'rate-limited') return decision;
        if (decision.kind === 'not-found') {
          await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, bindFailures: [...callerFailures.map((d) => d.toISOString()), at], updatedAt: at });
          await t.ref(BILL_COLLECTIONS.guards, key).set({ failures: [...accountFailures.map((d) => d.toISOString()), at], updatedAt: at });
          return decision;
        }
        if (utilityName === null) return decision;
        if (!decision.alreadyBound) {
          const entry: UserAccount = { billerId: biller.id, accountType: biller.type, accountNo, label: decision.label, boundAt: at };
          await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, accounts: [...user.accounts, entry], updatedAt: at });
        }
        return { ...decision, binding: accountBinding(biller, accountNo, utilityName, decision.label, new Date(bound?.boundAt ?? at)) };
      });
    },

    async unbind(openid, billerId, accountNo, now) {
      return transact(async (tx) => {
        const t = within(tx);
        const user = await t.user(openid);
        const kept = user.accounts.filter((a) => !(a.billerId === billerId && a.accountNo === accountNo));
        if (kept.length === user.accounts.length) return false;
        await t.ref(BILL_COLLECTIONS.users, openid).set({ ...user, accounts: kept, updatedAt: now.toISOString() });
        return true;
      });
    },

    async accountsOf(openid) {
      const user = userOf(await first(BILL_COLLECTIONS.users, openid));
      const out: AccountBinding[] = [];
      for (const a of user.accounts) {
        const doc = await first(BILL_COLLECTIONS.accounts, accountKey(a.billerId, a.accountNo));
        if (doc)
          out.push({
            billerId: a.billerId,
            accountType: a.accountType,
            accountNo: a.accountNo,
            holderName: String(doc.holderName),
            label: a.label,
            boundAt: new Date(a.boundAt),
          });
      }
      return out;
    },

    async billsOf(openid) {
      const user = userOf(await first(BILL_COLLECTIONS.users, openid));
      // Every bill of the user's rides and bound accounts, a page at a time by _id (paging.ts).
      const bills = () => col(BILL_COLLECTIONS.bills);
      const rides = await readAll(bills, db.command, { openid, type: 'ride' }, '_id');
      const keys = boundKeys(user);
      const utility = keys.length === 0 ? [] : await readAll(bills, db.command, { accountKey: db.command.in(keys) }, '_id');
      return [...rides, ...utility].map(billOfDoc);
    },

    async billOf(openid, billId) {
      const doc = await first(BILL_COLLECTIONS.bills, billId);
      if (!doc) return null;
      const bill = billOfDoc(doc);
      const keys = bill.type === 'ride' ? [] : boundKeys(userOf(await first(BILL_COLLECTIONS.users, openid)));
      return billVisibleTo(openid, bill, keys) ? bill : null;
    },

    async openOrder({ openid, billId, outTradeNo, now }) {
      return transact(async (tx) => {
        const t = within(tx);
        const bill = await t.bill(billId);
        const keys = bill === null || bill.type === 'ride' ? [] : boundKeys(await t.user(openid));
        const visible = bill !== null && billVisibleTo(openid, bill, keys);
        const current = bill === null ? null : await t.order(payerOrder(bill.openOrders, openid));
        const decision = decideOpenOrder({ bill, visible, current, openid, outTradeNo, now });
        if (decision.kind === 'not-found' || decision.kind === 'already-paid' || decision.kind === 'not-payable') return decision;
        if (bill === null) throw new Error('decideOpenOrder kept a bill it was not given');
        if (decision.kind !== 'new-order') return { kind: decision.kind, order: decision.order, bill };
        const { order, openOrders } = decision;
        const { outTradeNo: _id, createdAt, expiresAt, ...fields } = order;
        await t.ref(BILL_COLLECTIONS.orders, outTradeNo).set({ ...fields, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString() });
        await t.ref(BILL_COLLECTIONS.bills, billId).update({ openOrders });
        return { kind: 'new-order' as const, order, bill: { ...bill, openOrders } };
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
        const decision = decidePayment(tx, merchant, paymentFacts(order, bill));
        // (decidePayment refuses an order or bill it was not given: the nulls are its answer too.)
        if (decision.kind === 'refuse' || decision.kind === 'already-recorded' || order === null || bill === null) return decision;
        const writes = paymentWrites(decision, tx, order, now);
        const riderId = bill.type === 'ride' && writes.bill !== null ? bill.openid : null;
        const rider = riderId === null ? null : riderOf(await t.read(RIDE_COLLECTIONS.riders, riderId));
        await t.ref(BILL_COLLECTIONS.orders, order.outTradeNo).update({ ...writes.order, paidAt: writes.order.paidAt.toISOString() });
        if (writes.bill) {
          await t.ref(BILL_COLLECTIONS.bills, order.billId).update({ ...writes.bill, paidAt: writes.bill.paidAt.toISOString() });
          // The rider's unpaid-bills record, in the payment's transaction: the rider can unlock again.
          if (riderId !== null && rider !== null) {
            await t
              .ref(RIDE_COLLECTIONS.riders, riderId)
              .set({ ...rider, unpaidRideBills: rider.unpaidRideBills.filter((id) => id !== bill.id), updatedAt: now });
          }
        }
        if (writes.refund) {
          const { outRefundNo, createdAt, ...fields } = writes.refund;
          await t.ref(BILL_COLLECTIONS.refunds, outRefundNo).set({ ...fields, createdAt: createdAt.toISOString(), updatedAt: createdAt.toISOString() });
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
        if (bill && payerOrder(bill.openOrders, order.openid) === outTradeNo)
          await t.ref(BILL_COLLECTIONS.bills, bill.id).update({ openOrders: openOrdersWithout(bill.openOrders, outTradeNo) });
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
        if (!doc || !refundMoveAllowed(doc.status as OwedRefund['status'], status)) return false;
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
