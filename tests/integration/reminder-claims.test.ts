/**
 * The claim rules and the WeChat messenger together, over a ledger kept in memory whose every
 * method is synchronous (so atomic, as each store adapter's transaction will be). This checks the
 * design of docs/reminders.md end to end before the stores exist; the stores' own suites will run
 * the same scenarios on SQLite and CloudBase.
 */
import { readMessengerSettings, wechatMessenger } from '../../functions/lib/messenger';
import type { MessageToSend, Messenger } from '../../functions/lib/ports';
import { SEND_LEASE_MS, claimReminder, quotaAfter, reminderKey, settleSend, type ReminderRecord } from '../../shared/reminders';
import { bookingReminderMessage, type TemplateKey } from '../../shared/subscribe-message';
import { startWechatApi, type WechatApiServer } from '../support/wechat-api-server';

class MemoryLedger {
  readonly records = new Map<string, ReminderRecord>();
  readonly quota = new Map<string, number>();

  grant(openid: string, templateKey: TemplateKey, n: number) {
    this.quota.set(`${openid}|${templateKey}`, (this.quota.get(`${openid}|${templateKey}`) ?? 0) + n);
  }

  quotaOf(openid: string, templateKey: TemplateKey): number {
    return this.quota.get(`${openid}|${templateKey}`) ?? 0;
  }

  claim(key: string, openid: string, templateKey: TemplateKey, due: boolean, now: Date) {
    const decision = claimReminder({ key, record: this.records.get(key) ?? null, quota: this.quotaOf(openid, templateKey), due, now });
    if (decision.action === 'send') this.quota.set(`${openid}|${templateKey}`, this.quotaOf(openid, templateKey) + decision.quotaDelta);
    if (decision.action !== 'none') this.records.set(key, decision.record);
    return decision;
  }

  settle(claimed: ReminderRecord, openid: string, templateKey: TemplateKey, outcome: Parameters<typeof settleSend>[1], now: Date) {
    const current = this.records.get(claimed.key);
    // Only this run's claim may be settled: a later run may have claimed again after the lease.
    if (current?.status !== 'claimed' || current.attempts !== claimed.attempts) return null;
    const settled = settleSend(claimed, outcome, now);
    this.records.set(claimed.key, settled.record);
    this.quota.set(`${openid}|${templateKey}`, quotaAfter(this.quotaOf(openid, templateKey), settled.quota));
    return settled;
  }
}

/** One timer run for one reminder: claim, send, settle (unless the function "dies" after sending). */
async function run(ledger: MemoryLedger, messenger: Messenger, message: MessageToSend, now: Date, options: { dieAfterSend?: boolean; due?: boolean } = {}) {
  const key = reminderKey(message.templateKey, 'bk_1', message.openid);
  const decision = ledger.claim(key, message.openid, message.templateKey, options.due ?? true, now);
  if (decision.action !== 'send') return decision.action === 'resolve' ? decision.counted : 'nothing';
  const outcome = await messenger.send(message);
  if (options.dieAfterSend) return 'died';
  return ledger.settle(decision.record, message.openid, message.templateKey, outcome, now)?.counted ?? 'lost the claim';
}

