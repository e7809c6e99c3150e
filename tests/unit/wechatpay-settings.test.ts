import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paymentsFrom } from '../../functions/lib/wechatpay';
import { DEFAULT_WECHATPAY_BASE_URL, wechatpaySettingsFrom } from '../../functions/lib/wechatpay/settings';
import { makeCertificateIdentity, makeMerchant, makePublicKeyIdentity } from '../support/wechatpay-server';

const merchant = makeMerchant();
const publicKey = makePublicKeyIdentity();
const certificate = makeCertificateIdentity();

const complete: Record<string, string> = {
  WECHATPAY_MCHID: merchant.mchId,
  WECHAT_APPID: merchant.appId,
  WECHATPAY_MERCHANT_SERIAL: merchant.serial,
  WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem,
  WECHATPAY_APIV3_KEY: merchant.apiV3Key,
  WECHATPAY_PUBLIC_KEY: publicKey.pem,
  WECHATPAY_PUBLIC_KEY_ID: publicKey.serial,
  WECHATPAY_NOTIFY_URL: 'https://env-1a2b.service.tcloudbase.com/payNotify',
};

const without = (...names: string[]) => Object.fromEntries(Object.entries(complete).filter(([k]) => !names.includes(k)));

describe('wechatpaySettingsFrom', () => {
  it('reads complete settings, with the base URL and timeout defaulted', () => {
    const read = wechatpaySettingsFrom(complete);
    expect(read).toMatchObject({
      ok: true,
      settings: {
        mchId: merchant.mchId,
        appId: merchant.appId,
        merchantSerial: merchant.serial,
        publicKey: { id: publicKey.serial },
        platformCertificates: [],
        baseUrl: DEFAULT_WECHATPAY_BASE_URL,
        timeoutMs: 5000,
      },
    });
  });

  it.each(['WECHATPAY_MCHID', 'WECHAT_APPID', 'WECHATPAY_MERCHANT_SERIAL', 'WECHATPAY_PRIVATE_KEY', 'WECHATPAY_APIV3_KEY', 'WECHATPAY_NOTIFY_URL'])(
    'names %s when it is missing (or blank)',
    (name) => {
      expect(wechatpaySettingsFrom(without(name))).toMatchObject({ ok: false, variable: name, message: expect.stringContaining(name) });
      expect(wechatpaySettingsFrom({ ...complete, [name]: '  ' })).toMatchObject({ ok: false, variable: name });
    },
  );

  it.each([
    ['WECHATPAY_MCHID', '12ab'],
    ['WECHAT_APPID', 'not-an-appid'],
    ['WECHATPAY_MERCHANT_SERIAL', 'zz'],
    ['WECHATPAY_PRIVATE_KEY', '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----'],
    ['WECHATPAY_PRIVATE_KEY', '/no/such/apiclient_key.pem'],
    ['WECHATPAY_APIV3_KEY', 'short'],
    ['WECHATPAY_PUBLIC_KEY', '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'],
    ['WECHATPAY_PUBLIC_KEY_ID', '0114232434'],
    ['WECHATPAY_PLATFORM_CERTS', 'no certificate here -----BEGIN'],
    ['WECHATPAY_NOTIFY_URL', 'http://env.service.tcloudbase.com/payNotify'],
    ['WECHATPAY_NOTIFY_URL', 'https://env.service.tcloudbase.com/payNotify?x=1'],
    ['WECHATPAY_BASE_URL', 'ftp://api.mch.weixin.qq.com'],
    ['WECHATPAY_TIMEOUT_MS', '0'],
  ])('names %s when it is malformed (%s), never echoing a key', (name, value) => {
    const read = wechatpaySettingsFrom({ ...complete, [name]: value });
    expect(read).toMatchObject({ ok: false, variable: name });
    if (!read.ok) expect(read.message).not.toContain(merchant.privateKeyPem.slice(40, 80));
  });

  it('needs the public key and its id together, and at least one of public key and certificates', () => {
    expect(wechatpaySettingsFrom(without('WECHATPAY_PUBLIC_KEY_ID'))).toMatchObject({ ok: false, variable: 'WECHATPAY_PUBLIC_KEY_ID' });
    expect(wechatpaySettingsFrom(without('WECHATPAY_PUBLIC_KEY'))).toMatchObject({ ok: false, variable: 'WECHATPAY_PUBLIC_KEY' });
    expect(wechatpaySettingsFrom(without('WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY_ID'))).toMatchObject({ ok: false, variable: 'WECHATPAY_PUBLIC_KEY' });
    expect(wechatpaySettingsFrom({ ...without('WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY_ID'), WECHATPAY_PLATFORM_CERTS: certificate.pem })).toMatchObject({
      ok: true,
      settings: { publicKey: null, platformCertificates: [expect.stringContaining('BEGIN CERTIFICATE')] },
    });
    expect(wechatpaySettingsFrom({ ...complete, WECHATPAY_PLATFORM_CERTS: certificate.pem + certificate.pem })).toMatchObject({
      ok: true,
      settings: { platformCertificates: [expect.any(String), expect.any(String)] },
    });
  });

  it('takes PEM from a path, and PEM written on one line with \\n', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-settings-'));
    try {
      writeFileSync(join(dir, 'apiclient_key.pem'), merchant.privateKeyPem);
      writeFileSync(join(dir, 'pub_key.pem'), publicKey.pem);
      expect(
        wechatpaySettingsFrom({ ...complete, WECHATPAY_PRIVATE_KEY: join(dir, 'apiclient_key.pem'), WECHATPAY_PUBLIC_KEY: join(dir, 'pub_key.pem') }).ok,
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(wechatpaySettingsFrom({ ...complete, WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem.replace(/\n/g, '\\n') }).ok).toBe(true);
  });
});

describe('paymentsFrom', () => {
  it('gives the sandbox when NEARBY_PAY=sandbox or by the host default, with no WeChat Pay settings', () => {
    expect(paymentsFrom({ NEARBY_PAY: 'sandbox' }, 'wechatpay')).toMatchObject({ ok: true, mode: 'sandbox' });
    expect(paymentsFrom({}, 'sandbox')).toMatchObject({ ok: true, mode: 'sandbox' });
  });

  it('gives the real adapter, or the variable that stops it', () => {
    expect(paymentsFrom(complete, 'wechatpay')).toMatchObject({
      ok: true,
      mode: 'wechatpay',
      payments: { merchant: { mchId: merchant.mchId, appId: merchant.appId } },
    });
    expect(paymentsFrom(without('WECHATPAY_APIV3_KEY'), 'wechatpay')).toMatchObject({ ok: false, variable: 'WECHATPAY_APIV3_KEY' });
    expect(paymentsFrom({ NEARBY_PAY: 'paypal' }, 'sandbox')).toMatchObject({ ok: false, variable: 'NEARBY_PAY' });
  });
});
