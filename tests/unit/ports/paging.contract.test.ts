/**
 * Every query that can outgrow a page, past 2,500 documents, on both back ends (issue 15). A
 * CloudBase query answers at most 1,000 documents (the stand-in keeps that cap), so each of these
 * answered 1,000 before it paged: a staff day list, a customer's upcoming bookings, a user's bills,
 * the users bound to an account (bill reminders), the bookings due or confirmed (reminders), the
 * claims past their lease, the sweeper's expired orders and owed refunds. Set-ups write through
 * the ports where one exists and straight into the store otherwise (thousands of rows).
 */
import { cloudbaseBills } from '../../../functions/lib/cloudbase/bills';
import { cloudbaseBookings } from '../../../functions/lib/cloudbase/bookings';
import { cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from '../../../functions/lib/cloudbase/reminders';
import { FakeCloudbase } from '../../../functions/local/cloudbase-standin';
import type { Biller, BillReminderSource, BillStore, BookingReminderQueries, BookingStore, ReminderStore } from '../../../functions/lib/ports';
import { openDatabase } from '../../../functions/lib/sqlite';
import { sqliteBills } from '../../../functions/lib/sqlite/bills';
import { sqliteBookings } from '../../../functions/lib/sqlite/bookings';
import { sqliteBillReminders, sqliteBookingReminders, sqliteReminders } from '../../../functions/lib/sqlite/reminders';

/** The companies whose bills the paging cases import (created by the import itself). */
const POWER: Biller = { id: 'sh-power', name: '国网上海电力', type: 'electricity', city: '上海' };
const WATER: Biller = { id: 'sh-water', name: '上海城投水务', type: 'water', city: '上海' };

const N = 2600;
const NOW = new Date('2026-11-25T01:00:00.000Z');
const no = (i: number) => String(i).padStart(5, '0');

/** A booking as plain facts; `slot` is its start as UTC ISO (ids and codes unique). */
interface BookingFact {
  id: string;
  openid: string;
  storeId: string;
  slot: string;
  end: string;
  slotDate: string;
  status: 'pending' | 'confirmed';
  createdAt: string;
  updatedAt: string;
}
interface RefundFact {
  outRefundNo: string;
  outTradeNo: string;
  billId: string;
  createdAt: string;
}
interface ClaimFact {
  key: string;
  openid: string;
  subjectId: string;
  leaseUntil: string;
}

interface Backend {
  bookings: BookingStore;
  bills: BillStore;
  reminders: ReminderStore;
  bookingReminders: BookingReminderQueries;
  billReminders: BillReminderSource;
  seedBookings(rows: BookingFact[]): void;
  seedRefunds(rows: RefundFact[]): void;
  seedClaims(rows: ClaimFact[]): void;
}

const sqlite = {
  name: 'SQLite',
  make(): Backend {
    const db = openDatabase(':memory:');
    return {
      bookings: sqliteBookings(db),
      bills: sqliteBills(db),
      reminders: sqliteReminders(db),
      bookingReminders: sqliteBookingReminders(db),
      billReminders: sqliteBillReminders(db),
      seedBookings(rows) {
        const insert = db.prepare(
          `INSERT INTO bookings (id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at)
           VALUES (@id, @openid, @storeId, @slot, @slot, @end, @end, @slotDate, @status, @id, NULL, @createdAt, @updatedAt)`,
        );
        db.transaction(() => rows.forEach((r) => insert.run(r)))();
      },
      seedRefunds(rows) {
        const insert = db.prepare(
          `INSERT INTO pay_refunds (out_refund_no, out_trade_no, bill_id, refund_fen, total_fen, status, created_at, updated_at)
           VALUES (@outRefundNo, @outTradeNo, @billId, 100, 100, 'pending', @createdAt, @createdAt)`,
        );
        db.transaction(() => rows.forEach((r) => insert.run(r)))();
      },
      seedClaims(rows) {
        const insert = db.prepare(
          `INSERT INTO reminders (key, openid, template_key, subject_id, status, attempts, lease_until, cause, updated_at)
           VALUES (@key, @openid, 'bookingReminder', @subjectId, 'claimed', 1, @leaseUntil, NULL, @leaseUntil)`,
        );
        db.transaction(() => rows.forEach((r) => insert.run(r)))();
      },
    };
  },
};

const cloudbase = {
  name: 'CloudBase',
  make(): Backend {
    const fake = new FakeCloudbase({ unique: { bookings: ['code'] }, interleave: false });
    return {
      bookings: cloudbaseBookings(fake),
      bills: cloudbaseBills(fake),
      reminders: cloudbaseReminders(fake),
      bookingReminders: cloudbaseBookingReminders(fake),
      billReminders: cloudbaseBillReminders(fake),
      seedBookings(rows) {
        fake.seed(
          'bookings',
          rows.map((r) => ({
            _id: r.id,
            openid: r.openid,
            storeId: r.storeId,
            slotKey: r.slot,
            start: r.slot,
            end: r.end,
            endKey: r.end,
            slotDate: r.slotDate,
            status: r.status,
            code: r.id,
            requestId: null,
            createdAt: r.createdAt,
            updatedAt: r.updatedAt,
          })),
        );
      },
      seedRefunds(rows) {
        fake.seed(
          'pay_refunds',
          rows.map((r) => ({
            _id: r.outRefundNo,
            outTradeNo: r.outTradeNo,
            billId: r.billId,
            refundFen: 100,
            totalFen: 100,
            status: 'pending',
            createdAt: r.createdAt,
            updatedAt: r.createdAt,
          })),
        );
      },
      seedClaims(rows) {
        fake.seed(
          'reminders',
          rows.map((r) => ({
            _id: r.key,
            openid: r.openid,
            templateKey: 'bookingReminder',
            subjectKind: 'booking',
            subjectId: r.subjectId,
            status: 'claimed',
            attempts: 1,
            leaseUntil: r.leaseUntil,
            cause: null,
            updatedAt: r.leaseUntil,
          })),
        );
      },
    };
  },
};

/** `n` bookings at 10 slots of a day, several sharing a slot and a creation time (so ties are broken by id). */
function bookingsOf(n: number, over: Partial<BookingFact> & ((i: number) => Partial<BookingFact>) = () => ({})): BookingFact[] {
  return Array.from({ length: n }, (_, i) => {
    const hour = 1 + (i % 10);
    const slot = `2026-11-25T${String(hour).padStart(2, '0')}:00:00.000Z`;
    return {
      id: `bk${no(n - i)}`,
      openid: `o${no(i)}`,
      storeId: 'S1',
      slot,
      end: `2026-11-25T${String(hour).padStart(2, '0')}:30:00.000Z`,
      slotDate: '2026-11-25',
      status: 'pending',
      createdAt: `2026-11-24T00:00:0${i % 3}.000Z`,
      updatedAt: `2026-11-24T00:00:0${i % 3}.000Z`,
      ...over(i),
    };
  });
}

describe.each([sqlite, cloudbase])('queries past 2,500 documents on $name', (backend) => {
  let b: Backend;
  beforeEach(() => {
    b = backend.make();
  });

  it('a staff day list of 2,600 bookings: every one, by slot, then booking time, then id', async () => {
    const rows = bookingsOf(N);
    b.seedBookings(rows);
    const day = await b.bookings.ofStoreDay('S1', '2026-11-25');
    expect(day.length).toBe(N);
    expect(new Set(day.map((x) => x.id)).size).toBe(N);
    const expected = [...rows].sort((x, y) => (x.slot + x.createdAt + x.id < y.slot + y.createdAt + y.id ? -1 : 1)).map((r) => r.id);
    expect(day.map((x) => x.id)).toEqual(expected);
    // The first of the day: slot 01:00 (i = 0, 10, 20, …), created at :00 (i a multiple of 3), the smallest id (the largest i: 2580).
    expect(day[0].id).toBe(`bk${no(N - 2580)}`);
  }, 60_000);

  it("a customer's 2,600 upcoming bookings: every one", async () => {
    const rows = bookingsOf(N, (i) => ({
      openid: 'o_many',
      slot: new Date(Date.parse('2026-12-01T00:00:00Z') + i * 3600_000).toISOString(),
      end: '2027-12-01T00:00:00.000Z',
    }));
    b.seedBookings(rows);
    const mine = await b.bookings.ofCustomer('o_many', NOW, 5);
    expect(mine.length).toBe(N);
  }, 60_000);

  it('bookings due and bookings confirmed lately, 2,600 each: every one, once', async () => {
    const soon = bookingsOf(N, () => ({ slot: '2026-11-25T01:20:00.000Z', end: '2026-11-25T02:20:00.000Z' }));
    const confirmed = bookingsOf(N, (i) => ({
      id: `cf${no(i)}`,
      openid: `p${no(i)}`,
      slot: '2026-11-25T05:00:00.000Z',
      end: '2026-11-25T06:00:00.000Z',
      status: 'confirmed',
      updatedAt: `2026-11-25T00:${String(i % 60).padStart(2, '0')}:00.000Z`,
    }));
    b.seedBookings([...soon, ...confirmed]);
    const due = await b.bookingReminders.startingSoon(NOW);
    expect(due.length).toBe(N);
    expect(new Set(due.map((x) => x.id)).size).toBe(N);
    const lately = await b.bookingReminders.confirmedSince(new Date('2026-11-24T01:00:00Z'), NOW);
    expect(lately.length).toBe(N);
    expect(new Set(lately.map((x) => x.id)).size).toBe(N);
  }, 60_000);

  it('2,600 claims past their lease: every one, oldest lease first', async () => {
    b.seedClaims(
      Array.from({ length: N }, (_, i) => ({
        key: `bookingReminder:bk${no(i)}:o${no(i)}`,
        openid: `o${no(i)}`,
        subjectId: `bk${no(i)}`,
        leaseUntil: `2026-11-25T00:${String(59 - (i % 60)).padStart(2, '0')}:00.000Z`,
      })),
    );
    const expired = await b.reminders.expiredClaims(NOW);
    expect(expired.length).toBe(N);
    expect(new Set(expired.map((c) => c.key)).size).toBe(N);
    // Leases 00:00 first: i = 59, 119, …
    expect(expired[0].key).toBe(`bookingReminder:bk${no(59)}:o${no(59)}`);
  }, 60_000);

  it("a user's 2,600 bills of one bound account, and 2,600 users bound to one account: every one", async () => {
    const rows = Array.from({ length: N }, (_, i) => ({
      billerId: POWER.id,
      accountType: 'electricity' as const,
      accountNo: '3100123456',
      holderName: '王小明',
      period: `P${no(i)}`,
      amountFen: 100 + i,
      dueDate: i === 0 ? '2026-11-27' : '2026-10-01',
    }));
    expect((await b.bills.importBills(rows, NOW, [POWER])).imported).toBe(N);
    for (let i = 0; i < N; i++) {
      const bound = await b.bills.bind({ openid: `u${no(i)}`, biller: POWER, accountNo: '3100123456', holderName: '王小明', label: null, now: NOW });
      expect(bound.kind).toBe('bind');
    }
    const mine = await b.bills.billsOf(`u${no(7)}`);
    expect(mine.length).toBe(N);
    expect(new Set(mine.map((x) => x.id)).size).toBe(N);
    const due = await b.billReminders.unpaidDueBetween('2026-11-25', '2026-11-28');
    expect(due.length).toBe(1);
    expect(due[0].bill.dueDate).toBe('2026-11-27');
    expect(due[0].openids.length).toBe(N);
    expect(new Set(due[0].openids).size).toBe(N);
  }, 120_000);

  it("the sweeper's 2,600 expired orders and 2,600 owed refunds: as many as asked, oldest first, ties by number", async () => {
    const rows = Array.from({ length: N }, (_, i) => ({
      billerId: WATER.id,
      accountType: 'water' as const,
      accountNo: '88001',
      holderName: '李雷',
      period: `P${no(i)}`,
      amountFen: 100,
      dueDate: '2026-12-31',
    }));
    expect((await b.bills.importBills(rows, NOW, [WATER])).imported).toBe(N);
    expect((await b.bills.bind({ openid: 'payer', biller: WATER, accountNo: '88001', holderName: '李雷', label: null, now: NOW })).kind).toBe('bind');
    const billIds = (await b.bills.billsOf('payer')).map((x) => x.id).sort();
    for (const [i, billId] of billIds.entries()) {
      // Two orders a minute: every deadline shared by two orders, told apart by number.
      const opened = await b.bills.openOrder({
        openid: 'payer',
        billId,
        outTradeNo: `T${no(N - i)}`,
        now: new Date(NOW.getTime() + Math.floor(i / 2) * 60_000),
      });
      expect(opened.kind).toBe('new-order');
    }
    const later = new Date(NOW.getTime() + 30 * 86400_000);
    const all = await b.bills.expiredOrders(later, 3000);
    expect(all.length).toBe(N);
    expect(new Set(all.map((o) => o.outTradeNo)).size).toBe(N);
    // The first deadline is shared by orders T02600 (i = 0) and T02599 (i = 1): the smaller number first.
    expect(all.slice(0, 2).map((o) => o.outTradeNo)).toEqual([`T${no(N - 1)}`, `T${no(N)}`]);
    expect((await b.bills.expiredOrders(later, 1500)).map((o) => o.outTradeNo)).toEqual(all.slice(0, 1500).map((o) => o.outTradeNo));

    b.seedRefunds(
      all.map((o, i) => ({ outRefundNo: `R${no(N - i)}`, outTradeNo: o.outTradeNo, billId: o.billId, createdAt: `2026-11-25T02:00:0${i % 5}.000Z` })),
    );
    const owed = await b.bills.owedRefunds(3000);
    expect(owed.length).toBe(N);
    expect(new Set(owed.map((r) => r.outRefundNo)).size).toBe(N);
    // Created at :00 are i = 0, 5, …, 2595: the smallest number is i = 2595's.
    expect(owed[0].outRefundNo).toBe(`R${no(N - 2595)}`);
  }, 120_000);
});
