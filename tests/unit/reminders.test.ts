import fc from 'fast-check';
import {
  MAX_SEND_ATTEMPTS,
  SEND_LEASE_MS,
  applyGrant,
  billReminderDue,
  bookingConfirmedDue,
  bookingReminderDue,
  claimReminder,
  grantIncrements,
  quotaAfter,
  reminderKey,
  settleSend,
  type ReminderRecord,
  type SendOutcome,
} from '../../shared/reminders';

const IDS = { bookingReminder: 'TPL_R', bookingConfirmed: 'TPL_C', billDue: 'TPL_B' };

describe('grant results -> quota increments', () => {
  it('adds one send per accepted template of this deployment, ignoring errMsg', () => {
    expect(grantIncrements({ errMsg: 'requestSubscribeMessage:ok', TPL_R: 'accept', TPL_C: 'accept', TPL_B: 'reject' }, IDS)).toEqual({
      ok: true,
      increments: { bookingReminder: 1, bookingConfirmed: 1 },
    });
  });

  it('adds nothing for reject, ban, filter, junk values or ids that are not ours', () => {
    expect(grantIncrements({ TPL_R: 'ban', TPL_C: 'filter', TPL_B: 'ACCEPT', OTHER_APP: 'accept', errMsg: 'accept' }, IDS)).toEqual({
      ok: true,
      increments: {},
    });
    expect(grantIncrements({ TPL_R: ['accept'], TPL_C: 1, TPL_B: null }, IDS)).toEqual({ ok: true, increments: {} });
  });

  it('reads no inherited property as an answer', () => {
    expect(grantIncrements({}, { bookingReminder: 'constructor', bookingConfirmed: '__proto__', billDue: 'toString' })).toEqual({ ok: true, increments: {} });
    expect(grantIncrements(JSON.parse('{"__proto__": "accept"}'), { ...IDS, billDue: '__proto__' })).toEqual({ ok: true, increments: { billDue: 1 } });
  });

  it('ignores a template whose id is not configured', () => {
    expect(grantIncrements({ TPL_R: 'accept', '': 'accept' }, { bookingReminder: 'TPL_R', billDue: '' })).toEqual({
      ok: true,
      increments: { bookingReminder: 1 },
    });
  });

  it.each([[null], ['accept'], [['TPL_R']], [42], [undefined]])('refuses results that are not an object: %j', (results) => {
    const r = grantIncrements(results, IDS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^results:/);
  });

  it('never adds more than one per template per grant, whatever the junk around it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.constantFrom('TPL_R', 'TPL_C', 'TPL_B', 'errMsg'), fc.string()),
          fc.oneof(fc.constantFrom('accept', 'reject', 'ban', 'filter'), fc.anything()),
        ),
        (results) => {
          const r = grantIncrements(results, IDS);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          for (const [key, n] of Object.entries(r.increments)) {
            expect(n).toBe(1);
            expect(results[IDS[key as keyof typeof IDS]]).toBe('accept');
          }
        },
      ),
    );
  });

  it('adds increments to the ledger', () => {
    expect(applyGrant({ billDue: 2 }, { billDue: 1, bookingReminder: 1 })).toEqual({ billDue: 3, bookingReminder: 1 });
    expect(applyGrant({ billDue: 2 }, {})).toEqual({ billDue: 2 });
  });
});

