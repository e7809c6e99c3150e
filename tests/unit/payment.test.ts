import fc from 'fast-check';
import {
  decidePayment,
  duplicateRefundNo,
  type ExpectedPayment,
  isOutTradeNo,
  isPayableFen,
  judgePayment,
  ORDER_CLOSE_GRACE_SEC,
  ORDER_TTL_SEC,
  orderOutcome,
  type PayRefund,
  type PayTransaction,
  planPay,
  decideOpenOrder,
  paymentWrites,
  refundMoveAllowed,
  PREPAY_MARGIN_SEC,
  PREPAY_VALID_SEC,
  refundSettled,
  sweepOrder,
  sweepRefund,
  TRADE_STATES,
  judgeRefund,
} from '../../shared/payment';

const expected: ExpectedPayment = { mchId: '1230000109', appId: 'wx0123456789abcdef', outTradeNo: 'B20260101abcdef', amountFen: 4250 };
const paid: PayTransaction = {
  appId: expected.appId,
  mchId: expected.mchId,
  outTradeNo: expected.outTradeNo,
  transactionId: '4200000000202601010000000001',
  tradeState: 'SUCCESS',
  totalFen: 4250,
  payerTotalFen: 4250,
  currency: 'CNY',
  payerOpenid: 'o-payer',
  successAt: new Date('2026-01-01T02:00:00Z'),
};

describe('judgePayment: does a reported transaction pay the order we expect', () => {
  it('accepts a successful payment of the whole amount to our merchant and app', () => {
    expect(judgePayment(paid, expected)).toEqual({ ok: true });
  });

  it('accepts a payment whose payer paid less because a coupon covered the rest (amount.total decides, not payer_total)', () => {
    expect(judgePayment({ ...paid, payerTotalFen: 3000 }, expected)).toEqual({ ok: true });
  });

  it.each([
    ['WRONG_MERCHANT', { mchId: '1900000001' }],
    ['WRONG_APP', { appId: 'wxffffffffffffffff' }],
    ['WRONG_ORDER', { outTradeNo: 'B20260101zzzzzz' }],
    ['NOT_PAID', { tradeState: 'NOTPAY' }],
    ['NOT_PAID', { tradeState: 'CLOSED' }],
    ['WRONG_AMOUNT', { totalFen: 4249 }],
    ['WRONG_AMOUNT', { totalFen: 4251, payerTotalFen: 4250 }],
    ['WRONG_CURRENCY', { currency: 'USD' }],
  ] as const)('refuses with %s when %j', (mismatch, change) => {
    const judged = judgePayment({ ...paid, ...change }, expected);
    expect(judged).toMatchObject({ ok: false, mismatch });
  });

  it('accepts exactly the transactions that match on every field (random mismatches)', () => {
    fc.assert(
      fc.property(
        fc.record({
          mchId: fc.constantFrom(expected.mchId, '1900000001'),
          appId: fc.constantFrom(expected.appId, 'wxffffffffffffffff'),
          outTradeNo: fc.constantFrom(expected.outTradeNo, 'Bother000001'),
          tradeState: fc.constantFrom(...TRADE_STATES),
          totalFen: fc.constantFrom(expected.amountFen, expected.amountFen + 1, 0, 42.5),
          payerTotalFen: fc.option(fc.nat(10000), { nil: null }),
        }),
        (change) => {
          const tx = { ...paid, ...change };
          const matches =
            tx.mchId === expected.mchId &&
            tx.appId === expected.appId &&
            tx.outTradeNo === expected.outTradeNo &&
            tx.tradeState === 'SUCCESS' &&
            tx.totalFen === expected.amountFen;
          expect(judgePayment(tx, expected).ok).toBe(matches);
        },
      ),
    );
  });
});

