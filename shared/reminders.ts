/**
 * The reminder rules: the quota ledger, when a reminder is due, and the claim that makes a send
 * happen at most once (docs/reminders.md). Pure: `now` is an argument; the adapters read the facts
 * inside their transaction, ask these rules, and write what they answer.
 *
 *   (none) --claim (quota taken)--> claimed --sent--> sent
 *                                      |  --43101--> skipped (quota emptied)
 *                                      |  --config error / no longer due--> skipped
 *                                      |  --47003, 41030, 40003, 40037--> failed
 *                                      |  --5xx, timeout--> retry --claim--> claimed (once more)
 *                                      `--lease expired (outcome unknown)--> claimed again, once
 */
import { isActive, type BookingStatus } from './booking';
import { BILL_REMINDER_LATE_DAYS } from './bills';
import { addDays } from './slots';
import { DEFAULT_TIMEZONE, wallClock } from './time';
import { BILL_REMINDER_DAYS_BEFORE, BOOKING_REMINDER_LEAD_MIN, TEMPLATE_KEYS, type TemplateKey } from './subscribe-message';

// ---------------------------------------------------------------------------------------------
// The quota ledger: each accepted one-time template allows one later send

/** What `wx.requestSubscribeMessage` answers per template id. */
export const GRANT_ANSWERS = ['accept', 'reject', 'ban', 'filter'] as const;

export type QuotaIncrements = Partial<Record<TemplateKey, number>>;

/**
 * The sends a `grant` adds, per template key: one for each of this deployment's template ids the
 * user accepted. Keys that are not our template ids (`errMsg`, another app's ids) and values that
 * are not "accept" add nothing; `results` that is not a plain object is refused.
 * @example grantIncrements({ errMsg: 'requestSubscribeMessage:ok', T1: 'accept', T2: 'reject' }, { bookingReminder: 'T1', bookingConfirmed: 'T2' }) // => { ok: true, increments: { bookingReminder: 1 } }
 */
export function grantIncrements(
  results: unknown,
  templateIds: Partial<Record<TemplateKey, string>>,
): { ok: true; increments: QuotaIncrements } | { ok: false; message: string } {
  if (typeof results !== 'object' || results === null || Array.isArray(results))
    return { ok: false, message: 'results: must be an object of template id -> "accept" | "reject" | "ban" | "filter"' };
  const answers = results as Record<string, unknown>;
  const increments: QuotaIncrements = {};
  for (const key of TEMPLATE_KEYS) {
    const id = templateIds[key];
    // An own property only: "constructor" or "__proto__" as a template id must not read the prototype.
    if (id === undefined || id === '' || !Object.hasOwn(answers, id)) continue;
    if (answers[id] === 'accept') increments[key] = 1;
  }
  return { ok: true, increments };
}

/**
 * The ledger after a grant (keys absent from the ledger count as 0).
 * @example applyGrant({ billDue: 2 }, { billDue: 1, bookingReminder: 1 }) // => { billDue: 3, bookingReminder: 1 }
 */
