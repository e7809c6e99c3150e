/**
 * WeChat Pay's key material in the cloud: never a function environment variable (SCF caps a
 * function's variables at 4 KB, and the console shows them). `npm run secrets` (scripts/secrets.ts)
 * stores it, checked, in the document `secrets/wechatpay`, a collection whose rules deny every
 * client (cloudbase/database.json); `bills`, `payNotify` and `sweeper` read it at run time through
 * node-sdk, kept per instance for `KEYS_TTL_MS`, so a rotated certificate is in use within a minute
 * without a redeploy. The local host keeps reading keys from its environment (settings.ts).
 *
 * - `checkMerchantKey`, `checkPublicKey`, `checkPlatformCertificate`: the checks `npm run secrets`
 *   makes before it stores anything (a malformed PEM, a key that does not match its certificate or
 *   the configured serial / id, an expired certificate), each refusal naming the problem.
 * - `payKeyring(read)`: the stored keys with a short TTL, and the `PaySetup` they make with a
 *   function's own settings (ENV_READS).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { PaySetup } from '../ports';
import { paymentsFrom, type WechatpayClientOptions } from './index';
import { ENV_READS as WECHATPAY_ENV_READS, WECHATPAY_KEY_VARIABLES, wechatpayEnvProblem } from './settings';
import { certificateSerial, splitCertificates } from './verifier';

/** What a payment function reads from its environment: the adapter's choice and WeChat Pay's settings without keys. */
export const ENV_READS: readonly string[] = /* @__PURE__ */ ['NEARBY_PAY'].concat(WECHATPAY_ENV_READS);

export const SECRETS_COLLECTION = 'secrets';
export const WECHATPAY_SECRET_ID = 'wechatpay';
/** How long an instance keeps the keys it read before reading them again. */
export const KEYS_TTL_MS = 60_000;

/** The document `secrets/wechatpay`. PEM text throughout; serials upper-case hex. */
export interface StoredPayKeys {
  /** The merchant API key (apiclient_key.pem), its certificate (apiclient_cert.pem) and that certificate's serial. */
  merchant: { serial: string; privateKey: string; certificate: string } | null;
  /** The WeChat Pay public key (pub_key.pem) and its id. */
  publicKey: { id: string; pem: string } | null;
  /** Platform certificates (wechatpay_*.pem): several during a rotation. */
  platformCertificates: string[];
  /** When `npm run secrets` last wrote it (ISO 8601). */
  updatedAt: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const PUBLIC_KEY_ID = /^PUB_KEY_ID_[0-9A-Za-z]{1,64}$/;

/** A short fingerprint of a public key (SHA-256 of its DER, 16 hex digits): what `list` shows instead of a key. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

function certificateOf(pem: string, what: string): Checked<X509Certificate> {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) return { ok: false, problem: `${what}: not a PEM certificate` };
  try {
    return { ok: true, value: new X509Certificate(pem) };
  } catch {
    return { ok: false, problem: `${what}: malformed PEM certificate (it does not parse)` };
  }
}

const PEM_KEY = {
  private: /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/,
  public: /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/,
};

/** An RSA key read from PEM text, or the problem named after `what` and the `file` it comes in. */
function rsaKey(pem: string, kind: 'private' | 'public', what: string, file: string): Checked<KeyObject> {
  if (!PEM_KEY[kind].test(pem)) return { ok: false, problem: `${what}: not a PEM ${kind} key (${file} starts with -----BEGIN ${kind.toUpperCase()} KEY-----)` };
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    return { ok: false, problem: `${what}: malformed PEM ${kind} key (it does not parse)` };
  }
  if (key.asymmetricKeyType !== 'rsa') return { ok: false, problem: `${what}: an RSA key is needed, not ${key.asymmetricKeyType}` };
  return { ok: true, value: key };
}

function current(certificate: X509Certificate, what: string, now: Date): string | null {
  const to = new Date(certificate.validTo);
  const from = new Date(certificate.validFrom);
  if (to.getTime() <= now.getTime()) return `${what}: certificate ${certificateSerial(certificate)} expired on ${to.toISOString()}`;
  if (from.getTime() > now.getTime()) return `${what}: certificate ${certificateSerial(certificate)} is not valid before ${from.toISOString()}`;
  return null;
}

/**
 * The merchant API key and its certificate: the key an RSA private key, the certificate current,
 * the key the certificate's, and the certificate's serial the configured one when one is given.
 */