describe('order and refund states', () => {
  it('counts SUCCESS and REFUND as paid, NOTPAY and USERPAYING as open, the rest as over', () => {
    expect(TRADE_STATES.map((s) => [s, orderOutcome(s)])).toEqual([
      ['SUCCESS', 'paid'],
      ['REFUND', 'paid'],
      ['NOTPAY', 'open'],
      ['CLOSED', 'over'],
      ['REVOKED', 'over'],
      ['USERPAYING', 'open'],
      ['PAYERROR', 'over'],
    ]);
  });

  it('settles a refund on SUCCESS or CLOSED only (ABNORMAL is not final)', () => {
    expect(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'].filter((s) => refundSettled(s as 'SUCCESS'))).toEqual(['SUCCESS', 'CLOSED']);
  });
});

describe('order and refund numbers, amounts', () => {
  it("takes WeChat Pay's out_trade_no shape: 6..32 of 0-9A-Za-z_-*", () => {
    expect(['B12345', 'a_b-c*d1', 'x'.repeat(32)].every(isOutTradeNo)).toBe(true);
    expect(['B1234', 'x'.repeat(33), 'B12 345', 'B12345/', 'B12345中'].some(isOutTradeNo)).toBe(false);
  });

  it('gives one refund number per order, the same every time', () => {
    expect(duplicateRefundNo('B20260101abcdef')).toBe(duplicateRefundNo('B20260101abcdef'));
    expect(duplicateRefundNo('B20260101abcdef')).not.toBe(duplicateRefundNo('B20260101abcdeg'));
    expect(duplicateRefundNo('x'.repeat(32)).length).toBeLessThanOrEqual(64);
  });

  it('pays only whole positive fen', () => {
    expect([1, 4250, 1_000_000_000].every(isPayableFen)).toBe(true);
    expect([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1_000_000_001].some(isPayableFen)).toBe(false);
  });
});

describe('decidePayment: what a reported payment does to the order and its bill', () => {
  const merchant = { mchId: expected.mchId, appId: expected.appId };
  const open = { outTradeNo: expected.outTradeNo, billId: 'bill-1', amountFen: expected.amountFen, status: 'open' as const };

  it('records the payment of an open order of an unpaid bill', () => {
    expect(decidePayment(paid, merchant, { order: open, bill: { status: 'unpaid' } })).toEqual({ kind: 'record-payment' });
  });

  it('changes nothing for the same payment reported again', () => {
    expect(decidePayment(paid, merchant, { order: { ...open, status: 'paid' }, bill: { status: 'paid', paidByOutTradeNo: open.outTradeNo } })).toEqual({
      kind: 'already-recorded',
    });
  });

  it('records and refunds in full money for a bill another order already paid', () => {
    expect(decidePayment(paid, merchant, { order: open, bill: { status: 'paid', paidByOutTradeNo: 'Bother000001' } })).toEqual({
      kind: 'refund-duplicate',
      outRefundNo: duplicateRefundNo(open.outTradeNo),
      refundFen: 4250,
    });
  });

  it('records money that arrived for an order we had closed meanwhile', () => {
    expect(decidePayment(paid, merchant, { order: { ...open, status: 'closed' }, bill: { status: 'unpaid' } })).toEqual({ kind: 'record-payment' });
  });

  it('refuses a payment of an order we never placed, or one that does not match ours', () => {
    expect(decidePayment(paid, merchant, { order: null, bill: null })).toMatchObject({ kind: 'refuse', reason: 'UNKNOWN_ORDER' });
    expect(decidePayment({ ...paid, totalFen: 1 }, merchant, { order: open, bill: { status: 'unpaid' } })).toMatchObject({
      kind: 'refuse',
      reason: 'WRONG_AMOUNT',
    });
    expect(decidePayment(paid, { ...merchant, appId: 'wxffffffffffffffff' }, { order: open, bill: { status: 'unpaid' } })).toMatchObject({
      kind: 'refuse',
      reason: 'WRONG_APP',
    });
    expect(
      decidePayment({ ...paid, tradeState: 'NOTPAY' }, merchant, {
        order: { ...open, status: 'paid' },
        bill: { status: 'paid', paidByOutTradeNo: open.outTradeNo },
      }),
    ).toMatchObject({ kind: 'refuse', reason: 'NOT_PAID' });
  });
});

describe('planPay: one open order per bill, a fresh prepay id after its 2 hours', () => {
  const now = new Date('2026-03-01T04:00:00Z');
  const at = (sec: number) => new Date(now.getTime() + sec * 1000);
  const open = { outTradeNo: 'B20260301000001', expiresAt: at(20 * 3600), prepayId: 'wx-prepay-1', prepayIssuedAt: at(-3600) };

  it('refuses a paid bill', () => {
    expect(planPay({ billPaid: true, open, now })).toEqual({ kind: 'already-paid' });
  });

  it('places a new order payable for ORDER_TTL_SEC when none is open', () => {
    expect(planPay({ billPaid: false, open: null, now })).toEqual({ kind: 'new-order', expiresAt: at(ORDER_TTL_SEC) });
  });

  it('hands out the same order and prepay id while the prepay id has more than its margin left', () => {
    expect(planPay({ billPaid: false, open, now })).toEqual({ kind: 'reuse', outTradeNo: open.outTradeNo, prepayId: 'wx-prepay-1' });
    expect(planPay({ billPaid: false, open: { ...open, prepayIssuedAt: at(-(PREPAY_VALID_SEC - PREPAY_MARGIN_SEC) + 1) }, now }).kind).toBe('reuse');
  });

  it('keeps the order but asks a fresh prepay id once the old one is (nearly) 2 hours old, or was never issued', () => {
    expect(planPay({ billPaid: false, open: { ...open, prepayIssuedAt: at(-(PREPAY_VALID_SEC - PREPAY_MARGIN_SEC)) }, now })).toEqual({
      kind: 'refresh-prepay',
      outTradeNo: open.outTradeNo,
    });
    expect(planPay({ billPaid: false, open: { ...open, prepayId: null, prepayIssuedAt: null }, now })).toEqual({
      kind: 'refresh-prepay',
      outTradeNo: open.outTradeNo,
    });
  });

  it('places a new order when the open one is about to stop being payable', () => {
    expect(planPay({ billPaid: false, open: { ...open, expiresAt: at(PREPAY_MARGIN_SEC) }, now }).kind).toBe('new-order');
    expect(planPay({ billPaid: false, open: { ...open, expiresAt: at(-1) }, now }).kind).toBe('new-order');
  });
});

describe('sweepOrder: every open order is resolved once past its deadline', () => {
  const expiresAt = new Date('2026-03-01T04:00:00Z');
  const before = new Date(expiresAt.getTime() - 60_000);
  const pastGrace = new Date(expiresAt.getTime() + (ORDER_CLOSE_GRACE_SEC + 1) * 1000);
  const answer = (tradeState: PayTransaction['tradeState']) => ({ kind: 'answer' as const, value: { ...paid, tradeState } });

  it('records a payment WeChat Pay reports, before or after the deadline', () => {
    expect(sweepOrder({ expiresAt }, answer('SUCCESS'), before)).toEqual({ kind: 'record-payment', transaction: { ...paid, tradeState: 'SUCCESS' } });
    expect(sweepOrder({ expiresAt }, answer('SUCCESS'), pastGrace).kind).toBe('record-payment');
  });

  it('waits while an unpaid order is payable, closes it past the deadline and its grace', () => {
    expect(sweepOrder({ expiresAt }, answer('NOTPAY'), before)).toEqual({ kind: 'wait' });
    expect(sweepOrder({ expiresAt }, answer('NOTPAY'), new Date(expiresAt.getTime() + 1000))).toEqual({ kind: 'wait' });
    expect(sweepOrder({ expiresAt }, answer('NOTPAY'), pastGrace)).toEqual({ kind: 'close' });
    expect(sweepOrder({ expiresAt }, answer('USERPAYING'), pastGrace)).toEqual({ kind: 'close' });
  });

  it('marks closed an order WeChat Pay closed, or never saw once it is past its deadline', () => {
    expect(sweepOrder({ expiresAt }, answer('CLOSED'), before)).toEqual({ kind: 'mark-closed' });
    expect(sweepOrder({ expiresAt }, answer('PAYERROR'), before)).toEqual({ kind: 'mark-closed' });
    expect(sweepOrder({ expiresAt }, { kind: 'not-found' }, before)).toEqual({ kind: 'wait' });
    expect(sweepOrder({ expiresAt }, { kind: 'not-found' }, pastGrace)).toEqual({ kind: 'mark-closed' });
  });

  it('changes nothing when WeChat Pay gave no trustworthy answer', () => {
    expect(sweepOrder({ expiresAt }, { kind: 'unavailable' }, pastGrace)).toEqual({ kind: 'wait' });
  });
});

describe('sweepRefund: a refund we owe is sent until WeChat Pay knows it, then followed until it settles', () => {
  const refund: PayRefund = {
    mchId: null,
    outRefundNo: 'RB1',
    outTradeNo: 'B1',
    refundId: '503',
    transactionId: '42',
    status: 'PROCESSING',
    refundFen: 4250,
    totalFen: 4250,
    successAt: null,
  };
  const answer = (status: PayRefund['status']) => ({
    kind: 'answer' as const,
    value: { ...refund, status, successAt: status === 'SUCCESS' ? new Date('2026-03-01T05:00:00Z') : null },
  });

  it('sends a refund not sent yet, and again when WeChat Pay does not know it', () => {
    expect(sweepRefund({ sent: false }, null)).toEqual({ kind: 'send' });
    expect(sweepRefund({ sent: true }, { kind: 'not-found' })).toEqual({ kind: 'send' });
  });

  it('marks it refunded on SUCCESS, failed on CLOSED, and waits on PROCESSING, ABNORMAL or no answer', () => {
    expect(sweepRefund({ sent: true }, answer('SUCCESS'))).toEqual({ kind: 'mark-refunded', successAt: new Date('2026-03-01T05:00:00Z') });
    expect(sweepRefund({ sent: true }, answer('CLOSED'))).toEqual({ kind: 'mark-failed' });
    expect(sweepRefund({ sent: true }, answer('PROCESSING'))).toEqual({ kind: 'wait' });
    expect(sweepRefund({ sent: true }, answer('ABNORMAL'))).toEqual({ kind: 'wait' });
    expect(sweepRefund({ sent: true }, { kind: 'unavailable' })).toEqual({ kind: 'wait' });
    expect(sweepRefund({ sent: true }, null)).toEqual({ kind: 'wait' });
  });
});

describe('judgeRefund', () => {
  const refund = {
    mchId: '1230000109',
    outRefundNo: 'RP1',
    outTradeNo: 'P1',
    refundId: '50',
    transactionId: '42',
    status: 'SUCCESS' as const,
    refundFen: 4280,
    totalFen: 4280,
    successAt: null,
  };
  const owed = { mchId: '1230000109', outTradeNo: 'P1', refundFen: 4280 };
  it('accepts the refund we owe, with or without the merchant named', () => {
    expect(judgeRefund(refund, owed)).toEqual({ ok: true });
    expect(judgeRefund({ ...refund, mchId: null }, owed)).toEqual({ ok: true });
  });
  it('refuses another merchant, order or amount, in that order', () => {
    expect(judgeRefund({ ...refund, mchId: '1999999999', outTradeNo: 'P2' }, owed)).toMatchObject({ ok: false, mismatch: 'WRONG_MERCHANT' });
    expect(judgeRefund({ ...refund, outTradeNo: 'P2', refundFen: 1 }, owed)).toMatchObject({ ok: false, mismatch: 'WRONG_ORDER' });
    expect(judgeRefund({ ...refund, refundFen: 1 }, owed)).toMatchObject({ ok: false, mismatch: 'WRONG_AMOUNT', message: 'refund of 1 fen, 4280 fen owed' });
  });
});

describe('decideOpenOrder: what bills.pay does with a bill and the order it points at', () => {
  const now = new Date('2026-11-25T04:00:00Z');
  const at = (sec: number) => new Date(now.getTime() + sec * 1000);
  const bill = { id: 'B1', amountFen: 1234, status: 'unpaid', openOrders: [{ openid: 'u1', outTradeNo: 'N0' }] };
  const order = (over: Partial<{ status: string; expiresAt: Date; prepayId: string | null; prepayIssuedAt: Date | null; openid: string }> = {}) => ({
    outTradeNo: 'N0',
    openid: 'u1',
    status: 'open',
    expiresAt: at(3600),
    prepayId: 'wx-prepay-1',
    prepayIssuedAt: at(-60),
    ...over,
  });
  const decide = (b: typeof bill | null, current: ReturnType<typeof order> | null, visible = true) =>
    decideOpenOrder({ bill: b, visible, current, openid: 'u1', outTradeNo: 'N1', now });

  it('answers not-found for a bill that is gone or not the caller’s, and not-payable for an amount WeChat Pay cannot take', () => {
    expect(decide(null, null)).toEqual({ kind: 'not-found' });
    expect(decide(bill, order(), false)).toEqual({ kind: 'not-found' });
    expect(decide({ ...bill, amountFen: 0 }, null)).toEqual({ kind: 'not-payable', amountFen: 0 });
    expect(decide({ ...bill, amountFen: 1_000_000_001 }, null)).toEqual({ kind: 'not-payable', amountFen: 1_000_000_001 });
  });

  it('opens another payer’s own order beside a household member’s open one (a prepay id is one payer’s)', () => {
    const theirs = { ...bill, openOrders: [{ openid: 'u2', outTradeNo: 'N9' }] };
    expect(decide(theirs, order({ openid: 'u2' }))).toMatchObject({
      kind: 'new-order',
      order: { outTradeNo: 'N1', openid: 'u1' },
      openOrders: [
        { openid: 'u2', outTradeNo: 'N9' },
        { openid: 'u1', outTradeNo: 'N1' },
      ],
    });
  });

  it('refuses a paid bill and keeps a still open order, the same object', () => {
    expect(decide({ ...bill, status: 'paid' }, order())).toEqual({ kind: 'already-paid' });
    const open = order();
    expect(decide(bill, open)).toEqual({ kind: 'reuse', order: open });
    expect(decide(bill, order({ prepayIssuedAt: at(-PREPAY_VALID_SEC) }))).toMatchObject({ kind: 'refresh-prepay', order: { outTradeNo: 'N0' } });
  });

  it('opens a new order of the bill amount when the bill has none, or one that is closed or expired', () => {
    const fresh = {
      kind: 'new-order',
      order: {
        outTradeNo: 'N1',
        billId: 'B1',
        openid: 'u1',
        amountFen: 1234,
        status: 'open',
        createdAt: now,
        expiresAt: at(ORDER_TTL_SEC),
        prepayId: null,
        prepayIssuedAt: null,
        transactionId: null,
        paidAt: null,
      },
      openOrders: [{ openid: 'u1', outTradeNo: 'N1' }],
    };
    expect(decide(bill, null)).toEqual(fresh);
    expect(decide(bill, order({ status: 'closed' }))).toEqual(fresh);
    expect(decide(bill, order({ expiresAt: at(-1) }))).toEqual(fresh);
  });
});

describe('paymentWrites and refund moves: what a recorded payment writes, with its defaults', () => {
  const now = new Date('2026-11-25T04:00:00Z');
  const tx = { transactionId: '4200000001', successAt: new Date('2026-11-25T03:59:00Z'), totalFen: 1234 };
  it('pays the bill by the order, paid at WeChat Pay’s time, no open orders left', () => {
    expect(paymentWrites({ kind: 'record-payment' }, tx, { outTradeNo: 'P1', billId: 'B1' }, now)).toEqual({
      order: { status: 'paid', transactionId: '4200000001', paidAt: tx.successAt },
      bill: { status: 'paid', paidBy: 'P1', paidAt: tx.successAt, transactionId: '4200000001', openOrders: [] },
      refund: null,
    });
  });
  it('records a second payment and owes its refund; an unknown transaction and time get their defaults', () => {
    const decision = { kind: 'refund-duplicate' as const, outRefundNo: 'RP2', refundFen: 1234 };
    expect(paymentWrites(decision, { transactionId: null, successAt: null, totalFen: 1234 }, { outTradeNo: 'P2', billId: 'B1' }, now)).toEqual({
      order: { status: 'paid', transactionId: 'unknown-P2', paidAt: now },
      bill: null,
      refund: { outRefundNo: 'RP2', outTradeNo: 'P2', billId: 'B1', refundFen: 1234, totalFen: 1234, status: 'pending', createdAt: now },
    });
  });
  it('moves a refund forward only: sent once, settled once', () => {
    expect(refundMoveAllowed('pending', 'sent')).toBe(true);
    expect(refundMoveAllowed('sent', 'sent')).toBe(false);
    expect(refundMoveAllowed('sent', 'refunded')).toBe(true);
    expect(refundMoveAllowed('pending', 'failed')).toBe(true);
    expect(refundMoveAllowed('refunded', 'failed')).toBe(false);
    expect(refundMoveAllowed('failed', 'refunded')).toBe(false);
  });
});
