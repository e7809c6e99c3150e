/**
 * The real adapter's settings, from the environment. A missing or malformed setting is an answer
 * naming the variable, not a throw: the local host stops at start with it, and in the cloud the pay
 * actions answer FAILED_PRECONDITION with it while everything else keeps working.
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { splitCertificates } from './verifier';

export const DEFAULT_WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';
export const DEFAULT_WECHATPAY_TIMEOUT_MS = 5000;

export interface WechatpaySettings {
  /** WECHATPAY_MCHID: the merchant number (商户号). */
  mchId: string;
  /** WECHAT_APPID: the mini program's AppID, bound to the merchant number (subscribe messages read it too). */
  appId: string;
  /** WECHATPAY_MERCHANT_SERIAL: the merchant API certificate's serial number (商户API证书序列号). */
  merchantSerial: string;
  /** WECHATPAY_PRIVATE_KEY: the merchant API private key (apiclient_key.pem), PEM or a path to it. */
  privateKey: KeyObject;
  /** WECHATPAY_APIV3_KEY: the API v3 key (APIv3密钥), 32 bytes. */
  apiV3Key: string;
  /** WECHATPAY_PUBLIC_KEY (PEM or path) and WECHATPAY_PUBLIC_KEY_ID (PUB_KEY_ID_...): the WeChat Pay public key. */
  publicKey: { id: string; pem: string } | null;
  /** WECHATPAY_PLATFORM_CERTS: platform certificates (wechatpay_*.pem), a PEM bundle or a path to one. */
  platformCertificates: string[];
  /** WECHATPAY_NOTIFY_URL: where WeChat Pay posts notifications (payNotify's HTTP access path, `https://<domain>/pay/notify`, no query). */
  notifyUrl: string;
  /** WECHATPAY_BASE_URL: https://api.mch.weixin.qq.com unless tests point it elsewhere. */
  baseUrl: string;
  /** WECHATPAY_TIMEOUT_MS: how long one request may take (5000). */
  timeoutMs: number;
}

export type SettingsRead = { ok: true; settings: WechatpaySettings } | { ok: false; variable: string; message: string };

export const WECHATPAY_VARIABLES = [
  'WECHATPAY_MCHID',
  'WECHAT_APPID',
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PLATFORM_CERTS',
  'WECHATPAY_NOTIFY_URL',
  'WECHATPAY_BASE_URL',
  'WECHATPAY_TIMEOUT_MS',
] as const;

/**
 * The key material and the serial / id that name it. The local host reads them from its
 * environment (PEM or a path); a cloud function never does: it reads them from the `secrets`
 * collection at run time (./keys.ts, stored by `npm run secrets`), so they are never a function
 * environment variable (SCF's 4 KB, the console) and rotate without a redeploy.
 */
export const WECHATPAY_KEY_VARIABLES = [
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PLATFORM_CERTS',
] as const;

/** What a cloud function reads of these settings from its environment (cloudbaserc.json; tests/unit/cloud-settings.test.ts). */
export const ENV_READS: readonly string[] = /* @__PURE__ */ WECHATPAY_VARIABLES.filter(
  (name) => !(WECHATPAY_KEY_VARIABLES as readonly string[]).includes(name),
);

class SettingError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** PEM text as given, or the file a path names; `\n` written as two characters (one-line variables) become newlines. */
function pemOrPath(variable: string, raw: string): string {
  const text = raw.includes('-----BEGIN') ? raw : readPath(variable, raw.trim());
  return text.replace(/\\n/g, '\n');
}

function readPath(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new SettingError(variable, `${variable} is neither PEM text nor a readable file ("${path.slice(0, 80)}")`);
  }
}

/**
 * The settings, or the first variable that is missing or malformed (named, never its value).
 * At least one of the public key (with its id) and the platform certificates is needed; both may be given.
 * @example wechatpaySettingsFrom({}) // => { ok: false, variable: 'WECHATPAY_MCHID', message: 'WECHATPAY_MCHID is not set ...' }
 */
export function wechatpaySettingsFrom(env: Record<string, string | undefined>): SettingsRead {
  try {
    return { ok: true, settings: read(env) };
  } catch (e) {
    if (e instanceof SettingError) return { ok: false, variable: e.variable, message: e.message };
    throw e;
  }
}

/**
 * The first of a cloud function's own WeChat Pay settings (ENV_READS: no key material) that is
 * missing or malformed, or null: the deploy's check, and the cloud's before it reads the keys.
 * @example wechatpayEnvProblem({ WECHATPAY_MCHID: '1230000109' })?.variable // => 'WECHAT_APPID'
 */
export function wechatpayEnvProblem(env: Record<string, string | undefined>): { variable: string; message: string } | null {
  try {
    read(env, false);
    return null;
  } catch (e) {
    if (e instanceof SettingError) return { variable: e.variable, message: e.message };
    throw e;
  }
}