const T0 = Date.parse('2026-11-25T01:30:00Z');
const TEMPLATE_ID = 'TPL_REMIND';
const booking = { bookingId: 'bk_1', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' };
const message: MessageToSend = { openid: 'o_alice', ...bookingReminderMessage(booking) };

describe('claims and the WeChat messenger together', () => {
  let api: WechatApiServer;
  let messenger: Messenger;
  let ledger: MemoryLedger;
  const clock = { ms: T0 };

  beforeEach(async () => {
    clock.ms = T0;
    api = await startWechatApi({
      appId: 'wx1',
      appSecret: 's',
      templates: { [TEMPLATE_ID]: ['thing1', 'time2', 'character_string3', 'thing4'] },
      pages: ['packageBooking/pages/my-bookings/index'],
      now: () => clock.ms,
      slowMs: 10_000,
    });
    const { settings, problems } = readMessengerSettings({
      WECHAT_APPID: 'wx1',
      WECHAT_APPSECRET: 's',
      WECHAT_TEMPLATE_BOOKING_REMINDER: TEMPLATE_ID,
      WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'TPL_C',
      WECHAT_TEMPLATE_BILL_DUE: 'TPL_B',
      WECHAT_API_BASE_URL: api.url,
      WECHAT_API_TIMEOUT_MS: '800',
    });
    messenger = wechatMessenger({ settings, problems, now: () => clock.ms, log: () => {} });
    ledger = new MemoryLedger();
  });
  afterEach(() => api.close());

  it('sends one message for three overlapping runs', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 3);
    ledger.grant('o_alice', 'bookingReminder', 3);
    const now = new Date(T0);
    const counted = await Promise.all([run(ledger, messenger, message, now), run(ledger, messenger, message, now), run(ledger, messenger, message, now)]);
    expect(counted.sort()).toEqual(['nothing', 'nothing', 'sent']);
    expect(api.delivered).toHaveLength(1);
    expect(ledger.quotaOf('o_alice', 'bookingReminder')).toBe(2);
    // Later runs find it done.
    expect(await run(ledger, messenger, message, new Date(T0 + 10 * 60_000))).toBe('nothing');
    expect(api.delivered).toHaveLength(1);
  });

  it('after a death between send and record, sends once more after the lease, then never again', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 5);
    ledger.grant('o_alice', 'bookingReminder', 5);
    expect(await run(ledger, messenger, message, new Date(T0), { dieAfterSend: true })).toBe('died');
    expect(await run(ledger, messenger, message, new Date(T0 + 60_000))).toBe('nothing'); // leased
    expect(api.delivered).toHaveLength(1);
    expect(await run(ledger, messenger, message, new Date(T0 + SEND_LEASE_MS), { dieAfterSend: true })).toBe('died');
    expect(api.delivered).toHaveLength(2); // the rare duplicate, said in docs/reminders.md
    expect(await run(ledger, messenger, message, new Date(T0 + 2 * SEND_LEASE_MS + 1))).toBe('failed');
    expect(await run(ledger, messenger, message, new Date(T0 + 3 * SEND_LEASE_MS))).toBe('nothing');
    expect(api.delivered).toHaveLength(2);
  });

  it('retries a send whose answer never came once, keeping its quota used', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 5);
    ledger.grant('o_alice', 'bookingReminder', 5);
    api.failNextSends('slow');
    expect(await run(ledger, messenger, message, new Date(T0))).toBe('failed');
    expect(ledger.records.get(reminderKey('bookingReminder', 'bk_1', 'o_alice'))).toMatchObject({ status: 'retry', attempts: 1 });
    expect(await run(ledger, messenger, message, new Date(T0 + 60_000))).toBe('sent');
    expect(api.delivered).toHaveLength(2);
    expect(ledger.quotaOf('o_alice', 'bookingReminder')).toBe(3);
  });

  it('retries a 500 once and gives the quota back', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 1);
    ledger.grant('o_alice', 'bookingReminder', 1);
    api.failNextSends('http500');
    expect(await run(ledger, messenger, message, new Date(T0))).toBe('failed');
    expect(ledger.quotaOf('o_alice', 'bookingReminder')).toBe(1);
    expect(await run(ledger, messenger, message, new Date(T0 + 60_000))).toBe('sent');
    expect(api.delivered).toHaveLength(1);
  });

  it('sends nothing without quota, and records the skip', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 1); // WeChat would take it, but the user never granted us one
    expect(await run(ledger, messenger, message, new Date(T0))).toBe('skipped');
    expect(api.calls.send).toBe(0);
    expect(await run(ledger, messenger, message, new Date(T0 + 60_000))).toBe('nothing');
  });

  it('empties the ledger when WeChat says the user has none left (43101), and does not retry', async () => {
    ledger.grant('o_alice', 'bookingReminder', 3);
    api.subscribe('o_alice', TEMPLATE_ID, 0);
    expect(await run(ledger, messenger, message, new Date(T0))).toBe('skipped');
    expect(ledger.quotaOf('o_alice', 'bookingReminder')).toBe(0);
    expect(await run(ledger, messenger, message, new Date(T0 + SEND_LEASE_MS + 1))).toBe('nothing');
    expect(api.calls.send).toBe(1);
  });

  it('drops a retry that is no longer due', async () => {
    api.subscribe('o_alice', TEMPLATE_ID, 2);
    ledger.grant('o_alice', 'bookingReminder', 2);
    api.failNextSends('http500');
    expect(await run(ledger, messenger, message, new Date(T0))).toBe('failed');
    expect(await run(ledger, messenger, message, new Date(T0 + 60_000), { due: false })).toBe('skipped');
    expect(api.delivered).toHaveLength(0);
  });
});