export function checkMerchantKey(input: {
  privateKey: string;
  certificate: string;
  serial?: string;
  now: Date;
}): Checked<NonNullable<StoredPayKeys['merchant']>> {
  const read = rsaKey(input.privateKey, 'private', 'merchant key', 'apiclient_key.pem');
  if (!read.ok) return read;
  const key = read.value;
  const cert = certificateOf(input.certificate, 'merchant certificate');
  if (!cert.ok) return cert;
  const serial = certificateSerial(cert.value);
  if (keyFingerprint(createPublicKey(key)) !== keyFingerprint(cert.value.publicKey))
    return {
      ok: false,
      problem: `merchant key: it does not match the merchant certificate ${serial} (apiclient_key.pem and apiclient_cert.pem of one download)`,
    };
  const wanted = input.serial?.trim().toUpperCase();
  if (wanted && wanted !== serial) return { ok: false, problem: `merchant certificate: its serial ${serial} is not the configured serial ${wanted}` };
  const stale = current(cert.value, 'merchant certificate', input.now);
  if (stale) return { ok: false, problem: stale };
  return { ok: true, value: { serial, privateKey: input.privateKey.trim(), certificate: input.certificate.trim() } };
}

/** The WeChat Pay public key and its id: an RSA public key, `PUB_KEY_ID_...`, and not the merchant's own key. */
export function checkPublicKey(input: { pem: string; id: string; merchantCertificate?: string }): Checked<NonNullable<StoredPayKeys['publicKey']>> {
  const id = input.id.trim();
  if (!PUBLIC_KEY_ID.test(id)) return { ok: false, problem: `public key id: "${id.slice(0, 80)}" is not a WeChat Pay public key id (PUB_KEY_ID_ and digits)` };
  const read = rsaKey(input.pem, 'public', 'public key', 'pub_key.pem');
  if (!read.ok) return read;
  const key = read.value;
  if (input.merchantCertificate && keyFingerprint(new X509Certificate(input.merchantCertificate).publicKey) === keyFingerprint(key))
    return { ok: false, problem: `public key: this is the merchant's own key, not WeChat Pay's (${id})` };
  return { ok: true, value: { id, pem: input.pem.trim() } };
}

/** One platform certificate: parses, current. */
export function checkPlatformCertificate(pem: string, now: Date, what = 'platform certificate'): Checked<string> {
  const cert = certificateOf(pem, what);
  if (!cert.ok) return cert;
  const stale = current(cert.value, what, now);
  return stale ? { ok: false, problem: stale } : { ok: true, value: pem.trim() };
}

/** The stored document as keys, or what is wrong with it (a hand edit in the console, say). */
export function storedPayKeys(doc: unknown): Checked<StoredPayKeys> {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.includes('-----BEGIN');
  const m = d.merchant as Record<string, unknown> | null | undefined;
  const p = d.publicKey as Record<string, unknown> | null | undefined;
  const certs = d.platformCertificates ?? [];
  if (m != null && !(typeof m.serial === 'string' && text(m.privateKey) && text(m.certificate)))
    return { ok: false, problem: 'merchant: needs serial, privateKey and certificate' };
  if (p != null && !(typeof p.id === 'string' && text(p.pem))) return { ok: false, problem: 'publicKey: needs id and pem' };
  if (!Array.isArray(certs) || !certs.every(text)) return { ok: false, problem: 'platformCertificates: a list of PEM certificates' };
  return {
    ok: true,
    value: {
      merchant: m == null ? null : { serial: String(m.serial), privateKey: String(m.privateKey), certificate: String(m.certificate) },
      publicKey: p == null ? null : { id: String(p.id), pem: String(p.pem) },
      platformCertificates: (certs as string[]).flatMap((pem) => splitCertificates(pem)),
      updatedAt: typeof d.updatedAt === 'string' ? d.updatedAt : '',
    },
  };
}

/** Reads `secrets/wechatpay`: the document, or null when there is none. */
export type ReadStoredKeys = () => Promise<unknown | null>;

export interface PayKeyring {
  /** Reads the keys again when the ones held are older than the TTL (never throws: a failure is kept for `setup`). */
  refresh(): Promise<void>;
  /** The payments adapter from a function's settings and the keys held, or what keeps it from working. */
  setup(env: Record<string, string | undefined>): PaySetup;
}

type Held = { kind: 'none' } | { kind: 'failed'; message: string } | { kind: 'read'; doc: unknown; at: number };

const WHERE = `${SECRETS_COLLECTION}/${WECHATPAY_SECRET_ID}`;
const HOW = 'store them with npm run secrets -- set (docs/payments.md)';

