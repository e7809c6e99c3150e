import { decideBind, utilityBillId, type AccountType, type BillView } from '../../../shared/bills';
import { decideOpenOrder, decidePayment, type PaymentFacts } from '../../../shared/payment';
import type { AccountBinding, BillStore, OwedRefund, PayOrder, StoredBill } from '../ports';
import { atomically, type Db } from './db';

interface BillRow {
  id: string;
  openid: string | null;
  type: StoredBill['type'];
  amount_fen: number;
  status: 'unpaid' | 'paid';
  ride_id: string | null;
  account_no: string | null;
  period: string | null;
  due_date: string | null;
  paid_at: string | null;
  paid_by: string | null;
  open_order: string | null;
}

interface OrderRow {
  out_trade_no: string;
  bill_id: string;
  openid: string;
  amount_fen: number;
  status: PayOrder['status'];
  created_at: string;
  expires_at: string;
  prepay_id: string | null;
  prepay_issued_at: string | null;
  transaction_id: string | null;
  paid_at: string | null;
}

interface RefundRow {
  out_refund_no: string;
  out_trade_no: string;
  bill_id: string;
  refund_fen: number;
  total_fen: number;
  status: OwedRefund['status'];
  created_at: string;
}

const date = (s: string | null) => (s === null ? null : new Date(s));

function billOfRow(r: BillRow): StoredBill {
  const view: BillView = { id: r.id, type: r.type, amountFen: r.amount_fen, status: r.status };
  if (r.account_no !== null) view.accountNo = r.account_no;
  if (r.period !== null) view.period = r.period;
  if (r.due_date !== null) view.dueDate = r.due_date;
  if (r.paid_at !== null) view.paidAt = r.paid_at;
  if (r.ride_id !== null) view.rideId = r.ride_id;
  return { ...view, openid: r.openid, paidBy: r.paid_by, openOrder: r.open_order };
}

function orderOfRow(r: OrderRow): PayOrder {
  return {
    outTradeNo: r.out_trade_no,
    billId: r.bill_id,
    openid: r.openid,
    amountFen: r.amount_fen,
    status: r.status,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    prepayId: r.prepay_id,
    prepayIssuedAt: date(r.prepay_issued_at),
    transactionId: r.transaction_id,
    paidAt: date(r.paid_at),
  };
}

function refundOfRow(r: RefundRow): OwedRefund {
  return {
    outRefundNo: r.out_refund_no,
    outTradeNo: r.out_trade_no,
    billId: r.bill_id,
    refundFen: r.refund_fen,
    totalFen: r.total_fen,
    status: r.status,
    createdAt: new Date(r.created_at),
  };
}

/**
 * Accounts, bills, orders and refunds in SQLite. Every multi-row write is one IMMEDIATE
 * transaction that reads the facts, asks the rule (decideBind, decideOpenOrder, decidePayment) and writes
 * its answer. A ride bill's rider is unlocked by the bill's own status (rides.ts reads unpaid ride
 * bills), so marking it paid in the payment's transaction is all "the rider's record" needs here.
 */