describe('when reminders are due', () => {
  const start = '2026-11-25T10:00:00+08:00';
  it.each([
    ['09:29:59', 'pending', false],
    ['09:30:00', 'pending', true],
    ['09:59:59', 'confirmed', true],
    ['10:00:00', 'confirmed', false],
    ['09:45:00', 'cancelled', false],
    ['09:45:00', 'checked_in', false],
  ] as const)('booking reminder at %s for a %s booking: %s', (clock, status, due) => {
    expect(bookingReminderDue({ status, start }, new Date(`2026-11-25T${clock}+08:00`))).toBe(due);
  });

  it('sends the confirmation while the booking is confirmed and its slot not over', () => {
    const end = '2026-11-25T11:00:00+08:00';
    expect(bookingConfirmedDue({ status: 'confirmed', end }, new Date('2026-11-25T10:59:00+08:00'))).toBe(true);
    expect(bookingConfirmedDue({ status: 'confirmed', end }, new Date('2026-11-25T11:00:00+08:00'))).toBe(false);
    expect(bookingConfirmedDue({ status: 'pending', end }, new Date('2026-11-25T09:00:00+08:00'))).toBe(false);
  });

  it.each([
    ['2026-12-01T23:59:59+08:00', false],
    ['2026-12-02T00:00:00+08:00', true],
    ['2026-12-05T23:59:59+08:00', true],
    // Past due, still unpaid: a bill imported or bound late is reminded up to 7 days overdue (once: its key).
    ['2026-12-06T00:00:00+08:00', true],
    ['2026-12-12T23:59:59+08:00', true],
    ['2026-12-13T00:00:00+08:00', false],
  ])('bill due 2026-12-05, at %s (Shanghai): %s', (at, due) => {
    expect(billReminderDue({ dueDate: '2026-12-05', paid: false }, new Date(at))).toBe(due);
  });

  it('counts the days in Shanghai whatever the server zone: 16:00 UTC is the next day', () => {
    expect(billReminderDue({ dueDate: '2026-12-05', paid: false }, new Date('2026-12-01T16:00:00Z'))).toBe(true);
    expect(billReminderDue({ dueDate: '2026-12-05', paid: false }, new Date('2026-12-01T15:59:59Z'))).toBe(false);
  });

  it('never reminds of a paid bill', () => {
    expect(billReminderDue({ dueDate: '2026-12-05', paid: true }, new Date('2026-12-03T10:00:00+08:00'))).toBe(false);
  });

  it('keys a reminder by template, subject and recipient', () => {
    expect(reminderKey('billDue', 'bill_1', 'o_a')).not.toBe(reminderKey('billDue', 'bill_1', 'o_b'));
    expect(reminderKey('bookingReminder', 'b1', 'o_a')).not.toBe(reminderKey('bookingConfirmed', 'b1', 'o_a'));
  });
});

describe('the claim', () => {
  const T0 = new Date('2026-11-25T01:30:00Z');
  const at = (ms: number) => new Date(T0.getTime() + ms);
  const key = 'bookingReminder:b1:o_a';
  const facts = (record: ReminderRecord | null, now = T0, quota = 1, due = true) => ({ key, record, quota, due, now });

  function claimed(now = T0, record: ReminderRecord | null = null): ReminderRecord {
    const d = claimReminder(facts(record, now));
    if (d.action !== 'send') throw new Error(`expected a claim, got ${d.action}`);
    return d.record;
  }

  it('claims an unclaimed reminder with a lease, taking one from the quota', () => {
    const d = claimReminder(facts(null));
    expect(d).toEqual({
      action: 'send',
      record: { key, status: 'claimed', attempts: 1, leaseUntil: at(SEND_LEASE_MS).toISOString(), cause: null, updatedAt: T0.toISOString() },
      quotaDelta: -1,
    });
  });

  it('lets only one of three overlapping runs send: the others see the lease', () => {
    const first = claimed();
    expect(claimReminder(facts(first, at(1_000)))).toEqual({ action: 'none', why: 'leased' });
    expect(claimReminder(facts(first, at(SEND_LEASE_MS - 1)))).toEqual({ action: 'none', why: 'leased' });
  });

  it('never sends again once the outcome is recorded, whatever the outcome', () => {
    const outcomes: SendOutcome[] = [
      { status: 'sent' },
      { status: 'no-quota', cause: '43101' },
      { status: 'permanent', errcode: 47003, cause: 'x' },
      { status: 'config', errcode: 40164, cause: 'ip' },
    ];
    for (const outcome of outcomes) {
      const settled = settleSend(claimed(), outcome, at(500)).record;
      for (const later of [at(1_000), at(SEND_LEASE_MS + 1), at(86_400_000)])
        expect(claimReminder(facts(settled, later, 5))).toEqual({ action: 'none', why: 'done' });
    }
  });

  it('retries a send whose outcome is unknown once, after the lease expires', () => {
    const first = claimed(); // the function died after WeChat took the message, before recording
    const retry = claimReminder(facts(first, at(SEND_LEASE_MS)));
    expect(retry).toMatchObject({ action: 'send', record: { status: 'claimed', attempts: 2 }, quotaDelta: 0 });
    // The dead claim's send carries over: no second one is taken, and none is needed.
    expect(claimReminder(facts(first, at(SEND_LEASE_MS), 0))).toMatchObject({ action: 'send', quotaDelta: 0 });
    if (retry.action !== 'send') return;
    // ... and dies again: the third run gives up, recording it failed, and never sends.
    const third = claimReminder(facts(retry.record, at(2 * SEND_LEASE_MS + 1)));
    expect(third).toMatchObject({ action: 'resolve', counted: 'failed', record: { status: 'failed', attempts: 2, cause: expect.stringMatching(/unknown/) } });
  });

  it('sends at most twice in any interleaving of runs, deaths and outcomes', () => {
    const outcomeArb = fc.constantFrom<SendOutcome | 'die'>(
      'die',
      { status: 'sent' },
      { status: 'retryable', cause: '500', maybeSent: false },
      { status: 'retryable', cause: 'timeout', maybeSent: true },
      { status: 'no-quota', cause: '43101' },
      { status: 'permanent', errcode: 47003, cause: 'x' },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3 * SEND_LEASE_MS), outcomeArb), { maxLength: 30 }), (runs) => {
        let record: ReminderRecord | null = null;
        let now = T0.getTime();
        let sends = 0;
        for (const [gap, outcome] of runs) {
          now += gap;
          const d = claimReminder(facts(record, new Date(now), 10));
          if (d.action === 'none') continue;
          record = d.record;
          if (d.action === 'resolve') continue;
          sends += 1;
          if (outcome !== 'die') record = settleSend(d.record, outcome, new Date(now)).record;
        }
        expect(sends).toBeLessThanOrEqual(MAX_SEND_ATTEMPTS);
      }),
    );
  });

  it('retries a send WeChat did not take (a 500) at the next run, once', () => {
    const first = claimed();
    const settled = settleSend(first, { status: 'retryable', cause: 'HTTP 500', maybeSent: false }, at(100));
    expect(settled).toMatchObject({ record: { status: 'retry', attempts: 1 }, quota: 'refund', counted: 'failed' });
    const second = claimReminder(facts(settled.record, at(60_000)));
    expect(second).toMatchObject({ action: 'send', record: { attempts: 2 } });
    if (second.action !== 'send') return;
    expect(settleSend(second.record, { status: 'retryable', cause: 'HTTP 500', maybeSent: false }, at(60_100)).record.status).toBe('failed');
  });

  it('skips without sending when the user has no quota, and records it', () => {
    expect(claimReminder(facts(null, T0, 0))).toMatchObject({
      action: 'resolve',
      counted: 'skipped',
      record: { status: 'skipped', attempts: 0, cause: expect.stringMatching(/no quota/) },
    });
  });

  it('skips a retry that is no longer due (the booking started, the bill was paid)', () => {
    const first = claimed();
    expect(claimReminder(facts(first, at(SEND_LEASE_MS), 1, false))).toMatchObject({
      action: 'resolve',
      counted: 'skipped',
      record: { cause: 'no longer due' },
    });
  });
});