export function applyGrant(quota: QuotaIncrements, increments: QuotaIncrements): QuotaIncrements {
  const next: QuotaIncrements = { ...quota };
  for (const key of TEMPLATE_KEYS) {
    const add = increments[key] ?? 0;
    if (add > 0) next[key] = (next[key] ?? 0) + add;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// When each reminder is due

/**
 * The booking reminder is due from 30 minutes before the start until the start, while the booking
 * holds its place (pending or confirmed).
 * @example bookingReminderDue({ status: 'confirmed', start: '2026-11-25T10:00:00+08:00' }, new Date('2026-11-25T09:31:00+08:00')) // => true
 */
export function bookingReminderDue(booking: { status: BookingStatus; start: string }, now: Date): boolean {
  const startMs = Date.parse(booking.start);
  const t = now.getTime();
  return isActive(booking.status) && startMs - BOOKING_REMINDER_LEAD_MIN * 60_000 <= t && t < startMs;
}

/**
 * The confirmation is due once staff confirmed the booking, until its slot ends.
 * @example bookingConfirmedDue({ status: 'confirmed', end: '2026-11-25T11:00:00+08:00' }, new Date('2026-11-25T09:00:00+08:00')) // => true
 */
export function bookingConfirmedDue(booking: { status: BookingStatus; end: string }, now: Date): boolean {
  return booking.status === 'confirmed' && now.getTime() < Date.parse(booking.end);
}

/**
 * The customer is told of a rejection once staff rejected the booking, until its slot would have ended.
 * @example bookingChangedDue({ status: 'rejected', end: '2026-11-25T11:00:00+08:00' }, new Date('2026-11-25T09:00:00+08:00')) // => true
 */
export function bookingChangedDue(booking: { status: BookingStatus; end: string }, now: Date): boolean {
  return booking.status === 'rejected' && now.getTime() < Date.parse(booking.end);
}

/**
 * Staff are told of a booking while it waits for them (pending: a store that confirms
 * automatically makes none), until its slot ends.
 * @example newBookingDue({ status: 'pending', end: '2026-11-25T11:00:00+08:00' }, new Date('2026-11-25T09:00:00+08:00')) // => true
 */
export function newBookingDue(booking: { status: BookingStatus; end: string }, now: Date): boolean {
  return booking.status === 'pending' && now.getTime() < Date.parse(booking.end);
}

/**
 * The bill reminder is due on Asia/Shanghai calendar days from three days before the due date,
 * while the bill is unpaid; a bill imported or bound after that day is reminded at the next run,
 * up to `BILL_REMINDER_LATE_DAYS` days overdue (each reminder goes once: its key is claimed).
 * @example billReminderDue({ dueDate: '2026-12-05', paid: false }, new Date('2026-12-01T16:00:00Z')) // => true
 */
export function billReminderDue(bill: { dueDate: string; paid: boolean }, now: Date): boolean {
  if (bill.paid) return false;
  const today = wallClock(now, DEFAULT_TIMEZONE).date;
  return addDays(bill.dueDate, -BILL_REMINDER_DAYS_BEFORE) <= today && today <= addDays(bill.dueDate, BILL_REMINDER_LATE_DAYS);
}

/**
 * The unique key of one reminder: one template, one subject (booking or bill), one recipient.
 * @example reminderKey('billDue', 'bill_1', 'o_abc') // => 'billDue:bill_1:o_abc'
 */
export const reminderKey = (templateKey: TemplateKey, subjectId: string, openid: string): string => `${templateKey}:${subjectId}:${openid}`;

// ---------------------------------------------------------------------------------------------
// What a send came to (the messenger port's answer)

export type SendOutcome =
  | { status: 'sent' }
  /** 43101: the user has no subscription left for this template (or unsubscribed). */
  | { status: 'no-quota'; cause: string }
  /** 47003 (field data), 41030 (page), 40003 (openid), 40037 (template id): this message can never go. */
  | { status: 'permanent'; errcode: number; cause: string }
  /** Our configuration (40164 IP allow-list, a bad AppID or secret, a missing setting): no message can go until fixed. */
  | { status: 'config'; errcode?: number; cause: string }
  /**
   * 5xx, system busy, a timeout, a broken connection, an unknown code. `maybeSent` when WeChat may
   * have taken it anyway (no answer came after the request was sent).
   */
  | { status: 'retryable'; cause: string; maybeSent: boolean };

// ---------------------------------------------------------------------------------------------
// The claim: at most once, except one rare duplicate

export type ReminderStatus = 'claimed' | 'sent' | 'skipped' | 'failed' | 'retry';

/** Statuses after which a reminder is over: never claimed, sent or retried again. */
export const DONE_STATUSES: readonly ReminderStatus[] = ['sent', 'skipped', 'failed'];
/** @example isDoneStatus('skipped') // => true */
export const isDoneStatus = (status: unknown): boolean => (DONE_STATUSES as readonly unknown[]).includes(status);

/**
 * What a stored record must still hold for a settle to be this run's: its claim, with the attempt
 * it took (a later run's retry raises `attempts`). Adapters use it as a query condition or check a
 * read record with `claimStillOurs`.
 */
export const ourClaim = (claimed: Pick<ReminderRecord, 'attempts'>): { status: 'claimed'; attempts: number } => ({
  status: 'claimed',
  attempts: claimed.attempts,
});
/** @example claimStillOurs({ status: 'claimed', attempts: 2 }, { attempts: 1 }) // => false */
export function claimStillOurs<T extends object>(current: T | null | undefined, claimed: Pick<ReminderRecord, 'attempts'>): current is T {
  const ours = ourClaim(claimed);
  const stored = current as { status?: unknown; attempts?: unknown } | null | undefined;
  return stored != null && stored.status === ours.status && Number(stored.attempts) === ours.attempts;
}

/** A reminder as stored under its key. */
export interface ReminderRecord {
  key: string;
  status: ReminderStatus;
  /** Sends tried (claims taken), 1 or 2. */
  attempts: number;
  /** ISO instant: a `claimed` record whose lease passed has an unknown outcome (its sender died). */
  leaseUntil: string | null;
  /** Why it was skipped, failed or is to be retried; null when sent or claimed. */
  cause: string | null;
  updatedAt: string;
}

/** How long a claim holds: longer than a run of the timer function (60 s) and a send's timeout. */
export const SEND_LEASE_MS = 120_000;
/** A reminder is sent at most this many times: the first try and one retry (a timeout, a 5xx, a death). */
export const MAX_SEND_ATTEMPTS = 2;

export type ClaimDecision =
  /**
   * Write `record` and move the quota by `quotaDelta` in the same transaction, then send: -1 for a
   * new send; 0 for the retry of a claim whose sender died (that claim's quota carries over).
   */
  | { action: 'send'; record: ReminderRecord; quotaDelta: -1 | 0 }
  /** Write `record`: the reminder is over without a send. */
  | { action: 'resolve'; record: ReminderRecord; counted: 'skipped' | 'failed' }
  /** Nothing to write: done before, or another run holds the lease. */
  | { action: 'none'; why: 'done' | 'leased' };

/**
 * Whether a stored record stops any claim before other facts matter: it is done, or another run
 * holds its lease. Adapters may ask it first to skip reading the ledger and the subject.
 * @example claimHeld({ key: 'k', status: 'sent', attempts: 1, leaseUntil: null, cause: null, updatedAt: '2026-11-25T01:30:00.000Z' }, new Date('2026-11-25T01:31:00Z')) // => 'done'
 */
export function claimHeld(record: ReminderRecord | null, now: Date): 'done' | 'leased' | null {
  if (record === null) return null;
  if (isDoneStatus(record.status)) return 'done';
  if (record.status === 'claimed' && record.leaseUntil !== null && now.getTime() < Date.parse(record.leaseUntil)) return 'leased';
  return null;
}

/**
 * Whether this run may send the reminder, read inside the transaction that writes the answer.
 * A claim is allowed iff the key is unclaimed, or was left to retry, or its lease expired with
 * the outcome unknown, and fewer than 2 sends were tried; the reminder must still be due and
 * the user must have quota left.
 * @example claimReminder({ key: 'k', record: null, quota: 1, due: true, now: new Date('2026-11-25T01:30:00Z') }).action // => 'send'
 */
export function claimReminder(facts: { key: string; record: ReminderRecord | null; quota: number; due: boolean; now: Date }): ClaimDecision {
  const { key, record, quota, due, now } = facts;
  const at = now.toISOString();
  const over = (status: 'skipped' | 'failed', cause: string, attempts: number): ClaimDecision => ({
    action: 'resolve',
    record: { key, status, attempts, leaseUntil: null, cause, updatedAt: at },
    counted: status,
  });
  let attempts = 0;
  let unknown = false;
  if (record !== null) {
    const held = claimHeld(record, now);
    if (held !== null) return { action: 'none', why: held };
    attempts = record.attempts;
    unknown = record.status === 'claimed';
    if (attempts >= MAX_SEND_ATTEMPTS)
      return over(
        'failed',
        unknown ? 'outcome unknown after the last send (lease expired)' : `gave up after ${attempts} sends: ${record.cause ?? 'unknown'}`,
        attempts,
      );
  }
  if (!due) return over('skipped', 'no longer due', attempts);
  // The dead claim took a send from the ledger and nobody knows whether WeChat used it: the retry
  // carries it over instead of taking another. A death before sending then still sends with the
  // user's one subscription; a death after it meets WeChat's own count (43101, the ledger emptied)
  // unless the user had another subscription left: the rare duplicate.
  if (!unknown && quota < 1) return over('skipped', 'no quota: the user has not subscribed (or used every subscription)', attempts);
  return {
    action: 'send',
    record: { key, status: 'claimed', attempts: attempts + 1, leaseUntil: new Date(now.getTime() + SEND_LEASE_MS).toISOString(), cause: null, updatedAt: at },
    quotaDelta: unknown ? 0 : -1,
  };
}

export interface SettledSend {
  record: ReminderRecord;
  /** The ledger's move: give back the send taken at the claim (`refund`), empty it (`empty`), or leave it. */
  quota: 'keep' | 'refund' | 'empty';
  counted: 'sent' | 'skipped' | 'failed';
}

/**
 * What a send's outcome writes, for the record claimed by this run (written only if the record
 * is still this claim: same attempt, status `claimed`). A send WeChat did not take gives its
 * quota back; one it may have taken keeps it used.
 * @example settleSend({ key: 'k', status: 'claimed', attempts: 1, leaseUntil: '2026-11-25T01:32:00.000Z', cause: null, updatedAt: '2026-11-25T01:30:00.000Z' }, { status: 'sent' }, new Date('2026-11-25T01:30:01Z')).record.status // => 'sent'
 */
export function settleSend(claimed: ReminderRecord, outcome: SendOutcome, now: Date): SettledSend {
  const base = { key: claimed.key, attempts: claimed.attempts, leaseUntil: null, updatedAt: now.toISOString() };
  switch (outcome.status) {
    case 'sent':
      return { record: { ...base, status: 'sent', cause: null }, quota: 'keep', counted: 'sent' };
    case 'no-quota':
      return { record: { ...base, status: 'skipped', cause: `no quota (43101): ${outcome.cause}` }, quota: 'empty', counted: 'skipped' };
    case 'config':
      return { record: { ...base, status: 'skipped', cause: `configuration: ${outcome.cause}` }, quota: 'refund', counted: 'skipped' };
    case 'permanent':
      return { record: { ...base, status: 'failed', cause: `${outcome.errcode}: ${outcome.cause}` }, quota: 'refund', counted: 'failed' };
    case 'retryable': {
      const last = claimed.attempts >= MAX_SEND_ATTEMPTS;
      return {
        record: { ...base, status: last ? 'failed' : 'retry', cause: outcome.cause },
        quota: outcome.maybeSent ? 'keep' : 'refund',
        counted: 'failed',
      };
    }
  }
}

/**
 * The ledger's count after a settle.
 * @example quotaAfter(2, 'empty') // => 0
 */
export function quotaAfter(quota: number, move: SettledSend['quota']): number {
  if (move === 'empty') return 0;
  return move === 'refund' ? quota + 1 : quota;
}

// ---------------------------------------------------------------------------------------------
// The facts a store reads inside the claim's transaction, and the one rule that judges them

/** What the claim's transaction read of the reminder's subject; null when it is gone. */
export type SubjectFacts =
  | { kind: 'booking'; openid: string; status: BookingStatus; start: string; end: string }
  | { kind: 'bill'; paid: boolean; dueDate: string }
  | null;

/**
 * Whether a reminder of `templateKey` is due for this subject and recipient at `now` (the due rules
 * above): a booking's messages go only to its customer; a subject that is gone, or of the other
 * kind, is never due.
 * @example subjectDue('bookingConfirmed', 'o1', { kind: 'booking', openid: 'o1', status: 'confirmed', start: '2026-11-25T10:00:00+08:00', end: '2026-11-25T11:00:00+08:00' }, new Date('2026-11-25T01:00:00Z')) // => true
 */
export function subjectDue(templateKey: TemplateKey, openid: string, facts: SubjectFacts, now: Date): boolean {
  if (facts === null) return false;
  if (facts.kind === 'booking') {
    // To the store's staff, whom the run found by the booking's store (not its customer).
    if (templateKey === 'newBooking') return newBookingDue(facts, now);
    if (facts.openid !== openid) return false;
    if (templateKey === 'bookingChanged') return bookingChangedDue(facts, now);
    if (templateKey === 'bookingReminder') return bookingReminderDue(facts, now);
    if (templateKey === 'bookingConfirmed') return bookingConfirmedDue(facts, now);
    return false;
  }
  return templateKey === 'billDue' && billReminderDue(facts, now);
}

/**
 * How far back the timer looks for confirmations not yet sent: a booking confirmed longer ago
 * than this whose message never went (every run failed for a day) is not looked at again.
 */
export const CONFIRMED_LOOKBACK_MS = 24 * 3600_000;

/**
 * How far back the timer looks for bookings made (or moved) that staff should hear of: a few runs.
 * Staff are told at once or not at all, so that a subscription accepted later is not spent on
 * bookings made long before it.
 */
export const NEW_BOOKING_LOOKBACK_MS = 15 * 60_000;

/**
 * The subject part of a booking message's key: the booking, and how many times it was moved, so
 * that a rescheduled booking's reminder, confirmation and staff message go once for each slot.
 * @example bookingSubjectKey({ id: 'bk_1', moves: 2 }) // => 'bk_1~2'
 */
export const bookingSubjectKey = (b: { id: string; moves: number }): string => (b.moves > 0 ? `${b.id}~${b.moves}` : b.id);

/** The quota ledger with every template key (0 when absent), as `grant` answers it. */
export function fullQuota(quota: QuotaIncrements): Record<TemplateKey, number> {
  return Object.fromEntries(TEMPLATE_KEYS.map((key) => [key, Math.max(0, quota[key] ?? 0)])) as Record<TemplateKey, number>;
}
