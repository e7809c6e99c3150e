/**
 * THE reminders contract: one suite, run against the SQLite adapters (in-memory database) and the
 * CloudBase adapters (on the shared fake of the SDK's database), through the real use cases
 * (`runReminders`, `grant`) and real bookings, with the local outbox as the messenger. After every
 * test: no quota below 0, no reminder sent more than twice, and a reminder whose `sent` was
 * recorded sent once unless a run died after sending (the one rare duplicate of
 * docs/reminders.md). CloudBase also gets a stop at every database call of a timer run (claim,
 * send, settle) and of a grant (tests/support/port-suite.ts), then a restart, the next run after
 * the lease, and the invariants again.
 */
import { cloudbaseBookings } from '../../../functions/lib/cloudbase/bookings';
import { cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from '../../../functions/lib/cloudbase/reminders';
import { cloudbaseBills } from '../../../functions/lib/cloudbase/bills';
import { sqliteBills } from '../../../functions/lib/sqlite/bills';
import { createOutbox, localNotify, type Outbox } from '../../../functions/lib/messenger';
import type { MessageToSend, Notify, PlaceStore, Ports, SendOutcome, StaffStore } from '../../../functions/lib/ports';
import { openDatabase, type Db } from '../../../functions/lib/sqlite';
import { sqliteBookings } from '../../../functions/lib/sqlite/bookings';
import { sqliteBillReminders, sqliteBookingReminders, sqliteReminders } from '../../../functions/lib/sqlite/reminders';
import { cancelBooking, confirmBooking, createBooking, rejectBooking } from '../../../functions/lib/usecases/booking';
import { grant, runReminders, templates } from '../../../functions/lib/usecases/reminders';
import { typeBiller } from '../../../shared/bills';
import type { RandomSource } from '../../../shared/checkin-code';
import type { Store } from '../../../shared/places';
import { MAX_SEND_ATTEMPTS, SEND_LEASE_MS, reminderKey } from '../../../shared/reminders';
import { THING_MAX_CHARS, charCount, type TemplateKey } from '../../../shared/subscribe-message';
import { FakeCloudbase, FunctionStopped, seededRandom } from '../../../functions/local/cloudbase-standin';
import { crashAtEveryCall } from '../../support/port-suite';

// Wednesday 2026-11-25, 09:00 in Shanghai; the booking is at 10:00 (02:00Z).
const NOW = new Date('2026-11-25T01:00:00Z');
const START = '2026-11-25T10:00:00+08:00';
const later = (ms: number, from = NOW) => new Date(from.getTime() + ms);
const MIN = 60_000;
/** Inside the reminder's window (start − 30 min ≤ now < start). */
const IN_WINDOW = later(35 * MIN);
const STAFF = 'staff-s1';
const STAFF_B = 'staff-s1-b';
const ALICE = 'o_alice';
const LONG_NAME = '上海市静安区南京西路一千二百六十六号恒隆广场咖啡旗舰店';

const STORE: Store = {
  kind: 'store',
  id: 'S1',
  name: LONG_NAME,
  address: '1 Test Road',
  lat: 31.23,
  lng: 121.47,
  category: 'coffee',
  timezone: 'Asia/Shanghai',
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })),
  slot: { minutes: 60, capacity: 3 },
};
const places: PlaceStore = {
  get: async (kind, id) => (kind === 'store' && id === 'S1' ? STORE : null) as never,
  upsert: () => Promise.reject(new Error('not used')),
  nearby: () => Promise.reject(new Error('not used')),
  countAvailableBikesIn: () => Promise.reject(new Error('not used')),
  countAvailableBikesInZones: () => Promise.reject(new Error('not used')),
  getMany: () => Promise.reject(new Error('not used')),
  missing: () => Promise.reject(new Error('not used')),
  search: () => Promise.reject(new Error('not used')),
};
const staff: StaffStore = {
  set: async () => {},
  storesOf: async (openid) => (openid === STAFF ? ['S1'] : []),
  staffOf: async (storeId) => (storeId === 'S1' ? [STAFF, STAFF_B] : []),
};

function seededSource(seed: number): RandomSource {
  const next = seededRandom(seed);
  return { bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)) };
}

type WorldPorts = Pick<Ports, 'places' | 'staff' | 'bookings' | 'bills' | 'reminders' | 'bookingReminders' | 'billReminders' | 'notify'>;

interface World {
  ports: WorldPorts;
  outbox: Outbox;
  /** A new adapter instance over the same data (a new container). */
  restart(): void;
  fake: FakeCloudbase | null;
  /** Marks a bill paid in the store (the payment flow is the bills issue's; only the fact matters here). */
  markPaid(billId: string): void;
  /**
   * `n` customers (`c00000`…) each with one pending booking at START in S1 (`bk00000`…) and one
   * bookingReminder in their ledger, written straight into the store (no use case: chain scale).
   */
  seedDue(n: number): void;
  /** Every stored reminder record and every ledger, for the invariants. */
  held(): { records: { key: string; status: string; attempts: number }[]; quotas: number[] };
}

interface Behaviour {
  delayMs: number;
  die: 'no' | 'before-send' | 'after-send';
  /** Called as a send begins and as it ends (after the pause): a test's clock, its count of sends in flight. */
  onSend?: () => void;
  afterSend?: () => void;
  /** No pause at all (not even a timer turn): thousands of sends. */
  instant?: boolean;
}

