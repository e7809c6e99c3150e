/**
 * Subscribe messages (docs/reminders.md): the `subscriptions` actions and one run of the
 * `reminders` timer. A run finds what is due (bookings starting within 30 minutes, bookings
 * confirmed lately, bills due in 3 days), and for each reminder not yet over: claims it (one
 * transaction: the record, the quota, the subject's facts, `claimReminder`), sends only if it
 * claimed, and settles the outcome (a second transaction, only while the claim is still its own).
 */
import type { GrantParams, GrantResult, RemindersRunResult, TemplatesResult } from '../../../shared/contract/subscriptions';
import { fail, ok, type Result } from '../../../shared/result';
import { CONFIRMED_LOOKBACK_MS, fullQuota, grantIncrements, reminderKey } from '../../../shared/reminders';
import { addDays } from '../../../shared/slots';
import { DEFAULT_TIMEZONE, wallClock } from '../../../shared/time';
import {
  BILL_REMINDER_DAYS_BEFORE,
  TEMPLATE_KEYS,
  billDueMessage,
  bookingConfirmedMessage,
  bookingReminderMessage,
  type SubscribeMessage,
  type TemplateKey,
} from '../../../shared/subscribe-message';
import type { Booking } from '../../../shared/booking';
import type { Call, Ports, ReminderSubject, UserCall } from '../ports';

export type ReminderPorts = Pick<Ports, 'places' | 'reminders' | 'bookingReminders' | 'billReminders' | 'notify'>;

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

/** One reminder found due by a query: whom, about what, and the message (built before the claim). */
interface Candidate {
  key: string;
  openid: string;
  templateKey: TemplateKey;
  subject: ReminderSubject;
  message: SubscribeMessage;
}

/**
 * One run of the reminders timer at `call.now`. Safe to run several times at once: each reminder
 * is claimed in a transaction before its send, so overlapping runs send it once.
 */
export async function runReminders(ports: ReminderPorts, call: Call, log: (line: Record<string, unknown>) => void = logLine): Promise<Result<RemindersRunResult>> {
  const { now } = call;
  const counts: RemindersRunResult = { sent: 0, skipped: 0, failed: 0 };
  const candidates = await findDue(ports, now);
  const over = await ports.reminders.done(candidates.map((c) => c.key));
  const loggedBlocked = new Set<TemplateKey>();
  for (const c of candidates) {
    if (over.has(c.key)) continue;
    // A missing or bad setting: skipped without a claim (the reminder goes once the setting is fixed, while still due).
    const blocked = ports.notify.blocked(c.templateKey);
    if (blocked !== null) {
      counts.skipped++;
      if (!loggedBlocked.has(c.templateKey)) log({ fn: 'reminders', level: 'error', templateKey: c.templateKey, variable: blocked.variable, message: `skipped: ${blocked.message}` });
      loggedBlocked.add(c.templateKey);
      continue;
    }
    const decision = await ports.reminders.claim({ key: c.key, openid: c.openid, templateKey: c.templateKey, subject: c.subject, now });
    if (decision.action === 'none') continue;
    if (decision.action === 'resolve') {
      counts[decision.counted]++;
      continue;
    }
    const outcome = await ports.notify.messenger.send({ openid: c.openid, ...c.message }, now);
    const settled = await ports.reminders.settle({ claimed: decision.record, openid: c.openid, templateKey: c.templateKey, outcome, now });
    // null: the lease ran out during the send and another run claimed again; that run counts it.
    if (settled !== null) counts[settled.counted]++;
    if (settled !== null && settled.counted !== 'sent') log({ fn: 'reminders', templateKey: c.templateKey, outcome: outcome.status, record: settled.record.status, cause: settled.record.cause });
  }
  return ok(counts);
}

/** A JSON log line on stdout (CloudBase's function log; the local host's console). */
const logLine = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

async function findDue(ports: ReminderPorts, now: Date): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const stores = new Map<string, { name: string; timezone: string }>();
  const storeOf = async (storeId: string) => {
    let found = stores.get(storeId);
    if (!found) {
      const store = await ports.places.get('store', storeId);
      found = { name: store?.name ?? storeId, timezone: store?.timezone ?? DEFAULT_TIMEZONE };
      stores.set(storeId, found);
    }
    return found;
  };
  const bookingCandidate = async (b: Booking, templateKey: 'bookingReminder' | 'bookingConfirmed'): Promise<Candidate> => {
    const store = await storeOf(b.storeId);
    const facts = { bookingId: b.id, storeName: store.name, start: b.start, timezone: store.timezone, code: b.code };
    const maps = ports.notify.fieldMaps;
    const message = templateKey === 'bookingReminder' ? bookingReminderMessage(facts, maps.bookingReminder) : bookingConfirmedMessage(facts, maps.bookingConfirmed);
    return { key: reminderKey(templateKey, b.id, b.openid), openid: b.openid, templateKey, subject: { kind: 'booking', id: b.id }, message };
  };

  for (const b of await ports.bookingReminders.startingSoon(now)) out.push(await bookingCandidate(b, 'bookingReminder'));
  for (const b of await ports.bookingReminders.confirmedSince(new Date(now.getTime() - CONFIRMED_LOOKBACK_MS), now)) out.push(await bookingCandidate(b, 'bookingConfirmed'));

  // Null until the bills issue supplies the query: bill reminders are then not sent (docs/reminders.md).
  if (ports.billReminders !== null) {
    const today = wallClock(now, DEFAULT_TIMEZONE).date;
    for (const { bill, openids } of await ports.billReminders.unpaidDueBetween(today, addDays(today, BILL_REMINDER_DAYS_BEFORE))) {
      const message = billDueMessage(bill, ports.notify.fieldMaps.billDue);
      for (const openid of new Set(openids)) out.push({ key: reminderKey('billDue', bill.billId, openid), openid, templateKey: 'billDue', subject: { kind: 'bill', id: bill.billId }, message });
    }
  }
  return out;
}
