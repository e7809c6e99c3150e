/**
 * One suite, both payments adapters: the real one against the local WeChat Pay server, and the
 * sandbox. The sandbox must behave as WeChat Pay does wherever the use cases can tell.
 */
import type { Payments, ReceivedNotification } from '../../functions/lib/ports';
import { wechatpayClient } from '../../functions/lib/wechatpay/client';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { wechatpaySettingsFrom } from '../../functions/lib/wechatpay/settings';
import { decidePayment, duplicateRefundNo, orderOutcome, refundSettled } from '../../shared/payment';
import { makeMerchant, startWechatpayServer, wechatpayEnv } from '../support/wechatpay-server';

interface Harness {
  payments: Payments;
  /** The payer pays; the notification WeChat Pay sends. */
  pay(outTradeNo: string, now: Date): ReceivedNotification;
  settleRefund(outRefundNo: string, now: Date): void;
  close(): Promise<void>;
}

async function realAdapter(): Promise<Harness> {
  const merchant = makeMerchant();
  const server = await startWechatpayServer(merchant);
  const read = wechatpaySettingsFrom(wechatpayEnv(merchant, server, 'https://env.service.tcloudbase.com/payNotify'));
  if (!read.ok) throw new Error(read.message);
  return {
    payments: wechatpayClient(read.settings),
    pay: (no, now) => server.pay(no, now),
    settleRefund: (no, now) => {
      server.desk.settleRefund(no, 'SUCCESS', now);
    },
    close: () => server.close(),
  };
}

async function sandboxAdapter(): Promise<Harness> {
  const sandbox = sandboxPayments();
  return {
    payments: sandbox,
    pay: (no, now) => {
      const paid = sandbox.pay(no, now);
      if (!paid.ok) throw new Error(paid.failure.message);
      return paid.notification;
    },
    settleRefund: (no, now) => {
      const settled = sandbox.settleRefund(no, 'SUCCESS', now);
      if (!settled.ok) throw new Error(settled.failure.message);
    },
    close: async () => {},
  };
}

let seq = 0;
const nextNo = () => `P${Date.now()}${String(++seq).padStart(4, '0')}`;

describe.each([
  ['the real adapter (local WeChat Pay server)', realAdapter],
  ['the sandbox', sandboxAdapter],
])('the Payments port: %s', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(() => h.close());
  const place = (no: string, amountFen = 300) =>
    h.payments.createJsapiOrder({ outTradeNo: no, description: '骑行费用', amountFen, payerOpenid: 'o-rider', expiresAt: new Date(Date.now() + 7200_000) });

  it('places an order that is open until paid, and paid after, as the rule reads it', async () => {
    const no = nextNo();
    expect(await place(no)).toMatchObject({ ok: true });
    const before = await h.payments.queryOrder(no);
    expect(before.ok && orderOutcome(before.value.tradeState)).toBe('open');
    const verified = h.payments.verifyNotification(h.pay(no, new Date()), new Date());
    if (!verified.ok || verified.notification.kind !== 'transaction') throw new Error(`not verified: ${JSON.stringify(verified)}`);
    const facts = { order: { outTradeNo: no, billId: 'b1', amountFen: 300, status: 'open' as const }, bill: { status: 'unpaid' as const } };
    expect(decidePayment(verified.notification.transaction, h.payments.merchant, facts)).toEqual({ kind: 'record-payment' });
    const after = await h.payments.queryOrder(no);
    expect(after.ok && orderOutcome(after.value.tradeState)).toBe('paid');
  });

  it('re-issues a prepay id for an open order, refuses other parameters and a paid order', async () => {
    const no = nextNo();
    const first = await place(no);
    const second = await place(no);
    expect(first.ok && second.ok && first.value.prepayId !== second.value.prepayId).toBe(true);
    expect(await place(no, 301)).toMatchObject({ ok: false, failure: { kind: 'http', code: 'INVALID_REQUEST' } });
    h.pay(no, new Date());
    expect(await place(no)).toMatchObject({ ok: false, failure: { kind: 'http', code: 'ORDERPAID' } });
    expect(await h.payments.closeOrder(no)).toMatchObject({ ok: false, failure: { kind: 'http', code: 'ORDERPAID' } });
  });

  it('closes an open order for good', async () => {
    const no = nextNo();
    await place(no);
    expect(await h.payments.closeOrder(no)).toEqual({ ok: true, value: null });
    const closed = await h.payments.queryOrder(no);
    expect(closed.ok && orderOutcome(closed.value.tradeState)).toBe('over');
    expect(() => h.pay(no, new Date())).toThrow();
  });

  it('refunds once per refund number and reports the refund settled', async () => {
    const no = nextNo();
    await place(no);
    h.pay(no, new Date());
    const refundNo = duplicateRefundNo(no);
    const first = await h.payments.refund({ outTradeNo: no, outRefundNo: refundNo, refundFen: 300, totalFen: 300, reason: '重复支付' });
    const again = await h.payments.refund({ outTradeNo: no, outRefundNo: refundNo, refundFen: 300, totalFen: 300, reason: '重复支付' });
    expect(first.ok && again.ok && first.value.refundId === again.value.refundId && !refundSettled(first.value.status)).toBe(true);
    h.settleRefund(refundNo, new Date());
    const settled = await h.payments.queryRefund(refundNo);
    expect(settled.ok && refundSettled(settled.value.status)).toBe(true);
  });

  it('answers ORDER_NOT_EXIST for an order never placed, and a 404 for an unknown refund', async () => {
    expect(await h.payments.queryOrder('Pnever000001')).toMatchObject({ ok: false, failure: { kind: 'http', status: 404, code: 'ORDER_NOT_EXIST' } });
    expect(await h.payments.queryRefund('RPnever000001')).toMatchObject({ ok: false, failure: { kind: 'http', status: 404 } });
  });

  it('refuses an amount that is not whole positive fen, or a refund past the total, without asking WeChat Pay', async () => {
    expect(await place(nextNo(), 2.5)).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    expect(await place(nextNo(), -300)).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    expect(await h.payments.refund({ outTradeNo: nextNo(), outRefundNo: 'R1', refundFen: 301, totalFen: 300 })).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
    expect(await h.payments.refund({ outTradeNo: nextNo(), outRefundNo: 'R 1', refundFen: 300, totalFen: 300 })).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
  });
});
