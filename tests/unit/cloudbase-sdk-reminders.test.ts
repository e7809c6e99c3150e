/**
 * What the real SDK sends for the CloudBase reminders adapter: a claim is one transaction whose
 * reads and writes all carry its id and write by `_id` (the reminder key); the queries are the
 * SDK's own serialisation of the ranges and of `elemMatch` (what the fake cannot vouch for).
 */
import { EJSON } from 'bson';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { asRemindersDb, cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from '../../functions/lib/cloudbase/reminders';
import { reminderKey } from '../../shared/reminders';
import { listed, recordingSdkDb, type Answer, type Sent } from '../support/sdk-recorder';

const NOW = new Date('2026-11-25T01:35:00Z');
const fixed = { bytes: (n: number) => new Uint8Array(n).fill(7) };
const parsed = (text: string) => EJSON.parse(text, { relaxed: true }) as Record<string, unknown>;

function server(reads: Record<string, object | null>): Answer {
  return (s: Sent) => {
    if (s.action === 'database.startTransaction') return { transactionId: 'tx1' };
    if (s.action === 'database.getDocument') {
      const doc = reads[`${s.params.collectionName}/${String(parsed(s.params.query)._id)}`];
      return doc ? listed(doc) : listed();
    }
    if (s.action === 'database.modifyDocument') return { requestId: 'r', data: { updated: 0, upsert_id: 'x' } };
    return { requestId: 'r' };
  };
}

it('claims in one transaction: the record, the ledger and the booking read, the claim and the ledger written by _id, then the commit', async () => {
  const key = reminderKey('bookingReminder', 'bk1', 'alice');
  const { db, sent } = recordingSdkDb(
    server({
      'reminder_quota/alice': { _id: 'alice', quota: { bookingReminder: 2 } },
      'bookings/bk1': { _id: 'bk1', openid: 'alice', status: 'confirmed', start: '2026-11-25T10:00:00+08:00', end: '2026-11-25T11:00:00+08:00' },
    }),
  );
  const store = cloudbaseReminders(asRemindersDb(db as unknown as CloudbaseDb), fixed);
  const decision = await store.claim({ key, openid: 'alice', templateKey: 'bookingReminder', subject: { kind: 'booking', id: 'bk1' }, now: NOW });
  expect(decision).toMatchObject({ action: 'send', quotaDelta: -1, record: { status: 'claimed', attempts: 1 } });
  expect(sent.map((s) => [s.action, s.params.collectionName])).toEqual([
    ['database.startTransaction', undefined],
    ['database.getDocument', 'reminders'],
    ['database.getDocument', 'reminder_quota'],
    ['database.getDocument', 'bookings'],
    ['database.modifyDocument', 'reminders'],
    ['database.modifyDocument', 'reminder_quota'],
    ['database.commitTransaction', undefined],
  ]);
  expect(sent.slice(1).every((s) => s.params.transactionId === 'tx1')).toBe(true);
  const writes = sent.filter((s) => s.action === 'database.modifyDocument');
  expect(writes.map((w) => parsed(w.params.query)._id)).toEqual([key, 'alice']);
  expect(parsed(writes[1].params.data)).toMatchObject({ quota: { bookingReminder: 1 } });
});

it('asks for bookings starting within 30 minutes, bookings confirmed lately, and the users bound to a due bill', async () => {
  const { db, sent } = recordingSdkDb((s) =>
    s.action === 'database.getDocument' && s.params.collectionName === 'bills'
      ? listed({
          _id: 'UB:electricity:3100123456:2026-11',
          type: 'electricity',
          accountNo: '3100123456',
          amountFen: 8800,
          dueDate: '2026-11-30',
          status: 'unpaid',
        })
      : s.action === 'database.getDocument' && s.params.collectionName === 'bill_users'
        ? listed({ _id: 'alice' }, { _id: 'bob' })
        : listed(),
  );
  const rdb = asRemindersDb(db as unknown as CloudbaseDb);
  await cloudbaseBookingReminders(rdb).startingSoon(NOW);
  await cloudbaseBookingReminders(rdb).confirmedSince(new Date('2026-11-24T01:35:00Z'), NOW);
  const due = await cloudbaseBillReminders(rdb).unpaidDueBetween('2026-11-27', '2026-11-30');
  expect(due).toEqual([
    {
      bill: { billId: 'UB:electricity:3100123456:2026-11', accountType: 'electricity', accountNo: '3100123456', amountFen: 8800, dueDate: '2026-11-30' },
      openids: ['alice', 'bob'],
    },
  ]);
  const queries = sent.filter((s) => s.action === 'database.getDocument').map((s) => [s.params.collectionName, parsed(s.params.query)]);
  expect(queries).toEqual([
    // The SDK writes a field's `_.gt(a).and(_.lte(b))` as a top-level $and of the two conditions.
    [
      'bookings',
      {
        status: { $in: ['pending', 'confirmed'] },
        $and: [{ slotKey: { $gt: '2026-11-25T01:35:00.000Z' } }, { slotKey: { $lte: '2026-11-25T02:05:00.000Z' } }],
      },
    ],
    ['bookings', { status: 'confirmed', updatedAt: { $gte: '2026-11-24T01:35:00.000Z' }, endKey: { $gt: '2026-11-25T01:35:00.000Z' } }],
    [
      'bills',
      { status: 'unpaid', type: { $in: ['water', 'electricity', 'gas'] }, $and: [{ dueDate: { $gte: '2026-11-27' } }, { dueDate: { $lte: '2026-11-30' } }] },
    ],
    ['bill_users', { accounts: { $elemMatch: { billerId: 'electricity', accountNo: '3100123456' } } }],
  ]);
});
