/**
 * The real WeChat Pay adapter against a local server that plays WeChat Pay API v3
 * (tests/support/wechatpay-server): signed requests, verified answers, typed failures.
 */
import { createServer } from 'node:net';
import { reported } from '../../functions/lib/wechatpay';
import { wechatpayClient } from '../../functions/lib/wechatpay/client';
import { wechatpaySettingsFrom } from '../../functions/lib/wechatpay/settings';
import type { Payments } from '../../functions/lib/ports';
import { judgePayment } from '../../shared/payment';
import { makeMerchant, startWechatpayServer, wechatpayEnv, type TestMerchant, type WechatpayServer } from '../support/wechatpay-server';

const merchant: TestMerchant = makeMerchant();

function envFor(server: WechatpayServer, keys: { publicKey: boolean; certificate: boolean }, extra: Record<string, string> = {}): Record<string, string> {
  return { ...wechatpayEnv(merchant, server, 'https://example-env.service.tcloudbase.com/payNotify', keys), WECHATPAY_TIMEOUT_MS: '1000', ...extra };
}

function clientFor(env: Record<string, string>): Payments {
  const read = wechatpaySettingsFrom(env);
  if (!read.ok) throw new Error(read.message);
  return wechatpayClient(read.settings);
}

const hourLater = () => new Date(Date.now() + 3600_000);
let seq = 0;
const nextOrder = () => `B${Date.now()}${String(++seq).padStart(4, '0')}`;
const order = (outTradeNo: string, amountFen = 4250) => ({
  outTradeNo,
  description: '水费 2026-01',
  amountFen,
  payerOpenid: 'o-payer-1',
  expiresAt: hourLater(),
});

