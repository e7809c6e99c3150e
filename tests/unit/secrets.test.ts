/**
 * WeChat Pay's keys out of the environment (issue 15, part 5): `npm run secrets` checks and stores
 * them in `secrets/wechatpay`, and the payment functions read them from there at run time, a
 * rotated certificate taken up once the instance's copy is older than its TTL, without a redeploy.
 * Both against the CloudBase stand-in.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billsActions } from '../../functions/lib/actions/bills';
import { servePayNotify } from '../../functions/lib/actions/pay-notify';
import { billPorts, sweeperPorts } from '../../functions/lib/cloudbase/adapters';
import { sweep } from '../../functions/lib/actions/sweeper';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { readPaySecret, type SecretsDb } from '../../functions/lib/cloudbase/secrets';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { serve } from '../../functions/lib/serve';
import { payKeyring, withFreshKeys } from '../../functions/lib/wechatpay/keys';
import { runSecrets } from '../../scripts/secrets';
import { makeCertificateIdentity, makePublicKeyIdentity, notificationFrom, type WechatpayIdentity } from '../support/wechatpay-server';

const dir = mkdtempSync(join(tmpdir(), 'nearby-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-12-06T04:00:00Z');

/** A merchant key and its certificate (apiclient_key.pem, apiclient_cert.pem), valid 2 days from the real clock, made with openssl. */
function merchantFiles(name: string, serialHex: string): { key: string; cert: string; serial: string } {
  const key = join(dir, `${name}_key.pem`);
  const cert = join(dir, `${name}_cert.pem`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  execFileSync('openssl', ['req', '-x509', '-key', key, '-out', cert, '-days', '2', '-subj', '/CN=1230000109', '-set_serial', `0x${serialHex}`], {
    stdio: 'ignore',
  });
  return { key, cert, serial: serialHex };
}

function pemFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const merchant = merchantFiles('m1', '4E1F0A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8F');
const other = merchantFiles('m2', '5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A');
const platformA = makeCertificateIdentity();
const platformB = makeCertificateIdentity();
const publicKey = makePublicKeyIdentity();
const certA = pemFile('wechatpay_A.pem', platformA.pem);
const certB = pemFile('wechatpay_B.pem', platformB.pem);
const pubKey = pemFile('pub_key.pem', publicKey.pem);
// The certificates are made now and valid 2 days: the command's clock is the real one, a little on.
const today = () => new Date(Date.now() + 60_000);

function secrets(fake: FakeCloudbase, argv: string[], options: { env?: Record<string, string>; now?: Date } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return runSecrets(argv, {
    db: fake as unknown as SecretsDb,
    env: options.env ?? {},
    now: options.now ?? today(),
    readFile: (path) => readFileSync(path, 'utf8'),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

const stored = (fake: FakeCloudbase) => readPaySecret(fake as unknown as SecretsDb);

describe('npm run secrets', () => {
  it('stores the merchant key, a platform certificate and the public key, and list names them without a key', async () => {
    const fake = new FakeCloudbase();
    expect((await secrets(fake, ['list'])).out).toBe('secrets/wechatpay: nothing stored yet (npm run secrets -- set merchant ...)');
    expect(await secrets(fake, ['set', 'platform-certs', certA])).toMatchObject({ code: 0 });
    const set = await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert], {
      env: { WECHATPAY_MERCHANT_SERIAL: merchant.serial },
    });
    expect(set).toMatchObject({ code: 0, err: '' });
    expect(await secrets(fake, ['set', 'public-key', '--key', pubKey, '--id', publicKey.serial])).toMatchObject({ code: 0 });
    const { code, out } = await secrets(fake, ['list']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[1]).toMatch(/^merchant key: serial 4E1F0A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8F, certificate valid until .*, fingerprint [0-9a-f]{16}$/);
    expect(lines[2]).toMatch(new RegExp(`^WeChat Pay public key: ${publicKey.serial}, fingerprint [0-9a-f]{16}$`));
    expect(lines[3]).toMatch(new RegExp(`^platform certificate: serial ${platformA.serial}, valid `));
    expect(lines).toHaveLength(4);
    expect(out).not.toMatch(/BEGIN|PRIVATE|MII/);
    const doc = await stored(fake);
    expect(Object.keys(doc ?? {}).sort()).toEqual(['_id', 'merchant', 'platformCertificates', 'publicKey', 'updatedAt']);
  });

  it.each([
    [
      'a malformed PEM',
      () => ['set', 'merchant', '--key', pemFile('cut.pem', readFileSync(merchant.key, 'utf8').slice(0, 300)), '--cert', merchant.cert],
      /^secrets: merchant key: not a PEM private key/,
    ],
    [
      'a key that is not its certificate',
      () => ['set', 'merchant', '--key', other.key, '--cert', merchant.cert],
      /^secrets: merchant key: it does not match the merchant certificate 4E1F0A2B/,
    ],
    [
      'a certificate that is not the configured serial',
      () => ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert, '--serial', other.serial],
      /^secrets: merchant certificate: its serial 4E1F0A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8F is not the configured serial 5A5A5A5A/,
    ],
    [
      'a public key id that is no id',
      () => ['set', 'public-key', '--key', pubKey, '--id', 'A1B2C3'],
      /^secrets: public key id: "A1B2C3" is not a WeChat Pay public key id/,
    ],
    [
      'a certificate given as the public key',
      () => ['set', 'public-key', '--key', certA, '--id', publicKey.serial],
      /^secrets: public key: not a PEM public key/,
    ],
    [
      'a garbled platform certificate',
      () => ['set', 'platform-certs', pemFile('garbled.pem', platformA.pem.replace(/[a-z]/g, 'A'))],
      /^secrets: platform certificate .*garbled\.pem: malformed PEM certificate/,
    ],
    [
      'removing the last key that verifies WeChat Pay',
      () => ['set', 'platform-certs', '--none'],
      /^secrets: this would leave nothing to verify WeChat Pay with/,
    ],
    [
      'dropping a serial that is not stored',
      () => ['rotate', 'platform-certs', '--drop', 'ABCDEF'],
      /^secrets: --drop ABCDEF: no stored platform certificate has that serial/,
    ],
  ])('refuses %s, naming it, and stores nothing', async (_name, argv, message) => {
    const fake = new FakeCloudbase();
    await secrets(fake, ['set', 'platform-certs', certA]);
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]);
    const before = await stored(fake);
    const { code, err } = await secrets(fake, argv());
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/nothing stored$/);
    expect(await stored(fake)).toEqual(before);
  });

  it('refuses an expired certificate, merchant or platform, naming its serial and date', async () => {
    const fake = new FakeCloudbase();
    const later = new Date(Date.now() + 3 * 86400_000);
    const platform = await secrets(fake, ['set', 'platform-certs', certA], { now: later });
    expect(platform.code).toBe(2);
    expect(platform.err).toMatch(new RegExp(`^secrets: platform certificate .*wechatpay_A\\.pem: certificate ${platformA.serial} expired on 20\\d\\d-`));
    const own = await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert], { now: later });
    expect(own.err).toMatch(/^secrets: merchant certificate: certificate 4E1F0A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8F expired on/);
    expect(await stored(fake)).toBeNull();
  });

  it('rotates platform certificates: the new one added beside the old, then the old dropped', async () => {
    const fake = new FakeCloudbase();
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]).then((r) => expect(r.code).toBe(2));
    await secrets(fake, ['set', 'platform-certs', certA]);
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]);
    expect((await secrets(fake, ['rotate', 'platform-certs', certB])).code).toBe(0);
    expect((await secrets(fake, ['list'])).out).toMatch(new RegExp(`serial ${platformA.serial}[\\s\\S]*serial ${platformB.serial}`));
    expect((await secrets(fake, ['rotate', 'platform-certs', '--drop', platformA.serial.toLowerCase()])).code).toBe(0);
    const list = (await secrets(fake, ['list'])).out;
    expect(list).not.toMatch(platformA.serial);
    expect(list).toMatch(platformB.serial);
  });
});

