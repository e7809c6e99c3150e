import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOutbox, readMessengerSettings, wechatMessenger } from '../../functions/lib/messenger';
import type { MessageToSend, Messenger, SendOutcome } from '../../functions/lib/ports';
import { BILL_PAGE, billDueMessage, bookingConfirmedMessage, bookingReminderMessage } from '../../shared/subscribe-message';
import { libraryTemplates, startWechatApi, type WechatApiServer } from '../support/wechat-api-server';

const APPID = 'wx0123456789abcdef';
const SECRET = 'secret-never-logged-0123456789';
const IDS = { bookingReminder: 'TPL_REMIND', bookingConfirmed: 'TPL_CONFIRMED', billDue: 'TPL_BILL' };
const ENV = {
  WECHAT_APPID: APPID,
  WECHAT_APPSECRET: SECRET,
  WECHAT_TEMPLATE_BOOKING_REMINDER: IDS.bookingReminder,
  WECHAT_TEMPLATE_BOOKING_CONFIRMED: IDS.bookingConfirmed,
  WECHAT_TEMPLATE_BILL_DUE: IDS.billDue,
  WECHAT_MINIPROGRAM_STATE: 'trial',
};

/** The mini program's pages as app.json lists them (the bill page arrives with the bills issue). */
function appPages(): string[] {
  const app = JSON.parse(readFileSync(join(__dirname, '../../miniprogram/app.json'), 'utf8')) as {
    pages: string[];
    subpackages: { root: string; pages: string[] }[];
  };
  return [...app.pages, ...app.subpackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`)), BILL_PAGE];
}

const START_MS = Date.parse('2026-11-25T01:00:00Z');
const booking = {
  bookingId: 'bk_1',
  storeName: '老王家手工水饺（静安寺旗舰店）',
  start: '2026-11-25T10:00:00+08:00',
  timezone: 'Asia/Shanghai',
  code: 'K7Q2M9',
};
const reminderTo = (openid: string): MessageToSend => ({ openid, ...bookingReminderMessage(booking) });

interface World {
  api: WechatApiServer;
  messenger: Messenger;
  /** The adapter's and WeChat's clocks, moved separately when a test needs them apart. */
  clock: { adapterMs: number; wechatMs: number };
  logs: Record<string, unknown>[];
}

/** `timeoutMs` is the adapter's; a `slow` fault holds WeChat's answer far past it. */
async function world(env: Record<string, string> = {}, timeoutMs = 5000): Promise<World> {
  const clock = { adapterMs: START_MS, wechatMs: START_MS };
  const api = await startWechatApi({
    appId: APPID,
    appSecret: SECRET,
    templates: libraryTemplates(IDS),
    pages: appPages(),
    now: () => clock.wechatMs,
    slowMs: 10_000,
  });
  const logs: Record<string, unknown>[] = [];
  const { settings, problems } = readMessengerSettings({ ...ENV, WECHAT_API_BASE_URL: api.url, WECHAT_API_TIMEOUT_MS: String(timeoutMs), ...env });
  const messenger = wechatMessenger({ settings, problems, now: () => clock.adapterMs, log: (line) => logs.push(line) });
  return { api, messenger, clock, logs };
}

const advance = (w: World, ms: number) => {
  w.clock.adapterMs += ms;
  w.clock.wechatMs += ms;
};

describe('the WeChat messenger against a server playing WeChat', () => {
  let w: World;
  afterEach(() => w.api.close());

  it('sends the message with the template id, page, data, build state and language', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder);
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.delivered).toEqual([
      {
        openid: 'o_alice',
        templateId: IDS.bookingReminder,
        page: 'packageBooking/pages/my-bookings/index?bookingId=bk_1',
        data: bookingReminderMessage(booking).data,
        miniprogramState: 'trial',
        lang: 'zh_CN',
      },
    ]);
    expect(w.api.subscriptionsLeft('o_alice', IDS.bookingReminder)).toBe(0);
  });

  it('sends all three templates, each within the fields WeChat checks', async () => {
    w = await world();
    w.api.subscribe('o_bob', IDS.bookingConfirmed);
    w.api.subscribe('o_bob', IDS.billDue);
    const confirmed = await w.messenger.send({ openid: 'o_bob', ...bookingConfirmedMessage(booking) });
    const bill = await w.messenger.send({
      openid: 'o_bob',
      ...billDueMessage({ billId: 'bill_7', accountType: 'electricity', accountNo: '310012345678901234567', amountFen: 1234, dueDate: '2026-11-28' }),
    });
    expect([confirmed, bill]).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    expect(w.api.delivered.map((d) => d.templateId)).toEqual([IDS.bookingConfirmed, IDS.billDue]);
  });

  it('fetches one token for many sends, and again only when it nears its expiry', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 10);
    await Promise.all([1, 2, 3, 4, 5].map(() => w.messenger.send(reminderTo('o_alice'))));
    expect(w.api.calls.normalToken).toBe(1);
    advance(w, 60 * 60_000); // an hour on: still well inside 7200 s
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls.normalToken).toBe(1);
    advance(w, 56 * 60_000); // 4 minutes before expiry: inside the 5-minute margin
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls.normalToken).toBe(2);
    expect(w.api.calls.forceToken).toBe(0);
    expect(w.api.delivered).toHaveLength(7);
  });

  it('on 42001 (expired) drops the cached token, fetches once in normal mode and sends', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 2);
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    // WeChat's clock runs past the token's expiry while ours still trusts the cache.
    w.clock.wechatMs += 2 * 3600_000;
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls).toEqual({ normalToken: 2, forceToken: 0, send: 3 });
    expect(w.logs.some((l) => l.event === 'token-rejected' && l.errcode === 42001)).toBe(true);
  });

  it('on 40001 (replaced elsewhere) takes the current token from normal mode without forcing', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 2);
    await w.messenger.send(reminderTo('o_alice'));
    // Someone else forces a refresh: our cached token is invalidated.
    await fetch(`${w.api.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: true }),
    });
    w.clock.adapterMs += 31_000;
    w.clock.wechatMs += 31_000;
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls.forceToken).toBe(1); // only the other party's
    expect(w.api.calls.normalToken).toBe(2);
  });

  it('forces a refresh only when normal mode returns the rejected token, and never within 30 s of the last', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 5);
    await w.messenger.send(reminderTo('o_alice'));
    w.api.poisonCurrentToken();
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls.forceToken).toBe(1);

    advance(w, 10_000);
    w.api.poisonCurrentToken();
    const refused = await w.messenger.send(reminderTo('o_alice'));
    expect(refused).toMatchObject({ status: 'retryable', maybeSent: false });
    expect((refused as { cause: string }).cause).toMatch(/30 s/);
    expect(w.api.calls.forceToken).toBe(1);

    advance(w, 20_000);
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(w.api.calls.forceToken).toBe(2);
    expect(w.api.forceRefreshViolations).toEqual([]);
    expect(w.api.delivered).toHaveLength(3);
  });

  it('replaces a token rejected for many concurrent sends with one force_refresh', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 10);
    await w.messenger.send(reminderTo('o_alice'));
    w.api.poisonCurrentToken();
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => w.messenger.send(reminderTo('o_alice'))));
    expect(outcomes).toEqual([1, 2, 3, 4, 5].map(() => ({ status: 'sent' })));
    expect(w.api.calls.forceToken).toBe(1);
    expect(w.api.delivered).toHaveLength(6);
  });

  it('stops forcing after 20 refreshes in a day', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 50);
    const outcomes: SendOutcome[] = [];
    for (let i = 0; i < 22; i++) {
      await w.messenger.send(reminderTo('o_alice')).then(() => w.api.poisonCurrentToken());
      advance(w, 31_000);
      outcomes.push(await w.messenger.send(reminderTo('o_alice')));
    }
    expect(w.api.calls.forceToken).toBe(20);
    expect(outcomes.slice(0, 20).every((o) => o.status === 'sent')).toBe(true);
    expect(outcomes.slice(20)).toEqual([0, 1].map(() => expect.objectContaining({ status: 'retryable', cause: expect.stringMatching(/20 force_refresh/) })));
    expect(w.api.forceRefreshViolations).toEqual([]);
  });

  it('maps 43101 to no-quota', async () => {
    w = await world();
    w.api.subscribe('o_unsubscribed', IDS.bookingReminder, 0); // a user of the app who never accepted
    expect(await w.messenger.send({ openid: 'o_unsubscribed', ...bookingReminderMessage(booking) })).toMatchObject({ status: 'no-quota' });
    w.api.subscribe('o_carol', IDS.bookingReminder);
    expect(await w.messenger.send(reminderTo('o_carol'))).toEqual({ status: 'sent' });
    expect(await w.messenger.send(reminderTo('o_carol'))).toMatchObject({ status: 'no-quota' });
    expect(w.api.delivered).toHaveLength(1);
  });

  it.each([
    [
      '47003, naming the field',
      (m: MessageToSend) => ({ ...m, data: { ...m.data, thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } } }),
      47003,
      /thing1/,
    ],
    ['41030, a page the mini program lacks', (m: MessageToSend) => ({ ...m, page: 'pages/nowhere/index?x=1' }), 41030, /page/],
    ['40003, an openid of no user', (m: MessageToSend) => ({ ...m, openid: 'o_stranger' }), 40003, /openid/],
  ])('maps %s to a permanent failure, logged as an error', async (_, change, errcode, cause) => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder);
    const outcome = await w.messenger.send(change(reminderTo('o_alice')));
    expect(outcome).toMatchObject({ status: 'permanent', errcode });
    expect((outcome as { cause: string }).cause).toMatch(cause);
    expect(w.logs).toContainEqual(expect.objectContaining({ event: 'send', outcome: 'permanent', errcode, level: 'error' }));
    expect(w.api.delivered).toEqual([]);
  });

  it('maps 40037 (a template id that is not ours) to a permanent failure', async () => {
    w = await world({ WECHAT_TEMPLATE_BOOKING_REMINDER: 'TPL_TYPO' });
    w.api.subscribe('o_alice', IDS.bookingReminder);
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'permanent', errcode: 40037 });
  });

  it('maps 40164 (IP allow-list), on the token or the send, to a configuration error naming it', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder);
    w.api.setIpAllowed(false);
    const onToken = await w.messenger.send(reminderTo('o_alice'));
    expect(onToken).toMatchObject({ status: 'config', errcode: 40164 });
    expect((onToken as { cause: string }).cause).toMatch(/allow-list/);
    w.api.setIpAllowed(true);
    w.api.failNextSends('ip');
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'config', errcode: 40164 });
    expect(w.logs.filter((l) => l.event === 'send' && l.level === 'error' && /allow-list/.test(String(l.cause)))).toHaveLength(2);
  });

  it('maps a wrong AppSecret to a configuration error naming the variable', async () => {
    w = await world({ WECHAT_APPSECRET: 'not-the-secret' });
    w.api.subscribe('o_alice', IDS.bookingReminder);
    const outcome = await w.messenger.send(reminderTo('o_alice'));
    expect(outcome).toMatchObject({ status: 'config', errcode: 40125 });
    expect((outcome as { cause: string }).cause).toMatch(/WECHAT_APPSECRET/);
  });

  it('maps a 500 and WeChat busy to retryable, not sent', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder);
    w.api.failNextSends('http500', 'busy');
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false, cause: expect.stringMatching(/HTTP 500/) });
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false, cause: expect.stringMatching(/busy/) });
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
  });

  it('maps a slow answer to retryable with the outcome unknown (WeChat took it)', async () => {
    w = await world({}, 800);
    w.api.subscribe('o_alice', IDS.bookingReminder, 2);
    expect(await w.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    w.api.failNextSends('slow');
    const outcome = await w.messenger.send(reminderTo('o_alice'));
    expect(outcome).toMatchObject({ status: 'retryable', maybeSent: true, cause: expect.stringMatching(/800 ms/) });
    expect(w.api.delivered).toHaveLength(2);
  });

  it('maps a slow or failing token fetch to retryable, nothing sent', async () => {
    w = await world({}, 800);
    w.api.subscribe('o_alice', IDS.bookingReminder);
    w.api.failNextTokens('slow', 'http500');
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false });
    expect(await w.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false });
    expect(w.api.calls.send).toBe(0);
  });

  it('skips a template whose id is not set, naming the variable, without calling WeChat', async () => {
    w = await world({ WECHAT_TEMPLATE_BILL_DUE: '' });
    const outcome = await w.messenger.send({
      openid: 'o_alice',
      ...billDueMessage({ billId: 'b', accountType: 'gas', accountNo: '1', amountFen: 100, dueDate: '2026-11-28' }),
    });
    expect(outcome).toMatchObject({ status: 'config', cause: expect.stringMatching(/WECHAT_TEMPLATE_BILL_DUE/) });
    expect(w.api.calls).toEqual({ normalToken: 0, forceToken: 0, send: 0 });
  });

  it('answers the same for settings given without their problems: nothing sent, the variable named', async () => {
    w = await world();
    const { settings } = readMessengerSettings({ ...ENV, WECHAT_APPSECRET: '', WECHAT_TEMPLATE_BOOKING_CONFIRMED: '', WECHAT_API_BASE_URL: w.api.url });
    const bare = wechatMessenger({ settings, log: () => {} });
    expect(await bare.send({ openid: 'o_a', ...bookingConfirmedMessage(booking) })).toMatchObject({
      status: 'config',
      cause: expect.stringMatching(/WECHAT_TEMPLATE_BOOKING_CONFIRMED/),
    });
    expect(await bare.send(reminderTo('o_a'))).toMatchObject({ status: 'config', cause: expect.stringMatching(/WECHAT_APPSECRET/) });
    expect(w.api.calls).toEqual({ normalToken: 0, forceToken: 0, send: 0 });
  });

  it('never logs the secret, a token or an openid', async () => {
    w = await world();
    w.api.subscribe('o_alice', IDS.bookingReminder, 2);
    await w.messenger.send(reminderTo('o_alice'));
    w.api.poisonCurrentToken();
    await w.messenger.send(reminderTo('o_alice'));
    await w.messenger.send(reminderTo('o_nobody'));
    const text = JSON.stringify(w.logs);
    expect(w.logs.length).toBeGreaterThan(3);
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/TOKEN_/);
    expect(text).not.toMatch(/o_alice|o_nobody/);
  });
});

