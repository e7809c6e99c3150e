import { ACTIVE_STATUSES_SQL, type Booking, type BookingStatus } from '../../../shared/booking';
import {
  applyGrant,
  claimReminder,
  claimStillOurs,
  isDoneStatus,
  quotaAfter,
  settleSend,
  subjectDue,
  type QuotaIncrements,
  type ReminderRecord,
  type ReminderStatus,
  type SubjectFacts,
} from '../../../shared/reminders';
import { isTemplateKey, type TemplateKey } from '../../../shared/subscribe-message';
import type { OutboxMessage, OutboxStorage } from '../ports';
import type { BillReminderSource, BookingReminderQueries, ClaimDecision, DueBill, ReminderStore, SettledSend } from '../ports';
import { toBooking, type BookingRow } from './bookings';
import type { AccountType } from '../../../shared/bills';
import { atomically, type Db } from './db';
import { BOOKING_REMINDER_LEAD_MIN } from '../../../shared/subscribe-message';
import { allPages } from './paging';

interface ReminderRow {
  key: string;
  status: ReminderStatus;
  attempts: number;
  lease_until: string | null;
  cause: string | null;
  updated_at: string;
}

const toRecord = (r: ReminderRow): ReminderRecord => ({
  key: r.key,
  status: r.status,
  attempts: r.attempts,
  leaseUntil: r.lease_until,
  cause: r.cause,
  updatedAt: r.updated_at,
});

/**
 * Reminders in SQLite (docs/reminders.md). `claim` and `settle` are each one IMMEDIATE
 * transaction that reads the record, the ledger and (for a claim) the subject's facts, asks the
 * rule in shared/reminders.ts and writes its answer; `remaining >= 0` stands behind the rule.
 */