/**
 * The keys of one function instance: read on the first call and again once `ttlMs` has passed
 * (one database read a minute per instance at most); a failed read keeps the keys held before.
 */
export function payKeyring(read: ReadStoredKeys, options: { ttlMs?: number; clock?: () => number; client?: WechatpayClientOptions } = {}): PayKeyring {
  const ttlMs = options.ttlMs ?? KEYS_TTL_MS;
  const clock = options.clock ?? Date.now;
  let held: Held = { kind: 'none' };
  let reading: Promise<void> | null = null;
  let made: { key: string; setup: PaySetup } | null = null;

  async function load(): Promise<void> {
    try {
      const doc = await read();
      held = { kind: 'read', doc, at: clock() };
    } catch (err) {
      const message = `the WeChat Pay keys could not be read from ${WHERE}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
      if (held.kind !== 'read') held = { kind: 'failed', message };
    }
  }

  return {
    refresh() {
      if (held.kind === 'read' && clock() - held.at < ttlMs) return Promise.resolve();
      reading ??= load().finally(() => {
        reading = null;
      });
      return reading;
    },

    setup(env) {
      if (env.NEARBY_PAY?.trim() === 'sandbox')
        return { ok: false, variable: 'NEARBY_PAY', message: 'NEARBY_PAY=sandbox is for the local host only; unset it (or "wechatpay") in the cloud' };
      // A function's own settings, never key material from its environment.
      const own = Object.fromEntries(ENV_READS.map((name) => [name, env[name]]));
      const mode = own.NEARBY_PAY?.trim() || 'wechatpay';
      if (mode !== 'wechatpay')
        return { ok: false, variable: 'NEARBY_PAY', message: `NEARBY_PAY must be "wechatpay" (or unset) in the cloud, not "${mode.slice(0, 40)}"` };
      const problem = wechatpayEnvProblem(own);
      if (problem) return { ok: false, ...problem };
      if (held.kind === 'none') return { ok: false, variable: WHERE, message: `the WeChat Pay keys have not been read yet from ${WHERE}` };
      if (held.kind === 'failed') return { ok: false, variable: WHERE, message: held.message };
      const key = JSON.stringify([own, held.doc]);
      if (made?.key !== key) made = { key, setup: setupFrom(own, held.doc, options.client) };
      return made.setup;
    },
  };
}

function setupFrom(own: Record<string, string | undefined>, doc: unknown, client?: WechatpayClientOptions): PaySetup {
  if (doc === null || doc === undefined) return { ok: false, variable: WHERE, message: `no WeChat Pay keys are stored in ${WHERE}: ${HOW}` };
  const stored = storedPayKeys(doc);
  if (!stored.ok) return { ok: false, variable: WHERE, message: `${WHERE} is malformed: ${stored.problem}; ${HOW}` };
  const keys = stored.value;
  const fromKeys: Record<(typeof WECHATPAY_KEY_VARIABLES)[number], string | undefined> = {
    WECHATPAY_MERCHANT_SERIAL: keys.merchant?.serial,
    WECHATPAY_PRIVATE_KEY: keys.merchant?.privateKey,
    WECHATPAY_PUBLIC_KEY: keys.publicKey?.pem,
    WECHATPAY_PUBLIC_KEY_ID: keys.publicKey?.id,
    WECHATPAY_PLATFORM_CERTS: keys.platformCertificates.length > 0 ? keys.platformCertificates.join('\n') : undefined,
  };
  const choice = paymentsFrom({ ...own, ...fromKeys, NEARBY_PAY: 'wechatpay' }, 'wechatpay', client);
  if (choice.ok) return { ok: true, payments: choice.payments };
  // A problem of the stored keys is named by where they are, not by a variable the cloud never reads.
  if ((WECHATPAY_KEY_VARIABLES as readonly string[]).includes(choice.variable)) {
    const what =
      keys.merchant === null
        ? 'no merchant key is stored'
        : keys.publicKey === null && keys.platformCertificates.length === 0
          ? "neither WeChat Pay's public key nor a platform certificate is stored"
          : `the stored keys do not read (${choice.message.replace(/ is malformed:/, ':')})`;
    return { ok: false, variable: WHERE, message: `${WHERE}: ${what}; ${HOW}` };
  }
  return choice;
}

/** A function's `main` that reads the keys (when the TTL says so) before each call. */
export function withFreshKeys<A extends unknown[], R>(keyring: PayKeyring, main: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    await keyring.refresh();
    return main(...args);
  };
}
