/**
 * A local HTTP server that plays WeChat Pay API v3 for tests: it checks our `Authorization` header,
 * keeps orders and refunds (WeChat Pay's books: functions/lib/wechatpay/desk), answers JSAPI order,
 * query, close, refund and refund query with signed answers, and can be told to answer 500, slowly,
 * with a forged signature or with an unknown serial.
 *
 * Its cryptography is written here from WeChat Pay's documentation with node:crypto calls, not with
 * the adapter's helpers, so that a mistake in those cannot agree with itself.
 */
import { createCipheriv, createPrivateKey, createSign, createVerify, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayDesk } from '../../functions/lib/wechatpay/desk';
import type { PayRefund, PayTransaction } from '../../shared/payment';

/** A test merchant: its key pair and certificate serial, made in the test. */
export interface TestMerchant {
  mchId: string;
  appId: string;
  serial: string;
  privateKey: KeyObject;
  privateKeyPem: string;
  publicKey: KeyObject;
  apiV3Key: string;
}

export function makeMerchant(overrides: Partial<Pick<TestMerchant, 'mchId' | 'appId'>> = {}): TestMerchant {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    mchId: overrides.mchId ?? '1230000109',
    appId: overrides.appId ?? `wx${randomBytes(8).toString('hex')}`,
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
    apiV3Key: randomBytes(16).toString('hex'),
  };
}

/** A signing identity of WeChat Pay's: the public key (PUB_KEY_ID_...) or a platform certificate. */
export interface WechatpayIdentity {
  serial: string;
  privateKey: KeyObject;
  /** PEM of the public key (public key mode) or of the certificate (certificate mode). */
  pem: string;
}