export function sqliteReminders(db: Db): ReminderStore {
  const recordOf = db.prepare('SELECT key, status, attempts, lease_until, cause, updated_at FROM reminders WHERE key = ?');
  const quotaRows = db.prepare('SELECT template_key, remaining FROM reminder_quota WHERE openid = ?');
  const quotaOne = db.prepare('SELECT remaining FROM reminder_quota WHERE openid = ? AND template_key = ?').pluck();
  const setQuota = db.prepare(
    `INSERT INTO reminder_quota (openid, template_key, remaining, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (openid, template_key) DO UPDATE SET remaining = excluded.remaining, updated_at = excluded.updated_at`,
  );
  const writeRecord = db.prepare(
    `INSERT INTO reminders (key, openid, template_key, subject_id, status, attempts, lease_until, cause, updated_at)
     VALUES (@key, @openid, @templateKey, @subjectId, @status, @attempts, @leaseUntil, @cause, @updatedAt)
     ON CONFLICT (key) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, lease_until = excluded.lease_until, cause = excluded.cause, updated_at = excluded.updated_at`,
  );
  const bookingFacts = db.prepare('SELECT openid, status, start, end_at FROM bookings WHERE id = ?');
  const expired = db.prepare(
    `SELECT key, openid, template_key, subject_id, lease_until FROM reminders WHERE status = 'claimed' AND lease_until <= @now
     AND (lease_until, key) > (@afterLease, @afterKey) ORDER BY lease_until, key LIMIT @size`,
  );
  const billFacts = db.prepare('SELECT status, due_date FROM bills WHERE id = ?');

  const ledgerOf = (openid: string): QuotaIncrements => {
    const out: QuotaIncrements = {};
    for (const row of quotaRows.all(openid) as { template_key: string; remaining: number }[])
      if (isTemplateKey(row.template_key)) out[row.template_key] = row.remaining;
    return out;
  };
  const remainingOf = (openid: string, key: TemplateKey): number => (quotaOne.get(openid, key) as number | undefined) ?? 0;
  const read = (key: string): ReminderRecord | null => {
    const row = recordOf.get(key) as ReminderRow | undefined;
    return row === undefined ? null : toRecord(row);
  };
  const factsOf = (kind: 'booking' | 'bill', id: string): SubjectFacts => {
    if (kind === 'booking') {
      const b = bookingFacts.get(id) as { openid: string; status: BookingStatus; start: string; end_at: string } | undefined;
      return b === undefined ? null : { kind: 'booking', openid: b.openid, status: b.status, start: b.start, end: b.end_at };
    }
    const bill = billFacts.get(id) as { status: string; due_date: string | null } | undefined;
    return bill === undefined || bill.due_date === null ? null : { kind: 'bill', paid: bill.status === 'paid', dueDate: bill.due_date };
  };
  const write = (record: ReminderRecord, openid: string, templateKey: TemplateKey, subjectId: string) =>
    writeRecord.run({ ...record, openid, templateKey, subjectId });

  return {
    async grant(openid, increments, now) {
      return atomically(db, () => {
        const after = applyGrant(ledgerOf(openid), increments);
        for (const [key, remaining] of Object.entries(after)) if (increments[key as TemplateKey]) setQuota.run(openid, key, remaining, now.toISOString());
        return after;
      });
    },

    async quota(openid) {
      return ledgerOf(openid);
    },

    async claim({ key, openid, templateKey, subject, now }) {
      return atomically<ClaimDecision>(db, () => {
        const quota = remainingOf(openid, templateKey);
        const due = subjectDue(templateKey, openid, factsOf(subject.kind, subject.id), now);
        const decision = claimReminder({ key, record: read(key), quota, due, now });
        if (decision.action === 'none') return decision;
        write(decision.record, openid, templateKey, subject.id);
        if (decision.action === 'send') setQuota.run(openid, templateKey, quota + decision.quotaDelta, now.toISOString());
        return decision;
      });
    },

    async settle({ claimed, openid, templateKey, outcome, now }) {
      return atomically<SettledSend | null>(db, () => {
        const current = read(claimed.key);
        if (!claimStillOurs(current, claimed)) return null;
        const settled = settleSend(claimed, outcome, now);
        writeRecord.run({ ...settled.record, openid, templateKey, subjectId: '' });
        if (settled.quota !== 'keep') setQuota.run(openid, templateKey, quotaAfter(remainingOf(openid, templateKey), settled.quota), now.toISOString());
        return settled;
      });
    },

    async get(key) {
      return read(key);
    },

    async done(keys) {
      const out = new Set<string>();
      for (const key of keys) {
        const record = read(key);
        if (record && isDoneStatus(record.status)) out.add(key);
      }
      return out;
    },

    async expiredClaims(now) {
      type Row = { key: string; openid: string; template_key: string; subject_id: string; lease_until: string };
      const rows = allPages(
        (after: [string, string] | null, size) =>
          expired.all({ now: now.toISOString(), afterLease: after?.[0] ?? '', afterKey: after?.[1] ?? '', size }) as Row[],
        (r): [string, string] => [r.lease_until, r.key],
      );
      return rows.flatMap((r) =>
        isTemplateKey(r.template_key)
          ? [{ key: r.key, openid: r.openid, templateKey: r.template_key, subject: { kind: subjectKindOf(r.template_key), id: r.subject_id } }]
          : [],
      );
    },
  };
}

/** What a template's reminders are about. */
export const subjectKindOf = (templateKey: TemplateKey): 'booking' | 'bill' => (templateKey === 'billDue' ? 'bill' : 'booking');

