import { accountKey, BIND_MEMORY_SEC, billVisibleTo, decideBind, utilityBillId, type AccountType, type Biller, type BillView } from '../../../shared/bills';
import {
  decideOpenOrder,
  decidePayment,
  openOrdersWithout,
  payerOrder,
  paymentFacts,
  paymentWrites,
  refundMoveAllowed,
  type PayerOrder,
} from '../../../shared/payment';
import { accountBinding, type BillStore, type OwedRefund, type PayOrder, type StoredBill } from '../ports';
import { atomically, type Db } from './db';

interface BillRow {
  id: string;
  openid: string | null;
  type: StoredBill['type'];
  biller_id: string | null;
  amount_fen: number;
  status: 'unpaid' | 'paid';
  ride_id: string | null;
  account_no: string | null;
  holder_name: string | null;
  period: string | null;
  due_date: string | null;
  paid_at: string | null;
  paid_by: string | null;
  transaction_id: string | null;
  open_orders: string;
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

interface BillerRow {
  id: string;
  name: string;
  type: AccountType;
  city: string;
  account_no_pattern: string | null;
  account_no_hint: string | null;
}

const date = (s: string | null) => (s === null ? null : new Date(s));

function billOfRow(r: BillRow): StoredBill {
  const view: BillView = { id: r.id, type: r.type, amountFen: r.amount_fen, status: r.status };
  if (r.biller_id !== null && r.type !== 'ride') view.billerId = r.biller_id;
  if (r.account_no !== null) view.accountNo = r.account_no;
  if (r.period !== null) view.period = r.period;
  if (r.due_date !== null) view.dueDate = r.due_date;
  if (r.paid_at !== null) view.paidAt = r.paid_at;
  if (r.ride_id !== null) view.rideId = r.ride_id;
  if (r.transaction_id !== null && r.status === 'paid') view.transactionId = r.transaction_id;
  return { ...view, openid: r.openid, paidBy: r.paid_by, openOrders: JSON.parse(r.open_orders) as PayerOrder[], holderName: r.holder_name };
}

function billerOfRow(r: BillerRow): Biller {
  const b: Biller = { id: r.id, name: r.name, type: r.type, city: r.city };
  if (r.account_no_pattern !== null) b.accountNoPattern = r.account_no_pattern;
  if (r.account_no_hint !== null) b.accountNoHint = r.account_no_hint;
  return b;
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
 * Billers, accounts, bills, orders and refunds in SQLite. Every multi-row write is one IMMEDIATE
 * transaction that reads the facts, asks the rule (decideBind, billVisibleTo, decideOpenOrder,
 * decidePayment and paymentWrites, refundMoveAllowed) and writes its answer. A ride bill's rider is
 * unlocked by the bill's own status (rides.ts reads unpaid ride bills), so marking it paid in the
 * payment's transaction is all "the rider's record" needs here.
 */
export function sqliteBills(db: Db): BillStore {
  const billById = db.prepare('SELECT * FROM bills WHERE id = ?');
  const upsertBiller = db.prepare(
    `INSERT INTO billers (id, name, type, city, account_no_pattern, account_no_hint, updated_at)
     VALUES (@id, @name, @type, @city, @accountNoPattern, @accountNoHint, @now)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, city = excluded.city,
       account_no_pattern = excluded.account_no_pattern, account_no_hint = excluded.account_no_hint, updated_at = excluded.updated_at`,
  );
  const createBiller = db.prepare(`INSERT INTO billers (id, name, type, city, updated_at) VALUES (@id, @name, @type, @city, @now) ON CONFLICT DO NOTHING`);
  const billersWhere = db.prepare(
    `SELECT * FROM billers WHERE (@city IS NULL OR city = @city) AND (@type IS NULL OR type = @type)
       AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids))) ORDER BY city, type, id`,
  );
  const insertUtilityBill = db.prepare(
    `INSERT INTO bills (id, openid, type, biller_id, amount_fen, status, account_no, holder_name, period, due_date, created_at)
     VALUES (@id, NULL, @accountType, @billerId, @amountFen, 'unpaid', @accountNo, @holderName, @period, @dueDate, @now)
     ON CONFLICT DO NOTHING`,
  );
  const upsertAccount = db.prepare(
    `INSERT INTO utility_accounts (biller_id, account_no, type, holder_name, updated_at) VALUES (@billerId, @accountNo, @accountType, @holderName, @now)
     ON CONFLICT (biller_id, account_no) DO UPDATE SET holder_name = excluded.holder_name, updated_at = excluded.updated_at`,
  );
  const accountOf = db.prepare('SELECT holder_name FROM utility_accounts WHERE biller_id = ? AND account_no = ?').pluck();
  const bindingOf = db.prepare('SELECT label, bound_at FROM account_bindings WHERE openid = ? AND biller_id = ? AND account_no = ?');
  const insertBinding = db.prepare(
    'INSERT INTO account_bindings (openid, biller_id, account_no, type, label, bound_at) VALUES (@openid, @billerId, @accountNo, @type, @label, @at)',
  );
  const deleteBinding = db.prepare('DELETE FROM account_bindings WHERE openid = ? AND biller_id = ? AND account_no = ?');
  const failuresOf = db.prepare('SELECT failed_at FROM bind_failures WHERE openid = ? AND failed_at > ?').pluck();
  const failuresOfAccount = db.prepare('SELECT failed_at FROM bind_failures WHERE account_key = ? AND failed_at > ?').pluck();
  const insertFailure = db.prepare('INSERT INTO bind_failures (openid, failed_at, account_key) VALUES (?, ?, ?)');
  const forgetFailures = db.prepare('DELETE FROM bind_failures WHERE failed_at < ?');
  const accountsOf = db.prepare(
    `SELECT b.biller_id, b.type, b.account_no, b.label, a.holder_name, b.bound_at FROM account_bindings b
     JOIN utility_accounts a ON a.biller_id = b.biller_id AND a.account_no = b.account_no
     WHERE b.openid = ? ORDER BY b.bound_at, b.biller_id, b.account_no`,
  );
  const billsOf = db.prepare(
    `SELECT * FROM bills WHERE openid = @openid AND type = 'ride'
     UNION ALL
     SELECT bills.* FROM bills JOIN account_bindings a ON a.biller_id = bills.biller_id AND a.account_no = bills.account_no
     WHERE a.openid = @openid AND bills.type <> 'ride'`,
  );
  const orderOf = db.prepare('SELECT * FROM pay_orders WHERE out_trade_no = ?');
  const insertOrder = db.prepare(
    `INSERT INTO pay_orders (out_trade_no, bill_id, openid, amount_fen, status, created_at, expires_at)
     VALUES (@outTradeNo, @billId, @openid, @amountFen, 'open', @createdAt, @expiresAt)`,
  );
  const setOpenOrders = db.prepare('UPDATE bills SET open_orders = ? WHERE id = ?');
  const setPrepay = db.prepare(`UPDATE pay_orders SET prepay_id = ?, prepay_issued_at = ? WHERE out_trade_no = ? AND status = 'open'`);
  const markOrderPaid = db.prepare(
    `UPDATE pay_orders SET status = @status, transaction_id = @transactionId, paid_at = @paidAt WHERE out_trade_no = @outTradeNo AND status <> 'paid'`,
  );
  const markBillPaid = db.prepare(
    `UPDATE bills SET status = @status, paid_by = @paidBy, paid_at = @paidAt, transaction_id = @transactionId, open_orders = @openOrders
     WHERE id = @billId AND status = 'unpaid'`,
  );
  const insertRefund = db.prepare(
    `INSERT INTO pay_refunds (out_refund_no, out_trade_no, bill_id, refund_fen, total_fen, status, created_at, updated_at)
     VALUES (@outRefundNo, @outTradeNo, @billId, @refundFen, @totalFen, @status, @createdAt, @createdAt)`,
  );
  const closeOrder = db.prepare(`UPDATE pay_orders SET status = 'closed' WHERE out_trade_no = ? AND status = 'open'`);
  const expiredOrders = db.prepare(`SELECT * FROM pay_orders WHERE status = 'open' AND expires_at < ? ORDER BY expires_at, out_trade_no LIMIT ?`);
  const owedRefunds = db.prepare(`SELECT * FROM pay_refunds WHERE status IN ('pending', 'sent') ORDER BY created_at, out_refund_no LIMIT ?`);
  const refundOf = db.prepare('SELECT * FROM pay_refunds WHERE out_refund_no = ?');
  const markRefund = db.prepare(`UPDATE pay_refunds SET status = @status, updated_at = @now WHERE out_refund_no = @outRefundNo AND status = @from`);

  const readBill = (id: string): StoredBill | null => {
    const row = billById.get(id) as BillRow | undefined;
    return row === undefined ? null : billOfRow(row);
  };
  const readOrder = (no: string | null): PayOrder | null => {
    if (no === null) return null;
    const row = orderOf.get(no) as OrderRow | undefined;
    return row === undefined ? null : orderOfRow(row);
  };
  /** The facts of "may this caller see it": the bill, and the caller's binding of its account. */
  const visible = (openid: string, bill: StoredBill | null): boolean => {
    if (bill === null) return false;
    const bound =
      bill.billerId !== undefined && bill.accountNo !== undefined && bindingOf.get(openid, bill.billerId, bill.accountNo) !== undefined
        ? [accountKey(bill.billerId, bill.accountNo)]
        : [];
    return billVisibleTo(openid, bill, bound);
  };

  return {
    async upsertBillers(billers, now) {
      const at = now.toISOString();
      return atomically(db, () => {
        for (const b of billers) upsertBiller.run({ ...b, accountNoPattern: b.accountNoPattern ?? null, accountNoHint: b.accountNoHint ?? null, now: at });
        return { upserted: billers.length };
      });
    },

    async billers(filter) {
      const rows = billersWhere.all({
        city: filter.city ?? null,
        type: filter.type ?? null,
        ids: filter.ids === undefined ? null : JSON.stringify(filter.ids),
      }) as BillerRow[];
      return rows.map(billerOfRow);
    },

    async importBills(rows, now, create = []) {
      const at = now.toISOString();
      return atomically(db, () => {
        for (const b of create) createBiller.run({ id: b.id, name: b.name, type: b.type, city: b.city, now: at });
        const duplicateRows: number[] = [];
        rows.forEach((row, i) => {
          const written = insertUtilityBill.run({ ...row, id: utilityBillId(row), now: at }).changes === 1;
          if (written) upsertAccount.run({ ...row, now: at });
          else duplicateRows.push(i);
        });
        return { imported: rows.length - duplicateRows.length, duplicateRows };
      });
    },

    async bind({ openid, biller, accountNo, holderName, label, now }) {
      const at = now.toISOString();
      const key = accountKey(biller.id, accountNo);
      return atomically(db, () => {
        const since = new Date(now.getTime() - BIND_MEMORY_SEC * 1000).toISOString();
        const dates = (ts: string[]) => ts.map((t) => new Date(t));
        const name = accountOf.get(biller.id, accountNo) as string | undefined;
        const bound = bindingOf.get(openid, biller.id, accountNo) as { label: string | null; bound_at: string } | undefined;
        const decision = decideBind(
          {
            callerFailures: dates(failuresOf.all(openid, since) as string[]),
            accountFailures: dates(failuresOfAccount.all(key, since) as string[]),
            account: name === undefined ? null : { holderName: name },
            holderName,
            binding: bound === undefined ? null : { label: bound.label },
            label,
          },
          now,
        );
        if (decision.kind === 'not-found') {
          forgetFailures.run(since);
          insertFailure.run(openid, at, key);
          return decision;
        }
        if (decision.kind !== 'bind' || name === undefined) return decision;
        if (!decision.alreadyBound) insertBinding.run({ openid, billerId: biller.id, accountNo, type: biller.type, label: decision.label, at });
        return { ...decision, binding: accountBinding(biller, accountNo, name, decision.label, new Date(bound?.bound_at ?? at)) };
      });
    },

    async unbind(openid, billerId, accountNo) {
      return deleteBinding.run(openid, billerId, accountNo).changes === 1;
    },

    async accountsOf(openid) {
      return (
        accountsOf.all(openid) as { biller_id: string; type: AccountType; account_no: string; label: string | null; holder_name: string; bound_at: string }[]
      ).map((r) => ({
        billerId: r.biller_id,
        accountType: r.type,
        accountNo: r.account_no,
        holderName: r.holder_name,
        label: r.label,
        boundAt: new Date(r.bound_at),
      }));
    },

    async billsOf(openid) {
      return (billsOf.all({ openid }) as BillRow[]).map(billOfRow);
    },

    async billOf(openid, billId) {
      const bill = readBill(billId);
      return visible(openid, bill) ? bill : null;
    },

    async openOrder({ openid, billId, outTradeNo, now }) {
      return atomically(db, () => {
        const bill = readBill(billId);
        const current = bill === null ? null : readOrder(payerOrder(bill.openOrders, openid));
        const decision = decideOpenOrder({ bill, visible: visible(openid, bill), current, openid, outTradeNo, now });
        if (decision.kind === 'not-found' || decision.kind === 'already-paid' || decision.kind === 'not-payable') return decision;
        if (bill === null) throw new Error('decideOpenOrder kept a bill it was not given');
        if (decision.kind !== 'new-order') return { kind: decision.kind, order: decision.order, bill };
        const { order, openOrders } = decision;
        insertOrder.run({ outTradeNo, billId, openid, amountFen: order.amountFen, createdAt: now.toISOString(), expiresAt: order.expiresAt.toISOString() });
        setOpenOrders.run(JSON.stringify(openOrders), billId);
        return { kind: 'new-order' as const, order, bill: { ...bill, openOrders } };
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
        const decision = decidePayment(tx, merchant, paymentFacts(order, bill));
        // (decidePayment refuses an order or bill it was not given: the nulls are its answer too.)
        if (decision.kind === 'refuse' || decision.kind === 'already-recorded' || order === null) return decision;
        const writes = paymentWrites(decision, tx, order, now);
        markOrderPaid.run({ outTradeNo: order.outTradeNo, ...writes.order, paidAt: writes.order.paidAt.toISOString() });
        if (writes.bill)
          markBillPaid.run({
            billId: order.billId,
            ...writes.bill,
            paidAt: writes.bill.paidAt.toISOString(),
            openOrders: JSON.stringify(writes.bill.openOrders),
          });
        if (writes.refund) insertRefund.run({ ...writes.refund, createdAt: writes.refund.createdAt.toISOString() });
        return decision;
      });
    },

    async closeOrder(outTradeNo) {
      return atomically(db, () => {
        const order = readOrder(outTradeNo);
        if (!order || closeOrder.run(outTradeNo).changes !== 1) return false;
        const bill = readBill(order.billId);
        if (bill && payerOrder(bill.openOrders, order.openid) === outTradeNo)
          setOpenOrders.run(JSON.stringify(openOrdersWithout(bill.openOrders, outTradeNo)), bill.id);
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
      return atomically(db, () => {
        const row = refundOf.get(outRefundNo) as RefundRow | undefined;
        if (row === undefined || !refundMoveAllowed(row.status, status)) return false;
        return markRefund.run({ outRefundNo, status, now: now.toISOString(), from: row.status }).changes === 1;
      });
    },

    async refund(outRefundNo) {
      const row = refundOf.get(outRefundNo) as RefundRow | undefined;
      return row === undefined ? null : refundOfRow(row);
    },
  };
}
