/**
 * Subscribe messages (docs/reminders.md): the `subscriptions` actions and one run of the
 * `reminders` timer. A run finds what is due (bookings starting within 30 minutes, bookings
 * confirmed lately, bills due in 3 days), and for each reminder not yet over: claims it (one
 * transaction: the record, the quota, the subject's facts, `claimReminder`), sends only if it
 * claimed, and settles the outcome (a second transaction, only while the claim is still its own).
 */
import type { GrantParams, GrantResult, RemindersRunResult, TemplatesResult } from '../../../shared/contract/subscriptions';
import { fail, ok, type Result } from '../../../shared/result';
import { bookingSubjectKey, CONFIRMED_LOOKBACK_MS, fullQuota, grantIncrements, NEW_BOOKING_LOOKBACK_MS, reminderKey } from '../../../shared/reminders';
import { addDays } from '../../../shared/slots';
import { DEFAULT_TIMEZONE, wallClock } from '../../../shared/time';
import {
  BILL_REMINDER_DAYS_BEFORE,
  TEMPLATE_KEYS,
  billDueMessage,
  bookingChangedMessage,
  bookingConfirmedMessage,
  bookingReminderMessage,
  newBookingMessage,
  type SubscribeMessage,
  type TemplateKey,
} from '../../../shared/subscribe-message';
import { BILL_REMINDER_LATE_DAYS, type AccountType } from '../../../shared/bills';
import type { Booking } from '../../../shared/booking';
import type { Call, Ports, ReminderSubject, UserCall } from '../ports';

export type ReminderPorts = Pick<Ports, 'places' | 'bookings' | 'bills' | 'reminders' | 'bookingReminders' | 'billReminders' | 'notify'> & {
  /** Whom `newBooking` goes to (issue 19); without it no staff message is sent. */
  staff?: Pick<Ports['staff'], 'staffOf'>;
};

/** `subscriptions.templates`: the template ids the mini program asks `wx.requestSubscribeMessage` for. */
export async function templates(ports: Pick<Ports, 'notify'>): Promise<Result<TemplatesResult>> {
  const ids = ports.notify.templateIds;
  return ok({ templates: Object.fromEntries(TEMPLATE_KEYS.map((key) => [key, ids[key] ?? null])) as TemplatesResult['templates'] });
}

/** `subscriptions.grant`: each accepted template of this deployment adds one send to the caller's ledger. */
export async function grant(ports: Pick<Ports, 'notify' | 'reminders'>, p: GrantParams, call: UserCall): Promise<Result<GrantResult>> {
  const judged = grantIncrements(p.results, ports.notify.templateIds);
  if (!judged.ok) return fail('INVALID_ARGUMENT', judged.message);
  const after = await ports.reminders.grant(call.caller, judged.increments, call.now);
  return ok({ quota: fullQuota(after) });
}

/** `subscriptions.quota`: the caller's sends left per template (the staff desk shows its `newBooking`). */
export async function quota(ports: Pick<Ports, 'reminders'>, _p: Record<string, never>, call: UserCall): Promise<Result<GrantResult>> {
  return ok({ quota: fullQuota(await ports.reminders.quota(call.caller)) });
}

/** One reminder found due by a query: whom, about what, and the message (built before the claim). */
interface Candidate {
  key: string;
  openid: string;
  templateKey: TemplateKey;
  subject: ReminderSubject;
  message: SubscribeMessage;
}

/**
 * How a run spends its function's time (docs/scale.md "Reminders at chain scale"): at most
 * `concurrency` reminders in flight (claim, send, settle), and no new one taken once `budgetMs`
 * have passed on `elapsedMs` since the run began; the rest is left unclaimed for the next run.
 */
export interface ReminderRunOptions {
  concurrency: number;
  budgetMs: number;
  /** A monotonic clock in milliseconds (tests inject one so that no assertion depends on wall time). */
  elapsedMs: () => number;
}

/** Sends in flight at once: 16 answers of ~50 ms each are ~300 sends a second, far under WeChat's limits. */
export const REMINDER_CONCURRENCY = 16;
/**
 * What a run keeps of its function's timeout for the work it has already taken: one send waiting
 * out its timeout (WECHAT_API_TIMEOUT_MS, 5 s by default) after a token fetch that did too, the
 * settle, and the platform's start-up.
 */
export const REMINDER_MARGIN_MS = 15_000;

/** The budget of a run in a function whose timeout is `timeoutSec` (cloudbaserc.json), less the margin. */
export function reminderBudgetMs(timeoutSec: number): number {
  return Math.max(1_000, timeoutSec * 1000 - REMINDER_MARGIN_MS);
}

const monotonicMs = () => performance.now();

