/**
 * WeChat Pay notifications: verified (signature, time, serial, probe), then decrypted, then read.
 * The same code checks the real adapter's notifications and the sandbox's.
 */
import type { KeyObject } from 'node:crypto';
import type { ReceivedNotification, VerifiedNotification } from '../ports';
import { decryptResource, encryptResource, epochSeconds, randomNonce, signLines } from './crypto';
import { checkSigned, type WechatpayKeys } from './verifier';
import { refundFromWire, rfc3339Beijing, transactionFromWire } from './wire';

const REFUND_EVENTS = ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'] as const;
type RefundEvent = (typeof REFUND_EVENTS)[number];

/** Everything needed to trust a notification: WeChat Pay's keys and the API v3 key. */
export interface NotificationKeys {
  keys: WechatpayKeys;
  apiV3Key: string;
}

/**
 * A notification checked and read, or the reason it is refused. Refusals happen before anything is
 * decrypted or read, in this order: missing headers, signature probe, stale timestamp, unknown
 * serial, bad signature; then a body that is not a notification, an event we do not handle, a
 * resource that does not decrypt, a decrypted resource without its fields.
 */
export function verifyNotification(received: ReceivedNotification, now: Date, trust: NotificationKeys): VerifiedNotification {
  const signed = checkSigned(received.headers, received.body, now, trust.keys);
  if (!signed.ok) return signed;
  let envelope: unknown;
  try {
    envelope = JSON.parse(received.body);
  } catch {
    return { ok: false, refusal: 'MALFORMED', message: 'the body is not JSON' };
  }
  if (typeof envelope !== 'object' || envelope === null) return { ok: false, refusal: 'MALFORMED', message: 'the body is not a notification' };
  const { id, create_time, event_type, resource_type, resource } = envelope as Record<string, unknown>;
  if (typeof id !== 'string' || typeof event_type !== 'string' || typeof resource !== 'object' || resource === null) {
    return { ok: false, refusal: 'MALFORMED', message: 'a notification needs id, event_type and resource' };
  }
  const isTransaction = event_type === 'TRANSACTION.SUCCESS';
  const refundEvent = REFUND_EVENTS.find((e) => e === event_type);
  if (!isTransaction && !refundEvent) return { ok: false, refusal: 'UNSUPPORTED_EVENT', message: `event_type "${event_type.slice(0, 40)}" is not handled` };
  if (resource_type !== 'encrypt-resource') return { ok: false, refusal: 'MALFORMED', message: 'resource_type is not encrypt-resource' };
  const r = resource as Record<string, unknown>;
  if (
    typeof r.ciphertext !== 'string' ||
    typeof r.nonce !== 'string' ||
    typeof r.algorithm !== 'string' ||
    (r.associated_data !== undefined && typeof r.associated_data !== 'string')
  ) {
    return { ok: false, refusal: 'MALFORMED', message: 'resource needs algorithm, ciphertext and nonce' };
  }
  const plaintext = decryptResource(
    { algorithm: r.algorithm, ciphertext: r.ciphertext, nonce: r.nonce, associated_data: r.associated_data as string | undefined },
    trust.apiV3Key,
  );
  if (plaintext === null) return { ok: false, refusal: 'DECRYPTION_FAILED', message: 'the resource does not decrypt with the API v3 key (AEAD_AES_256_GCM)' };
  let content: unknown;
  try {
    content = JSON.parse(plaintext);
  } catch {
    return { ok: false, refusal: 'MALFORMED', message: 'the decrypted resource is not JSON' };
  }
  const createdAt = typeof create_time === 'string' && !Number.isNaN(new Date(create_time).getTime()) ? new Date(create_time) : null;
  if (isTransaction) {
    const read = transactionFromWire(content);
    if (!read.ok) return { ok: false, refusal: 'MALFORMED', message: read.message };
    return { ok: true, notification: { kind: 'transaction', id, eventType: 'TRANSACTION.SUCCESS', createdAt, transaction: read.value } };
  }
  const read = refundFromWire(content);
  if (!read.ok) return { ok: false, refusal: 'MALFORMED', message: read.message };
  return { ok: true, notification: { kind: 'refund', id, eventType: refundEvent as RefundEvent, createdAt, refund: read.value } };
}

/** What WeChat Pay's signing side needs: its private key and the serial that names it. */
export interface WechatpaySigner {
  serial: string;
  privateKey: KeyObject;
}

/**
 * A notification as WeChat Pay sends one, for the sandbox: the resource encrypted with the API v3
 * key, the body signed `timestamp\nnonce\nbody\n` with WeChat Pay's key.
 */
export function buildNotification(input: {
  id: string;
  eventType: 'TRANSACTION.SUCCESS' | RefundEvent;
  summary: string;
  resource: unknown;
  apiV3Key: string;
  signer: WechatpaySigner;
  now: Date;
}): ReceivedNotification {
  const originalType = input.eventType === 'TRANSACTION.SUCCESS' ? 'transaction' : 'refund';
  const associatedData = originalType;
  const body = JSON.stringify({
    id: input.id,
    create_time: rfc3339Beijing(input.now),
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: input.summary,
    resource: encryptResource(JSON.stringify(input.resource), input.apiV3Key, associatedData, originalType),
  });
  const timestamp = String(epochSeconds(input.now));
  const nonce = randomNonce();
  return {
    headers: {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signLines([timestamp, nonce, body], input.signer.privateKey),
      'Wechatpay-Serial': input.signer.serial,
      'Content-Type': 'application/json',
    },
    body,
  };
}
