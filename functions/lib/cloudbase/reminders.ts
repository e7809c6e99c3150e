import { ACTIVE_STATUSES, type BookingStatus } from '../../../shared/booking';
import type { RandomSource } from '../../../shared/checkin-code';
import {
  applyGrant,
  claimHeld,
  claimReminder,
  claimStillOurs,
  isDoneStatus,
  ourClaim,
  quotaAfter,
  settleSend,
  subjectDue,
  type QuotaIncrements,
  type ReminderRecord,
  type SubjectFacts,
} from '../../../shared/reminders';
import { BOOKING_REMINDER_LEAD_MIN, TEMPLATE_KEYS, type TemplateKey } from '../../../shared/subscribe-message';
import type { BillReminderSource, BookingReminderQueries, ClaimDecision, DueBill, ReminderStore, SettledSend } from '../ports';
import { ACCOUNT_TYPES, type AccountType } from '../../../shared/bills';
import { cryptoRandom } from '../random';
import { BOOKING_COLLECTIONS, toBooking } from './bookings';
import type { CloudbaseDb } from './db';
import type { ChainQuery, Doc, DocTransaction } from './sdk';
import { readAll, type PagedQuery, type PagingCommand } from './paging';
import { inTransaction } from './transaction';

/**
 * Reminders in CloudBase (docs/reminders.md). `grant`, `claim` and `settle` are each ONE
 * `runTransaction` of `doc(id)` reads and writes (the only operations that join a transaction),
 * reading the facts and writing what shared/reminders.ts answers, all or nothing:
 * - `reminders/{key}`: the record; `_id` = the reminder key (`bookingReminder:<bookingId>:<openid>`),
 *   so two runs claiming one reminder meet on one document and one of them conflicts;
 * - `reminder_quota/{openid}`: `quota: { [templateKey]: remaining }`, the user's ledger;
 * - the subject read in the claim: `bookings/{id}` (`openid`, `status`, `start`, `end`) or
 *   `bills/{id}` (`status` "paid" | "unpaid", `dueDate` "YYYY-MM-DD": the fields the bills issue's
 *   documents must keep for this read).
 * Conflicts: `inTransaction` reruns, then throws `Contended` having written nothing.
 */
export const REMINDER_COLLECTIONS = { reminders: 'reminders', quota: 'reminder_quota', bills: 'bills' } as const;

export type RemindersTransaction = DocTransaction;
interface RemindersQuery extends ChainQuery<RemindersQuery> {
  /** A conditional update outside any transaction: atomic on each document; `updated` = documents changed. */
  update(data: object): Promise<{ updated?: number }>;
}
type RangeOp = { and(...others: unknown[]): unknown };

/** The slice of the SDK's database this adapter uses. */
export interface RemindersDb {
  command: {
    gt(value: unknown): RangeOp;
    gte(value: unknown): RangeOp;
    lte(value: unknown): unknown;
    in(values: unknown[]): unknown;
    elemMatch(query: object): unknown;
  } & PagingCommand;
  collection(name: string): RemindersQuery & PagedQuery & { doc(id: string): { get(): Promise<{ data: Doc[] }> } };
  runTransaction<T>(run: (tx: RemindersTransaction) => Promise<T>, times?: number): Promise<T>;
}

/** The SDK's database as this adapter's narrow interface (its `runTransaction` and `command` are declared loosely by the SDK). */
export function asRemindersDb(db: CloudbaseDb): RemindersDb {
  const checked: Omit<RemindersDb, 'runTransaction' | 'command'> = db;
  return checked as RemindersDb;
}

const toRecord = (d: Doc): ReminderRecord => ({
  key: d._id,
  status: d.status as ReminderRecord['status'],
  attempts: Number(d.attempts) || 0,
  leaseUntil: typeof d.leaseUntil === 'string' ? d.leaseUntil : null,
  cause: typeof d.cause === 'string' ? d.cause : null,
  updatedAt: String(d.updatedAt),
});

const ledgerOf = (d: Doc | null): QuotaIncrements => {
  const stored = (d?.quota ?? {}) as Record<string, unknown>;
  const out: QuotaIncrements = {};
  for (const key of TEMPLATE_KEYS) if (typeof stored[key] === 'number') out[key] = stored[key] as number;
  return out;
};

