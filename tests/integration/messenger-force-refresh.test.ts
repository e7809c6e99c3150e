/**
 * `stable_token` force_refresh spacing ACROSS function instances: two WeChat messengers (two
 * instances of the `reminders` function) over one database, against the server playing WeChat
 * (tests/support/wechat-api-server.ts, which records every force_refresh less than 30 s after the
 * last as a violation). The budget is the database's record (ForceRefreshLedger), on SQLite and on
 * CloudBase alike.
 */
import { reminderPorts } from '../../functions/lib/cloudbase/adapters';
import { cloudbaseForceRefreshLedger } from '../../functions/lib/cloudbase/service-state';
import { settingsFrom, start } from '../../functions/local/main';
import { readMessengerSettings, wechatMessenger } from '../../functions/lib/messenger';
import type { ForceRefreshLedger, Messenger } from '../../functions/lib/ports';
import { openDatabase } from '../../functions/lib/sqlite';
import { sqliteForceRefreshLedger } from '../../functions/lib/sqlite/service-state';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { BILL_PAGE, bookingReminderMessage } from '../../shared/subscribe-message';
import { startWechatApi, type WechatApiServer } from '../support/wechat-api-server';

const APPID = 'wx0123456789abcdef';
const SECRET = 'secret-never-logged-0123456789';
const TEMPLATE = 'TPL_REMIND';
const ENV = {
  WECHAT_APPID: APPID,
  WECHAT_APPSECRET: SECRET,
  WECHAT_TEMPLATE_BOOKING_REMINDER: TEMPLATE,
  WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'TPL_CONFIRMED',
  WECHAT_TEMPLATE_BILL_DUE: 'TPL_BILL',
  WECHAT_TEMPLATE_BOOKING_CHANGED: 'TPL_CHANGED',
  WECHAT_TEMPLATE_NEW_BOOKING: 'TPL_NEW_BOOKING',
};
const START_MS = Date.parse('2026-11-25T01:00:00Z');
const message = {
  openid: 'o_alice',
  ...bookingReminderMessage({ bookingId: 'bk_1', storeName: '老王家手工水饺', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' }),
};

const ADAPTERS: [string, () => { ledger(): ForceRefreshLedger; close(): void }][] = [
  [
    'sqlite',
    () => {
      const db = openDatabase(':memory:');
      return { ledger: () => sqliteForceRefreshLedger(db), close: () => db.close() };
    },
  ],
  [
    'cloudbase',
    () => {
      const fake = new FakeCloudbase();
      return { ledger: () => cloudbaseForceRefreshLedger(fake as never), close: () => {} };
    },
  ],
];

describe.each(ADAPTERS)('force_refresh across instances, the budget on %s', (_name, make) => {
  let api: WechatApiServer;
  let store: ReturnType<typeof make>;
  const clock = { ms: START_MS };
  const instance = (): Messenger => {
    const { settings, problems } = readMessengerSettings({ ...ENV, WECHAT_API_BASE_URL: api.url });
    return wechatMessenger({ settings, problems, now: () => clock.ms, log: () => {}, forceRefresh: store.ledger() });
  };
  beforeEach(async () => {
    clock.ms = START_MS;
    store = make();
    api = await startWechatApi({
      appId: APPID,
      appSecret: SECRET,
      templates: { [TEMPLATE]: ['thing1', 'time2', 'character_string3', 'thing4'] },
      pages: ['packageBooking/pages/my-bookings/index', BILL_PAGE],
      now: () => clock.ms,
    });
    api.subscribe('o_alice', TEMPLATE, 10);
  });
  afterEach(async () => {
    await api.close();
    store.close();
  });

  it("a second instance meeting a rejected token within 30 s of the first one's force_refresh does not force again", async () => {
    const a = instance();
    expect(await a.send(message)).toEqual({ status: 'sent' });
    api.poisonCurrentToken();
    // Instance A: normal mode repeats the rejected token, so it forces (budget taken at +0 s).
    expect(await a.send(message)).toEqual({ status: 'sent' });
    expect(api.calls.forceToken).toBe(1);

    // 10 s later instance B (a cold start) gets the new token, which WeChat now rejects too.
    clock.ms += 10_000;
    const b = instance();
    api.poisonCurrentToken();
    const refused = await b.send(message);
    expect(refused).toEqual({
      status: 'retryable',
      maybeSent: false,
      cause: 'access token rejected and WeChat returns the same one; force_refresh not sent: the last force_refresh was 10 s ago (WeChat allows one per 30 s)',
    });
    expect(api.calls.forceToken).toBe(1);

    // 30 s after A's: B may force.
    clock.ms += 20_000;
    expect(await b.send(message)).toEqual({ status: 'sent' });
    expect(api.calls.forceToken).toBe(2);
    expect(api.forceRefreshViolations).toEqual([]);
    expect(api.delivered).toHaveLength(3);
  });

  it('two instances meeting the rejection at once force once between them', async () => {
    const a = instance();
    const b = instance();
    expect(await a.send(message)).toEqual({ status: 'sent' });
    expect(await b.send(message)).toEqual({ status: 'sent' });
    api.poisonCurrentToken();
    const outcomes = await Promise.all([a.send(message), b.send(message)]);
    expect(api.calls.forceToken).toBe(1);
    expect(api.forceRefreshViolations).toEqual([]);
    // The one that forced sent; the other sent with the new token or was told to retry, never a second force.
    expect(outcomes.filter((o) => o.status === 'sent').length).toBeGreaterThanOrEqual(1);
    for (const o of outcomes) expect(['sent', 'retryable']).toContain(o.status);
  });
});

describe('the wiring: each deployment keeps the budget in its database', () => {
  it("the cloud's reminders ports take it from service_state/stable_token_force_refresh:<appid>", async () => {
    const fake = new FakeCloudbase();
    const api = await startWechatApi({
      appId: APPID,
      appSecret: SECRET,
      templates: { [TEMPLATE]: ['thing1', 'time2', 'character_string3', 'thing4'] },
      pages: ['packageBooking/pages/my-bookings/index'],
      now: () => Date.now(),
    });
    try {
      api.subscribe('o_alice', TEMPLATE, 2);
      const { messenger } = reminderPorts(fake as never, { ...ENV, WECHAT_API_BASE_URL: api.url }).notify;
      expect(await messenger.send(message)).toEqual({ status: 'sent' });
      api.poisonCurrentToken();
      expect(await messenger.send(message)).toEqual({ status: 'sent' });
      expect(api.calls.forceToken).toBe(1);
      expect(fake.table('service_state').get(`stable_token_force_refresh:${APPID}`)).toMatchObject({ countOfDay: 1 });
    } finally {
      await api.close();
    }
  });

  it("the local host's WeChat messenger (NEARBY_MESSENGER=wechat) takes it from its SQLite database", async () => {
    const settings = settingsFrom({ ...ENV, PORT: '0', NEARBY_DB: ':memory:', NEARBY_SEED: 'none', NEARBY_TIMERS: 'off', NEARBY_MESSENGER: 'wechat' });
    const local = await start(settings, () => {});
    try {
      expect((await settings.forceRefresh?.take(APPID, new Date(START_MS)))?.ok).toBe(true);
      const row = local.db.prepare('SELECT body FROM service_state WHERE key = ?').pluck().get(`stable_token_force_refresh:${APPID}`) as string;
      expect(JSON.parse(row)).toEqual({ lastAtMs: START_MS, day: '2026-11-25', countOfDay: 1 });
    } finally {
      await local.host.close();
      local.db.close();
    }
  });
});