export function makePublicKeyIdentity(): WechatpayIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const digits = Array.from(randomBytes(32), (b) => String(b % 10)).join('');
  return { serial: `PUB_KEY_ID_${digits}`, privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A self-signed platform certificate made with the openssl command (node:crypto cannot issue certificates). */
export function makeCertificateIdentity(): WechatpayIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-cert-'));
  try {
    const serialHex = `5${randomBytes(19).toString('hex').toUpperCase().slice(1)}`;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=Tenpay.com Root CA test',
        '-set_serial',
        `0x${serialHex}`,
      ],
      { stdio: 'ignore' },
    );
    const pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const certificate = new X509Certificate(pem);
    const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    return { serial: certificate.serialNumber.toUpperCase(), privateKey: createPrivateKey(keyPem), pem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** WeChat Pay's signature: SHA256withRSA over the lines, each followed by "\n", base64. Written from the documentation. */
export function wechatpaySign(message: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

/** AEAD_AES_256_GCM as WeChat Pay encrypts a notification's resource: base64(ciphertext || 16-byte tag). */
export function wechatpayEncrypt(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

const beijing = (at: Date) => `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

/** A transaction in WeChat Pay's JSON, written here from the documentation. */
export function transactionJson(tx: PayTransaction): Record<string, unknown> {
  return {
    appid: tx.appId,
    mchid: tx.mchId,
    out_trade_no: tx.outTradeNo,
    ...(tx.transactionId
      ? { transaction_id: tx.transactionId, trade_type: 'JSAPI', bank_type: 'OTHERS', success_time: beijing(tx.successAt ?? new Date()) }
      : {}),
    trade_state: tx.tradeState,
    trade_state_desc: tx.tradeState === 'SUCCESS' ? '支付成功' : tx.tradeState === 'NOTPAY' ? '订单未支付' : tx.tradeState,
    ...(tx.payerOpenid ? { payer: { openid: tx.payerOpenid } } : {}),
    // An unpaid order's answer carries total and payer_currency only, as WeChat Pay's does.
    amount:
      tx.payerTotalFen === null
        ? { total: tx.totalFen, payer_currency: 'CNY' }
        : { total: tx.totalFen, payer_total: tx.payerTotalFen, currency: 'CNY', payer_currency: 'CNY' },
  };
}

export function refundJson(refund: PayRefund, notification: boolean): Record<string, unknown> {
  return {
    ...(notification ? { mchid: refund.mchId } : {}),
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt ? { success_time: beijing(refund.successAt) } : {}),
    create_time: beijing(new Date()),
    [notification ? 'refund_status' : 'status']: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      payer_total: refund.totalFen,
      payer_refund: refund.refundFen,
      settlement_refund: refund.refundFen,
      settlement_total: refund.totalFen,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}

export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
}

/** A notification as WeChat Pay sends it, built with this file's own crypto. */
export function notificationFrom(input: {
  eventType: string;
  resource: Record<string, unknown>;
  apiV3Key: string;
  signer: WechatpayIdentity;
  now: Date;
  originalType?: string;
}): SignedNotification {
  const nonce = randomBytes(6).toString('hex');
  const originalType = input.originalType ?? (input.eventType.startsWith('REFUND.') ? 'refund' : 'transaction');
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: beijing(input.now),
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: '支付成功',
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: wechatpayEncrypt(JSON.stringify(input.resource), input.apiV3Key, nonce, originalType),
      associated_data: originalType,
      nonce,
    },
  });
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  return {
    headers: {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': headerNonce,
      'Wechatpay-Signature': wechatpaySign(`${timestamp}\n${headerNonce}\n${body}\n`, input.signer.privateKey),
      'Wechatpay-Serial': input.signer.serial,
    },
    body,
  };
}

export interface LoggedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Whether our Authorization header verified. */
  authorized: boolean;
}

export type Mishap =
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'forged-signature' }
  | { kind: 'unknown-serial' }
  | { kind: 'probe' }
  | { kind: 'stale'; offsetSec: number };

export interface WechatpayServer {
  baseUrl: string;
  desk: PayDesk;
  requests: LoggedRequest[];
  /** The identities it signs with: the public key always, a certificate when asked. */
  publicKey: WechatpayIdentity;
  certificate: WechatpayIdentity | null;
  /** The next request gets this mishap instead of (or on top of) its normal answer. */
  next(mishap: Mishap): void;
  /** The payer pays; the notification WeChat Pay would send, signed with the public key unless told otherwise. */
  pay(outTradeNo: string, now: Date, options?: { payerTotalFen?: number; signer?: WechatpayIdentity }): SignedNotification;
  close(): Promise<void>;
}

/**
 * Starts the server on a free port. Answers are signed with the public key when the request says
 * `Wechatpay-Serial: <its PUB_KEY_ID>`, with the platform certificate otherwise (the public key
 * when there is no certificate), as WeChat Pay does for merchants moving between the two.
 */
/**
 * The WECHATPAY_* settings that point the real adapter at this server as `merchant`, verifying with
 * the server's WeChat Pay public key (what functions/lib/wechatpay/settings.ts reads).
 */
export function wechatpayEnv(
  merchant: TestMerchant,
  server: WechatpayServer,
  notifyUrl: string,
  /** Which of the server's keys the adapter is given to verify with (the platform certificate only where the server has one). */
  keys: { publicKey: boolean; certificate: boolean } = { publicKey: true, certificate: false },
): Record<string, string> {
  return {
    WECHATPAY_MCHID: merchant.mchId,
    WECHAT_APPID: merchant.appId,
    WECHATPAY_MERCHANT_SERIAL: merchant.serial,
    WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem,
    WECHATPAY_APIV3_KEY: merchant.apiV3Key,
    ...(keys.publicKey ? { WECHATPAY_PUBLIC_KEY: server.publicKey.pem, WECHATPAY_PUBLIC_KEY_ID: server.publicKey.serial } : {}),
    ...(keys.certificate && server.certificate ? { WECHATPAY_PLATFORM_CERTS: server.certificate.pem } : {}),
    WECHATPAY_NOTIFY_URL: notifyUrl,
    WECHATPAY_BASE_URL: server.baseUrl,
  };
}

export async function startWechatpayServer(merchant: TestMerchant, options: { certificate?: boolean; clock?: () => Date } = {}): Promise<WechatpayServer> {
  const clock = options.clock ?? (() => new Date());
  const desk = new PayDesk({ mchId: merchant.mchId, appId: merchant.appId });
  const publicKey = makePublicKeyIdentity();
  const certificate = options.certificate ? makeCertificateIdentity() : null;
  const requests: LoggedRequest[] = [];
  const mishaps: Mishap[] = [];
  const slowAnswers = new Set<NodeJS.Timeout>();

  function authorized(req: IncomingMessage, body: string): string | null {
    const header = req.headers.authorization ?? '';
    const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
    if (!match) return 'no WECHATPAY2-SHA256-RSA2048 Authorization';
    const fields = Object.fromEntries(Array.from(match[1].matchAll(/(\w+)="([^"]*)"/g), (m) => [m[1], m[2]]));
    if (fields.mchid !== merchant.mchId) return 'mchid is not the merchant';
    if (fields.serial_no !== merchant.serial) return 'serial_no is not the merchant certificate';
    if (!fields.nonce_str || !fields.timestamp || !fields.signature) return 'a field is missing';
    if (Math.abs(Math.floor(clock().getTime() / 1000) - Number(fields.timestamp)) > 300) return 'timestamp expired';
    const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    const ok = createVerify('RSA-SHA256').update(message, 'utf8').verify(merchant.publicKey, Buffer.from(fields.signature, 'base64'));
    return ok ? null : 'signature does not verify';
  }

  function send(req: IncomingMessage, res: ServerResponse, status: number, payload: unknown, mishap: Mishap | undefined): void {
    const body = payload === null ? '' : JSON.stringify(payload);
    const asked = req.headers['wechatpay-serial'];
    const signer = asked === publicKey.serial || !certificate ? publicKey : certificate;
    const at = new Date(clock().getTime() + (mishap?.kind === 'stale' ? mishap.offsetSec * 1000 : 0));
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    let signature = wechatpaySign(`${timestamp}\n${nonce}\n${body}\n`, signer.privateKey);
    if (mishap?.kind === 'forged-signature') signature = wechatpaySign(`${timestamp}\n${nonce}\n${body}tampered\n`, signer.privateKey);
    if (mishap?.kind === 'probe') signature = `WECHATPAY/SIGNTEST/${signature}`;
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Request-ID': randomBytes(8).toString('hex'),
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': mishap?.kind === 'unknown-serial' ? 'PUB_KEY_ID_0000000000000000000000000000000000' : signer.serial,
    });
    res.end(body);
  }

  function route(method: string, url: URL, json: Record<string, unknown>): { status: number; payload: unknown } {
    const error = (status: number, code: string, message: string) => ({ status, payload: { code, message } });
    const answer = <T>(
      a: { ok: true; value: T } | { ok: false; error: { status: number; code: string; message: string } },
      render: (v: T) => unknown,
      okStatus = 200,
    ) => (a.ok ? { status: okStatus, payload: render(a.value) } : error(a.error.status, a.error.code, a.error.message));
    const path = url.pathname;
    if (method === 'POST' && path === '/v3/pay/transactions/jsapi') {
      const amount = json.amount as { total?: unknown; currency?: unknown } | undefined;
      const payer = json.payer as { openid?: unknown } | undefined;
      for (const field of ['appid', 'mchid', 'description', 'out_trade_no', 'notify_url'] as const) {
        if (typeof json[field] !== 'string' || json[field] === '') return error(400, 'PARAM_ERROR', `${field} is required`);
      }
      if (!amount || typeof amount.total !== 'number' || !Number.isInteger(amount.total)) return error(400, 'PARAM_ERROR', 'amount.total must be an integer');
      if (!payer || typeof payer.openid !== 'string') return error(400, 'PARAM_ERROR', 'payer.openid is required');
      const expire = typeof json.time_expire === 'string' ? new Date(json.time_expire) : null;
      return answer(
        desk.order({
          appId: json.appid as string,
          mchId: json.mchid as string,
          outTradeNo: json.out_trade_no as string,
          description: json.description as string,
          totalFen: amount.total,
          payerOpenid: payer.openid,
          expiresAt: expire,
          notifyUrl: json.notify_url as string,
          attach: typeof json.attach === 'string' ? json.attach : null,
        }),
        (v) => ({ prepay_id: v.prepayId }),
      );
    }
    const order = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(path);
    if (order) {
      const outTradeNo = decodeURIComponent(order[1]);
      if (order[2] && method === 'POST') {
        if (json.mchid !== merchant.mchId) return error(400, 'PARAM_ERROR', 'mchid is required');
        return answer(desk.close(outTradeNo), () => null, 204);
      }
      if (!order[2] && method === 'GET') {
        if (url.searchParams.get('mchid') !== merchant.mchId) return error(400, 'PARAM_ERROR', 'mchid is required');
        return answer(desk.query(outTradeNo), transactionJson);
      }
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const amount = json.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined;
      if (typeof json.out_trade_no !== 'string' || typeof json.out_refund_no !== 'string')
        return error(400, 'PARAM_ERROR', 'out_trade_no and out_refund_no are required');
      if (!amount || typeof amount.refund !== 'number' || typeof amount.total !== 'number' || amount.currency !== 'CNY')
        return error(400, 'PARAM_ERROR', 'amount.refund, amount.total and amount.currency are required');
      return answer(desk.refund({ outTradeNo: json.out_trade_no, outRefundNo: json.out_refund_no, refundFen: amount.refund, totalFen: amount.total }), (r) =>
        refundJson(r, false),
      );
    }
    const refund = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (refund && method === 'GET') return answer(desk.queryRefund(decodeURIComponent(refund[1])), (r) => refundJson(r, false));
    return error(404, 'NOT_FOUND', `no ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const refusal = authorized(req, body);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, authorized: refusal === null });
      const mishap = mishaps.shift();
      const answer = () => {
        if (refusal) {
          // WeChat Pay does not sign its refusal of an unsigned request
          res.writeHead(401, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ code: 'SIGN_ERROR', message: refusal }));
          return;
        }
        if (mishap?.kind === 'status') {
          res.writeHead(mishap.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' }));
          return;
        }
        let json: Record<string, unknown> = {};
        if (body !== '') {
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            send(req, res, 400, { code: 'PARAM_ERROR', message: 'body is not JSON' }, undefined);
            return;
          }
        }
        const { status, payload } = route(req.method ?? '', new URL(req.url ?? '/', 'http://localhost'), json);
        send(req, res, status, payload, mishap);
      };
      if (mishap?.kind === 'slow') {
        const timer = setTimeout(() => {
          slowAnswers.delete(timer);
          answer();
        }, mishap.delayMs);
        slowAnswers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    desk,
    requests,
    publicKey,
    certificate,
    next(mishap) {
      mishaps.push(mishap);
    },
    pay(outTradeNo, now, opts = {}) {
      const paid = desk.pay(outTradeNo, now, opts.payerTotalFen);
      if (!paid.ok) throw new Error(`cannot pay ${outTradeNo}: ${paid.error.code}`);
      return notificationFrom({
        eventType: 'TRANSACTION.SUCCESS',
        resource: transactionJson(paid.value),
        apiV3Key: merchant.apiV3Key,
        signer: opts.signer ?? publicKey,
        now,
      });
    },
    close() {
      for (const timer of slowAnswers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