/** A messenger in front of the outbox: a pause before sending (so runs overlap), and a death to inject. */
function messengerOf(outbox: Outbox, behaviour: Behaviour) {
  return {
    async send(message: MessageToSend, at?: Date): Promise<SendOutcome> {
      behaviour.onSend?.();
      if (!behaviour.instant) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      behaviour.afterSend?.();
      if (behaviour.die === 'before-send') throw new Error('the function died before sending');
      const outcome = await outbox.send(message, at);
      if (behaviour.die === 'after-send') throw new Error('the function died after WeChat took the message');
      return outcome;
    },
  };
}

const behaviour: Behaviour = {
  delayMs: 0,
  die: 'no',
};

function notifyOf(outbox: Outbox): Notify {
  return { ...localNotify(messengerOf(outbox, behaviour)), outbox };
}

/** The bookings and ledgers of `seedDue`, as plain facts. */
function dueFacts(n: number) {
  const start = new Date(START).toISOString();
  const end = new Date(Date.parse(START) + 60 * MIN).toISOString();
  return Array.from({ length: n }, (_, i) => {
    const no = String(i).padStart(5, '0');
    return { id: `bk${no}`, openid: `c${no}`, code: `C${no}`, start, end, at: NOW.toISOString() };
  });
}

const sqlite = {
  name: 'SQLite',
  world(): World {
    const db: Db = openDatabase(':memory:');
    const outbox = createOutbox();
    let seed = 1;
    const make = (): WorldPorts => ({
      places,
      staff,
      bookings: sqliteBookings(db, seededSource(seed++)),
      bills: sqliteBills(db),
      reminders: sqliteReminders(db),
      bookingReminders: sqliteBookingReminders(db),
      billReminders: sqliteBillReminders(db),
      notify: notifyOf(outbox),
    });
    const world: World = {
      ports: make(),
      outbox,
      fake: null,
      restart: () => {
        world.ports = make();
      },
      markPaid(billId) {
        db.prepare(`UPDATE bills SET status = 'paid', paid_at = ? WHERE id = ?`).run(NOW.toISOString(), billId);
      },
      seedDue(n) {
        const booking = db.prepare(
          `INSERT INTO bookings (id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at)
           VALUES (@id, @openid, 'S1', @start, @start, @end, @end, '2026-11-25', 'pending', @code, NULL, @at, @at)`,
        );
        const quota = db.prepare(`INSERT INTO reminder_quota (openid, template_key, remaining, updated_at) VALUES (?, 'bookingReminder', 1, ?)`);
        db.transaction(() => {
          for (const f of dueFacts(n)) {
            booking.run(f);
            quota.run(f.openid, f.at);
          }
        })();
      },
      held: () => ({
        records: db.prepare('SELECT key, status, attempts FROM reminders').all() as { key: string; status: string; attempts: number }[],
        quotas: db.prepare('SELECT remaining FROM reminder_quota').pluck().all() as number[],
      }),
    };
    return world;
  },
};

const cloudbase = {
  name: 'CloudBase',
  world(): World {
    const fake = new FakeCloudbase({ unique: { bookings: ['code'] } });
    const outbox = createOutbox();
    let seed = 1;
    const make = (): WorldPorts => ({
      places,
      staff,
      bookings: cloudbaseBookings(fake, seededSource(seed++)),
      bills: cloudbaseBills(fake),
      reminders: cloudbaseReminders(fake, seededSource(seed++)),
      bookingReminders: cloudbaseBookingReminders(fake),
      billReminders: cloudbaseBillReminders(fake),
      notify: notifyOf(outbox),
    });
    const world: World = {
      ports: make(),
      outbox,
      fake,
      restart: () => {
        world.ports = make();
      },
      markPaid(billId) {
        const bills = fake.table('bills');
        bills.set(billId, { ...bills.get(billId)!, status: 'paid', paidAt: NOW.toISOString() });
      },
      seedDue(n) {
        const facts = dueFacts(n);
        fake.seed(
          'bookings',
          facts.map((f) => ({
            _id: f.id,
            openid: f.openid,
            storeId: 'S1',
            slotKey: f.start,
            start: f.start,
            end: f.end,
            endKey: f.end,
            slotDate: '2026-11-25',
            status: 'pending',
            code: f.code,
            requestId: null,
            createdAt: f.at,
            updatedAt: f.at,
          })),
        );
        fake.seed(
          'reminder_quota',
          facts.map((f) => ({ _id: f.openid, quota: { bookingReminder: 1 }, updatedAt: f.at })),
        );
      },
      held: () => {
        const all = fake.dump();
        return {
          records: (all.reminders ?? []).map((d) => ({ key: d._id, status: String(d.status), attempts: Number(d.attempts) })),
          quotas: (all.reminder_quota ?? []).flatMap((d) => Object.values(d.quota as Record<string, number>)),
        };
      },
    };
    return world;
  },
};

/** What `wx.requestSubscribeMessage` answers when the user accepts these templates. */
const accepted = (world: World, ...keys: TemplateKey[]) => ({
  errMsg: 'requestSubscribeMessage:ok',
  ...Object.fromEntries(keys.map((k) => [world.ports.notify.templateIds[k], 'accept'])),
});

