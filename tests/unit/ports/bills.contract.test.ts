/**
 * THE bills port contract suite: the same cases and answers over the SQLite adapter and over the
 * CloudBase adapter on the shared fake, every case ending with every invariant checked
 * (tests/support/bills-world.ts); then, on both, a stop at every database call of every
 * multi-record operation (tests/support/port-suite.ts; SQLite through tests/support/sqlite-stop.ts).
 */
import { handlePayNotify } from '../../../functions/lib/actions/pay-notify';
import {
  bindAccount,
  getBill,
  importBills,
  listAccounts,
  listBillers,
  listBills,
  payBill,
  refreshBill,
  sweepPayOrders,
  sweepRefunds,
  unbindAccount,
  upsertBillers,
} from '../../../functions/lib/usecases/bills';
import { httpEventOf } from '../../../functions/lib/wechatpay/sandbox-route';
import { bindAccountParams, importBillsParams, upsertBillersParams } from '../../../shared/contract/bills';
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
/** Two gas companies of one city, one of them issuing the same number as the other's customer. */
const BILLERS = [
  { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海', accountNoPattern: '\\d{8,12}', accountNoHint: '账单左上角“用户编号”' },
  { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海', accountNoPattern: 'DZ-\\d{7}|\\d{8}' },
  { id: 'bj-water', name: '北京自来水', type: 'water', city: '北京' },
];
const GAS_ROWS = [
  { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', period: '2026-10', amountFen: 6200, dueDate: '2026-11-20' },
  { billerId: 'sh-gas-dz', accountNo: '31000002', holderName: '王芳', period: '2026-10', amountFen: 3850, dueDate: '2026-11-18' },
  { billerId: 'sh-gas-dz', accountNo: 'DZ-2100301', holderName: '王芳', period: '2026-10', amountFen: 4120, dueDate: '2026-11-18' },
];
const bind = (w: BillsWorld, p: object, caller: string, sec = 0) => bindAccount(w.deps, bindAccountParams.parse(p), as(caller, sec));
async function withBillers(w: BillsWorld) {
  expect(await upsertBillers(w.deps, upsertBillersParams.parse({ billers: BILLERS }), as('admin'))).toEqual({ ok: true, data: { upserted: 3 } });
  expect((await importBills(w.deps, imported(GAS_ROWS), as('admin'))).ok).toBe(true);
}

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

  it('imports once per (biller, number, period), all or nothing per call', async () => {
    expect(await importBills(w.deps, imported(), as('admin'))).toEqual({ ok: true, data: { imported: 3, duplicates: 0, duplicateRows: [] } });
    const again = [ROWS[1], { ...ROWS[0], period: '2026-11', dueDate: '2026-12-15' }];
    expect(await importBills(w.deps, imported(again), as('admin', 1))).toEqual({ ok: true, data: { imported: 1, duplicates: 1, duplicateRows: [0] } });
    expect(w.state().bills).toHaveLength(4);
    if (adapter === 'sqlite') {
      // A row the database refuses (the contract would have refused it first) rolls the whole call back.
      const bad = [
        { ...ROWS[0], billerId: 'water', period: '2026-12' },
        { ...ROWS[0], billerId: 'water', period: '2027-01', amountFen: -1 },
      ];
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
    expect(wrongName).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no account of that biller and number with that holder name' } });
    expect(unknown).toEqual(wrongName);
    expect(await bindAccount(w.deps, { accountType: 'electricity', accountNo: '3100000001', holderName: ' li  LEI ' }, as('u1'))).toEqual({
      ok: true,
      data: {
        account: {
          billerId: 'electricity',
          billerName: '电费',
          accountType: 'electricity',
          type: 'electricity',
          accountNo: '3100000001',
          holderName: 'L****',
          label: null,
          boundAt: at(0).toISOString(),
        },
        alreadyBound: false,
      },
    });
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 1))).ok).toBe(true);
    expect(await listAccounts(w.deps, as('u1'))).toMatchObject({
      ok: true,
      data: { accounts: [{ accountNo: '3100000001' }, { accountNo: '31000001', holderName: '张*' }] },
    });
  });

  it('refuses a sixth failed bind within the hour, even a right one, until an hour after the fifth failure', async () => {
    await importBills(w.deps, imported(), as('admin'));
    for (let i = 0; i < 5; i++)
      expect(await bindAccount(w.deps, { ...WATER, holderName: `x${i}` }, as('u1', i))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 10))).toEqual({
      ok: false,
      error: {
        code: 'RESOURCE_EXHAUSTED',
        message: 'too many failed binds in the last hour: try again after 2026-11-25T01:00:04.000Z',
        reason: 'TOO_MANY_BINDS',
      },
    });
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u2', 10))).ok).toBe(true);
    expect(await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 3603))).toMatchObject({ error: { code: 'RESOURCE_EXHAUSTED' } });
    expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 3604))).ok).toBe(true);
  });

  it('after 10 failed binds of one number by ten callers, refuses every bind of it (the right name too) for an hour; an unknown number alike', async () => {
    await withBillers(w);
    const DZ = { billerId: 'sh-gas-dz', accountNo: 'DZ-2100301' };
    const UNKNOWN = { billerId: 'sh-gas-dz', accountNo: 'DZ-9999999' };
    for (let i = 0; i < 10; i++) {
      expect(await bind(w, { ...DZ, holderName: `guess${i}` }, `g${i}`, i)).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(await bind(w, { ...UNKNOWN, holderName: `guess${i}` }, `h${i}`, i)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const limited = { ok: false, error: { code: 'RESOURCE_EXHAUSTED', reason: 'TOO_MANY_BINDS' } };
    expect(await bind(w, { ...DZ, holderName: '王芳' }, 'owner', 20)).toMatchObject(limited);
    // The same answer whether the number exists or not: the limit tells nothing.
    expect(await bind(w, { ...UNKNOWN, holderName: '王芳' }, 'owner', 20)).toMatchObject(limited);
    // Another number of the same company, and the same number at the other company, are not held up.
    expect((await bind(w, { billerId: 'sh-gas-dz', accountNo: '31000002', holderName: '王芳' }, 'owner', 21)).ok).toBe(true);
    expect(await bind(w, { ...DZ, holderName: '王芳' }, 'owner', 3608)).toMatchObject(limited);
    expect(await bind(w, { ...DZ, holderName: '王芳' }, 'owner', 3609)).toMatchObject({ ok: true, data: { account: { billerId: 'sh-gas-dz' } } });
  });

  it('lists billers by city and type; imports by billerId, or by a type while it has one biller; refuses a row whole-call, naming it', async () => {
    await withBillers(w);
    expect(await listBillers(w.deps, { city: '上海', type: 'gas' })).toEqual({
      ok: true,
      data: {
        billers: [
          { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海', accountNoHint: '账单左上角“用户编号”' },
          { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海' },
        ],
      },
    });
    expect((await listBillers(w.deps, { city: '北京' })).ok && (await listBillers(w.deps, {}))).toMatchObject({ data: { billers: { length: 3 } } });
    const before = w.state().bills.length;
    const row = { accountNo: '310000030', holderName: '赵六', period: '2026-10', amountFen: 100, dueDate: '2026-11-20' };
    const importAsAdmin = (rows: object[]) => importBills(w.deps, imported(rows), as('admin'));
    expect(
      await importAsAdmin([
        { ...row, billerId: 'sh-gas' },
        { ...row, billerId: 'nope' },
      ]),
    ).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'bills[1].billerId: no biller "nope"' },
    });
    expect(
      await importAsAdmin([
        { ...row, billerId: 'sh-gas' },
        { ...row, billerId: 'sh-gas-dz' },
      ]),
    ).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'bills[1].accountNo: is not a 上海大众燃气 account number' },
    });
    expect(await importAsAdmin([{ ...row, accountType: 'gas' }])).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'bills[0].billerId: is required: 2 billers collect gas bills (sh-gas, sh-gas-dz)' },
    });
    expect(w.state().bills).toHaveLength(before);
    // One water biller (北京自来水): the type stands for it; its default format takes letters.
    expect(await importBills(w.deps, imported([{ ...row, accountType: 'water', accountNo: 'BJ-0042' }]), as('admin'))).toMatchObject({ ok: true });
    expect(w.state().bills.map((b) => b.id)).toContain('UB:bj-water:BJ-0042:2026-10');
    expect(await bind(w, { billerId: 'nope', accountNo: '31000002', holderName: 'x' }, 'u1')).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'billerId: no biller "nope"' },
    });
    expect(await bind(w, { billerId: 'sh-gas-dz', accountNo: 'DZ-21', holderName: 'x' }, 'u1')).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'accountNo: is not a 上海大众燃气 account number' },
    });
  });

  it('keeps accounts by company: one number at two gas companies is two accounts; a label per household; a repeated bind answers it unchanged', async () => {
    await withBillers(w);
    const first = await bind(w, { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', label: '父母家' }, 'u1', 5);
    expect(first).toMatchObject({ ok: true, data: { account: { billerName: '上海燃气', label: '父母家', holderName: 'L****' }, alreadyBound: false } });
    const again = await bind(w, { billerId: 'sh-gas', accountNo: '31000002', holderName: 'li lei', label: '我家' }, 'u1', 50);
    expect(again).toEqual({ ok: true, data: { account: first.ok && first.data.account, alreadyBound: true } });
    // The other company's customer with that number is somebody else: the name does not match there.
    expect(await bind(w, { billerId: 'sh-gas-dz', accountNo: '31000002', holderName: 'Li Lei' }, 'u1', 60)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await bind(w, { billerId: 'sh-gas-dz', accountNo: 'DZ-2100301', holderName: '王芳', label: '我家' }, 'u1', 70)).ok).toBe(true);
    expect(await listAccounts(w.deps, as('u1'))).toMatchObject({
      ok: true,
      data: {
        accounts: [
          { billerId: 'sh-gas', billerName: '上海燃气', type: 'gas', accountNo: '31000002', holderName: 'L****', label: '父母家' },
          { billerId: 'sh-gas-dz', billerName: '上海大众燃气', type: 'gas', accountNo: 'DZ-2100301', holderName: '王*', label: '我家' },
        ],
      },
    });
    const listed = await listBills(w.deps, {}, as('u1'));
    expect(listed.ok && listed.data.bills.map((b) => [b.billerId, b.billerName, b.label, b.accountNo, b.amountFen])).toEqual([
      ['sh-gas-dz', '上海大众燃气', '我家', 'DZ-2100301', 4120],
      ['sh-gas', '上海燃气', '父母家', '31000002', 6200],
    ]);
    expect(await unbindAccount(w.deps, { billerId: 'sh-gas', accountNo: '31000002' }, as('u1'))).toEqual({ ok: true, data: { unbound: true } });
    expect(await unbindAccount(w.deps, { billerId: 'sh-gas', accountNo: '31000002' }, as('u1'))).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('shows one bill in full: the company, the holder masked, and the transaction once paid; nobody else sees it', async () => {
    await withBillers(w);
    await bind(w, { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', label: '我家' }, 'u1');
    const billId = 'UB:sh-gas:31000002:2026-10';
    const unpaid = {
      id: billId,
      type: 'gas',
      billerId: 'sh-gas',
      billerName: '上海燃气',
      label: '我家',
      accountNo: '31000002',
      period: '2026-10',
      amountFen: 6200,
      dueDate: '2026-11-20',
      status: 'unpaid',
      holderName: 'L****',
    };
    expect(await getBill(w.deps, { billId }, as('u1'))).toEqual({ ok: true, data: { bill: unpaid } });
    expect(await getBill(w.deps, { billId }, as('u2'))).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `billId: no bill "${billId}" of yours` } });
    const order = await payBill(w.deps, { billId }, as('u1', 100));
    const no = order.ok ? order.data.outTradeNo : '';
    await handlePayNotify(w.deps, await paid(w, no, 110), at(111));
    const transactionId = w.state().orders.find((o) => o.outTradeNo === no)!.transactionId;
    expect(transactionId).toEqual(expect.any(String));
    expect(await getBill(w.deps, { billId }, as('u1', 120))).toEqual({
      ok: true,
      data: { bill: { ...unpaid, status: 'paid', paidAt: at(110).toISOString(), transactionId } },
    });
  });

  it('gives each household member paying one bill an order of their own: the first payment pays it, a later one is refunded', async () => {
    await withBillers(w);
    const billId = 'UB:sh-gas:31000002:2026-10';
    await bind(w, { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', label: '我家' }, 'mum');
    await bind(w, { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', label: '父母家' }, 'son');
    const mum = await payBill(w.deps, { billId }, as('mum', 10));
    const son = await payBill(w.deps, { billId }, as('son', 20));
    const mumAgain = await payBill(w.deps, { billId }, as('mum', 30));
    if (!mum.ok || !son.ok || !mumAgain.ok) throw new Error('no orders');
    expect(son.data.outTradeNo).not.toBe(mum.data.outTradeNo);
    expect(mumAgain.data.outTradeNo).toBe(mum.data.outTradeNo);
    expect(
      w
        .state()
        .orders.map((o) => [o.outTradeNo, o.openid])
        .sort(),
    ).toEqual(
      [
        [mum.data.outTradeNo, 'mum'],
        [son.data.outTradeNo, 'son'],
      ].sort(),
    );
    expect(await handlePayNotify(w.deps, await paid(w, son.data.outTradeNo, 40), at(41))).toMatchObject({ statusCode: 204 });
    expect(await handlePayNotify(w.deps, await paid(w, mum.data.outTradeNo, 50), at(51))).toMatchObject({ statusCode: 204 });
    expect(w.state().bills.find((b) => b.id === billId)).toMatchObject({ status: 'paid', paidBy: son.data.outTradeNo, openOrders: [] });
    expect(w.state().refunds).toEqual([{ outRefundNo: duplicateRefundNo(mum.data.outTradeNo), outTradeNo: mum.data.outTradeNo, billId, status: 'pending' }]);
    expect(await payBill(w.deps, { billId }, as('mum', 60))).toMatchObject({ error: { code: 'FAILED_PRECONDITION', reason: 'ALREADY_PAID' } });
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

  it('refuses to open an order for an amount WeChat Pay cannot take (decideOpenOrder, in the store’s step)', async () => {
    await importBills(w.deps, imported(), as('admin'));
    // A zero bill cannot come through the contract; written to the store directly, as a utility's feed might.
    const zero = {
      billerId: 'water',
      accountType: 'water' as const,
      accountNo: '31000001',
      holderName: '张三',
      period: '2026-08',
      amountFen: 0,
      dueDate: '2026-09-15',
    };
    await w.deps.bills.importBills([zero], at(1));
    await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 2));
    expect(await payBill(w.deps, { billId: 'UB:water:31000001:2026-08' }, as('u1', 3))).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'billId: bill "UB:water:31000001:2026-08" of 0 fen cannot be paid online', reason: 'NOT_PAYABLE' },
    });
    expect(w.state().orders).toEqual([]);
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
    expect(once.bills.find((b) => b.id === billId)).toMatchObject({ status: 'paid', paidBy: outTradeNo, openOrders: [] });
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
    'upsertBillers',
    async () => Object.assign(await billsWorld(adapter), { outTradeNo: '', billId: BILL }),
    (w) => upsertBillers(w.deps, upsertBillersParams.parse({ billers: BILLERS }), as('admin')),
    async (w, answer) => {
      expect(answer).toEqual({ ok: true, data: { upserted: 3 } });
      expect((await listBillers(w.deps, {})).ok && (await listBillers(w.deps, {}))).toMatchObject({ data: { billers: { length: 3 } } });
    },
  );

  scenario(
    'bindAccount (a failure counted for the caller and for the number)',
    async () => {
      const w = await billsWorld(adapter);
      await importBills(w.deps, imported(), as('admin'));
      // Four failures each: the fifth of the caller (this one) reaches the limit.
      for (let i = 0; i < 4; i++) await bindAccount(w.deps, { ...WATER, holderName: `x${i}` }, as('u1', i));
      return Object.assign(w, { outTradeNo: '', billId: BILL });
    },
    (w) => bindAccount(w.deps, { ...WATER, holderName: 'x4' }, as('u1', 10)),
    async (w, answer) => {
      // Recorded once or twice (a retry of a failure is one more failure): either way the caller now waits.
      expect(answer).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(NOT_FOUND|RESOURCE_EXHAUSTED)$/) } });
      expect(await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u1', 20))).toMatchObject({ error: { code: 'RESOURCE_EXHAUSTED' } });
      expect((await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u2', 20))).ok).toBe(true);
    },
  );

  scenario(
    'pay (a second household member: an order of their own)',
    async () => {
      const w = await bound();
      await bindAccount(w.deps, { ...WATER, holderName: '张三' }, as('u2'));
      const first = await payBill(w.deps, { billId: BILL }, as('u1', 10));
      w.outTradeNo = first.ok ? first.data.outTradeNo : '';
      return w;
    },
    (w) => payBill(w.deps, { billId: BILL }, as('u2', 20)),
    (w, answer) => {
      expect(answer.ok).toBe(true);
      expect(answer.data.outTradeNo).not.toBe(w.outTradeNo);
      const open = w.state().bills.find((b) => b.id === BILL)!.openOrders;
      expect(open).toEqual([
        { openid: 'u1', outTradeNo: w.outTradeNo },
        { openid: 'u2', outTradeNo: answer.data.outTradeNo },
      ]);
    },
  );

  scenario(
    'pay (open an order)',
    bound,
    (w) => payBill(w.deps, { billId: BILL }, as('u1')),
    async (w, answer) => {
      expect(answer.ok).toBe(true);
      // One order per bill: the retry got the bill's open order, whichever attempt wrote it.
      const open = w.state().bills.find((b) => b.id === BILL)!.openOrders;
      expect(open).toEqual([{ openid: 'u1', outTradeNo: answer.data.outTradeNo }]);
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

  /** Within the first order's last minute. */
  const LATE = 700 + ORDER_TTL_SEC - 60;
  /**
   * A bill paid twice: an order at 700 s, a second one at LATE (paying again within the first
   * order's last minute places a second order), the first paid at LATE + 1; w.outTradeNo is the
   * second, still open.
   */
  const twoOrdersFirstPaid = async () => {
    const w = await bound();
    const first = await payBill(w.deps, { billId: BILL }, as('u1', 700));
    const second = await payBill(w.deps, { billId: BILL }, as('u1', LATE));
    if (!first.ok || !second.ok) throw new Error('no orders');
    expect(second.data.outTradeNo).not.toBe(first.data.outTradeNo);
    await handlePayNotify(w.deps, await paid(w, first.data.outTradeNo, LATE + 1), at(LATE + 1));
    w.outTradeNo = second.data.outTradeNo;
    return w;
  };

  scenario(
    'payNotify of a duplicate payment (pending refund)',
    async () => {
      const w = await twoOrdersFirstPaid();
      w.event = await paid(w, w.outTradeNo, LATE + 2);
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
      const w = await twoOrdersFirstPaid();
      await handlePayNotify(w.deps, await paid(w, w.outTradeNo, LATE + 2), at(LATE + 2));
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
      expect(w.state().bills.find((b) => b.id === BILL)!.openOrders).toEqual([]);
    },
  );
});