describe('a network that does not answer', () => {
  it('is retryable and not sent when nothing listens', async () => {
    const { settings, problems } = readMessengerSettings({ ...ENV, WECHAT_API_BASE_URL: 'http://127.0.0.1:1', WECHAT_API_TIMEOUT_MS: '500' });
    const messenger = wechatMessenger({ settings, problems, log: () => {} });
    expect(await messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false });
  });

  it('asks for the token again once when the connection was reset under it; a reset send is never resent (maybe sent)', async () => {
    const clock = { ms: START_MS };
    const api = await startWechatApi({
      appId: APPID,
      appSecret: SECRET,
      templates: { [IDS.bookingReminder]: ['thing1', 'time2', 'character_string3', 'thing4'] },
      pages: appPages(),
      now: () => clock.ms,
    });
    api.subscribe('o_alice', IDS.bookingReminder);
    api.subscribe('o_bob', IDS.bookingReminder);
    try {
      // What fetch throws when the server closed a kept-alive socket as it was reused.
      const reset = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      const resets: string[] = [];
      const flaky = (paths: string[]): typeof fetch =>
        (async (url: string | URL | Request, init?: RequestInit) => {
          const path = new URL(String(url)).pathname;
          if (paths[0] === path) {
            paths.shift();
            resets.push(path);
            throw reset();
          }
          return fetch(url, init);
        }) as typeof fetch;
      const { settings, problems } = readMessengerSettings({ ...ENV, WECHAT_API_BASE_URL: api.url });
      const tokenOnce = wechatMessenger({ settings, problems, now: () => clock.ms, log: () => {}, fetch: flaky(['/cgi-bin/stable_token']) });
      expect(await tokenOnce.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
      expect(resets).toEqual(['/cgi-bin/stable_token']);
      expect(api.calls).toEqual({ normalToken: 1, forceToken: 0, send: 1 });

      resets.length = 0;
      const sendOnce = wechatMessenger({ settings, problems, now: () => clock.ms, log: () => {}, fetch: flaky(['/cgi-bin/message/subscribe/send']) });
      expect(await sendOnce.send(reminderTo('o_bob'))).toMatchObject({ status: 'retryable', maybeSent: true });
      expect(resets).toEqual(['/cgi-bin/message/subscribe/send']);
      // The token was fetched (normal mode: the current one); the send that met the reset was not made again.
      expect(api.calls.send).toBe(1);
      expect(api.delivered.map((d) => d.openid)).toEqual(['o_alice']);
    } finally {
      await api.close();
    }
  });
});

