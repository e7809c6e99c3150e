/**
 * THE bills port contract suite: the same cases and answers over the SQLite adapter and over the
 * CloudBase adapter on the shared fake, every case ending with every invariant checked
 * (tests/support/bills-world.ts); then, on both, a stop at every database call of every
 * multi-record operation (tests/support/port-suite.ts; SQLite through tests/support/sqlite-stop.ts).
 */
import {
  bindAccount,
  handlePayNotify,
  importBills,
  listAccounts,
  listBills,
  payBill,
  refreshBill,
  sweepPayOrders,
  sweepRefunds,
  unbindAccount,
} from '../../../functions/lib/usecases/bills';
import { httpEventOf } from '../../../functions/lib/wechatpay/sandbox-route';
import { importBillsParams } from '../../../shared/contract/bills';
import { ORDER_CLOSE_GRACE_SEC, ORDER_TTL_SEC, PREPAY_VALID_SEC, duplicateRefundNo } from '../../../shared/payment';
import { ADAPTERS, at, billsWorld, checkBillInvariants, type BillsWorld } from '../../support/bills-world';
import { crashAtEveryCall, type CrashReport } from '../../support/port-suite';
import { HERE, LOCK_TIMEOUT_MS } from '../../support/rides-world';

const as = (caller: string, sec = 0) => ({ caller, now: at(sec) });
const ROWS = [
  { accountType: 'water', accountNo: '31000001', holderName: '张 三', period: '2026-10', amountFen: 4280, dueDate: '2026-11-15' },
  { accountType: 'water', accountNo: '31000001', holderName: '张三', period: '2026-09', amountFen: 3960, dueDate: '2026-10-15' },
  { accountType: 'electricity', accountNo: '3100000001', holderName: 'Li Lei', period: '2026-10', amountFen: 15630, dueDate: '2026-11-20' },
];
const imported = (rows: unknown[] = ROWS) => importBillsParams.parse({ bills: rows });
const WATER = { accountType: 'water' as const, accountNo: '31000001' };

async function paid(w: BillsWorld, outTradeNo: string, sec: number) {
  const p = w.sandbox.pay(outTradeNo, at(sec));
  if (!p.ok) throw new Error(p.failure.message);
  return httpEventOf(p.notification);
}