describe('settling a send', () => {
  const claim: ReminderRecord = {
    key: 'k',
    status: 'claimed',
    attempts: 1,
    leaseUntil: '2026-11-25T01:32:00.000Z',
    cause: null,
    updatedAt: '2026-11-25T01:30:00.000Z',
  };
  const now = new Date('2026-11-25T01:30:02Z');
  it.each([
    [{ status: 'sent' }, 'sent', 'keep', 'sent'],
    [{ status: 'no-quota', cause: 'refused' }, 'skipped', 'empty', 'skipped'],
    [{ status: 'config', errcode: 40164, cause: 'allow-list' }, 'skipped', 'refund', 'skipped'],
    [{ status: 'permanent', errcode: 47003, cause: 'thing1' }, 'failed', 'refund', 'failed'],
    [{ status: 'retryable', cause: '500', maybeSent: false }, 'retry', 'refund', 'failed'],
    [{ status: 'retryable', cause: 'timeout', maybeSent: true }, 'retry', 'keep', 'failed'],
  ] as [SendOutcome, string, string, string][])('records %j as %s (quota %s)', (outcome, status, quota, counted) => {
    const s = settleSend(claim, outcome, now);
    expect(s).toMatchObject({ record: { key: 'k', status, attempts: 1, leaseUntil: null, updatedAt: now.toISOString() }, quota, counted });
  });

  it('names the cause of a skip or failure in the record', () => {
    expect(settleSend(claim, { status: 'permanent', errcode: 47003, cause: 'data.thing1.value invalid' }, now).record.cause).toBe(
      '47003: data.thing1.value invalid',
    );
    expect(settleSend(claim, { status: 'config', cause: 'WECHAT_TEMPLATE_BILL_DUE is not set' }, now).record.cause).toMatch(/WECHAT_TEMPLATE_BILL_DUE/);
  });

  it('moves the ledger: refund gives one back, empty sets it to 0 (WeChat says none is left)', () => {
    expect(quotaAfter(2, 'keep')).toBe(2);
    expect(quotaAfter(2, 'refund')).toBe(3);
    expect(quotaAfter(2, 'empty')).toBe(0);
  });
});
