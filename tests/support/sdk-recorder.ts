/**
 * The real SDK (@cloudbase/database, as node-sdk uses it) with its request class replaced by a
 * recorder: every call shape, serialisation and the transaction protocol are the SDK's own; only
 * the network is missing. `answer` plays the server; an Error it returns is thrown, as node-sdk
 * throws every error answer (throwOnCode is on by default).
 */
import { Db } from '@cloudbase/database';
import { EJSON } from 'bson';

export type Sent = { action: string; params: Record<string, any> };
export type Answer = (sent: Sent) => unknown;

export function recordingSdkDb(answer: Answer = () => ({ requestId: 'r' })): { db: Db; sent: Sent[] } {
  const sent: Sent[] = [];
  (Db as unknown as { reqClass: unknown }).reqClass = class {
    async send(action: string, params: Record<string, any> = {}) {
      const call = { action, params };
      sent.push(call);
      const out = answer(call);
      if (out instanceof Error) throw out;
      return out;
    }
  };
  return { db: new Db({}), sent };
}

/** A `getDocument` answer listing these documents. */
export const listed = (...docs: object[]) => ({ requestId: 'r', data: { list: docs.map((d) => EJSON.stringify(d)) } });