export function cloudbaseReminders(db: RemindersDb, random: RandomSource = cryptoRandom): ReminderStore {
  const _ = db.command;
  const transact = <T>(work: (tx: RemindersTransaction) => Promise<T>): Promise<T> => inTransaction(db, work, () => random.bytes(1)[0] / 256);

  const factsOf = async (tx: RemindersTransaction, kind: 'booking' | 'bill', id: string): Promise<SubjectFacts> => {
    if (kind === 'booking') {
      const b = (await tx.collection(BOOKING_COLLECTIONS.bookings).doc(id).get()).data;
      return b ? { kind: 'booking', openid: String(b.openid), status: b.status as BookingStatus, start: String(b.start), end: String(b.end) } : null;
    }
    const bill = (await tx.collection(REMINDER_COLLECTIONS.bills).doc(id).get()).data;
    return bill && typeof bill.dueDate === 'string' ? { kind: 'bill', paid: bill.status === 'paid', dueDate: bill.dueDate } : null;
  };
  const writeLedger = (tx: RemindersTransaction, openid: string, quota: QuotaIncrements, now: Date) =>
    tx.collection(REMINDER_COLLECTIONS.quota).doc(openid).set({ quota, updatedAt: now.toISOString() });

  return {
    async grant(openid, increments, now) {
      return transact(async (tx) => {
        const after = applyGrant(ledgerOf((await tx.collection(REMINDER_COLLECTIONS.quota).doc(openid).get()).data), increments);
        await writeLedger(tx, openid, after, now);
        return after;
      });
    },

    async quota(openid) {
      const { data } = await db.collection(REMINDER_COLLECTIONS.quota).doc(openid).get();
      return ledgerOf(data[0] ?? null);
    },

    async claim({ key, openid, templateKey, subject, now }) {
      return transact(async (tx): Promise<ClaimDecision> => {
        const ref = tx.collection(REMINDER_COLLECTIONS.reminders).doc(key);
        const stored = (await ref.get()).data;
        const record = stored ? toRecord(stored) : null;
        // Done or leased: nothing else to read or write.
        const held = claimHeld(record, now);
        if (held !== null) return { action: 'none', why: held };
        const ledger = ledgerOf((await tx.collection(REMINDER_COLLECTIONS.quota).doc(openid).get()).data);
        const quota = ledger[templateKey] ?? 0;
        const due = subjectDue(templateKey, openid, await factsOf(tx, subject.kind, subject.id), now);
        const decision = claimReminder({ key, record, quota, due, now });
        if (decision.action === 'none') return decision;
        const { key: _key, ...fields } = decision.record;
        await ref.set({ ...fields, openid, templateKey, subjectKind: subject.kind, subjectId: subject.id });
        if (decision.action === 'send') await writeLedger(tx, openid, { ...ledger, [templateKey]: quota + decision.quotaDelta }, now);
        return decision;
      });
    },

    async settle({ claimed, openid, templateKey, outcome, now }) {
      const settled = settleSend(claimed, outcome, now);
      if (settled.quota === 'keep') {
        // The ledger stays as it is (a send that went, or may have): one document changes, so one
        // conditional update does it atomically, its condition being "still this run's claim".
        const { key: _key, ...fields } = settled.record;
        const { updated } = await db
          .collection(REMINDER_COLLECTIONS.reminders)
          .where({ _id: claimed.key, ...ourClaim(claimed) })
          .update(fields);
        return updated === 1 ? settled : null;
      }
      return transact(async (tx): Promise<SettledSend | null> => {
        const ref = tx.collection(REMINDER_COLLECTIONS.reminders).doc(claimed.key);
        const stored = (await ref.get()).data;
        if (!claimStillOurs(stored, claimed)) return null;
        const { key: _key, ...fields } = settled.record;
        const { _id: _storedId, ...kept } = stored;
        await ref.set({ ...kept, ...fields });
        const ledger = ledgerOf((await tx.collection(REMINDER_COLLECTIONS.quota).doc(openid).get()).data);
        await writeLedger(tx, openid, { ...ledger, [templateKey]: quotaAfter(ledger[templateKey] ?? 0, settled.quota) }, now);
        return settled;
      });
    },

    async get(key) {
      const { data } = await db.collection(REMINDER_COLLECTIONS.reminders).doc(key).get();
      return data[0] ? toRecord(data[0]) : null;
    },

    async done(keys) {
      const out = new Set<string>();
      for (let i = 0; i < keys.length; i += 100) {
        const { data } = await db
          .collection(REMINDER_COLLECTIONS.reminders)
          .where({ _id: _.in(keys.slice(i, i + 100)) })
          .limit(100)
          .get();
        for (const d of data) if (isDoneStatus(d.status)) out.add(d._id);
      }
      return out;
    },

    async expiredClaims(now) {
      // Every claim past its lease, oldest lease first, a page at a time (index status_leaseUntil).
      const data = await readAll(
        () => db.collection(REMINDER_COLLECTIONS.reminders),
        _,
        { status: 'claimed', leaseUntil: _.lte(now.toISOString()) },
        'leaseUntil',
      );
      return data.flatMap((d) => {
        const templateKey = String(d.templateKey);
        if (!(TEMPLATE_KEYS as readonly string[]).includes(templateKey)) return [];
        const kind: 'booking' | 'bill' = d.subjectKind === 'bill' ? 'bill' : 'booking';
        return [{ key: d._id, openid: String(d.openid), templateKey: templateKey as TemplateKey, subject: { kind, id: String(d.subjectId) } }];
      });
    },
  };
}