async function book(world: World, caller = ALICE, start = START): Promise<string> {
  const made = await createBooking(world.ports, { storeId: 'S1', start }, { caller, now: NOW });
  if (!made.ok) throw new Error(`set-up: ${JSON.stringify(made)}`);
  return made.data.booking.id;
}
async function grantTimes(world: World, times: number, ...keys: TemplateKey[]) {
  for (let i = 0; i < times; i++) {
    const granted = await grant(world.ports, { results: accepted(world, ...keys) }, { caller: ALICE, now: NOW });
    if (!granted.ok) throw new Error(`set-up: ${JSON.stringify(granted)}`);
  }
}
const run = (world: World, now: Date) => runReminders(world.ports, { caller: null, now }, () => {});
const quotaOf = async (world: World, key: TemplateKey, openid = ALICE) => (await world.ports.reminders.quota(openid))[key] ?? 0;
const messagesOf = (world: World, key?: TemplateKey) => world.outbox.messages().filter((m) => key === undefined || m.templateKey === key);

function checkInvariants(world: World) {
  const { records, quotas } = world.held();
  for (const q of quotas) expect(q).toBeGreaterThanOrEqual(0);
  for (const r of records) expect(r.attempts).toBeLessThanOrEqual(MAX_SEND_ATTEMPTS);
  // No message more than twice; twice only after a death with the outcome unknown.
  const perKey = new Map<string, number>();
  for (const m of world.outbox.messages()) {
    const subject = new URLSearchParams(m.page.split('?')[1]).get('bookingId') ?? new URLSearchParams(m.page.split('?')[1]).get('billId');
    const key = `${m.templateKey}:${subject}:${m.openid}`;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perKey) {
    expect({ key, n: Math.min(n, MAX_SEND_ATTEMPTS + 1) }).toEqual({ key, n: Math.min(n, MAX_SEND_ATTEMPTS) });
    const record = records.find((r) => r.key === key);
    expect({ key, recorded: record !== undefined }).toEqual({ key, recorded: true });
    if (n === 2) expect({ key, attempts: record?.attempts }).toEqual({ key, attempts: 2 });
  }
}