describe.each(ADAPTERS)('bills port on %s', (adapter) => {
  let w: BillsWorld;
  beforeEach(async () => {
    w = await billsWorld(adapter);
  });
  afterEach(() => checkBillInvariants(w.state()));

  it('imports once per (type, number, period), all or nothing per call', async () => {
    expect(await importBills(w.deps, imported(), as('admin'))).toEqual({ ok: true, data: { imported: 3, duplicates: 0, duplicateRows: [] } });
    const again = [ROWS[1], { ...ROWS[0], period: '2026-11', dueDate: '2026-12-15' }];
    expect(await importBills(w.deps, imported(again), as('admin', 1))).toEqual({ ok: true, data: { imported: 1, duplicates: 1, duplicateRows: [0] } });
    expect(w.state().bills).toHaveLength(4);
    if (adapter === 'sqlite') {
      // A row the database refuses (the contract would have refused it first) rolls the whole call back.
      const bad = [
        { ...ROWS[0], period: '2026-12' },
        { ...ROWS[0], period: '2027-01', amountFen: -1 },
      ] as typeof ROWS;
      // (Matched by its code: better-sqlite3's native part keeps the SqliteError class of the first
      // test file that loaded it in a worker, which is not an Error of this file's realm.)
      await expect(w.deps.bills.importBills(bad as never, at(2))).rejects.toHaveProperty('code', 'SQLITE_CONSTRAINT_CHECK');
      expect(w.state().bills).toHaveLength(4);
    }
  });

  it('binds with the holder name ignoring case and spaces; a wrong name and an unknown number get the same answer; masked names', async () => {
    await importBills(w.deps, imported(), as('admin'));
    const wrongName = await bindAccount(w.deps, { ...WATER, holderName: '李四' }, as('u1'));
    const unknown = await bindAccount(w.deps, { accountType: 'water', accountNo: '39999999', holderName: '张三' }, as('u1'));
    expect(wrongName).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no account of that type and number with that holder name' } });
    expect(unknown).toEqual(wrongName);
    expect(await bindAccount(w.deps, { accountType: 'electricity', accountNo: '3100000001', holderName: ' li  LEI ' }, as('u1'))).toEqual({
      ok: true,
      data: { account: { accountType: 'electricity', accountNo: '3100000001', holderName: 'L****', boundAt: at(0).toISOString() } },
    });
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 1))).ok).toBe(true);
    expect(await listAccounts(w.deps, as('u1'))).toMatchObject({
      ok: true,
      data: { accounts: [{ accountNo: '3100000001' }, { accountNo: '31000001', holderName: '张*' }] },
    });
  });

  it('refuses a sixth failed bind within the hour, even a right one, and lets it through after the hour', async () => {
    await importBills(w.deps, imported(), as('admin'));
    for (let i = 0; i < 5; i++)
      expect(await bindAccount(w.deps, { ...WATER, holderName: `x${i}` }, as('u1', i))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 10))).toMatchObject({
      ok: false,
      error: { code: 'RESOURCE_EXHAUSTED', reason: 'TOO_MANY_BINDS' },
    });
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u2', 10))).ok).toBe(true);
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 3601))).ok).toBe(true);
  });

  it('lists bills of bound accounts and ride bills only, unpaid first; unbinding hides them again', async () => {
    await importBills(w.deps, imported(), as('admin'));
    const rideBill = await w.rideBill('u1');
    expect(await listBills(w.deps, {}, as('u1'))).toEqual({
      ok: true,
      data: { bills: [{ id: rideBill, type: 'ride', amountFen: 150, status: 'unpaid', rideId: expect.any(String) }] },
    });
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1'));
    const listed = await listBills(w.deps, {}, as('u1'));
    expect(listed.ok && listed.data.bills.map((b) => [b.type, b.period ?? null, b.dueDate ?? null])).toEqual([
      ['ride', null, null],
      ['water', '2026-09', '2026-10-15'],
      ['water', '2026-10', '2026-11-15'],
    ]);
    expect(await listBills(w.deps, {}, as('u2'))).toEqual({ ok: true, data: { bills: [] } });
    expect(await unbindAccount(w.deps, WATER, as('u1'))).toEqual({ ok: true, data: { unbound: true } });
    expect(await unbindAccount(w.deps, WATER, as('u1'))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await listBills(w.deps, {}, as('u1'))).ok && (await listBills(w.deps, { status: 'unpaid' }, as('u1')))).toMatchObject({
      data: { bills: [{ type: 'ride' }] },
    });
  });

  it('keeps one order per bill, refreshes the prepay id past 2 hours, and refuses someone else’s bill', async () => {
    await importBills(w.deps, imported(), as('admin'));
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1'));
    const billId = 'UB:water:31000001:2026-10';
    const [a, b] = await Promise.all([payBill(w.deps, { billId }, as('u1')), payBill(w.deps, { billId }, as('u1'))]);
    if (!a.ok || !b.ok) throw new Error(JSON.stringify([a, b]));
    expect(a.data.outTradeNo).toBe(b.data.outTradeNo);
    expect(a.data.payment).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=sandbox_/) });
    const later = await payBill(w.deps, { billId }, as('u1', PREPAY_VALID_SEC));
    expect(later.ok && later.data.outTradeNo).toBe(a.data.outTradeNo);
    expect(later.ok && later.data.payment.package).not.toBe(a.data.payment.package);
    expect(w.state().orders).toHaveLength(1);
    expect(await payBill(w.deps, { billId }, as('u2'))).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `billId: no bill "${billId}" of yours` } });
    expect(await payBill(w.deps, { billId: 'nope' }, as('u1'))).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'billId: no bill "nope" of yours' },
    });
  });

  it('records a notified payment once; the ride bill paid lets the rider unlock again; a paid bill is not paid again', async () => {
    const billId = await w.rideBill('u1');
    const reserve = (sec: number) =>
      w.rides.reserve({ rideId: `R${sec}`, openid: 'u1', bikeCode: 'B', position: HERE, now: at(sec), lockTimeoutMs: LOCK_TIMEOUT_MS });
    expect(await reserve(700)).toMatchObject({ ok: false, refusal: { reason: 'UNPAID_BILL' } });
    const order = await payBill(w.deps, { billId }, as('u1', 700));
    const outTradeNo = order.ok ? order.data.outTradeNo : '';
    const event = await paid(w, outTradeNo, 710);
    expect(await handlePayNotify(w.deps, event, at(711))).toEqual({ statusCode: 204, headers: {}, body: '' });
    const once = w.state();
    expect(await handlePayNotify(w.deps, event, at(712))).toMatchObject({ statusCode: 204 });
    expect(w.state()).toEqual(once);
    expect(once.bills.find((b) => b.id === billId)).toMatchObject({ status: 'paid', paidBy: outTradeNo, openOrder: null });
    expect(await payBill(w.deps, { billId }, as('u1', 720))).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: `billId: bill "${billId}" is already paid`, reason: 'ALREADY_PAID' },
    });
    expect((await reserve(730)).ok).toBe(true);
  });

  it('refunds money for a bill another order paid: pending at once, sent and settled by the sweeper', async () => {
    await importBills(w.deps, imported(), as('admin'));
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1'));
    const billId = 'UB:water:31000001:2026-10';
    const first = await payBill(w.deps, { billId }, as('u1'));
    // Within the last minutes of the first order, paying again places a second order.
    const second = await payBill(w.deps, { billId }, as('u1', ORDER_TTL_SEC - 60));
    const [no1, no2] = [first, second].map((r) => (r.ok ? r.data.outTradeNo : ''));
    expect(no2).not.toBe(no1);
    expect(await handlePayNotify(w.deps, await paid(w, no1, ORDER_TTL_SEC - 30), at(ORDER_TTL_SEC - 30))).toMatchObject({ statusCode: 204 });
    expect(await handlePayNotify(w.deps, await paid(w, no2, ORDER_TTL_SEC - 20), at(ORDER_TTL_SEC - 20))).toMatchObject({ statusCode: 204 });
    expect(w.state().refunds).toEqual([{ outRefundNo: duplicateRefundNo(no2), outTradeNo: no2, billId, status: 'pending' }]);
    expect(await sweepRefunds(w.deps, as('sweeper', ORDER_TTL_SEC))).toEqual({ sent: 1, refunded: 0, failed: 0 });
    expect(w.sandbox.order(no2)?.tradeState).toBe('REFUND');
    const settled = w.sandbox.settleRefund(duplicateRefundNo(no2), 'SUCCESS', at(ORDER_TTL_SEC + 60));
    if (!settled.ok) throw new Error('not settled');
    expect(await handlePayNotify(w.deps, httpEventOf(settled.notification), at(ORDER_TTL_SEC + 61))).toMatchObject({ statusCode: 204 });
    expect(w.state().refunds[0].status).toBe('refunded');
    expect(await sweepRefunds(w.deps, as('sweeper', ORDER_TTL_SEC + 120))).toEqual({ sent: 0, refunded: 0, failed: 0 });
  });

  it('sweeps orders past their deadline: an unpaid one closed there and here, a paid one recorded; refresh records a payment', async () => {
    await importBills(w.deps, imported(), as('admin'));
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1'));
    const ids = ['UB:water:31000001:2026-10', 'UB:water:31000001:2026-09'];
    const [o1, o2] = await Promise.all(
      ids.map(async (billId) => {
        const r = await payBill(w.deps, { billId }, as('u1'));
        return r.ok ? r.data.outTradeNo : '';
      }),
    );
    w.sandbox.pay(o2, at(60)); // paid, its notification lost
    expect(await sweepPayOrders(w.deps, as('sweeper', 3600))).toEqual({ checked: 0, paid: 0, closed: 0 });
    expect(await sweepPayOrders(w.deps, as('sweeper', ORDER_TTL_SEC + ORDER_CLOSE_GRACE_SEC + 1))).toEqual({ checked: 2, paid: 1, closed: 1 });
    expect(w.sandbox.order(o1)?.tradeState).toBe('CLOSED');
    expect(w.state().bills.find((b) => b.id === ids[1])).toMatchObject({ status: 'paid', paidBy: o2 });
    // refresh: a payment WeChat Pay reports is recorded without waiting for the notification.
    const again = await payBill(w.deps, { billId: ids[0] }, as('u1', ORDER_TTL_SEC + 400));
    const o3 = again.ok ? again.data.outTradeNo : '';
    expect(o3).not.toBe(o1);
    w.sandbox.pay(o3, at(ORDER_TTL_SEC + 410));
    expect(await refreshBill(w.deps, { billId: ids[0] }, as('u1', ORDER_TTL_SEC + 420))).toMatchObject({
      ok: true,
      data: { bill: { id: ids[0], status: 'paid' } },
    });
  });
});