// The same behaviour from both adapters: what the reminder use cases may rely on.
describe.each([
  [
    'the outbox',
    async () => {
      const outbox = createOutbox({ now: () => new Date(START_MS) });
      return {
        messenger: outbox as Messenger,
        delivered: () => outbox.messages().length,
        failNext: () => outbox.failNext({ status: 'retryable', cause: 'injected', maybeSent: false }),
        close: async () => {},
      };
    },
  ],
  [
    'the WeChat adapter',
    async () => {
      const w = await world();
      w.api.subscribe('o_alice', IDS.bookingReminder, 10);
      return { messenger: w.messenger, delivered: () => w.api.delivered.length, failNext: () => w.api.failNextSends('http500'), close: () => w.api.close() };
    },
  ],
])('the Messenger port: %s', (_, make) => {
  let port: Awaited<ReturnType<typeof make>>;
  beforeEach(async () => {
    port = await make();
  });
  afterEach(() => port.close());

  it('delivers a message within the limits once per send', async () => {
    expect(await port.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(port.delivered()).toBe(1);
  });

  it('refuses data out of the field limits as 47003 and delivers nothing', async () => {
    const m = reminderTo('o_alice');
    const outcome = await port.messenger.send({ ...m, data: { ...m.data, character_string3: { value: '签到码' } } });
    expect(outcome).toMatchObject({ status: 'permanent', errcode: 47003 });
    expect(port.delivered()).toBe(0);
  });

  it('answers an injected fault as retryable, delivers nothing, then recovers', async () => {
    port.failNext();
    expect(await port.messenger.send(reminderTo('o_alice'))).toMatchObject({ status: 'retryable', maybeSent: false });
    expect(port.delivered()).toBe(0);
    expect(await port.messenger.send(reminderTo('o_alice'))).toEqual({ status: 'sent' });
    expect(port.delivered()).toBe(1);
  });
});
