import fc from 'fast-check';
import { decidePayment, duplicateRefundNo, type ExpectedPayment, isOutTradeNo, isPayableFen, judgePayment, orderOutcome, type PayTransaction, refundSettled, TRADE_STATES } from '../../shared/payment';

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
          const matches = tx.mchId === expected.mchId && tx.appId === expected.appId && tx.outTradeNo === expected.outTradeNo && tx.tradeState === 'SUCCESS' && tx.totalFen === expected.amountFen;
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
    expect(decidePayment(paid, merchant, { order: { ...open, status: 'paid' }, bill: { status: 'paid', paidByOutTradeNo: open.outTradeNo } })).toEqual({ kind: 'already-recorded' });
  });

  it('records and refunds in full money for a bill another order already paid', () => {
    expect(decidePayment(paid, merchant, { order: open, bill: { status: 'paid', paidByOutTradeNo: 'Bother000001' } })).toEqual({ kind: 'refund-duplicate', outRefundNo: duplicateRefundNo(open.outTradeNo), refundFen: 4250 });
  });

  it('records money that arrived for an order we had closed meanwhile', () => {
    expect(decidePayment(paid, merchant, { order: { ...open, status: 'closed' }, bill: { status: 'unpaid' } })).toEqual({ kind: 'record-payment' });
  });

  it('refuses a payment of an order we never placed, or one that does not match ours', () => {
    expect(decidePayment(paid, merchant, { order: null, bill: null })).toMatchObject({ kind: 'refuse', reason: 'UNKNOWN_ORDER' });
    expect(decidePayment({ ...paid, totalFen: 1 }, merchant, { order: open, bill: { status: 'unpaid' } })).toMatchObject({ kind: 'refuse', reason: 'WRONG_AMOUNT' });
    expect(decidePayment(paid, { ...merchant, appId: 'wxffffffffffffffff' }, { order: open, bill: { status: 'unpaid' } })).toMatchObject({ kind: 'refuse', reason: 'WRONG_APP' });
    expect(decidePayment({ ...paid, tradeState: 'NOTPAY' }, merchant, { order: { ...open, status: 'paid' }, bill: { status: 'paid', paidByOutTradeNo: open.outTradeNo } })).toMatchObject({ kind: 'refuse', reason: 'NOT_PAID' });
  });
});