describe.each(ADAPTERS)('a stop at every database call on %s', (adapter) => {
  const reports: Record<string, CrashReport> = {};
  afterAll(() =>
    console.log(
      Object.entries(reports)
        .map(([name, r]) => `bills on ${adapter}, ${name}: ${r.calls} calls, ${r.stops} stops`)
        .join('\n'),
    ),
  );

  interface World extends BillsWorld {
    outTradeNo: string;
    event?: ReturnType<typeof httpEventOf>;
    billId: string;
  }
  const BILL = 'UB:water:31000001:2026-10';
  async function bound(): Promise<World> {
    const w = await billsWorld(adapter);
    await importBills(w.deps, imported(), as('admin'));
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1'));
    return Object.assign(w, { outTradeNo: '', billId: BILL });
  }
  /** The retry runs on a new adapter instance over the same data. */
  const restarted = (w: World): World => ({ ...w, deps: { ...w.deps, bills: w.fresh() } });
  const scenario = (name: string, setUp: () => Promise<World>, run: (w: World) => Promise<unknown>, check: (w: World, answer: any) => void | Promise<void>) =>
    it(`${name}: every invariant holds after each stop and each retry`, async () => {
      reports[name] = await crashAtEveryCall<World, unknown>({
        name,
        setUp,
        fake: (w) => w.faults,
        run,
        retry: (w) => run(restarted(w)),
        invariants: [(w) => checkBillInvariants(w.state())],
        afterRetry: check,
      });
      expect(reports[name].missed).toBe(0);
      expect(reports[name].calls).toBeGreaterThanOrEqual(3);
    }, 120_000);

  scenario(
    'importBills',
    async () => Object.assign(await billsWorld(adapter), { outTradeNo: '', billId: BILL }),
    (w) => importBills(w.deps, imported(), as('admin')),
    (w, answer) => {
      expect(answer.ok).toBe(true);
      expect(w.state().bills).toHaveLength(3);
    },
  );

  scenario(
    'bindAccount',
    async () => {
      const w = await billsWorld(adapter);
      await importBills(w.deps, imported(), as('admin'));
      return Object.assign(w, { outTradeNo: '', billId: BILL });
    },
    (w) => bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1')),
    async (w, answer) => {
      expect(answer.ok).toBe(true);
      expect((await listAccounts(w.deps, as('u1'))).ok && (await listAccounts(w.deps, as('u1')))).toMatchObject({
        data: { accounts: [{ accountNo: '31000001' }] },
      });
    },
  );

  scenario(
    'pay (open an order)',
    bound,
    (w) => payBill(w.deps, { billId: BILL }, as('u1')),
    async (w, answer) => {
      expect(answer.ok).toBe(true);
      // One order per bill: the retry got the bill's open order, whichever attempt wrote it.
      const open = w.state().bills.find((b) => b.id === BILL)!.openOrder;
      expect(answer.data.outTradeNo).toBe(open);
    },
  );

  const payable = async (kind: 'ride' | 'water'): Promise<World> => {
    const w = await bound();
    const billId = kind === 'ride' ? await w.rideBill('u1') : BILL;
    const order = await payBill(w.deps, { billId }, as('u1', 700));
    if (!order.ok) throw new Error(order.error.message);
    w.outTradeNo = order.data.outTradeNo;
    w.billId = billId;
    w.event = await paid(w, w.outTradeNo, 710);
    return w;
  };
  const notified = async (w: World, answer: any) => {
    expect(answer.statusCode).toBe(204);
    expect(w.state().bills.find((b) => b.id === w.billId)).toMatchObject({ status: 'paid', paidBy: w.outTradeNo });
  };
  scenario(
    'payNotify (utility bill)',
    () => payable('water'),
    (w) => handlePayNotify(w.deps, w.event!, at(711)),
    notified,
  );
  scenario(
    'payNotify (ride bill and the rider document)',
    () => payable('ride'),
    (w) => handlePayNotify(w.deps, w.event!, at(711)),
    notified,
  );

  scenario(
    'payNotify of a duplicate payment (pending refund)',
    async () => {
      const w = await bound();
      const late = 700 + ORDER_TTL_SEC - 60;
      const first = await payBill(w.deps, { billId: BILL }, as('u1', 700));
      // Paying again within the first order's last minutes places a second order; both get paid.
      const second = await payBill(w.deps, { billId: BILL }, as('u1', late));
      if (!first.ok || !second.ok) throw new Error('no orders');
      expect(second.data.outTradeNo).not.toBe(first.data.outTradeNo);
      await handlePayNotify(w.deps, await paid(w, first.data.outTradeNo, late + 1), at(late + 1));
      w.outTradeNo = second.data.outTradeNo;
      w.event = await paid(w, w.outTradeNo, late + 2);
      return w;
    },
    (w) => handlePayNotify(w.deps, w.event!, at(700 + ORDER_TTL_SEC - 57)),
    (w, answer) => {
      expect(answer.statusCode).toBe(204);
      expect(w.state().refunds).toEqual([{ outRefundNo: duplicateRefundNo(w.outTradeNo), outTradeNo: w.outTradeNo, billId: BILL, status: 'pending' }]);
    },
  );

  scenario(
    'sweep: send a refund owed, then settle it',
    async () => {
      const w = await bound();
      const late = 700 + ORDER_TTL_SEC - 60;
      const first = await payBill(w.deps, { billId: BILL }, as('u1', 700));
      const second = await payBill(w.deps, { billId: BILL }, as('u1', late));
      if (!first.ok || !second.ok) throw new Error('no orders');
      await handlePayNotify(w.deps, await paid(w, first.data.outTradeNo, late + 1), at(late + 1));
      await handlePayNotify(w.deps, await paid(w, second.data.outTradeNo, late + 2), at(late + 2));
      w.outTradeNo = second.data.outTradeNo;
      return w;
    },
    async (w) => {
      await sweepRefunds(w.deps, as('sweeper', ORDER_TTL_SEC + 1000));
      w.sandbox.settleRefund(duplicateRefundNo(w.outTradeNo), 'SUCCESS', at(ORDER_TTL_SEC + 1001));
      return sweepRefunds(w.deps, as('sweeper', ORDER_TTL_SEC + 1060));
    },
    (w) => {
      // Sent once or twice, WeChat Pay refunds one out_refund_no once; it ends refunded.
      expect(w.state().refunds.map((r) => r.status)).toEqual(['refunded']);
      expect(w.sandbox.order(w.outTradeNo)?.tradeState).toBe('REFUND');
    },
  );

  scenario(
    'sweep: close an expired order',
    async () => {
      const w = await bound();
      const order = await payBill(w.deps, { billId: BILL }, as('u1'));
      w.outTradeNo = order.ok ? order.data.outTradeNo : '';
      return w;
    },
    (w) => sweepPayOrders(w.deps, as('sweeper', ORDER_TTL_SEC + ORDER_CLOSE_GRACE_SEC + 1)),
    (w) => {
      expect(w.state().orders.map((o) => o.status)).toEqual(['closed']);
      expect(w.state().bills.find((b) => b.id === BILL)!.openOrder).toBeNull();
    },
  );
});