describe('the payment functions read the keys at run time', () => {
  const env = {
    WECHATPAY_MCHID: '1230000109',
    WECHAT_APPID: 'wx1234567890abcdef',
    WECHATPAY_APIV3_KEY: '0123456789abcdef0123456789abcdef',
    WECHATPAY_NOTIFY_URL: 'https://nearby-1a2b3c-1300000000.ap-shanghai.app.tcloudbase.com/pay/notify',
    // Key material left in the environment is never read by a cloud function.
    WECHATPAY_PRIVATE_KEY: 'not a key',
    WECHATPAY_PLATFORM_CERTS: 'not a certificate',
  };
  const signedBy = (signer: WechatpayIdentity) =>
    notificationFrom({ eventType: 'TRANSACTION.SUCCESS', resource: {}, apiV3Key: env.WECHATPAY_APIV3_KEY, signer, now: NOW });

  it('takes up a rotated platform certificate once its copy is older than the TTL, with one read a TTL', async () => {
    const fake = new FakeCloudbase();
    await secrets(fake, ['set', 'platform-certs', certA]);
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]);
    let clock = 0;
    let reads = 0;
    const keys = payKeyring(
      () => {
        reads++;
        return readPaySecret(fake as unknown as SecretsDb);
      },
      { ttlMs: 60_000, clock: () => clock },
    );
    await keys.refresh();
    const setup = keys.setup(env);
    if (!setup.ok) throw new Error(setup.message);
    expect(setup.payments.verifyNotification(signedBy(platformA), NOW)).toMatchObject({ ok: false, refusal: 'MALFORMED' });
    expect(setup.payments.verifyNotification(signedBy(platformB), NOW)).toMatchObject({ ok: false, refusal: 'UNKNOWN_SERIAL' });

    await secrets(fake, ['rotate', 'platform-certs', certB]);
    clock = 59_999;
    await keys.refresh();
    expect(reads).toBe(1);
    const held = keys.setup(env);
    expect(held.ok && held.payments.verifyNotification(signedBy(platformB), NOW)).toMatchObject({ refusal: 'UNKNOWN_SERIAL' });
    clock = 60_000;
    await keys.refresh();
    expect(reads).toBe(2);
    const fresh = keys.setup(env);
    if (!fresh.ok) throw new Error(fresh.message);
    // Signed by the new certificate: verified (its empty resource then fails to read, past the signature).
    expect(fresh.payments.verifyNotification(signedBy(platformB), NOW)).toMatchObject({ ok: false, refusal: 'MALFORMED' });
    expect(fresh.payments.verifyNotification(signedBy(platformA), NOW)).toMatchObject({ ok: false, refusal: 'MALFORMED' });
  });

  it('bills.pay and payNotify name the secrets until keys are stored, while bills.list works', async () => {
    const fake = new FakeCloudbase();
    const keys = payKeyring(() => readPaySecret(fake as unknown as SecretsDb), { ttlMs: 0 });
    const world = {
      ...createCloudbaseWorld(() => billPorts(fake as unknown as CloudbaseDb, env, keys), {}),
      caller: () => 'u1',
      now: () => NOW,
      log: () => {},
    };
    const bills = withFreshKeys(keys, serve('bills', billsActions, world));
    const notify = withFreshKeys(keys, servePayNotify(world));
    expect(await bills({ action: 'pay', billId: 'UB:water:31000001:2026-10' })).toEqual({
      ok: false,
      error: {
        code: 'FAILED_PRECONDITION',
        message:
          'payments are not configured: secrets/wechatpay: no WeChat Pay keys are stored in secrets/wechatpay: store them with npm run secrets -- set (docs/payments.md)',
        reason: 'PAYMENTS_UNAVAILABLE',
      },
    });
    expect(await bills({ action: 'list' })).toEqual({ ok: true, data: { bills: [] } });
    const received = signedBy(platformA);
    const event = { httpMethod: 'POST', path: '/pay/notify', headers: received.headers, body: received.body, isBase64Encoded: false };
    expect(await notify(event)).toMatchObject({ statusCode: 503, body: expect.stringContaining('secrets/wechatpay') });

    await secrets(fake, ['set', 'platform-certs', certA]);
    expect(await bills({ action: 'pay', billId: 'UB:water:31000001:2026-10' })).toMatchObject({
      error: { code: 'FAILED_PRECONDITION', message: expect.stringContaining('secrets/wechatpay: no merchant key is stored') },
    });
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]);
    // Now the bill is looked up (there is none), and the notification is verified (then found malformed).
    expect(await bills({ action: 'pay', billId: 'UB:water:31000001:2026-10' })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await notify(event)).statusCode).toBe(400);
  });

  it('keeps the keys it holds when a read fails, and says why when it never read any', async () => {
    let fail = true;
    const fake = new FakeCloudbase();
    await secrets(fake, ['set', 'platform-certs', certA]);
    await secrets(fake, ['set', 'merchant', '--key', merchant.key, '--cert', merchant.cert]);
    const keys = payKeyring(
      async () => {
        if (fail) throw new Error('DATABASE_REQUEST_FAILED');
        return readPaySecret(fake as unknown as SecretsDb);
      },
      { ttlMs: 0 },
    );
    await keys.refresh();
    expect(keys.setup(env)).toEqual({
      ok: false,
      variable: 'secrets/wechatpay',
      message: 'the WeChat Pay keys could not be read from secrets/wechatpay: DATABASE_REQUEST_FAILED',
    });
    fail = false;
    await keys.refresh();
    expect(keys.setup(env).ok).toBe(true);
    fail = true;
    await keys.refresh();
    expect(keys.setup(env).ok).toBe(true);
  });

  it("the sweeper's own ports run every job; its pay jobs wait for keys", async () => {
    const fake = new FakeCloudbase();
    const keys = payKeyring(() => readPaySecret(fake as unknown as SecretsDb));
    await keys.refresh();
    const ports = sweeperPorts(fake as unknown as CloudbaseDb, env, keys);
    expect(ports.pay).toMatchObject({ ok: false, variable: 'secrets/wechatpay' });
    expect(await sweep(ports, { caller: null, now: NOW })).toEqual({
      ok: true,
      data: { jobs: { staleUnlocks: expect.any(Object), payOrders: expect.any(Object), refunds: expect.any(Object) } },
    });
  });
});