describe.each([sqlite, cloudbase])('reminders port on $name', (backend) => {
  let world: World;
  beforeEach(() => {
    world = backend.world();
    behaviour.delayMs = 0;
    behaviour.die = 'no';
    behaviour.onSend = undefined;
    behaviour.afterSend = undefined;
    behaviour.instant = false;
  });
  afterEach(() => checkInvariants(world));

  it('three overlapping timer runs send one message; the send uses one quota', async () => {
    const id = await book(world);
    await grantTimes(world, 3, 'bookingReminder');
    behaviour.delayMs = 15;
    const answers = await Promise.all([run(world, IN_WINDOW), run(world, IN_WINDOW), run(world, later(10_000, IN_WINDOW))]);
    expect(answers.map((a) => (a.ok ? a.data.sent : -1)).reduce((x, y) => x + y, 0)).toBe(1);
    const sent = messagesOf(world);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      openid: ALICE,
      templateKey: 'bookingReminder',
      page: `packageBooking/pages/my-bookings/index?bookingId=${id}`,
      sentAt: expect.any(String),
    });
    // The long Chinese store name cut to WeChat's 20 characters with an ellipsis; the time as the store's clock shows it.
    expect(charCount(sent[0].data.thing1.value)).toBe(THING_MAX_CHARS);
    expect(sent[0].data.thing1.value.endsWith('…')).toBe(true);
    expect(sent[0].data.time2.value).toBe('2026-11-25 10:00');
    expect(await quotaOf(world, 'bookingReminder')).toBe(2);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'sent', attempts: 1 });
    // Later runs inside the window: nothing more.
    expect(await run(world, later(5 * MIN, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(messagesOf(world)).toHaveLength(1);
  });

  it('2,500 bookings due in one window: 2,500 reminders, each once, in 3 runs of a budget that holds 1,000 sends', async () => {
    world.seedDue(2500);
    behaviour.instant = true;
    // A clock that moves 10 ms a send: a budget of 10 s holds 1,000 sends, one at a time.
    let clock = 0;
    behaviour.onSend = () => {
      clock += 10;
    };
    const options = { concurrency: 1, budgetMs: 10_000, elapsedMs: () => clock };
    const runs = [];
    for (let i = 0; i < 4; i++) {
      clock = 0;
      const answer = await runReminders(world.ports, { caller: null, now: later(i * MIN, IN_WINDOW) }, () => {}, options);
      runs.push(answer.ok ? answer.data.sent : -1);
    }
    expect(runs).toEqual([1000, 1000, 500, 0]);
    const messages = messagesOf(world, 'bookingReminder');
    expect(messages.length).toBe(2500);
    expect(new Set(messages.map((m) => m.openid)).size).toBe(2500);
    expect(messages.map((m) => m.openid).sort()[2499]).toBe('c02499');
  }, 120_000);

  it('a run keeps at most `concurrency` sends in flight and stops taking work when its budget is spent', async () => {
    world.seedDue(300);
    let clock = 0;
    let inFlight = 0;
    let most = 0;
    behaviour.onSend = () => {
      inFlight++;
      most = Math.max(most, inFlight);
      clock += 10;
    };
    behaviour.afterSend = () => {
      inFlight--;
    };
    behaviour.delayMs = 20;
    // 8 at a time; the budget is spent at the 100th send: the 7 already taken still settle.
    const first = await runReminders(world.ports, { caller: null, now: IN_WINDOW }, () => {}, { concurrency: 8, budgetMs: 1000, elapsedMs: () => clock });
    expect(most).toBe(8);
    const sent = first.ok ? first.data.sent : -1;
    expect(sent).toBeGreaterThanOrEqual(100);
    expect(sent).toBeLessThanOrEqual(107);
    clock = 0;
    const second = await runReminders(world.ports, { caller: null, now: later(MIN, IN_WINDOW) }, () => {}, {
      concurrency: 8,
      budgetMs: 1_000_000,
      elapsedMs: () => clock,
    });
    expect(second.ok && second.data.sent).toBe(300 - sent);
    expect(messagesOf(world, 'bookingReminder').length).toBe(300);
  }, 60_000);

  it('too early, nothing; at the start, nothing; 30 minutes before, the message', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    expect(await run(world, later(29 * MIN + 59_000))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toBeNull();
    expect(await run(world, later(60 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(messagesOf(world)).toHaveLength(0);
    expect(await run(world, later(30 * MIN))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
  });

  it('no quota, no message: skipped and recorded, not retried when quota comes later', async () => {
    const id = await book(world);
    expect(await run(world, IN_WINDOW)).toEqual({ ok: true, data: { sent: 0, skipped: 1, failed: 0 } });
    expect(messagesOf(world)).toHaveLength(0);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'skipped', attempts: 0 });
    await grantTimes(world, 1, 'bookingReminder');
    expect(await run(world, later(MIN, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(messagesOf(world)).toHaveLength(0);
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
  });

  it('tells each staff member with quota of a new booking once, at the first run after it is made; none without quota, none once confirmed', async () => {
    for (let i = 0; i < 2; i++) {
      const granted = await grant(world.ports, { results: accepted(world, 'newBooking') }, { caller: STAFF, now: NOW });
      expect(granted.ok).toBe(true);
    }
    const made = await createBooking(
      world.ports,
      { storeId: 'S1', start: START, partySize: 2, contact: { name: '韩梅梅', phone: '13800138000' } },
      { caller: ALICE, now: NOW },
    );
    if (!made.ok) throw new Error('set-up');
    const id = made.data.booking.id;
    // STAFF_B never subscribed: not a recipient, nothing recorded for them.
    expect(await run(world, later(MIN))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    expect(await run(world, later(2 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(messagesOf(world, 'newBooking')).toEqual([
      {
        openid: STAFF,
        templateKey: 'newBooking',
        page: `packageBooking/pages/staff/index?storeId=S1&date=2026-11-25&bookingId=${id}`,
        data: {
          thing1: { value: expect.stringMatching(/…$/) },
          time2: { value: '2026-11-25 10:00' },
          thing3: { value: '2人' },
          thing4: { value: '韩梅梅' },
          thing5: { value: '新预约待确认，请在预约台处理' },
        },
        sentAt: expect.any(String),
      },
    ]);
    expect(await world.ports.reminders.get(reminderKey('newBooking', id, STAFF_B))).toBeNull();
    expect(await quotaOf(world, 'newBooking', STAFF)).toBe(1);
    // A booking confirmed before the run waits for nobody: no message.
    const other = await book(world, 'o_carol');
    expect((await confirmBooking(world.ports, { bookingId: other }, { caller: STAFF, now: later(3 * MIN) })).ok).toBe(true);
    await run(world, later(4 * MIN));
    expect(messagesOf(world, 'newBooking')).toHaveLength(1);
  });

  it('tells the customer of a rejection once, with its reason; nothing for a cancel', async () => {
    const id = await book(world);
    const cancelled = await book(world, ALICE, '2026-11-25T11:00:00+08:00');
    await grantTimes(world, 2, 'bookingChanged');
    expect((await cancelBooking(world.ports, { bookingId: cancelled }, { caller: ALICE, now: later(MIN) })).ok).toBe(true);
    expect(await run(world, later(2 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const rejected = await rejectBooking(world.ports, { bookingId: id, reason: '设备临时检修，抱歉' }, { caller: STAFF, now: later(3 * MIN) });
    expect(rejected.ok).toBe(true);
    const overlapping = await Promise.all([run(world, later(4 * MIN)), run(world, later(4 * MIN))]);
    expect(overlapping.map((a) => (a.ok ? a.data.sent : -1)).reduce((x, y) => x + y, 0)).toBe(1);
    expect(await run(world, later(5 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const sent = messagesOf(world, 'bookingChanged');
    expect(sent.map((m) => [m.openid, m.page, m.data.phrase3.value, m.data.thing4.value])).toEqual([
      [ALICE, `packageBooking/pages/my-bookings/index?bookingId=${id}`, '门店已拒绝', '设备临时检修，抱歉'],
    ]);
    expect(await quotaOf(world, 'bookingChanged')).toBe(1);
  });

  it('sends the confirmation once, after staff confirm, and none for a booking not confirmed', async () => {
    const id = await book(world);
    const other = await book(world, 'o_bob');
    await grantTimes(world, 2, 'bookingConfirmed');
    expect((await run(world, later(MIN))).ok).toBe(true);
    expect(messagesOf(world, 'bookingConfirmed')).toHaveLength(0);
    const confirmed = await confirmBooking(world.ports, { bookingId: id }, { caller: STAFF, now: later(2 * MIN) });
    expect(confirmed.ok).toBe(true);
    expect(await run(world, later(3 * MIN))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    expect(await run(world, later(4 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const sent = messagesOf(world, 'bookingConfirmed');
    expect(sent.map((m) => [m.openid, m.page, m.data.phrase3.value])).toEqual([[ALICE, `packageBooking/pages/my-bookings/index?bookingId=${id}`, '已确认']]);
    expect(sent.some((m) => m.page.endsWith(other))).toBe(false);
    expect(await quotaOf(world, 'bookingConfirmed')).toBe(1);
  });

  it('a death after WeChat took the message: nothing during the lease, once more after it, then never', async () => {
    const id = await book(world);
    await grantTimes(world, 2, 'bookingReminder');
    behaviour.die = 'after-send';
    await expect(run(world, IN_WINDOW)).rejects.toThrow('died after');
    behaviour.die = 'no';
    world.restart();
    expect(messagesOf(world)).toHaveLength(1);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'claimed', attempts: 1 });
    expect(await run(world, later(SEND_LEASE_MS - 1000, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await run(world, later(SEND_LEASE_MS + 1000, IN_WINDOW))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    for (const minutes of [5, 10, 20]) await run(world, later(minutes * MIN, IN_WINDOW));
    expect(messagesOf(world)).toHaveLength(2);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'sent', attempts: 2 });
    // The retry carried the dead claim's send over (WeChat, not the outbox, would refuse it with 43101 had that been the last).
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
  });

  it('a death before sending: the next run after the lease sends it, once', async () => {
    await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    behaviour.die = 'before-send';
    await expect(run(world, IN_WINDOW)).rejects.toThrow('died before');
    behaviour.die = 'no';
    // Its one quota is held by the claim; after the lease the retry carries it over, so the user
    // with one subscription still gets the one message.
    expect(await quotaOf(world, 'bookingReminder')).toBe(0);
    expect(await run(world, later(SEND_LEASE_MS - 1000, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await run(world, later(SEND_LEASE_MS + 1000, IN_WINDOW))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    await run(world, later(10 * MIN, IN_WINDOW));
    expect(messagesOf(world)).toHaveLength(1);
    expect(await quotaOf(world, 'bookingReminder')).toBe(0);
  });

  it('a claim whose sender died just before the start is resolved after its lease although no query finds it any more', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    behaviour.die = 'before-send';
    await expect(run(world, later(59 * MIN + 30_000))).rejects.toThrow('died before');
    behaviour.die = 'no';
    // 10:02: the booking has started (no query finds it); the claim's lease is over.
    expect(await run(world, later(62 * MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 1, failed: 0 } });
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'skipped', cause: 'no longer due' });
    expect(await world.ports.reminders.expiredClaims(later(90 * MIN))).toEqual([]);
    expect(messagesOf(world)).toHaveLength(0);
  });

  it('a retryable failure gives the quota back and is retried once; a second one is final', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    world.outbox.failNext({ status: 'retryable', cause: 'WeChat answered HTTP 500', maybeSent: false });
    expect(await run(world, IN_WINDOW)).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 1 } });
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'retry', attempts: 1 });
    world.outbox.failNext({ status: 'retryable', cause: 'no answer within 5000 ms', maybeSent: true });
    expect(await run(world, later(MIN, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 1 } });
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toMatchObject({ status: 'failed', attempts: 2 });
    // maybeSent: WeChat may have used the subscription, so it stays used.
    expect(await quotaOf(world, 'bookingReminder')).toBe(0);
    expect(await run(world, later(5 * MIN, IN_WINDOW))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
  });

  it('43101 empties the ledger (WeChat is the truth); a permanent error gives the quota back', async () => {
    await book(world);
    await grantTimes(world, 3, 'bookingReminder', 'bookingConfirmed');
    world.outbox.failNext({ status: 'no-quota', cause: '43101' });
    expect(await run(world, IN_WINDOW)).toEqual({ ok: true, data: { sent: 0, skipped: 1, failed: 0 } });
    expect(await quotaOf(world, 'bookingReminder')).toBe(0);
    expect(await quotaOf(world, 'bookingConfirmed')).toBe(3);
    const second = await book(world, ALICE, '2026-11-25T11:00:00+08:00');
    expect((await confirmBooking(world.ports, { bookingId: second }, { caller: STAFF, now: NOW })).ok).toBe(true);
    world.outbox.failNext({ status: 'permanent', errcode: 41030, cause: 'page is not a page of the released mini program (41030)' });
    expect(await run(world, later(MIN))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 1 } });
    expect(await quotaOf(world, 'bookingConfirmed')).toBe(3);
    expect(await world.ports.reminders.get(reminderKey('bookingConfirmed', second, ALICE))).toMatchObject({ status: 'failed' });
  });

  it('a booking cancelled before its window gets no reminder', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    expect((await cancelBooking(world.ports, { bookingId: id }, { caller: ALICE, now: NOW })).ok).toBe(true);
    expect(await run(world, IN_WINDOW)).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
  });

  it('a claim reads the booking in its transaction: cancelled after the query, the reminder is skipped, quota kept', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    const decision = await world.ports.reminders.claim({
      key: reminderKey('bookingReminder', id, ALICE),
      openid: ALICE,
      templateKey: 'bookingReminder',
      subject: { kind: 'booking', id },
      now: NOW,
    });
    expect(decision).toMatchObject({ action: 'resolve', counted: 'skipped', record: { cause: 'no longer due' } });
    // Another user's key for Alice's booking is never due.
    const forged = await world.ports.reminders.claim({
      key: reminderKey('bookingReminder', id, 'o_eve'),
      openid: 'o_eve',
      templateKey: 'bookingReminder',
      subject: { kind: 'booking', id },
      now: IN_WINDOW,
    });
    expect(forged.action).toBe('resolve');
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
  });

  it('a settle writes only while the record is still its claim: a run slower than the lease loses to the next claim', async () => {
    const id = await book(world);
    await grantTimes(world, 2, 'bookingReminder');
    const key = reminderKey('bookingReminder', id, ALICE);
    const claim = (now: Date) => world.ports.reminders.claim({ key, openid: ALICE, templateKey: 'bookingReminder', subject: { kind: 'booking', id }, now });
    const first = await claim(IN_WINDOW);
    expect(await claim(later(1000, IN_WINDOW))).toEqual({ action: 'none', why: 'leased' });
    const second = await claim(later(SEND_LEASE_MS + 1000, IN_WINDOW));
    if (first.action !== 'send' || second.action !== 'send') throw new Error('both should claim');
    const settle = (claimed: typeof first.record, outcome: SendOutcome) =>
      world.ports.reminders.settle({ claimed, openid: ALICE, templateKey: 'bookingReminder', outcome, now: later(SEND_LEASE_MS + 2000, IN_WINDOW) });
    expect(await settle(first.record, { status: 'permanent', errcode: 47003, cause: 'late' })).toBeNull();
    expect(await world.ports.reminders.get(key)).toMatchObject({ status: 'claimed', attempts: 2 });
    expect(await quotaOf(world, 'bookingReminder')).toBe(1);
    expect(await settle(second.record, { status: 'sent' })).toMatchObject({ counted: 'sent' });
    expect(await settle(second.record, { status: 'sent' })).toBeNull();
    expect(await world.ports.reminders.get(key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a template blocked by a missing setting is skipped without a claim, logged naming the variable, and sent once fixed', async () => {
    const id = await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    const lines: Record<string, unknown>[] = [];
    const fixed = world.ports.notify;
    world.ports.notify = {
      ...fixed,
      blocked: (key) =>
        key === 'bookingReminder' ? { variable: 'WECHAT_TEMPLATE_BOOKING_REMINDER', message: 'WECHAT_TEMPLATE_BOOKING_REMINDER is not set' } : null,
    };
    expect(await runReminders(world.ports, { caller: null, now: IN_WINDOW }, (l) => lines.push(l))).toEqual({
      ok: true,
      data: { sent: 0, skipped: 1, failed: 0 },
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'error', variable: 'WECHAT_TEMPLATE_BOOKING_REMINDER' })]);
    expect(await world.ports.reminders.get(reminderKey('bookingReminder', id, ALICE))).toBeNull();
    world.ports.notify = fixed;
    expect(await run(world, later(MIN, IN_WINDOW))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
  });

  it('the bill reminder goes once, 3 days before the due date, to every user bound to the account; none for a paid bill or an unbound account', async () => {
    const row = (accountNo: string, period: string, dueDate: string) => ({
      billerId: 'electricity',
      accountType: 'electricity' as const,
      accountNo,
      holderName: '王小明',
      period,
      amountFen: 12345,
      dueDate,
    });
    const imported = await world.ports.bills.importBills(
      [row('3100123456', '2026-11', '2026-11-30'), row('3100123457', '2026-11', '2026-11-29'), row('3100999999', '2026-11', '2026-11-30')],
      NOW,
      [typeBiller('electricity')],
    );
    expect(imported.imported).toBe(3);
    for (const openid of [ALICE, 'o_bob', 'o_carol']) {
      await grant(world.ports, { results: accepted(world, 'billDue') }, { caller: openid, now: NOW });
      const bound = await world.ports.bills.bind({
        openid,
        biller: typeBiller('electricity'),
        accountNo: '3100123456',
        holderName: '王小明',
        label: null,
        now: NOW,
      });
      expect(bound.kind).toBe('bind');
    }
    expect(
      (await world.ports.bills.bind({ openid: ALICE, biller: typeBiller('electricity'), accountNo: '3100123457', holderName: '王小明', label: null, now: NOW }))
        .kind,
    ).toBe('bind');
    const mine = await world.ports.bills.billsOf(ALICE);
    const due30 = mine.find((b) => b.dueDate === '2026-11-30')!;
    const paid = mine.find((b) => b.dueDate === '2026-11-29')!;
    world.markPaid(paid.id);
    // 2026-11-26 in Shanghai: 4 days before the 30th; 3 before the 29th, which is paid: nothing.
    expect(await run(world, new Date('2026-11-26T02:00:00Z'))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    // A bill paid after the query found it: the claim reads it in its transaction and skips it.
    const claimPaid = await world.ports.reminders.claim({
      key: reminderKey('billDue', paid.id, ALICE),
      openid: ALICE,
      templateKey: 'billDue',
      subject: { kind: 'bill', id: paid.id },
      now: new Date('2026-11-26T02:00:00Z'),
    });
    expect(claimPaid).toMatchObject({ action: 'resolve', counted: 'skipped', record: { cause: 'no longer due' } });
    // 2026-11-27 00:00:30 in Shanghai: 3 days before.
    expect(await run(world, new Date('2026-11-26T16:00:30Z'))).toEqual({ ok: true, data: { sent: 3, skipped: 0, failed: 0 } });
    expect(await run(world, new Date('2026-11-26T16:01:30Z'))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const sent = messagesOf(world, 'billDue');
    expect(sent.map((m) => m.openid).sort()).toEqual([ALICE, 'o_bob', 'o_carol']);
    for (const m of sent)
      expect(m).toMatchObject({
        page: `packageBill/pages/bill/index?billId=${encodeURIComponent(due30.id)}`,
        data: { amount2: { value: '¥123.45' }, date3: { value: '2026-11-30' } },
      });
    expect(charCount(sent[0].data.thing1.value)).toBeLessThanOrEqual(THING_MAX_CHARS);
    expect(await quotaOf(world, 'billDue', 'o_bob')).toBe(0);
  });

  it('a bill imported or bound after its reminder day is reminded once at the next run, while at most 7 days overdue', async () => {
    const electricity = typeBiller('electricity');
    const row = (accountNo: string, dueDate: string) => ({
      billerId: 'electricity',
      accountType: 'electricity' as const,
      accountNo,
      holderName: '王小明',
      period: '2026-10',
      amountFen: 5000,
      dueDate,
    });
    // 2026-12-02 in Shanghai: the bill due 11-30 (2 days overdue) and the one due 11-24 (8 days) are imported today.
    const today = new Date('2026-12-02T02:00:00Z');
    await world.ports.bills.importBills([row('3100200001', '2026-11-30'), row('3100200002', '2026-11-24')], today, [electricity]);
    for (const accountNo of ['3100200001', '3100200002']) {
      await grant(world.ports, { results: accepted(world, 'billDue') }, { caller: ALICE, now: today });
      expect((await world.ports.bills.bind({ openid: ALICE, biller: electricity, accountNo, holderName: '王小明', label: null, now: today })).kind).toBe(
        'bind',
      );
    }
    expect(await run(world, today)).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    expect(await run(world, new Date('2026-12-02T03:00:00Z'))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const [late] = messagesOf(world, 'billDue');
    expect(late).toMatchObject({ openid: ALICE, data: { date3: { value: '2026-11-30' }, thing4: { value: '已逾期2天，请尽快缴费' } } });
    // Bob binds the same account a day later: his reminder goes at the next run, once.
    const tomorrow = new Date('2026-12-03T02:00:00Z');
    await grant(world.ports, { results: accepted(world, 'billDue') }, { caller: 'o_bob', now: tomorrow });
    await world.ports.bills.bind({ openid: 'o_bob', biller: electricity, accountNo: '3100200001', holderName: '王小明', label: null, now: tomorrow });
    expect(await run(world, tomorrow)).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    expect(messagesOf(world, 'billDue').map((m) => m.openid)).toEqual([ALICE, 'o_bob']);
  });

  it('grant: each accepted template of this deployment adds one; unknown ids and junk values add nothing; a non-object is refused', async () => {
    const ids = world.ports.notify.templateIds;
    const answer = await grant(
      world.ports,
      {
        results: {
          errMsg: 'requestSubscribeMessage:ok',
          [ids.bookingReminder!]: 'accept',
          [ids.billDue!]: 'reject',
          otherAppTemplate: 'accept',
          [ids.bookingConfirmed!]: { value: 'accept' },
          __proto__: 'accept',
        },
      },
      { caller: ALICE, now: NOW },
    );
    expect(answer).toEqual({ ok: true, data: { quota: { bookingReminder: 1, bookingConfirmed: 0, billDue: 0, bookingChanged: 0, newBooking: 0 } } });
    for (const results of [null, 'accept', ['accept'], 42, undefined]) {
      const refused = await grant(world.ports, { results }, { caller: ALICE, now: NOW });
      expect(refused.ok ? null : refused.error.code).toBe('INVALID_ARGUMENT');
    }
    expect(await world.ports.reminders.quota(ALICE)).toEqual({ bookingReminder: 1 });
    expect(await templates(world.ports)).toEqual({
      ok: true,
      data: {
        templates: {
          bookingReminder: ids.bookingReminder,
          bookingConfirmed: ids.bookingConfirmed,
          billDue: ids.billDue,
          bookingChanged: ids.bookingChanged,
          newBooking: ids.newBooking,
        },
      },
    });
  });
});

describe('CloudBase reminders: database requests per reminder', () => {
  it('a run of 10 reminders sends 87 requests: 7 to find what is due, 7 to claim each, 1 to settle each', async () => {
    const world = cloudbase.world();
    world.seedDue(10);
    const fake = world.fake!;
    const before = fake.calls;
    const answer = await run(world, IN_WINDOW);
    expect(answer).toEqual({ ok: true, data: { sent: 10, skipped: 0, failed: 0 } });
    const ops = fake.log.slice(before).map((c) => c.op);
    // Finding: starting soon, confirmed lately, pending lately (newBooking), rejected lately (bookingChanged), bills due,
    // expired claims (one page each), done (one chunk of 100 keys).
    // Claim: one transaction (start, the record, the ledger, the booking, the record and the ledger written, commit).
    // Settle of a send: one conditional update of the record (the ledger keeps its count).
    expect(ops.filter((op) => op === 'get').length).toBe(7);
    expect(ops.filter((op) => op === 'startTransaction').length).toBe(10);
    expect(ops.filter((op) => op === 'tx.get').length).toBe(30);
    expect(ops.filter((op) => op === 'tx.set').length).toBe(20);
    expect(ops.filter((op) => op === 'commit').length).toBe(10);
    expect(ops.filter((op) => op === 'update').length).toBe(10);
    // 8 a reminder at scale: the goal of at most 4 needs the claim out of a transaction (docs/scale.md).
    expect(fake.calls - before).toBe(87);
    checkInvariants(world);
  });
});

describe('CloudBase reminders: a stop at every database call, a restart, the next run', () => {
  type W = { world: World; id: string; atStop: { messages: number; status: string | null } | null };
  const keyOf = (w: W) => reminderKey('bookingReminder', w.id, ALICE);
  const statusOf = (w: W) => w.world.held().records.find((r) => r.key === keyOf(w))?.status ?? null;
  const quotaHeld = (w: W) => w.world.held().quotas.reduce((a, b) => a + b, 0);
  const report: string[] = [];
  afterAll(() => console.log(`CloudBase reminders crash suite:\n${report.join('\n')}`));

  beforeEach(() => {
    behaviour.delayMs = 0;
    behaviour.die = 'no';
  });

  it('a timer run (claim, send, settle): at most once whenever the outcome was recorded, never lost, quota never negative', async () => {
    const result = await crashAtEveryCall<W, unknown>({
      name: 'reminders run',
      async setUp() {
        const world = cloudbase.world();
        const id = await book(world);
        await grantTimes(world, 2, 'bookingReminder');
        return { world, id, atStop: null };
      },
      fake: (w) => w.world.fake!,
      run: (w) => run(w.world, IN_WINDOW),
      retry: async (w) => {
        w.world.restart();
        // The next runs: one inside the lease, one after it.
        await run(w.world, later(MIN, IN_WINDOW));
        return run(w.world, later(SEND_LEASE_MS + MIN, IN_WINDOW));
      },
      invariants: [
        (w) => checkInvariants(w.world),
        (w) => {
          // Two subscriptions granted; a claim takes one, its retry after a death carries it over.
          expect(quotaHeld(w) + Math.min(1, messagesOf(w.world).length)).toBeLessThanOrEqual(2);
          w.atStop ??= { messages: messagesOf(w.world).length, status: statusOf(w) };
        },
      ],
      afterRetry: (w) => {
        const sent = messagesOf(w.world).length;
        expect(statusOf(w)).toBe('sent');
        // Never lost; a recorded `sent` is never sent again; a second message only after a death between send and record.
        if (w.atStop!.status === 'sent') expect(sent).toBe(w.atStop!.messages);
        else if (w.atStop!.messages === 0) expect(sent).toBe(1);
        else expect(sent).toBe(2);
      },
    });
    report.push(`  reminders run: ${result.calls} calls, ${result.stops} stops injected`);
    expect(result.calls).toBeGreaterThanOrEqual(6);
    expect(result.missed).toBe(0);
  });

  it('a grant: all or nothing', async () => {
    const result = await crashAtEveryCall<W, unknown>({
      name: 'grant',
      async setUp() {
        const world = cloudbase.world();
        await grantTimes(world, 1, 'billDue');
        return { world, id: 'none', atStop: null };
      },
      fake: (w) => w.world.fake!,
      run: (w) => grant(w.world.ports, { results: accepted(w.world, 'bookingReminder', 'billDue') }, { caller: ALICE, now: NOW }),
      retry: (w) => {
        w.world.restart();
        return grant(w.world.ports, { results: accepted(w.world, 'bookingReminder', 'billDue') }, { caller: ALICE, now: NOW });
      },
      invariants: [
        async (w) => {
          const q = await w.world.ports.reminders.quota(ALICE);
          // Both templates moved together: the ledger is one document written in one transaction.
          expect((q.billDue ?? 0) - (q.bookingReminder ?? 0)).toBe(1);
        },
      ],
    });
    report.push(`  grant: ${result.calls} calls, ${result.stops} stops injected`);
    expect(result.missed).toBe(0);
  });

  it('throws the stop itself out of a stopped run (no other error hides it)', async () => {
    const world = cloudbase.world();
    await book(world);
    await grantTimes(world, 1, 'bookingReminder');
    world.fake!.stopAt(world.fake!.calls + 2);
    await expect(run(world, IN_WINDOW)).rejects.toBeInstanceOf(FunctionStopped);
  });
});
