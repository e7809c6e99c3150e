import type { Booking } from '../../../shared/booking';
import type { Messenger, OutboxMessage, SendOutcome } from './messenger';

/**
 * Reminders (issue 12, docs/reminders.md): the quota ledger, the claims that make a send happen at
 * most once, and the queries that find what is due. Every write is one transaction that reads the
 * facts and writes what shared/reminders.ts answers.
 */
type TemplateKeyOf = import('../../../shared/subscribe-message').TemplateKey;
export type QuotaIncrements = import('../../../shared/reminders').QuotaIncrements;
export type ReminderRecord = import('../../../shared/reminders').ReminderRecord;
export type ClaimDecision = import('../../../shared/reminders').ClaimDecision;
export type SettledSend = import('../../../shared/reminders').SettledSend;

/** What a reminder is about: a booking (`bookings/{id}`) or a utility bill (`bills/{id}`). */
export interface ReminderSubject {
  kind: 'booking' | 'bill';
  id: string;
}

export interface ReminderClaim {
  /** `reminderKey(templateKey, subject.id, openid)`: the record's id. */
  key: string;
  openid: string;
  templateKey: TemplateKeyOf;
  subject: ReminderSubject;
  now: Date;
}

export interface ReminderSettle {
  /** The record this run's claim wrote; the settle writes only while the stored record is still it. */
  claimed: ReminderRecord;
  openid: string;
  templateKey: TemplateKeyOf;
  outcome: SendOutcome;
  now: Date;
}

export interface ReminderStore {
  /** Atomically: the user's ledger plus the increments (`applyGrant`); answers the ledger after. */
  grant(openid: string, increments: QuotaIncrements, now: Date): Promise<QuotaIncrements>;
  quota(openid: string): Promise<QuotaIncrements>;
  /**
   * Atomically: reads the record, the user's ledger and the subject's facts (`subjectDue`), asks
   * `claimReminder`, and writes its answer (the claim and one quota taken, or the final record).
   */
  claim(claim: ReminderClaim): Promise<ClaimDecision>;
  /**
   * Atomically: when the stored record is still this claim (status `claimed`, same attempt),
   * writes `settleSend`'s record and moves the ledger (`quotaAfter`); null when it is not.
   */
  settle(settle: ReminderSettle): Promise<SettledSend | null>;
  get(key: string): Promise<ReminderRecord | null>;
  /** Of these keys, the ones whose reminder is over (sent, skipped or failed): no run looks at them again. */
  done(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Claims whose lease passed at `now` (their sender died): every run looks at them, so that one
   * no query finds any more (its booking started, its bill was paid) is still resolved.
   */
  expiredClaims(now: Date): Promise<Omit<ReminderClaim, 'now'>[]>;
}

/** The bookings port's reminder queries (a block of their own: the bookings adapters are the bookings issue's). */
export interface BookingReminderQueries {
  /** Pending or confirmed bookings with start − 30 min ≤ now < start. */
  startingSoon(now: Date): Promise<Booking[]>;
  /** Bookings confirmed (status `confirmed`, `updatedAt` ≥ since) whose slot has not ended at `now`. */
  confirmedSince(since: Date, now: Date): Promise<Booking[]>;
  /** Bookings waiting for staff (status `pending`, made or moved at `updatedAt` ≥ since) whose slot has not ended (issue 19, `newBooking`). */
  pendingSince(since: Date, now: Date): Promise<Booking[]>;
  /** Bookings staff rejected (status `rejected`, `updatedAt` ≥ since) whose slot has not ended (issue 19, `bookingChanged`). */
  rejectedSince(since: Date, now: Date): Promise<Booking[]>;
}

/** An unpaid utility bill and every user bound to its account. */
export interface DueBill {
  bill: import('../../../shared/subscribe-message').BillFacts;
  openids: string[];
}

/** The bills issue's query for bill reminders (issue 11 implements it on its bills port). */
export interface BillReminderSource {
  /** Unpaid utility bills with fromDate ≤ dueDate ≤ toDate ("YYYY-MM-DD"), each with every user bound to its account. */
  unpaidDueBetween(fromDate: string, toDate: string): Promise<DueBill[]>;
}

/** The messenger and the settings the reminders need: template ids, field maps, what blocks a template. */
export interface Notify {
  messenger: Messenger;
  /** This deployment's template ids (only the configured ones). */
  templateIds: Partial<Record<TemplateKeyOf, string>>;
  fieldMaps: import('../../../shared/subscribe-message').FieldMaps;
  /** The setting problem that stops a template's reminders (naming its variable), or null. */
  blocked(key: TemplateKeyOf): { variable: string; message: string } | null;
  /** The local outbox when messages go there: what the local host's `GET /outbox` lists. */
  outbox?: { messages(): OutboxMessage[] };
}
