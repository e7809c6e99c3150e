/**
 * WeChat Pay's keys and the check of anything WeChat Pay signs (answers and notifications): the
 * key is the one `Wechatpay-Serial` names, among the WeChat Pay public key (`PUB_KEY_ID_...`) and
 * the platform certificates we were given. Both kinds may be configured at once, because a merchant
 * moving from certificates to the public key receives both for days. A serial we do not know is
 * refused: no certificate is ever downloaded, so a forged notification costs no network call.
 */
import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { NotificationRefusal } from '../ports';
import { epochSeconds, verifyLines } from './crypto';

/** A timestamp further than this from now is refused (WeChat Pay's own tolerance). */
export const MAX_CLOCK_SKEW_SEC = 5 * 60;

/** Signature probes: WeChat Pay sends these to check that merchants really verify. */
export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** WeChat Pay's verification keys by serial: the public key id and/or certificate serials (upper case). */
export type WechatpayKeys = ReadonlyMap<string, KeyObject>;

/** A platform certificate's serial as WeChat Pay writes it: upper-case hex, no leading-zero loss. */
export function certificateSerial(certificate: X509Certificate): string {
  return certificate.serialNumber.toUpperCase();
}

/** The key set from a public key (with its id) and platform certificates (PEM). Throws on a PEM that does not parse. */
export function wechatpayKeys(input: { publicKey?: { id: string; pem: string }; certificates?: readonly string[] }): WechatpayKeys {
  const keys = new Map<string, KeyObject>();
  if (input.publicKey) keys.set(input.publicKey.id, createPublicKey(input.publicKey.pem));
  for (const pem of input.certificates ?? []) {
    const certificate = new X509Certificate(pem);
    keys.set(certificateSerial(certificate), certificate.publicKey);
  }
  return keys;
}

/** Splits a PEM bundle into its certificates. */
export function splitCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** A header by name, any case (CloudBase's HTTP access lower-cases them, Node too). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export type SignedCheck =
  | { ok: true; serial: string }
  | { ok: false; refusal: Exclude<NotificationRefusal, 'MALFORMED' | 'DECRYPTION_FAILED' | 'UNSUPPORTED_EVENT'>; message: string };

/**
 * Checks a message signed by WeChat Pay: the four `Wechatpay-*` headers present, no signature
 * probe, the timestamp within 5 minutes of `now`, a known serial, and SHA256withRSA over
 * `timestamp\nnonce\nbody\n` with that serial's key. `body` is the raw body, byte for byte.
 */
export function checkSigned(headers: Record<string, string | string[] | undefined>, body: string, now: Date, keys: WechatpayKeys): SignedCheck {
  const timestamp = headerValue(headers, 'Wechatpay-Timestamp');
  const nonce = headerValue(headers, 'Wechatpay-Nonce');
  const signature = headerValue(headers, 'Wechatpay-Signature');
  const serial = headerValue(headers, 'Wechatpay-Serial');
  if (!timestamp || !nonce || !signature || !serial) {
    const missing = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'].filter((name) => !headerValue(headers, name));
    return { ok: false, refusal: 'MISSING_HEADER', message: `missing ${missing.join(', ')}` };
  }
  if (signature.startsWith(SIGNATURE_PROBE_PREFIX))
    return { ok: false, refusal: 'SIGNATURE_PROBE', message: 'a signature probe (WECHATPAY/SIGNTEST/) is never a valid signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, refusal: 'MISSING_HEADER', message: 'Wechatpay-Timestamp is not a number of seconds' };
  const skewSec = Math.abs(epochSeconds(now) - Number(timestamp));
  if (skewSec > MAX_CLOCK_SKEW_SEC)
    return { ok: false, refusal: 'STALE_TIMESTAMP', message: `Wechatpay-Timestamp is ${skewSec} s away from now (at most ${MAX_CLOCK_SKEW_SEC})` };
  const key = keys.get(serial) ?? keys.get(serial.toUpperCase());
  if (!key) return { ok: false, refusal: 'UNKNOWN_SERIAL', message: `Wechatpay-Serial "${serial.slice(0, 64)}" names no configured key` };
  if (!verifyLines([timestamp, nonce, body], signature, key))
    return { ok: false, refusal: 'BAD_SIGNATURE', message: `the signature does not verify with key "${serial}"` };
  return { ok: true, serial };
}
