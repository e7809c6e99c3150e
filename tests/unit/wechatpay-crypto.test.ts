/**
 * The adapter's signatures, paySign and decryption, checked by node:crypto calls written here from
 * WeChat Pay's documented algorithm (and by tests/support/wechatpay-server's own crypto), with keys
 * made in the test; and every refusal of a notification.
 */
import fc from 'fast-check';
import { createDecipheriv, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { authorizationHeader, decryptResource, encryptResource, paymentArgs } from '../../functions/lib/wechatpay/crypto';
import { buildNotification, verifyNotification } from '../../functions/lib/wechatpay/notification';
import { wechatpayKeys } from '../../functions/lib/wechatpay/verifier';
import {
  makeCertificateIdentity,
  makeMerchant,
  makePublicKeyIdentity,
  notificationFrom,
  refundJson,
  transactionJson,
  wechatpayEncrypt,
  wechatpaySign,
} from '../support/wechatpay-server';
import type { PayTransaction } from '../../shared/payment';

const merchant = makeMerchant();
const publicKeyIdentity = makePublicKeyIdentity();
const certificateIdentity = makeCertificateIdentity();
const now = new Date('2026-03-01T04:00:00Z');
const nowSec = Math.floor(now.getTime() / 1000);

/** WeChat Pay's documented check: SHA256withRSA over the message, base64 signature. */
const rsaVerifies = (message: string, signature: string, key: Parameters<ReturnType<typeof createVerify>['verify']>[0]) =>
  createVerify('RSA-SHA256').update(message, 'utf8').verify(key, Buffer.from(signature, 'base64'));

const paidTx: PayTransaction = {
  appId: merchant.appId,
  mchId: merchant.mchId,
  outTradeNo: 'B20260301000001',
  transactionId: '4200000000202603010000000001',
  tradeState: 'SUCCESS',
  totalFen: 4250,
  payerTotalFen: 4000,
  currency: 'CNY',
  payerOpenid: 'o-payer',
  successAt: now,
};

describe('requests and wx.requestPayment, checked from the documented algorithm', () => {
  it('signs the Authorization header over METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n with the merchant key', () => {
    const body = JSON.stringify({ mchid: merchant.mchId });
    const header = authorizationHeader({
      mchId: merchant.mchId,
      serialNo: merchant.serial,
      privateKey: merchant.privateKey,
      method: 'POST',
      url: '/v3/pay/transactions/out-trade-no/B20260301000001/close',
      body,
      timestampSec: nowSec,
      nonce: 'NONCE123',
    });
    const match = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="([^"]+)",signature="([^"]+)",timestamp="(\d+)",serial_no="([0-9A-F]+)"$/.exec(header);
    expect(match).not.toBeNull();
    const [, mchid, nonce, signature, timestamp, serial] = match as RegExpExecArray;
    expect({ mchid, nonce, timestamp, serial }).toEqual({ mchid: merchant.mchId, nonce: 'NONCE123', timestamp: String(nowSec), serial: merchant.serial });
    expect(rsaVerifies(`POST\n/v3/pay/transactions/out-trade-no/B20260301000001/close\n${nowSec}\nNONCE123\n${body}\n`, signature, merchant.publicKey)).toBe(
      true,
    );
    // a GET signs an empty body line, and another URL does not verify
    expect(rsaVerifies(`POST\n/v3/pay/transactions/out-trade-no/B20260301000002/close\n${nowSec}\nNONCE123\n${body}\n`, signature, merchant.publicKey)).toBe(
      false,
    );
  });

  it('builds wx.requestPayment arguments: seconds timeStamp, prepay_id package, RSA, paySign over appId\\ntimeStamp\\nnonceStr\\npackage\\n', () => {
    const args = paymentArgs(merchant.appId, 'wx201410272009395522657a690389285100', merchant.privateKey, now);
    expect(args).toMatchObject({ timeStamp: String(nowSec), package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
    expect(args.nonceStr).toMatch(/^[0-9A-Za-z]{16,32}$/);
    expect(rsaVerifies(`${merchant.appId}\n${args.timeStamp}\n${args.nonceStr}\n${args.package}\n`, args.paySign, merchant.publicKey)).toBe(true);
    expect(rsaVerifies(`${merchant.appId}\n${args.timeStamp}\n${args.nonceStr}\nprepay_id=other\n`, args.paySign, merchant.publicKey)).toBe(false);
  });
});

describe('AEAD_AES_256_GCM resources', () => {
  it('decrypts what WeChat Pay encrypts (ciphertext || tag, nonce and associated_data as UTF-8)', () => {
    const plaintext = JSON.stringify({ hello: '支付成功' });
    const ciphertext = wechatpayEncrypt(plaintext, merchant.apiV3Key, 'abcdef012345', 'transaction');
    expect(decryptResource({ algorithm: 'AEAD_AES_256_GCM', ciphertext, nonce: 'abcdef012345', associated_data: 'transaction' }, merchant.apiV3Key)).toBe(
      plaintext,
    );
  });

  it("encrypts (for the sandbox) what WeChat Pay's algorithm decrypts", () => {
    const sealed = encryptResource('{"a":1}', merchant.apiV3Key, 'refund', 'refund');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(merchant.apiV3Key, 'utf8'), Buffer.from(sealed.nonce, 'utf8'));
    decipher.setAAD(Buffer.from('refund', 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    expect(Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8')).toBe('{"a":1}');
    expect(sealed).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'refund', original_type: 'refund' });
    expect(sealed.nonce).toHaveLength(12);
  });

  it.each([
    ['a changed tag', (c: string) => flipLastByte(c), 'abcdef012345', 'transaction', undefined],
    ['other associated data', (c: string) => c, 'abcdef012345', 'refund', undefined],
    ['another nonce', (c: string) => c, 'abcdef012346', 'transaction', undefined],
    ['another API v3 key', (c: string) => c, 'abcdef012345', 'transaction', randomBytes(16).toString('hex')],
    ['a truncated ciphertext', (c: string) => Buffer.from(c, 'base64').subarray(0, 10).toString('base64'), 'abcdef012345', 'transaction', undefined],
  ])('refuses %s', (_what, change, nonce, associatedData, key) => {
    const ciphertext = change(wechatpayEncrypt('{"x":1}', merchant.apiV3Key, 'abcdef012345', 'transaction'));
    expect(decryptResource({ algorithm: 'AEAD_AES_256_GCM', ciphertext, nonce, associated_data: associatedData }, key ?? merchant.apiV3Key)).toBeNull();
  });
});

function flipLastByte(base64: string): string {
  const raw = Buffer.from(base64, 'base64');
  raw[raw.length - 1] ^= 0x01;
  return raw.toString('base64');
}

describe('verifyNotification', () => {
  const trust = {
    keys: wechatpayKeys({ publicKey: { id: publicKeyIdentity.serial, pem: publicKeyIdentity.pem }, certificates: [certificateIdentity.pem] }),
    apiV3Key: merchant.apiV3Key,
  };
  const paymentNotification = (overrides: { signer?: typeof publicKeyIdentity; at?: Date; eventType?: string; resource?: Record<string, unknown> } = {}) =>
    notificationFrom({
      eventType: overrides.eventType ?? 'TRANSACTION.SUCCESS',
      resource: overrides.resource ?? transactionJson(paidTx),
      apiV3Key: merchant.apiV3Key,
      signer: overrides.signer ?? publicKeyIdentity,
      now: overrides.at ?? now,
    });
  /** Re-signs a changed body with WeChat Pay's key, so that only the change is wrong. */
  const resigned = (n: { headers: Record<string, string>; body: string }, body: string) => ({
    headers: {
      ...n.headers,
      'Wechatpay-Signature': wechatpaySign(`${n.headers['Wechatpay-Timestamp']}\n${n.headers['Wechatpay-Nonce']}\n${body}\n`, publicKeyIdentity.privateKey),
    },
    body,
  });

  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    fetchSpy = jest.spyOn(globalThis, 'fetch');
  });
  afterEach(() => {
    expect(fetchSpy).not.toHaveBeenCalled(); // verification never goes to the network
    fetchSpy.mockRestore();
  });

  it('reads a payment signed with the WeChat Pay public key: amounts in fen, times as Dates', () => {
    const verified = verifyNotification(paymentNotification(), now, trust);
    expect(verified).toEqual({
      ok: true,
      notification: expect.objectContaining({
        kind: 'transaction',
        eventType: 'TRANSACTION.SUCCESS',
        transaction: { ...paidTx, successAt: new Date(nowSec * 1000) },
      }),
    });
  });

  it('reads one signed with a platform certificate too, with both kinds configured at once', () => {
    expect(verifyNotification(paymentNotification({ signer: certificateIdentity }), now, trust).ok).toBe(true);
  });

  it('finds the header whatever its case (CloudBase lower-cases them)', () => {
    const n = paymentNotification();
    const lower = Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyNotification({ headers: lower, body: n.body }, now, trust).ok).toBe(true);
  });

  it('tells refunds apart by event_type', () => {
    const refund = {
      mchId: merchant.mchId,
      outRefundNo: 'RB20260301000001',
      outTradeNo: paidTx.outTradeNo,
      refundId: '50300000000000000000000000001',
      transactionId: paidTx.transactionId,
      status: 'SUCCESS' as const,
      refundFen: 4250,
      totalFen: 4250,
      successAt: now,
    };
    const verified = verifyNotification(paymentNotification({ eventType: 'REFUND.SUCCESS', resource: refundJson(refund, true) }), now, trust);
    expect(verified).toEqual({
      ok: true,
      notification: expect.objectContaining({ kind: 'refund', eventType: 'REFUND.SUCCESS', refund: { ...refund, successAt: new Date(nowSec * 1000) } }),
    });
  });

  it('accepts a timestamp 5 minutes off, refuses one 5 minutes and a second off, either way', () => {
    expect(verifyNotification(paymentNotification({ at: new Date(now.getTime() - 300_000) }), now, trust).ok).toBe(true);
    expect(verifyNotification(paymentNotification({ at: new Date(now.getTime() - 301_000) }), now, trust)).toMatchObject({
      ok: false,
      refusal: 'STALE_TIMESTAMP',
    });
    expect(verifyNotification(paymentNotification({ at: new Date(now.getTime() + 301_000) }), now, trust)).toMatchObject({
      ok: false,
      refusal: 'STALE_TIMESTAMP',
    });
  });

  it('refuses a forged signature (the body signed with another key)', () => {
    const n = paymentNotification();
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = {
      ...n.headers,
      'Wechatpay-Signature': wechatpaySign(`${n.headers['Wechatpay-Timestamp']}\n${n.headers['Wechatpay-Nonce']}\n${n.body}\n`, forger),
    };
    expect(verifyNotification({ headers: forged, body: n.body }, now, trust)).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' });
  });

  it('refuses a body changed after signing, and the signature of another timestamp', () => {
    const n = paymentNotification();
    expect(verifyNotification({ headers: n.headers, body: n.body.replace('encrypt-resource', 'encrypt-resourcE') }, now, trust)).toMatchObject({
      ok: false,
      refusal: 'BAD_SIGNATURE',
    });
    expect(verifyNotification({ headers: { ...n.headers, 'Wechatpay-Timestamp': String(nowSec + 1) }, body: n.body }, now, trust)).toMatchObject({
      ok: false,
      refusal: 'BAD_SIGNATURE',
    });
  });

  it('refuses a tampered ciphertext (GCM tag) even when the body is validly signed', () => {
    const n = paymentNotification();
    const envelope = JSON.parse(n.body);
    envelope.resource.ciphertext = flipLastByte(envelope.resource.ciphertext);
    expect(verifyNotification(resigned(n, JSON.stringify(envelope)), now, trust)).toMatchObject({ ok: false, refusal: 'DECRYPTION_FAILED' });
  });

  it('refuses an unknown serial without any network call', () => {
    const stranger = makePublicKeyIdentity();
    expect(verifyNotification(paymentNotification({ signer: stranger }), now, trust)).toMatchObject({ ok: false, refusal: 'UNKNOWN_SERIAL' });
  });

  it('refuses a signature probe (WECHATPAY/SIGNTEST/...)', () => {
    const n = paymentNotification();
    const probe = { ...n.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${n.headers['Wechatpay-Signature']}` };
    expect(verifyNotification({ headers: probe, body: n.body }, now, trust)).toMatchObject({ ok: false, refusal: 'SIGNATURE_PROBE' });
  });

  it.each([
    ['no headers at all', {}],
    ['no serial', { 'Wechatpay-Serial': undefined }],
    ['a timestamp that is not a number', { 'Wechatpay-Timestamp': 'yesterday' }],
  ])('refuses %s as MISSING_HEADER', (_what, change) => {
    const n = paymentNotification();
    const headers = Object.keys(change).length === 0 ? {} : { ...n.headers, ...change };
    expect(verifyNotification({ headers, body: n.body }, now, trust)).toMatchObject({ ok: false, refusal: 'MISSING_HEADER' });
  });

  it('refuses signed junk: a body that is not JSON, a resource without ciphertext, an event we do not handle, a resource without its fields', () => {
    const n = paymentNotification();
    expect(verifyNotification(resigned(n, 'not json'), now, trust)).toMatchObject({ ok: false, refusal: 'MALFORMED' });
    const envelope = JSON.parse(n.body);
    expect(verifyNotification(resigned(n, JSON.stringify({ ...envelope, resource: { algorithm: 'AEAD_AES_256_GCM' } })), now, trust)).toMatchObject({
      ok: false,
      refusal: 'MALFORMED',
    });
    expect(verifyNotification(resigned(n, JSON.stringify({ ...envelope, event_type: 'TRANSACTION.FAIL' })), now, trust)).toMatchObject({
      ok: false,
      refusal: 'UNSUPPORTED_EVENT',
    });
    expect(verifyNotification(paymentNotification({ resource: { mchid: merchant.mchId, trade_state: 'SUCCESS' } }), now, trust)).toMatchObject({
      ok: false,
      refusal: 'MALFORMED',
    });
    expect(
      verifyNotification(paymentNotification({ resource: { ...transactionJson(paidTx), amount: { total: 42.5, currency: 'CNY' } } }), now, trust),
    ).toMatchObject({ ok: false, refusal: 'MALFORMED' });
  });

  it('refuses the notification with any one character of its body or signed headers changed', () => {
    const n = paymentNotification();
    fc.assert(
      fc.property(fc.nat(n.body.length - 1), fc.integer({ min: 32, max: 126 }), (at, code) => {
        fc.pre(n.body.charCodeAt(at) !== code);
        const body = n.body.slice(0, at) + String.fromCharCode(code) + n.body.slice(at + 1);
        expect(verifyNotification({ headers: n.headers, body }, now, trust).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.constantFrom('Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'), fc.nat(400), (name, at) => {
        const value = n.headers[name];
        const i = at % value.length;
        const changed = value.slice(0, i) + (value[i] === '1' ? '2' : '1') + value.slice(i + 1);
        // base64's last character carries unused bits: a change there may decode to the same signature
        fc.pre(name !== 'Wechatpay-Signature' || !Buffer.from(changed, 'base64').equals(Buffer.from(value, 'base64')));
        expect(verifyNotification({ headers: { ...n.headers, [name]: changed }, body: n.body }, now, trust).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a notification encrypted with another API v3 key', () => {
    expect(verifyNotification(paymentNotification(), now, { ...trust, apiV3Key: randomBytes(16).toString('hex') })).toMatchObject({
      ok: false,
      refusal: 'DECRYPTION_FAILED',
    });
  });
});

describe("the sandbox's notifications are WeChat Pay's format", () => {
  it('are signed timestamp\\nnonce\\nbody\\n and decrypt with the documented algorithm', () => {
    const signer = makePublicKeyIdentity();
    const n = buildNotification({
      id: 'EV-1',
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: transactionJson(paidTx),
      apiV3Key: merchant.apiV3Key,
      signer,
      now,
    });
    const h = n.headers as Record<string, string>;
    expect(h['Wechatpay-Serial']).toBe(signer.serial);
    expect(rsaVerifies(`${h['Wechatpay-Timestamp']}\n${h['Wechatpay-Nonce']}\n${n.body}\n`, h['Wechatpay-Signature'], signer.pem)).toBe(true);
    const { resource, event_type, resource_type } = JSON.parse(n.body);
    expect({ event_type, resource_type, algorithm: resource.algorithm }).toEqual({
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      algorithm: 'AEAD_AES_256_GCM',
    });
    const raw = Buffer.from(resource.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(merchant.apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const decrypted = JSON.parse(Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8'));
    expect(decrypted).toMatchObject({
      mchid: merchant.mchId,
      appid: merchant.appId,
      out_trade_no: paidTx.outTradeNo,
      trade_state: 'SUCCESS',
      amount: { total: 4250, payer_total: 4000 },
    });
  });
});