export function sqliteBills(db: Db): BillStore {
  const billById = db.prepare('SELECT * FROM bills WHERE id = ?');
  const insertUtilityBill = db.prepare(
    `INSERT INTO bills (id, openid, type, amount_fen, status, account_no, holder_name, period, due_date, created_at)
     VALUES (@id, NULL, @accountType, @amountFen, 'unpaid', @accountNo, @holderName, @period, @dueDate, @now)
     ON CONFLICT DO NOTHING`,
  );
  const upsertAccount = db.prepare(
    `INSERT INTO utility_accounts (type, account_no, holder_name, updated_at) VALUES (@accountType, @accountNo, @holderName, @now)
     ON CONFLICT (type, account_no) DO UPDATE SET holder_name = excluded.holder_name, updated_at = excluded.updated_at`,
  );
  const accountOf = db.prepare('SELECT holder_name FROM utility_accounts WHERE type = ? AND account_no = ?').pluck();
  const bindingOf = db.prepare('SELECT bound_at FROM account_bindings WHERE openid = ? AND type = ? AND account_no = ?').pluck();
  const insertBinding = db.prepare('INSERT INTO account_bindings (openid, type, account_no, bound_at) VALUES (?, ?, ?, ?)');
  const deleteBinding = db.prepare('DELETE FROM account_bindings WHERE openid = ? AND type = ? AND account_no = ?');
  const failuresOf = db.prepare('SELECT failed_at FROM bind_failures WHERE openid = ? AND failed_at > ?').pluck();
  const insertFailure = db.prepare('INSERT INTO bind_failures (openid, failed_at) VALUES (?, ?)');
  const forgetFailures = db.prepare('DELETE FROM bind_failures WHERE failed_at < ?');
  const accountsOf = db.prepare(
    `SELECT b.type, b.account_no, a.holder_name, b.bound_at FROM account_bindings b
     JOIN utility_accounts a ON a.type = b.type AND a.account_no = b.account_no
     WHERE b.openid = ? ORDER BY b.bound_at, b.type, b.account_no`,
  );
  const billsOf = db.prepare(
    `SELECT * FROM bills WHERE openid = @openid AND type = 'ride'
     UNION ALL
     SELECT bills.* FROM bills JOIN account_bindings a ON a.type = bills.type AND a.account_no = bills.account_no
     WHERE a.openid = @openid AND bills.type <> 'ride'`,
  );
  const mayPay = db
    .prepare(
      `SELECT 1 FROM bills WHERE id = @billId AND (
       (type = 'ride' AND openid = @openid) OR
       (type <> 'ride' AND EXISTS (SELECT 1 FROM account_bindings a WHERE a.openid = @openid AND a.type = bills.type AND a.account_no = bills.account_no)))`,
    )
    .pluck();
  const orderOf = db.prepare('SELECT * FROM pay_orders WHERE out_trade_no = ?');
  const insertOrder = db.prepare(
    `INSERT INTO pay_orders (out_trade_no, bill_id, openid, amount_fen, status, created_at, expires_at)
     VALUES (@outTradeNo, @billId, @openid, @amountFen, 'open', @createdAt, @expiresAt)`,
  );
  const setOpenOrder = db.prepare('UPDATE bills SET open_order = ? WHERE id = ?');
  const setPrepay = db.prepare(`UPDATE pay_orders SET prepay_id = ?, prepay_issued_at = ? WHERE out_trade_no = ? AND status = 'open'`);
  const markOrderPaid = db.prepare(
    `UPDATE pay_orders SET status = 'paid', transaction_id = @transactionId, paid_at = @paidAt WHERE out_trade_no = @outTradeNo AND status <> 'paid'`,
  );
  const markBillPaid = db.prepare(
    `UPDATE bills SET status = 'paid', paid_by = @outTradeNo, paid_at = @paidAt, open_order = NULL WHERE id = @billId AND status = 'unpaid'`,
  );
  const insertRefund = db.prepare(
    `INSERT INTO pay_refunds (out_refund_no, out_trade_no, bill_id, refund_fen, total_fen, status, created_at, updated_at)
     VALUES (@outRefundNo, @outTradeNo, @billId, @refundFen, @totalFen, 'pending', @now, @now)`,
  );
  const closeOrder = db.prepare(`UPDATE pay_orders SET status = 'closed' WHERE out_trade_no = ? AND status = 'open'`);
  const clearOpenOrder = db.prepare('UPDATE bills SET open_order = NULL WHERE id = ? AND open_order = ?');
  const expiredOrders = db.prepare(`SELECT * FROM pay_orders WHERE status = 'open' AND expires_at < ? ORDER BY expires_at, out_trade_no LIMIT ?`);
  const owedRefunds = db.prepare(`SELECT * FROM pay_refunds WHERE status IN ('pending', 'sent') ORDER BY created_at, out_refund_no LIMIT ?`);
  const refundOf = db.prepare('SELECT * FROM pay_refunds WHERE out_refund_no = ?');
  const markRefund = db.prepare(`UPDATE pay_refunds SET status = @status, updated_at = @now WHERE out_refund_no = @outRefundNo AND status IN (@from1, @from2)`);

  const readBill = (id: string): StoredBill | null => {
    const row = billById.get(id) as BillRow | undefined;
    return row === undefined ? null : billOfRow(row);
  };
  const readOrder = (no: string | null): PayOrder | null => {
    if (no === null) return null;
    const row = orderOf.get(no) as OrderRow | undefined;
    return row === undefined ? null : orderOfRow(row);
  };
  const visible = (openid: string, billId: string) => mayPay.get({ openid, billId }) !== undefined;

  return {
    async importBills(rows, now) {
      const at = now.toISOString();
      return atomically(db, () => {
        const duplicateRows: number[] = [];
        rows.forEach((row, i) => {
          const written = insertUtilityBill.run({ ...row, id: utilityBillId(row), now: at }).changes === 1;
          if (written) upsertAccount.run({ ...row, now: at });
          else duplicateRows.push(i);
        });
        return { imported: rows.length - duplicateRows.length, duplicateRows };
      });
    },

    async bind({ openid, accountType, accountNo, holderName, now }) {
      const at = now.toISOString();
      return atomically(db, () => {
        const since = new Date(now.getTime() - 3600_000).toISOString();
        const failures = (failuresOf.all(openid, since) as string[]).map((t) => new Date(t));
        const name = accountOf.get(accountType, accountNo) as string | undefined;
        const boundAt = bindingOf.get(openid, accountType, accountNo) as string | undefined;
        const decision = decideBind(
          { failures, account: name === undefined ? null : { holderName: name }, holderName, alreadyBound: boundAt !== undefined },
          now,
        );
        if (decision.kind === 'not-found') {
          forgetFailures.run(since);
          insertFailure.run(openid, at);
          return decision;
        }
        if (decision.kind !== 'bind' || name === undefined) return decision;
        if (boundAt === undefined) insertBinding.run(openid, accountType, accountNo, at);
        const binding: AccountBinding = { accountType, accountNo, holderName: name, boundAt: new Date(boundAt ?? at) };
        return { ...decision, binding };
      });
    },

    async unbind(openid, accountType, accountNo) {
      return deleteBinding.run(openid, accountType, accountNo).changes === 1;
    },

    async accountsOf(openid) {
      return (accountsOf.all(openid) as { type: AccountType; account_no: string; holder_name: string; bound_at: string }[]).map((r) => ({
        accountType: r.type,
        accountNo: r.account_no,
        holderName: r.holder_name,
        boundAt: new Date(r.bound_at),
      }));
    },

    async billsOf(openid) {
      return (billsOf.all({ openid }) as BillRow[]).map(billOfRow);
    },

    async billOf(openid, billId) {
      return visible(openid, billId) ? readBill(billId) : null;
    },

    async openOrder({ openid, billId, outTradeNo, now }) {
      return atomically(db, () => {
        const bill = visible(openid, billId) ? readBill(billId) : null;
        if (bill === null) return { kind: 'not-found' as const };
        const decision = decideOpenOrder({ bill, current: readOrder(bill.openOrder), openid, outTradeNo, now });
        if (decision.kind === 'already-paid') return decision;
        if (decision.kind !== 'new-order') return { kind: decision.kind, order: decision.order, bill };
        const { order } = decision;
        insertOrder.run({ outTradeNo, billId, openid, amountFen: order.amountFen, createdAt: now.toISOString(), expiresAt: order.expiresAt.toISOString() });
        setOpenOrder.run(outTradeNo, billId);
        return { kind: 'new-order' as const, order, bill: { ...bill, openOrder: outTradeNo } };
      });
    },

    async setPrepay(outTradeNo, prepayId, issuedAt) {
      setPrepay.run(prepayId, issuedAt.toISOString(), outTradeNo);
    },

    async order(outTradeNo) {
      return readOrder(outTradeNo);
    },

    async recordPayment(tx, merchant, now) {
      return atomically(db, () => {
        const order = readOrder(tx.outTradeNo);
        const bill = order ? readBill(order.billId) : null;
        const facts: PaymentFacts = {
          order: order && { outTradeNo: order.outTradeNo, billId: order.billId, amountFen: order.amountFen, status: order.status },
          bill: bill && (bill.status === 'paid' ? { status: 'paid', paidByOutTradeNo: bill.paidBy ?? '' } : { status: 'unpaid' }),
        };
        const decision = decidePayment(tx, merchant, facts);
        // (decidePayment refuses an order or bill it was not given: the nulls are its answer too.)
        if (decision.kind === 'refuse' || decision.kind === 'already-recorded' || order === null) return decision;
        const paidAt = (tx.successAt ?? now).toISOString();
        markOrderPaid.run({ outTradeNo: tx.outTradeNo, transactionId: tx.transactionId ?? `unknown-${tx.outTradeNo}`, paidAt });
        if (decision.kind === 'record-payment') markBillPaid.run({ billId: order.billId, outTradeNo: tx.outTradeNo, paidAt });
        else
          insertRefund.run({
            outRefundNo: decision.outRefundNo,
            outTradeNo: tx.outTradeNo,
            billId: order.billId,
            refundFen: decision.refundFen,
            totalFen: tx.totalFen,
            now: now.toISOString(),
          });
        return decision;
      });
    },

    async closeOrder(outTradeNo) {
      return atomically(db, () => {
        const order = readOrder(outTradeNo);
        if (!order || closeOrder.run(outTradeNo).changes !== 1) return false;
        clearOpenOrder.run(order.billId, outTradeNo);
        return true;
      });
    },

    async expiredOrders(before, limit) {
      return (expiredOrders.all(before.toISOString(), limit) as OrderRow[]).map(orderOfRow);
    },

    async owedRefunds(limit) {
      return (owedRefunds.all(limit) as RefundRow[]).map(refundOfRow);
    },

    async markRefund(outRefundNo, status, now) {
      const from = status === 'sent' ? ['pending', 'pending'] : ['pending', 'sent'];
      return markRefund.run({ outRefundNo, status, now: now.toISOString(), from1: from[0], from2: from[1] }).changes === 1;
    },

    async refund(outRefundNo) {
      const row = refundOf.get(outRefundNo) as RefundRow | undefined;
      return row === undefined ? null : refundOfRow(row);
    },
  };
}
