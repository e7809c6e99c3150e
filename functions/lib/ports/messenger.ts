import type { TemplateData, TemplateKey } from '../../../shared/subscribe-message';
/**
 * Subscribe messages (functions/lib/messenger): the WeChat HTTPS API in the cloud, an outbox
 * locally. `send` never throws for anything WeChat or the network does: every answer is a
 * `SendOutcome` (shared/reminders.ts) naming its cause, which the reminder rules settle.
 */
export type SendOutcome = import('../../../shared/reminders').SendOutcome;

/** A message for one user: template key, page (with query) and data from shared/subscribe-message. */
export type MessageToSend = import('../../../shared/subscribe-message').SubscribeMessage & { openid: string };

export interface Messenger {
  /** `at`: the run's "now", for the local outbox's `sentAt` (WeChat stamps its own). */
  send(message: MessageToSend, at?: Date): Promise<SendOutcome>;
}

/**
 * WeChat's `stable_token` force_refresh budget of an AppID (30 s apart, 20 a day), kept in the
 * database so that every function instance spends one budget (functions/lib/messenger/wechat.ts).
 * One small record per AppID: SQLite `service_state`, CloudBase `service_state/{key}`.
 */
export interface ForceRefreshLedger {
  /** Atomically: reads the AppID's record, asks `decideForceRefresh` (shared/force-refresh.ts), writes the record it answers. */
  take(appId: string, now: Date): Promise<import('../../../shared/force-refresh').ForceRefreshDecision>;
}

/** One message as `GET /outbox` lists it (the local outbox, functions/lib/messenger/outbox.ts). */
export interface OutboxMessage {
  openid: string;
  templateKey: TemplateKey;
  page: string;
  data: TemplateData;
  /** ISO instant, from the host's clock. */
  sentAt: string;
}

/** Where the outbox keeps its messages. */
export interface OutboxStorage {
  append(message: OutboxMessage): void;
  list(): OutboxMessage[];
  clear(): void;
}
