/**
 * The local messenger: messages go to an outbox that `GET /outbox` shows (API.md), not to WeChat.
 * It needs no settings. It answers as WeChat would where that is knowable without WeChat: data
 * outside a field's limits is refused as 47003 (`permanent`) and not recorded, so a local run
 * catches what production would refuse.
 *
 * Kept where its `OutboxStorage` keeps it: in memory by default, in SQLite on the local host
 * (functions/lib/sqlite/outbox.ts), so that `GET /outbox` survives a restart. Faults for tests:
 * `failNext` answers the given outcomes, in order, instead of sending.
 */
import { templateDataProblems } from '../../../shared/subscribe-message';
import type { Clock } from '../ports/call';
import type { MessageToSend, Messenger, OutboxMessage, OutboxStorage, SendOutcome } from '../ports/messenger';

// The outbox's records are declared beside the messenger port (the `Notify` port lists them).
export type { OutboxMessage, OutboxStorage };

export interface Outbox extends Messenger {
  /** What was sent, oldest first (copies: the caller cannot change the outbox). */
  messages(): OutboxMessage[];
  /** The next sends answer these outcomes, in order, and record nothing ('sent' records as usual). */
  failNext(...outcomes: SendOutcome[]): void;
  clear(): void;
}

export function memoryOutboxStorage(): OutboxStorage {
  const sent: OutboxMessage[] = [];
  return {
    append: (message) => sent.push(message),
    list: () => structuredClone(sent),
    clear: () => {
      sent.length = 0;
    },
  };
}

export function createOutbox(clock: Clock = { now: () => new Date() }, storage: OutboxStorage = memoryOutboxStorage()): Outbox {
  const faults: SendOutcome[] = [];
  return {
    async send(message: MessageToSend, at?: Date): Promise<SendOutcome> {
      const fault = faults.shift();
      if (fault !== undefined && fault.status !== 'sent') return fault;
      const problems = templateDataProblems(message.data);
      if (problems.length > 0) return { status: 'permanent', errcode: 47003, cause: `template data breaks the field rules (47003): ${problems.join('; ')}` };
      if (message.openid === '') return { status: 'permanent', errcode: 40003, cause: 'openid is empty (40003)' };
      storage.append({
        openid: message.openid,
        templateKey: message.templateKey,
        page: message.page,
        data: structuredClone(message.data),
        sentAt: (at ?? clock.now()).toISOString(),
      });
      return { status: 'sent' };
    },
    messages: () => storage.list(),
    failNext(...outcomes) {
      faults.push(...outcomes);
    },
    clear() {
      storage.clear();
      faults.length = 0;
    },
  };
}