/**
 * One run of the reminders timer at `call.now`. Safe to run several times at once: each reminder
 * is claimed in a transaction before its send, so overlapping runs send it once. Everything due is
 * found (every query pages); what the budget leaves is found again, not yet done, by the next run.
 */
export async function runReminders(
  ports: ReminderPorts,
  call: Call,
  log: (line: Record<string, unknown>) => void = logLine,
  options: Partial<ReminderRunOptions> = {},
): Promise<Result<RemindersRunResult>> {
  const { now } = call;
  const elapsedMs = options.elapsedMs ?? monotonicMs;
  const began = elapsedMs();
  const budgetMs = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? REMINDER_CONCURRENCY));
  const counts: RemindersRunResult = { sent: 0, skipped: 0, failed: 0 };
  const candidates = await findDue(ports, now);
  // Claims whose sender died and that no query finds any more: the claim resolves them (or sends, once).
  const found = new Set(candidates.map((c) => c.key));
  for (const stale of await ports.reminders.expiredClaims(now)) {
    if (found.has(stale.key)) continue;
    const orphan = await candidateOf(ports, stale);
    if (orphan) candidates.push(orphan);
  }
  const over = await ports.reminders.done(candidates.map((c) => c.key));
  const loggedBlocked = new Set<TemplateKey>();
  const open: Candidate[] = [];
  for (const c of candidates) {
    if (over.has(c.key)) continue;
    // A missing or bad setting: skipped without a claim (the reminder goes once the setting is fixed, while still due).
    const blocked = ports.notify.blocked(c.templateKey);
    if (blocked !== null) {
      counts.skipped++;
      if (!loggedBlocked.has(c.templateKey))
        log({ fn: 'reminders', level: 'error', templateKey: c.templateKey, variable: blocked.variable, message: `skipped: ${blocked.message}` });
      loggedBlocked.add(c.templateKey);
      continue;
    }
    open.push(c);
  }

  const one = async (c: Candidate): Promise<void> => {
    const decision = await ports.reminders.claim({ key: c.key, openid: c.openid, templateKey: c.templateKey, subject: c.subject, now });
    if (decision.action === 'none') return;
    if (decision.action === 'resolve') {
      counts[decision.counted]++;
      return;
    }
    const outcome = await ports.notify.messenger.send({ openid: c.openid, ...c.message }, now);
    const settled = await ports.reminders.settle({ claimed: decision.record, openid: c.openid, templateKey: c.templateKey, outcome, now });
    // null: the lease ran out during the send and another run claimed again; that run counts it.
    if (settled !== null) counts[settled.counted]++;
    if (settled !== null && settled.counted !== 'sent')
      log({ fn: 'reminders', templateKey: c.templateKey, outcome: outcome.status, record: settled.record.status, cause: settled.record.cause });
  };
  // `concurrency` workers take the next reminder while the budget lasts; a taken one runs to its settle.
  // An error (the function stopping, the database refusing) stops every worker taking more; the
  // run ends once the work in flight has, and throws the first error.
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < open.length && elapsedMs() - began < budgetMs) {
      try {
        await one(open[next++]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, open.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  const left = open.length - next;
  if (left > 0) log({ fn: 'reminders', level: 'warn', message: `budget of ${budgetMs} ms spent: ${left} reminders left to the next run`, left });
  return ok(counts);
}

/**
 * The candidate of a claim found by its record rather than by a query: its message is built from
 * the subject as it is now. A subject that is gone gets a message of placeholders: the claim reads
 * it missing and records the reminder skipped without sending.
 */
async function candidateOf(ports: ReminderPorts, claim: Omit<Candidate, 'message'>): Promise<Candidate | null> {
  if (claim.subject.kind === 'booking') {
    const b = await ports.bookings.get(claim.subject.id);
    if (b && claim.templateKey !== 'billDue')
      return { ...(await bookingCandidates(ports, [b], claim.templateKey, () => [claim.openid]))[0], key: claim.key, openid: claim.openid };
    const gone = { bookingId: claim.subject.id, storeName: '-', start: new Date(0).toISOString(), timezone: DEFAULT_TIMEZONE, code: '-' };
    return { ...claim, message: bookingReminderMessage(gone) };
  }
  const bill = await ports.bills.billOf(claim.openid, claim.subject.id);
  const facts = {
    billId: claim.subject.id,
    accountType: (bill && bill.type !== 'ride' ? bill.type : 'electricity') as AccountType,
    accountNo: bill?.accountNo ?? '-',
    amountFen: bill?.amountFen ?? 0,
    dueDate: bill?.dueDate ?? '1970-01-01',
  };
  return { ...claim, message: billDueMessage(facts, ports.notify.fieldMaps.billDue) };
}

/** A JSON log line on stdout (CloudBase's function log; the local host's console). */
const logLine = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

type BookingTemplate = 'bookingReminder' | 'bookingConfirmed' | 'bookingChanged' | 'newBooking';

/**
 * The booking messages of these bookings, their messages built with each store's name and time
 * zone, to each recipient (the customer; for `newBooking`, each staff member of the store).
 */
async function bookingCandidates(
  ports: ReminderPorts,
  bookings: readonly Booking[],
  templateKey: BookingTemplate,
  recipients: (b: Booking) => readonly string[] | Promise<readonly string[]> = (b) => [b.openid],
): Promise<Candidate[]> {
  const stores = new Map<string, { name: string; timezone: string }>();
  const out: Candidate[] = [];
  for (const b of bookings) {
    let store = stores.get(b.storeId);
    if (!store) {
      const found = await ports.places.get('store', b.storeId);
      store = { name: found?.name ?? b.storeId, timezone: found?.timezone ?? DEFAULT_TIMEZONE };
      stores.set(b.storeId, store);
    }
    const facts = { bookingId: b.id, storeName: store.name, start: b.start, timezone: store.timezone, code: b.code };
    const maps = ports.notify.fieldMaps;
    let message: SubscribeMessage;
    if (templateKey === 'bookingReminder') message = bookingReminderMessage(facts, maps.bookingReminder);
    else if (templateKey === 'bookingConfirmed') message = bookingConfirmedMessage(facts, maps.bookingConfirmed);
    else if (templateKey === 'bookingChanged') message = bookingChangedMessage({ ...facts, reason: b.reason ?? '-' }, maps.bookingChanged);
    else
      message = newBookingMessage(
        { ...facts, storeId: b.storeId, slotDate: b.slotDate, partySize: b.partySize, contactName: b.contact?.name ?? null },
        maps.newBooking,
      );
    // A rescheduled booking's messages are new ones for its new slot (the key carries the move).
    const subjectKey = bookingSubjectKey(b);
    for (const openid of new Set(await recipients(b)))
      out.push({ key: reminderKey(templateKey, subjectKey, openid), openid, templateKey, subject: { kind: 'booking', id: b.id }, message });
  }
  return out;
}

async function findDue(ports: ReminderPorts, now: Date): Promise<Candidate[]> {
  const out: Candidate[] = [];
  out.push(...(await bookingCandidates(ports, await ports.bookingReminders.startingSoon(now), 'bookingReminder')));
  out.push(
    ...(await bookingCandidates(ports, await ports.bookingReminders.confirmedSince(new Date(now.getTime() - CONFIRMED_LOOKBACK_MS), now), 'bookingConfirmed')),
  );
  // Issue 19: the customer told of a rejection; each staff member of the store told of a booking waiting for them.
  const since = new Date(now.getTime() - CONFIRMED_LOOKBACK_MS);
  out.push(...(await bookingCandidates(ports, await ports.bookingReminders.rejectedSince(since, now), 'bookingChanged')));
  if (ports.staff) {
    // Only staff with quota left: one without is not recorded as skipped, and the short look-back
    // keeps a later subscription from being spent on bookings made long before it.
    const staff = ports.staff;
    const staffOf = new Map<string, Promise<string[]>>();
    const withQuota = async (storeId: string) => {
      const out: string[] = [];
      for (const openid of await staff.staffOf(storeId)) if (((await ports.reminders.quota(openid)).newBooking ?? 0) > 0) out.push(openid);
      return out;
    };
    const toStaff = (b: Booking) => {
      if (!staffOf.has(b.storeId)) staffOf.set(b.storeId, withQuota(b.storeId));
      return staffOf.get(b.storeId) as Promise<string[]>;
    };
    const made = await ports.bookingReminders.pendingSince(new Date(now.getTime() - NEW_BOOKING_LOOKBACK_MS), now);
    out.push(...(await bookingCandidates(ports, made, 'newBooking', toStaff)));
  }

  const today = wallClock(now, DEFAULT_TIMEZONE).date;
  // From bills up to a week overdue (imported or bound late: reminded once, at this run) to those due in 3 days.
  for (const { bill, openids } of await ports.billReminders.unpaidDueBetween(
    addDays(today, -BILL_REMINDER_LATE_DAYS),
    addDays(today, BILL_REMINDER_DAYS_BEFORE),
  )) {
    const message = billDueMessage({ ...bill, today }, ports.notify.fieldMaps.billDue);
    for (const openid of new Set(openids))
      out.push({ key: reminderKey('billDue', bill.billId, openid), openid, templateKey: 'billDue', subject: { kind: 'bill', id: bill.billId }, message });
  }
  return out;
}