/** The bookings' reminder queries over the bookings table (indexes of migration 5). */
export function sqliteBookingReminders(db: Db): BookingReminderQueries {
  // start − 30 min ≤ now < start  ⇔  now < start ≤ now + 30 min; slot_key is the start as UTC ISO.
  // Paged by (key, id): a key that never repeats (sqlite/paging.ts).
  const soon = db.prepare(
    `SELECT * FROM bookings WHERE status IN (${ACTIVE_STATUSES_SQL}) AND slot_key > @from AND slot_key <= @until
     AND (slot_key, id) > (@afterKey, @afterId) ORDER BY slot_key, id LIMIT @size`,
  );
  const confirmed = db.prepare(
    `SELECT * FROM bookings WHERE status = 'confirmed' AND updated_at >= @since AND end_key > @now
     AND (updated_at, id) > (@afterKey, @afterId) ORDER BY updated_at, id LIMIT @size`,
  );
  const pending = db.prepare(
    `SELECT * FROM bookings WHERE status = 'pending' AND updated_at >= @since AND end_key > @now
     AND (updated_at, id) > (@afterKey, @afterId) ORDER BY updated_at, id LIMIT @size`,
  );
  const rejected = db.prepare(
    `SELECT * FROM bookings WHERE status = 'rejected' AND updated_at >= @since AND end_key > @now
     AND (updated_at, id) > (@afterKey, @afterId) ORDER BY updated_at, id LIMIT @size`,
  );
  const paged = (stmt: typeof soon, params: Record<string, string>, keyOf: (r: BookingRow) => string) =>
    allPages(
      (after: [string, string] | null, size) => stmt.all({ ...params, afterKey: after?.[0] ?? '', afterId: after?.[1] ?? '', size }) as BookingRow[],
      (r): [string, string] => [keyOf(r), r.id],
    ).map(toBooking);
  return {
    async startingSoon(now) {
      const until = new Date(now.getTime() + BOOKING_REMINDER_LEAD_MIN * 60_000).toISOString();
      return paged(soon, { from: now.toISOString(), until }, (r) => (r as BookingRow & { slot_key: string }).slot_key);
    },
    async confirmedSince(since, now) {
      return paged(confirmed, { since: since.toISOString(), now: now.toISOString() }, (r) => r.updated_at);
    },
    async pendingSince(since, now) {
      return paged(pending, { since: since.toISOString(), now: now.toISOString() }, (r) => r.updated_at);
    },
    async rejectedSince(since, now) {
      return paged(rejected, { since: since.toISOString(), now: now.toISOString() }, (r) => r.updated_at);
    },
  };
}

/** The local outbox's messages in SQLite: `GET /outbox` shows them across restarts of the host. */
export function sqliteOutboxStorage(db: Db): OutboxStorage {
  const insert = db.prepare('INSERT INTO outbox (openid, template_key, page, data, sent_at) VALUES (@openid, @templateKey, @page, @data, @sentAt)');
  const all = db.prepare('SELECT openid, template_key AS templateKey, page, data, sent_at AS sentAt FROM outbox ORDER BY seq');
  const wipe = db.prepare('DELETE FROM outbox');
  return {
    append: (m) => insert.run({ ...m, data: JSON.stringify(m.data) }),
    list: () => (all.all() as (Omit<OutboxMessage, 'data'> & { data: string })[]).map((m) => ({ ...m, data: JSON.parse(m.data) })),
    clear: () => wipe.run(),
  };
}

/**
 * The bills' reminder query over the bills issue's tables: unpaid utility bills due in a date
 * range, each with every user bound to its account now (`account_bindings`; indexes of migration 6).
 */
export function sqliteBillReminders(db: Db): BillReminderSource {
  const due = db.prepare(
    `SELECT b.id, b.type, b.account_no, b.amount_fen, b.due_date, ab.openid FROM bills b
     JOIN account_bindings ab ON ab.biller_id = b.biller_id AND ab.account_no = b.account_no
     WHERE b.type <> 'ride' AND b.status = 'unpaid' AND b.due_date >= @fromDate AND b.due_date <= @toDate
     AND (b.due_date, b.id, ab.openid) > (@afterDue, @afterId, @afterOpenid)
     ORDER BY b.due_date, b.id, ab.openid LIMIT @size`,
  );
  type DueRow = { id: string; type: AccountType; account_no: string; amount_fen: number; due_date: string; openid: string };
  return {
    async unpaidDueBetween(fromDate, toDate) {
      const byBill = new Map<string, DueBill>();
      const rows = allPages(
        (after: [string, string, string] | null, size) =>
          due.all({ fromDate, toDate, afterDue: after?.[0] ?? '', afterId: after?.[1] ?? '', afterOpenid: after?.[2] ?? '', size }) as DueRow[],
        (r): [string, string, string] => [r.due_date, r.id, r.openid],
      );
      for (const r of rows) {
        let entry = byBill.get(r.id);
        if (!entry) {
          entry = { bill: { billId: r.id, accountType: r.type, accountNo: r.account_no, amountFen: r.amount_fen, dueDate: r.due_date }, openids: [] };
          byBill.set(r.id, entry);
        }
        entry.openids.push(r.openid);
      }
      return [...byBill.values()];
    },
  };
}
