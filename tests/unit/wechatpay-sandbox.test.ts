import { type HttpAccessEvent, notifyHandled, notifyRefused, receivedFromHttpEvent } from '../../functions/lib/wechatpay/http';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { httpEventOf, sandboxPay } from '../../functions/lib/wechatpay/sandbox-route';
import { judgePayment } from '../../shared/payment';

const now = new Date('2026-03-01T04:00:00Z');
const later = (sec: number) => new Date(now.getTime() + sec * 1000);
const sandbox = sandboxPayments();
const order = (outTradeNo: string, amountFen = 150) => ({ outTradeNo, description: '骑行费用', amountFen, payerOpenid: 'o-rider', expiresAt: later(7200) });

describe('the sandbox payments adapter', () => {
  it('hands out sandbox prepay ids and wx.requestPayment arguments for them', async () => {
    const placed = await sandbox.createJsapiOrder(order('Bsandbox000001'));
    expect(placed).toEqual({ ok: true, value: { prepayId: expect.stringMatching(/^sandbox_wx/) } });
    if (!placed.ok) return;
    expect(sandbox.requestPaymentArgs(placed.value.prepayId, now)).toMatchObject({
      timeStamp: String(now.getTime() / 1000),
      package: `prepay_id=${placed.value.prepayId}`,
      signType: 'RSA',
      paySign: expect.any(String),
    });
    expect(await sandbox.queryOrder('Bsandbox000001')).toMatchObject({ ok: true, value: { tradeState: 'NOTPAY', totalFen: 150 } });
  });

  it('pays an order with a notification the real verification code accepts, and the rule accepts its content', async () => {
    await sandbox.createJsapiOrder(order('Bsandbox000002', 4250));
    const paid = sandbox.pay('Bsandbox000002', later(10), { payerTotalFen: 4000 });
    if (!paid.ok) throw new Error(paid.failure.message);
    const verified = sandbox.verifyNotification(paid.notification, later(11));
    expect(verified).toMatchObject({
      ok: true,
      notification: {
        kind: 'transaction',
        eventType: 'TRANSACTION.SUCCESS',
        transaction: { outTradeNo: 'Bsandbox000002', tradeState: 'SUCCESS', totalFen: 4250, payerTotalFen: 4000, payerOpenid: 'o-rider' },
      },
    });
    if (!verified.ok || verified.notification.kind !== 'transaction') return;
    expect(judgePayment(verified.notification.transaction, { ...sandbox.merchant, outTradeNo: 'Bsandbox000002', amountFen: 4250 })).toEqual({ ok: true });
    expect(await sandbox.queryOrder('Bsandbox000002')).toMatchObject({ ok: true, value: { tradeState: 'SUCCESS' } });
  });

  it('refuses its own notification tampered, late, or from another sandbox', async () => {
    await sandbox.createJsapiOrder(order('Bsandbox000003'));
    const paid = sandbox.pay('Bsandbox000003', now);
    if (!paid.ok) throw new Error(paid.failure.message);
    const n = paid.notification;
    expect(sandbox.verifyNotification({ headers: n.headers, body: n.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') }, now)).toMatchObject({
      ok: false,
      refusal: 'BAD_SIGNATURE',
    });
    expect(sandbox.verifyNotification(n, later(301))).toMatchObject({ ok: false, refusal: 'STALE_TIMESTAMP' });
    const other = sandboxPayments();
    expect(other.verifyNotification(n, now)).toMatchObject({ ok: false, refusal: 'UNKNOWN_SERIAL' });
  });

  it('plays WeChat Pay for orders paid twice, closed, expired or unknown', async () => {
    expect(sandbox.pay('Bnobody0000001', now)).toMatchObject({ ok: false, failure: { kind: 'http', status: 404, code: 'ORDER_NOT_EXIST' } });
    await sandbox.createJsapiOrder(order('Bsandbox000004'));
    expect(sandbox.pay('Bsandbox000004', now).ok).toBe(true);
    expect(sandbox.pay('Bsandbox000004', now)).toMatchObject({ ok: false, failure: { code: 'ORDERPAID' } });
    await sandbox.createJsapiOrder(order('Bsandbox000005'));
    expect(await sandbox.closeOrder('Bsandbox000005')).toEqual({ ok: true, value: null });
    expect(sandbox.pay('Bsandbox000005', now)).toMatchObject({ ok: false, failure: { code: 'ORDER_CLOSED' } });
    await sandbox.createJsapiOrder(order('Bsandbox000006'));
    expect(sandbox.pay('Bsandbox000006', later(7201))).toMatchObject({ ok: false, failure: { code: 'ORDER_CLOSED' } });
    expect(await sandbox.createJsapiOrder(order('Bsandbox000007', 1.5))).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
  });

  it('refunds, and tells the refund notification apart from payments', async () => {
    await sandbox.createJsapiOrder(order('Bsandbox000008'));
    sandbox.pay('Bsandbox000008', now);
    expect(await sandbox.refund({ outTradeNo: 'Bsandbox000008', outRefundNo: 'RBsandbox000008', refundFen: 150, totalFen: 150 })).toMatchObject({
      ok: true,
      value: { status: 'PROCESSING' },
    });
    const settled = sandbox.settleRefund('RBsandbox000008', 'SUCCESS', later(60));
    if (!settled.ok) throw new Error(settled.failure.message);
    expect(sandbox.verifyNotification(settled.notification, later(61))).toMatchObject({
      ok: true,
      notification: {
        kind: 'refund',
        eventType: 'REFUND.SUCCESS',
        refund: { mchId: sandbox.merchant.mchId, outRefundNo: 'RBsandbox000008', outTradeNo: 'Bsandbox000008', status: 'SUCCESS', refundFen: 150 },
      },
    });
    expect(await sandbox.queryRefund('RBsandbox000008')).toMatchObject({ ok: true, value: { status: 'SUCCESS' } });
  });
});

describe("the sandbox's payer route and payNotify's HTTP edges", () => {
  /** The verifying half of payNotify: the HTTP-access event in, 204 when the notification verifies. */
  const verifyingNotify = (at: Date) => async (event: HttpAccessEvent) => {
    const read = receivedFromHttpEvent(event);
    if (!read.ok) return read.answer;
    const verified = sandbox.verifyNotification(read.received, at);
    return verified.ok ? notifyHandled() : notifyRefused(401, verified.message);
  };

  it('delivers the signed notification as an HTTP-access event and answers with payNotify status', async () => {
    await sandbox.createJsapiOrder(order('Broute0000001'));
    const seen: HttpAccessEvent[] = [];
    const answer = await sandboxPay(sandbox, 'Broute0000001', {
      deliver: true,
      now,
      payNotify: async (event) => {
        seen.push(event);
        return verifyingNotify(now)(event);
      },
    });
    expect(answer).toEqual({ status: 204, body: null });
    expect(seen[0]).toMatchObject({
      httpMethod: 'POST',
      isBase64Encoded: false,
      headers: { 'wechatpay-serial': expect.stringMatching(/^PUB_KEY_ID_/), 'wechatpay-signature': expect.any(String) },
    });
  });

  it('hands the notification out with deliver=false; replayed late it is refused with a 4xx and FAIL', async () => {
    await sandbox.createJsapiOrder(order('Broute0000002'));
    const answer = await sandboxPay(sandbox, 'Broute0000002', { deliver: false, now, payNotify: () => Promise.reject(new Error('must not deliver')) });
    expect(answer.status).toBe(200);
    const handedOut = answer.body as { headers: Record<string, string>; body: string };
    expect(await verifyingNotify(now)(httpEventOf(handedOut))).toEqual(notifyHandled());
    const late = await verifyingNotify(later(600))(httpEventOf(handedOut));
    expect(late.statusCode).toBe(401);
    expect(JSON.parse(late.body)).toEqual({ code: 'FAIL', message: expect.stringContaining('Wechatpay-Timestamp') });
  });

  it('answers 404 for an order the sandbox never saw, 409 for one it cannot pay', async () => {
    const never = () => Promise.reject(new Error('must not deliver'));
    expect(await sandboxPay(sandbox, 'Bnobody0000002', { deliver: true, now, payNotify: never })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'NOT_FOUND' } },
    });
    await sandbox.createJsapiOrder(order('Broute0000003'));
    await sandbox.closeOrder('Broute0000003');
    expect(await sandboxPay(sandbox, 'Broute0000003', { deliver: true, now, payNotify: never })).toMatchObject({
      status: 409,
      body: { ok: false, error: { code: 'FAILED_PRECONDITION', reason: 'ORDER_CLOSED' } },
    });
  });

  it('reads a base64-encoded body byte for byte, and refuses events that are no notification', async () => {
    await sandbox.createJsapiOrder(order('Broute0000004'));
    const paid = sandbox.pay('Broute0000004', now);
    if (!paid.ok) throw new Error(paid.failure.message);
    const event = { ...httpEventOf(paid.notification), body: Buffer.from(paid.notification.body, 'utf8').toString('base64'), isBase64Encoded: true };
    expect(await verifyingNotify(now)(event)).toEqual(notifyHandled());
    expect(receivedFromHttpEvent(null)).toMatchObject({ ok: false, answer: { statusCode: 400 } });
    expect(receivedFromHttpEvent({ httpMethod: 'GET', body: '{}' })).toMatchObject({ ok: false, answer: { statusCode: 405 } });
    expect(receivedFromHttpEvent({ httpMethod: 'POST', body: '' })).toMatchObject({ ok: false, answer: { statusCode: 400 } });
    expect(receivedFromHttpEvent({ httpMethod: 'POST', body: 'x'.repeat(70_000) })).toMatchObject({ ok: false, answer: { statusCode: 413 } });
  });
});