function read(env: Record<string, string | undefined>, withKeys = true): WechatpaySettings {
  const given = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const required = (name: string, what: string): string => {
    const v = given(name);
    if (v === undefined) throw new SettingError(name, `${name} is not set: ${what}`);
    return v;
  };
  const shaped = (name: string, what: string, pattern: RegExp): string => {
    const v = required(name, what).trim();
    if (!pattern.test(v)) throw new SettingError(name, `${name} is malformed: ${what}`);
    return v;
  };

  const mchId = shaped('WECHATPAY_MCHID', 'the merchant number (digits)', /^\d{6,32}$/);
  const appId = shaped('WECHAT_APPID', "the mini program's AppID (wx and 16 hex digits)", /^wx[0-9a-f]{16}$/i);
  const apiV3Key = required('WECHATPAY_APIV3_KEY', 'the API v3 key (32 characters)');
  if (Buffer.byteLength(apiV3Key, 'utf8') !== 32)
    throw new SettingError('WECHATPAY_APIV3_KEY', 'WECHATPAY_APIV3_KEY is malformed: it must be exactly 32 bytes');
  const notifyUrl = required('WECHATPAY_NOTIFY_URL', "payNotify's HTTPS address");
  if (!isUrl(notifyUrl, ['https:']) || notifyUrl.includes('?'))
    throw new SettingError('WECHATPAY_NOTIFY_URL', 'WECHATPAY_NOTIFY_URL is malformed: an https:// address without a query');

  const baseUrl = (given('WECHATPAY_BASE_URL') ?? DEFAULT_WECHATPAY_BASE_URL).trim().replace(/\/+$/, '');
  if (!isUrl(baseUrl, ['https:', 'http:'])) throw new SettingError('WECHATPAY_BASE_URL', 'WECHATPAY_BASE_URL is malformed: an http(s):// address');

  const timeoutRaw = given('WECHATPAY_TIMEOUT_MS');
  const timeoutMs = timeoutRaw === undefined ? DEFAULT_WECHATPAY_TIMEOUT_MS : Number(timeoutRaw);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
    throw new SettingError('WECHATPAY_TIMEOUT_MS', 'WECHATPAY_TIMEOUT_MS is malformed: a positive whole number of milliseconds');
  const plain = { mchId, appId, apiV3Key, notifyUrl: notifyUrl.trim(), baseUrl, timeoutMs };
  // Without keys (a cloud function's environment, the deploy's check): the rest is not read here.
  if (!withKeys) return plain as WechatpaySettings;

  const merchantSerial = shaped('WECHATPAY_MERCHANT_SERIAL', "the merchant API certificate's serial number (hex)", /^[0-9A-Fa-f]{8,64}$/).toUpperCase();

  const privateKeyPem = pemOrPath(
    'WECHATPAY_PRIVATE_KEY',
    required('WECHATPAY_PRIVATE_KEY', 'the merchant API private key (apiclient_key.pem), PEM or a path'),
  );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new SettingError('WECHATPAY_PRIVATE_KEY', 'WECHATPAY_PRIVATE_KEY is malformed: not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new SettingError('WECHATPAY_PRIVATE_KEY', 'WECHATPAY_PRIVATE_KEY is malformed: not an RSA key');

  const publicKeyRaw = given('WECHATPAY_PUBLIC_KEY');
  const publicKeyId = given('WECHATPAY_PUBLIC_KEY_ID')?.trim();
  let publicKey: WechatpaySettings['publicKey'] = null;
  if (publicKeyRaw !== undefined || publicKeyId !== undefined) {
    if (publicKeyRaw === undefined)
      throw new SettingError('WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY is not set: WECHATPAY_PUBLIC_KEY_ID is, and one goes with the other');
    if (publicKeyId === undefined)
      throw new SettingError('WECHATPAY_PUBLIC_KEY_ID', 'WECHATPAY_PUBLIC_KEY_ID is not set: WECHATPAY_PUBLIC_KEY is, and one goes with the other');
    if (!/^PUB_KEY_ID_[0-9A-Za-z]{1,64}$/.test(publicKeyId))
      throw new SettingError('WECHATPAY_PUBLIC_KEY_ID', 'WECHATPAY_PUBLIC_KEY_ID is malformed: it starts with PUB_KEY_ID_');
    const pem = pemOrPath('WECHATPAY_PUBLIC_KEY', publicKeyRaw);
    try {
      createPublicKey(pem);
    } catch {
      throw new SettingError('WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY is malformed: not a PEM public key');
    }
    publicKey = { id: publicKeyId, pem };
  }

  const certsRaw = given('WECHATPAY_PLATFORM_CERTS');
  const platformCertificates = certsRaw === undefined ? [] : splitCertificates(pemOrPath('WECHATPAY_PLATFORM_CERTS', certsRaw));
  if (certsRaw !== undefined) {
    if (platformCertificates.length === 0)
      throw new SettingError('WECHATPAY_PLATFORM_CERTS', 'WECHATPAY_PLATFORM_CERTS is malformed: no PEM certificate in it');
    for (const pem of platformCertificates) {
      try {
        new X509Certificate(pem);
      } catch {
        throw new SettingError('WECHATPAY_PLATFORM_CERTS', 'WECHATPAY_PLATFORM_CERTS is malformed: a certificate does not parse');
      }
    }
  }
  if (!publicKey && platformCertificates.length === 0) {
    throw new SettingError(
      'WECHATPAY_PUBLIC_KEY',
      'WECHATPAY_PUBLIC_KEY is not set: give the WeChat Pay public key (with WECHATPAY_PUBLIC_KEY_ID) and/or WECHATPAY_PLATFORM_CERTS',
    );
  }

  return { ...plain, merchantSerial, privateKey, publicKey, platformCertificates };
}

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value.trim()).protocol);
  } catch {
    return false;
  }
}