describe('the WeChat Pay adapter against a local WeChat Pay (public key and certificate both configured)', () => {
  let server: WechatpayServer;
  let pay: Payments;
  beforeAll(async () => {
    server = await startWechatpayServer(merchant, { certificate: true });
    pay = clientFor(envFor(server, { publicKey: true, certificate: true }));
  });
  afterAll(() => server.close());

  it('places a JSAPI order with a request WeChat Pay accepts, saying which public key it holds', async () => {
    const no = nextOrder();
    const placed = await pay.createJsapiOrder(order(no));
    expect(placed).toEqual({ ok: true, value: { prepayId: expect.stringMatching(/^wx/) } });
    const request = server.requests[server.requests.length - 1];
    expect(request).toMatchObject({ method: 'POST', url: '/v3/pay/transactions/jsapi', authorized: true });
    expect(request.headers['wechatpay-serial']).toBe(server.publicKey.serial);
    expect(JSON.parse(request.body)).toEqual({
      appid: merchant.appId,
      mchid: merchant.mchId,
      description: '水费 2026-01',
      out_trade_no: no,
      time_expire: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      notify_url: 'https://example-env.service.tcloudbase.com/payNotify',
      amount: { total: 4250, currency: 'CNY' },
      payer: { openid: 'o-payer-1' },
    });
  });

  it('queries an order unpaid, then paid (amount.total 4250 although the payer paid 4000), and the rule accepts it', async () => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    const unpaid = await pay.queryOrder(no);
    expect(unpaid).toMatchObject({ ok: true, value: { outTradeNo: no, tradeState: 'NOTPAY', totalFen: 4250, payerTotalFen: null, successAt: null } });
    server.pay(no, new Date(), { payerTotalFen: 4000 });
    const paid = await pay.queryOrder(no);
    expect(paid).toMatchObject({
      ok: true,
      value: { tradeState: 'SUCCESS', totalFen: 4250, payerTotalFen: 4000, payerOpenid: 'o-payer-1', transactionId: expect.stringMatching(/^42/) },
    });
    expect(paid.ok && paid.value.successAt instanceof Date).toBe(true);
    if (!paid.ok) throw new Error('unreachable');
    expect(judgePayment(paid.value, { ...pay.merchant, outTradeNo: no, amountFen: 4250 })).toEqual({ ok: true });
    expect(judgePayment(paid.value, { ...pay.merchant, outTradeNo: no, amountFen: 4000 })).toMatchObject({ ok: false, mismatch: 'WRONG_AMOUNT' });
  });

  it("answers WeChat Pay's error codes as typed failures: unknown order, paid order closed, order number reused", async () => {
    expect(await pay.queryOrder('Bunknown000001')).toEqual({
      ok: false,
      failure: { kind: 'http', status: 404, code: 'ORDER_NOT_EXIST', message: expect.any(String) },
    });
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    expect(await pay.createJsapiOrder(order(no, 100))).toMatchObject({ ok: false, failure: { kind: 'http', status: 400, code: 'INVALID_REQUEST' } });
    server.pay(no, new Date());
    expect(await pay.closeOrder(no)).toMatchObject({ ok: false, failure: { kind: 'http', code: 'ORDERPAID' } });
    expect(await pay.createJsapiOrder(order(no))).toMatchObject({ ok: false, failure: { kind: 'http', code: 'ORDERPAID' } });
  });

  it('gives a fresh prepay id for the same open order asked again', async () => {
    const no = nextOrder();
    const first = await pay.createJsapiOrder(order(no));
    const second = await pay.createJsapiOrder(order(no));
    expect(first.ok && second.ok && first.value.prepayId !== second.value.prepayId).toBe(true);
  });

  it('closes an unpaid order (204, signed empty body); it can no longer be paid', async () => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    expect(await pay.closeOrder(no)).toEqual({ ok: true, value: null });
    expect(server.requests[server.requests.length - 1]).toMatchObject({
      method: 'POST',
      url: `/v3/pay/transactions/out-trade-no/${no}/close`,
      body: JSON.stringify({ mchid: merchant.mchId }),
      authorized: true,
    });
    expect(await pay.queryOrder(no)).toMatchObject({ ok: true, value: { tradeState: 'CLOSED' } });
    expect(() => server.pay(no, new Date())).toThrow(/ORDER_CLOSED/);
  });

  it('refunds a paid order once per out_refund_no, and queries the refund until it settles', async () => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    server.pay(no, new Date());
    const refund = { outTradeNo: no, outRefundNo: `R${no}`, refundFen: 4250, totalFen: 4250, reason: '重复支付' };
    const first = await pay.refund(refund);
    expect(first).toMatchObject({ ok: true, value: { outRefundNo: `R${no}`, outTradeNo: no, status: 'PROCESSING', refundFen: 4250, totalFen: 4250 } });
    const again = await pay.refund(refund);
    expect(again.ok && first.ok && again.value.refundId === first.value.refundId).toBe(true);
    expect(JSON.parse(server.requests[server.requests.length - 1].body)).toEqual({
      out_trade_no: no,
      out_refund_no: `R${no}`,
      reason: '重复支付',
      notify_url: 'https://example-env.service.tcloudbase.com/payNotify',
      amount: { refund: 4250, total: 4250, currency: 'CNY' },
    });
    expect(await pay.queryRefund(`R${no}`)).toMatchObject({ ok: true, value: { status: 'PROCESSING' } });
    server.desk.settleRefund(`R${no}`, 'SUCCESS', new Date());
    expect(await pay.queryRefund(`R${no}`)).toMatchObject({ ok: true, value: { status: 'SUCCESS', successAt: expect.any(Date) } });
    expect(await pay.queryOrder(no)).toMatchObject({ ok: true, value: { tradeState: 'REFUND' } });
  });

  it("is refused by WeChat Pay (401 SIGN_ERROR) when it signs with a key that is not the merchant certificate's", async () => {
    const impostor = makeMerchant({ mchId: merchant.mchId, appId: merchant.appId });
    const wrongKey = clientFor(envFor(server, { publicKey: true, certificate: true }, { WECHATPAY_PRIVATE_KEY: impostor.privateKeyPem }));
    expect(await wrongKey.queryOrder('Bwhatever00009')).toMatchObject({ ok: false, failure: { kind: 'http', status: 401, code: 'SIGN_ERROR' } });
    expect(server.requests[server.requests.length - 1].authorized).toBe(false);
  });

  it('cuts a long description to 127 bytes of UTF-8 without splitting a character', async () => {
    await pay.createJsapiOrder({ ...order(nextOrder()), description: '电费'.repeat(100) });
    const sent = JSON.parse(server.requests[server.requests.length - 1].body).description as string;
    expect(Buffer.byteLength(sent, 'utf8')).toBeLessThanOrEqual(127);
    expect(sent).toBe('电费'.repeat(100).slice(0, sent.length));
    expect(sent.length).toBe(42);
  });

  it('reads query outcomes for the sweeper: an answer, not found (404), or unavailable (500, bad signature)', async () => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    expect(reported(await pay.queryOrder(no))).toMatchObject({ kind: 'answer', value: { tradeState: 'NOTPAY' } });
    expect(reported(await pay.queryOrder('Bunknown000002'))).toEqual({ kind: 'not-found' });
    expect(reported(await pay.queryRefund('RBunknown000002'))).toEqual({ kind: 'not-found' });
    server.next({ kind: 'status', status: 500 });
    expect(reported(await pay.queryOrder(no))).toEqual({ kind: 'unavailable' });
    server.next({ kind: 'forged-signature' });
    expect(reported(await pay.queryOrder(no))).toEqual({ kind: 'unavailable' });
  });

  it('answers a 500 as a typed failure', async () => {
    server.next({ kind: 'status', status: 500 });
    expect(await pay.queryOrder('Bwhatever00001')).toEqual({
      ok: false,
      failure: { kind: 'http', status: 500, code: 'SYSTEM_ERROR', message: expect.any(String) },
    });
  });

  it('gives up on a slow answer after the timeout', async () => {
    server.next({ kind: 'slow', delayMs: 2500 });
    const answer = await pay.queryOrder('Bwhatever00002');
    expect(answer).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
  });

  it.each([
    ['a forged signature', { kind: 'forged-signature' } as const],
    ['an unknown serial', { kind: 'unknown-serial' } as const],
    ['a signature probe', { kind: 'probe' } as const],
    ['a stale timestamp', { kind: 'stale', offsetSec: -400 } as const],
  ])('does not trust an answer with %s', async (_what, mishap) => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    server.next(mishap);
    expect(await pay.queryOrder(no)).toMatchObject({ ok: false, failure: { kind: 'bad-signature' } });
  });

  it('refuses to send an amount that is not whole positive fen, or a bad order number', async () => {
    const before = server.requests.length;
    expect(await pay.createJsapiOrder(order(nextOrder(), 42.5))).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    expect(await pay.createJsapiOrder(order(nextOrder(), 0))).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    expect(await pay.createJsapiOrder(order('no/slashes'))).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    expect(await pay.refund({ outTradeNo: 'B000001', outRefundNo: 'RB000001', refundFen: 101, totalFen: 100 })).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
    expect(server.requests.length).toBe(before);
  });

  it("verifies the server's payment notification, signed with the public key or the certificate", async () => {
    const no = nextOrder();
    await pay.createJsapiOrder(order(no));
    const viaPublicKey = pay.verifyNotification(server.pay(no, new Date()), new Date());
    expect(viaPublicKey).toMatchObject({ ok: true, notification: { kind: 'transaction', transaction: { outTradeNo: no, tradeState: 'SUCCESS' } } });
    const other = nextOrder();
    await pay.createJsapiOrder(order(other));
    const viaCertificate = pay.verifyNotification(server.pay(other, new Date(), { signer: server.certificate ?? undefined }), new Date());
    expect(viaCertificate).toMatchObject({ ok: true, notification: { transaction: { outTradeNo: other } } });
  });
});

describe('the WeChat Pay adapter with platform certificates only', () => {
  let server: WechatpayServer;
  beforeAll(async () => {
    server = await startWechatpayServer(merchant, { certificate: true });
  });
  afterAll(() => server.close());

  it('sends no Wechatpay-Serial and verifies answers signed with the certificate', async () => {
    const pay = clientFor(envFor(server, { publicKey: false, certificate: true }));
    const no = nextOrder();
    expect(await pay.createJsapiOrder(order(no))).toMatchObject({ ok: true });
    expect(server.requests[server.requests.length - 1].headers['wechatpay-serial']).toBeUndefined();
    expect(await pay.queryOrder(no)).toMatchObject({ ok: true, value: { tradeState: 'NOTPAY' } });
  });
});

describe('the WeChat Pay adapter with nothing listening', () => {
  it('answers a network failure as a typed failure', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const server = await startWechatpayServer(merchant);
    const env = envFor(server, { publicKey: true, certificate: false }, { WECHATPAY_BASE_URL: `http://127.0.0.1:${port}` });
    await server.close();
    expect(await clientFor(env).queryOrder('Bwhatever00003')).toMatchObject({ ok: false, failure: { kind: 'network' } });
  });
});
