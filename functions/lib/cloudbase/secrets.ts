/**
 * The `secrets` collection through node-sdk: where `npm run secrets` stores WeChat Pay's keys and
 * the payment functions read them (functions/lib/wechatpay/keys.ts). Its rules deny every client
 * (cloudbase/database.json); functions and the operator's credentials reach it.
 */
import { payKeyring, type PayKeyring, SECRETS_COLLECTION, WECHATPAY_SECRET_ID } from '../wechatpay/keys';
import { cloudbaseDb } from './db';

/** The part of the SDK's database the secrets use (the stand-in has it too). */
export interface SecretsDb {
  collection(name: string): {
    doc(id: string): {
      get(): Promise<{ data?: unknown }>;
      set(data: object): Promise<unknown>;
    };
  };
}

/** `secrets/wechatpay`, or null when it is not there. */
export async function readPaySecret(db: SecretsDb): Promise<Record<string, unknown> | null> {
  const { data } = await db.collection(SECRETS_COLLECTION).doc(WECHATPAY_SECRET_ID).get();
  // node-sdk answers a doc() read with a list of at most one document.
  const doc = Array.isArray(data) ? data[0] : data;
  return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : null;
}

/** Replaces `secrets/wechatpay` (its `_id` is the document's name, never part of the data). */
export async function writePaySecret(db: SecretsDb, doc: Record<string, unknown>): Promise<void> {
  const { _id, ...data } = doc;
  await db.collection(SECRETS_COLLECTION).doc(WECHATPAY_SECRET_ID).set(data);
}

/**
 * A payment function's keyring over this environment's database (reached on the first read: the
 * SDK is never initialised at import time, and without credentials the read fails and is kept).
 */
export function cloudbasePayKeyring(db: () => SecretsDb = () => cloudbaseDb() as unknown as SecretsDb): PayKeyring {
  return payKeyring(async () => readPaySecret(db()));
}
