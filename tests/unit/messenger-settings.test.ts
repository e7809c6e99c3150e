import { blockedBy, createOutbox, readMessengerSettings, strictMessengerSettings } from '../../functions/lib/messenger';
import { DEFAULT_FIELD_MAPS, bookingReminderMessage } from '../../shared/subscribe-message';

const FULL = {
  WECHAT_APPID: 'wx0123456789abcdef',
  WECHAT_APPSECRET: 's3cret',
  WECHAT_TEMPLATE_BOOKING_REMINDER: 'T_R',
  WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'T_C',
  WECHAT_TEMPLATE_BILL_DUE: 'T_B',
  WECHAT_TEMPLATE_BOOKING_CHANGED: 'T_X',
  WECHAT_TEMPLATE_NEW_BOOKING: 'T_N',
};

describe('subscribe-message settings', () => {
  it('reads a full environment with the defaults', () => {
    expect(readMessengerSettings(FULL)).toEqual({
      settings: {
        appId: 'wx0123456789abcdef',
        appSecret: 's3cret',
        state: 'formal',
        templateIds: { bookingReminder: 'T_R', bookingConfirmed: 'T_C', billDue: 'T_B', bookingChanged: 'T_X', newBooking: 'T_N' },
        fieldMaps: DEFAULT_FIELD_MAPS,
        baseUrl: 'https://api.weixin.qq.com',
        timeoutMs: 5000,
      },
      problems: [],
    });
  });

  it('reads the build state, base URL (without a trailing slash), timeout and field maps', () => {
    const { settings, problems } = readMessengerSettings({
      ...FULL,
      WECHAT_MINIPROGRAM_STATE: 'developer',
      WECHAT_API_BASE_URL: 'http://127.0.0.1:9999/',
      WECHAT_API_TIMEOUT_MS: '800',
      WECHAT_TEMPLATE_BILL_DUE_FIELDS: 'account=thing2,amount=amount1,due=date5',
    });
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ state: 'developer', baseUrl: 'http://127.0.0.1:9999', timeoutMs: 800 });
    expect(settings.fieldMaps.billDue).toEqual({ account: 'thing2', amount: 'amount1', due: 'date5' });
    expect(settings.fieldMaps.bookingReminder).toEqual(DEFAULT_FIELD_MAPS.bookingReminder);
  });

  it('names every missing variable, empty ones included', () => {
    const { problems } = readMessengerSettings({ WECHAT_APPID: ' ', WECHAT_TEMPLATE_BILL_DUE: 'T_B' });
    expect(problems.map((p) => p.variable)).toEqual([
      'WECHAT_APPID',
      'WECHAT_APPSECRET',
      'WECHAT_TEMPLATE_BOOKING_REMINDER',
      'WECHAT_TEMPLATE_BOOKING_CONFIRMED',
      'WECHAT_TEMPLATE_BOOKING_CHANGED',
      'WECHAT_TEMPLATE_NEW_BOOKING',
    ]);
  });

  it.each([
    ['WECHAT_MINIPROGRAM_STATE', 'release', /developer, trial or formal/],
    ['WECHAT_API_BASE_URL', 'api.weixin.qq.com', /http\(s\) URL/],
    ['WECHAT_API_TIMEOUT_MS', '5s', /milliseconds/],
    ['WECHAT_API_TIMEOUT_MS', '0', /milliseconds/],
    ['WECHAT_TEMPLATE_BOOKING_REMINDER_FIELDS', 'store=time1', /WECHAT_TEMPLATE_BOOKING_REMINDER_FIELDS: "store" is a thing/],
    ['WECHAT_TEMPLATE_BILL_DUE', 'T_R', /repeats the template id of WECHAT_TEMPLATE_BOOKING_REMINDER/],
    ['WECHAT_TEMPLATE_NEW_BOOKING_FIELDS', 'party=time3', /WECHAT_TEMPLATE_NEW_BOOKING_FIELDS: "party" is a thing/],
    ['WECHAT_TEMPLATE_BOOKING_CHANGED', 'T_C', /repeats the template id of WECHAT_TEMPLATE_BOOKING_CONFIRMED/],
  ])('refuses %s=%j, naming it', (variable, value, why) => {
    const { problems } = readMessengerSettings({ ...FULL, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe(variable);
    expect(problems[0].message).toMatch(why);
  });

  it('blocks only the template a missing id concerns, and every template for a missing secret', () => {
    const noBillId = readMessengerSettings({ ...FULL, WECHAT_TEMPLATE_BILL_DUE: undefined }).problems;
    expect(blockedBy(noBillId, 'billDue')?.variable).toBe('WECHAT_TEMPLATE_BILL_DUE');
    expect(blockedBy(noBillId, 'bookingReminder')).toBeNull();
    const noSecret = readMessengerSettings({ ...FULL, WECHAT_APPSECRET: '' }).problems;
    expect(blockedBy(noSecret, 'bookingConfirmed')?.variable).toBe('WECHAT_APPSECRET');
  });

  it('stops a strict reader (the local host with the WeChat messenger) naming each variable', () => {
    expect(() => strictMessengerSettings({ ...FULL, WECHAT_APPSECRET: undefined, WECHAT_TEMPLATE_BILL_DUE: undefined })).toThrow(
      /WECHAT_APPSECRET is not set.*WECHAT_TEMPLATE_BILL_DUE is not set/,
    );
    expect(strictMessengerSettings(FULL).templateIds.billDue).toBe('T_B');
  });
});

describe('the outbox', () => {
  const booking = { bookingId: 'b1', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' };

  it("needs no settings and records what it sends with the clock's time", async () => {
    let now = new Date('2026-11-25T01:30:00Z');
    const outbox = createOutbox({ now: () => now });
    const message = bookingReminderMessage(booking);
    expect(await outbox.send({ openid: 'o_a', ...message })).toEqual({ status: 'sent' });
    now = new Date('2026-11-25T01:31:00Z');
    await outbox.send({ openid: 'o_b', ...message });
    expect(outbox.messages()).toEqual([
      { openid: 'o_a', templateKey: 'bookingReminder', page: message.page, data: message.data, sentAt: '2026-11-25T01:30:00.000Z' },
      { openid: 'o_b', templateKey: 'bookingReminder', page: message.page, data: message.data, sentAt: '2026-11-25T01:31:00.000Z' },
    ]);
  });

  it('hands out copies: changing a listed message changes nothing stored', async () => {
    const outbox = createOutbox();
    await outbox.send({ openid: 'o_a', ...bookingReminderMessage(booking) });
    outbox.messages()[0].data.thing1.value = 'changed';
    expect(outbox.messages()[0].data.thing1.value).toBe('静安店');
  });

  it('answers injected outcomes in order, then sends again', async () => {
    const outbox = createOutbox();
    outbox.failNext({ status: 'no-quota', cause: 'injected' }, { status: 'config', cause: 'injected' });
    const m = { openid: 'o_a', ...bookingReminderMessage(booking) };
    expect((await outbox.send(m)).status).toBe('no-quota');
    expect((await outbox.send(m)).status).toBe('config');
    expect((await outbox.send(m)).status).toBe('sent');
    expect(outbox.messages()).toHaveLength(1);
  });
});