/** The bookings' reminder queries over `bookings` (indexes `status_slotKey` and `status_updatedAt`, cloudbase/database.json). */
export function cloudbaseBookingReminders(db: RemindersDb): BookingReminderQueries {
  const _ = db.command;
  const bookings = () => db.collection(BOOKING_COLLECTIONS.bookings);
  return {
    async startingSoon(now) {
      // start − 30 min ≤ now < start  ⇔  now < start ≤ now + 30 min; slotKey is the start as UTC ISO.
      const until = new Date(now.getTime() + BOOKING_REMINDER_LEAD_MIN * 60_000).toISOString();
      const where = { status: _.in([...ACTIVE_STATUSES]), slotKey: _.gt(now.toISOString()).and(_.lte(until)) };
      return (await readAll(bookings, _, where, 'slotKey')).map(toBooking);
    },
    async confirmedSince(since, now) {
      const where = { status: 'confirmed', updatedAt: _.gte(since.toISOString()), endKey: _.gt(now.toISOString()) };
      return (await readAll(bookings, _, where, 'updatedAt')).map(toBooking);
    },
    // Issue 19: the same shape for the staff's new bookings and the customers' rejections (index `status_updatedAt`).
    async pendingSince(since, now) {
      const where = { status: 'pending', updatedAt: _.gte(since.toISOString()), endKey: _.gt(now.toISOString()) };
      return (await readAll(bookings, _, where, 'updatedAt')).map(toBooking);
    },
    async rejectedSince(since, now) {
      const where = { status: 'rejected', updatedAt: _.gte(since.toISOString()), endKey: _.gt(now.toISOString()) };
      return (await readAll(bookings, _, where, 'updatedAt')).map(toBooking);
    },
  };
}

/** The bills issue's collections this query reads (functions/lib/cloudbase/bills.ts: `bills`, `bill_users`). */
const BILL_USERS = 'bill_users';

/**
 * The bills' reminder query over the bills issue's documents: unpaid utility bills (`bills`,
 * `status` "unpaid", `dueDate` in the range), each with every user whose `bill_users/{openid}`
 * document lists its account (`accounts: [{ billerId, accountNo }]`, matched with `elemMatch`
 * so that biller and number belong to one binding). Reads only: the claim re-reads each bill.
 */
export function cloudbaseBillReminders(db: RemindersDb): BillReminderSource {
  const _ = db.command;
  return {
    async unpaidDueBetween(fromDate, toDate) {
      const bills = await readAll(
        () => db.collection(REMINDER_COLLECTIONS.bills),
        _,
        { status: 'unpaid', type: _.in([...ACCOUNT_TYPES]), dueDate: _.gte(fromDate).and(_.lte(toDate)) },
        'dueDate',
      );
      const out: DueBill[] = [];
      const usersOf = new Map<string, string[]>();
      for (const b of bills) {
        const accountType = String(b.type) as AccountType;
        const accountNo = String(b.accountNo);
        // A bill imported before billers belongs to the biller named after its type.
        const billerId = typeof b.billerId === 'string' ? b.billerId : accountType;
        const account = `${billerId}:${accountNo}`;
        let openids = usersOf.get(account);
        if (!openids) {
          // Every user bound to the account (a shared meter can have more than a page of them), by _id.
          const users = await readAll(() => db.collection(BILL_USERS), _, { accounts: _.elemMatch({ billerId, accountNo }) }, '_id');
          openids = users.map((u) => u._id);
          usersOf.set(account, openids);
        }
        if (openids.length > 0)
          out.push({ bill: { billId: b._id, accountType, accountNo, amountFen: Number(b.amountFen), dueDate: String(b.dueDate) }, openids });
      }
      return out;
    },
  };
}
