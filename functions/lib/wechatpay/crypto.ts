/**
 * WeChat Pay API v3's cryptography, in node:crypto only: every signed message is lines each ended
 * by "\n", signed SHA256withRSA (PKCS#1 v1.5) and base64-encoded; notification resources are
 * AEAD_AES_256_GCM with the API v3 key, the 16-byte tag after the ciphertext.
 */
import { createCipheriv, createDecipheriv, createSign, createVerify, type KeyObject, randomBytes } from 'node:crypto';

/**
 * SHA256withRSA over `lines[0]\nlines[1]\n...\n`, base64.
 * @example signLines(['GET', '/v3/certificates', '1554208460', 'NONCE', ''], merchantKey)
 */
export function signLines(lines: readonly string[], privateKey: KeyObject): string {
  const signer = createSign('RSA-SHA256');
  signer.update(lines.map((line) => `${line}\n`).join(''), 'utf8');
  return signer.sign(privateKey, 'base64');
}

/** Whether `signature` (base64) is SHA256withRSA over the lines, each ended by "\n". Never throws. */
export function verifyLines(lines: readonly string[], signature: string, publicKey: KeyObject): boolean {
  try {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(lines.map((line) => `${line}\n`).join(''), 'utf8');
    return verifier.verify(publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** 32 random upper-case hex characters, for `nonce_str` and `nonceStr`. */
export function randomNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Seconds since the epoch, as WeChat Pay writes timestamps. */
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

export interface AuthorizationInput {
  mchId: string;
  /** The merchant API certificate's serial number. */
  serialNo: string;
  privateKey: KeyObject;
  method: string;
  /** Path and query, as sent: `/v3/pay/transactions/out-trade-no/X?mchid=Y`. */
  url: string;
  /** The exact body sent; '' for GET. */
  body: string;
  timestampSec: number;
  nonce: string;
}

/**
 * The `Authorization` header of a request: `WECHATPAY2-SHA256-RSA2048 mchid="...",nonce_str="...",
 * signature="...",timestamp="...",serial_no="..."`, the signature over `METHOD\nURL\ntimestamp\nnonce\nbody\n`.
 */
export function authorizationHeader(input: AuthorizationInput): string {
  const signature = signLines([input.method.toUpperCase(), input.url, String(input.timestampSec), input.nonce, input.body], input.privateKey);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${input.mchId}",nonce_str="${input.nonce}",signature="${signature}",timestamp="${input.timestampSec}",serial_no="${input.serialNo}"`;
}

/** The encrypted `resource` of a notification. */
export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

/** Decrypts a resource (AEAD_AES_256_GCM, the 32-byte API v3 key); null when the tag does not verify or the input is not of its shape. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string | null {
  try {
    if (resource.algorithm !== 'AEAD_AES_256_GCM') return null;
    const key = Buffer.from(apiV3Key, 'utf8');
    const sealed = Buffer.from(resource.ciphertext, 'base64');
    if (key.length !== 32 || sealed.length < 17) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Encrypts a resource as WeChat Pay does (for the sandbox): a fresh 12-character nonce, the tag appended. */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string, originalType: string): Required<EncryptedResource> {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: sealed.toString('base64'), associated_data: associatedData, nonce, original_type: originalType };
}

/**
 * The arguments of `wx.requestPayment` for a prepay id: `paySign` is SHA256withRSA with the
 * merchant key over `appId\ntimeStamp\nnonceStr\npackage\n`, `timeStamp` in seconds as a string.
 */
export function paymentArgs(appId: string, prepayId: string, privateKey: KeyObject, now: Date, nonceStr: string = randomNonce()) {
  const timeStamp = String(epochSeconds(now));
  const pkg = `prepay_id=${prepayId}`;
  return { timeStamp, nonceStr, package: pkg, signType: 'RSA' as const, paySign: signLines([appId, timeStamp, nonceStr, pkg], privateKey) };
}
