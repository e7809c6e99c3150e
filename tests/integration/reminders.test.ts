/**
 * Reminders end to end through the local host, as the mini program and the timer call it: book,
 * grant, advance X-Nearby-Now, run the `reminders` timer (POST /functions/reminders, no caller, a
 * timer event), read GET /outbox. Plus the timer's door: a forged event from a client and a
 * malformed one change nothing; a late one still runs, on the clock.
 */
import { settingsFrom } from '../../functions/local/main';
import { ADMIN, startCloud, type TestCloud } from '../support/host';

// Wednesday 2026-11-25, 09:00 in Shanghai; the booking at 10:00.
const NOW = '2026-11-25T01:00:00.000Z';
const START = '2026-11-25T10:00:00+08:00';
const plus = (minutes: number, seconds = 0) => new Date(Date.parse(NOW) + minutes * 60_000 + seconds * 1000).toISOString();
const STORE = 'RM1';
const STAFF = 'rm-staff';
const ALICE = 'rm-alice';

let cloud: TestCloud;
const timerEvent = (time: string) => ({ Type: 'Timer', TriggerName: 'every-minute', Time: time });
/** The timer's call: no caller, the host's clock at `now`. */
const runTimer = (now: string, event: object = timerEvent(now)) => cloud.call('reminders', event, { now });
const outbox = async () => {
  const res = await fetch(`${cloud.url}/outbox`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: { openid: string; templateKey: string; page: string; data: Record<string, { value: string }>; sentAt: string }[] })
    .messages;
};

beforeAll(async () => {
  cloud = await startCloud({ seed: 'none' });
  const store = {
    kind: 'store',
    id: STORE,
    name: '上海市静安区南京西路恒隆广场咖啡旗舰店（二楼）',
    address: '1 Test Road',
    lat: 31.23,
    lng: 121.47,
    category: 'coffee',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })),
    slot: { minutes: 60, capacity: 4 },
  };
  expect((await cloud.call('admin', { action: 'upsertPlaces', places: [store] }, { openid: ADMIN })).ok).toBe(true);
  expect((await cloud.call('admin', { action: 'setStaff', openid: STAFF, storeIds: [STORE] }, { openid: ADMIN })).ok).toBe(true);
});
afterAll(() => cloud.close());

describe('reminders through the local host', () => {
  let bookingId = '';
  let templates: Record<string, string>;

  it('serves the template ids to anybody, and grants what the user accepted', async () => {
    const answer = await cloud.call('subscriptions', { action: 'templates' });
    expect(answer).toEqual({
      ok: true,
      data: {
        templates: {
          bookingReminder: expect.any(String),
          bookingConfirmed: expect.any(String),
          billDue: expect.any(String),
          bookingChanged: expect.any(String),
          newBooking: expect.any(String),
        },
      },
    });
    templates = answer.data.templates;
    const granted = await cloud.call(
      'subscriptions',
      {
        action: 'grant',
        results: {
          errMsg: 'requestSubscribeMessage:ok',
          [templates.bookingReminder]: 'accept',
          [templates.bookingConfirmed]: 'accept',
          [templates.billDue]: 'reject',
          junkId: 'accept',
        },
      },
      { openid: ALICE, now: NOW },
    );
    expect(granted).toEqual({ ok: true, data: { quota: { bookingReminder: 1, bookingConfirmed: 1, billDue: 0, bookingChanged: 0, newBooking: 0 } } });
  });

  it('refuses grant results that are not an object, and a grant without a caller', async () => {
    for (const results of ['accept', [templates.bookingReminder], null]) {
      const answer = await cloud.call('subscriptions', { action: 'grant', results }, { openid: ALICE, now: NOW });
      expect(answer).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^results: must be an object/) } });
    }
    expect((await cloud.call('subscriptions', { action: 'grant', results: {} })).error.code).toBe('UNAUTHENTICATED');
  });

  it('book; too early nothing; 30 minutes before, one message, whatever the overlapping runs', async () => {
    const made = await cloud.call('bookings', { action: 'create', storeId: STORE, start: START }, { openid: ALICE, now: NOW });
    expect(made.ok).toBe(true);
    bookingId = made.data.booking.id;
    expect(await runTimer(plus(29))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await outbox()).toEqual([]);
    const runs = await Promise.all([runTimer(plus(31)), runTimer(plus(31)), runTimer(plus(31, 20))]);
    expect(runs.map((r) => r.data.sent).reduce((a: number, b: number) => a + b, 0)).toBe(1);
    const messages = await outbox();
    expect(messages).toEqual([
      {
        openid: ALICE,
        templateKey: 'bookingReminder',
        page: `packageBooking/pages/my-bookings/index?bookingId=${bookingId}`,
        data: {
          thing1: { value: '上海市静安区南京西路恒隆广场咖啡旗舰店…' },
          time2: { value: '2026-11-25 10:00' },
          character_string3: { value: made.data.booking.code },
          thing4: { value: expect.any(String) },
        },
        sentAt: expect.stringMatching(/^2026-11-25T01:31:/),
      },
    ]);
    expect(await runTimer(plus(45))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    expect(await outbox()).toHaveLength(1);
  });

  it('a forged timer event from a client is PERMISSION_DENIED and changes nothing', async () => {
    // Staff confirm: a confirmation is now due, and a client tries to run the timer itself.
    expect((await cloud.call('bookings', { action: 'confirm', bookingId }, { openid: STAFF, now: plus(40) })).ok).toBe(true);
    const forged = await cloud.call('reminders', timerEvent(plus(41)), { openid: ALICE, now: plus(41) });
    expect(forged).toEqual({ ok: false, error: { code: 'PERMISSION_DENIED', message: expect.any(String) } });
    const wrongType = await runTimer(plus(41), { Type: 'Http', Time: plus(41) });
    expect(wrongType.error.code).toBe('PERMISSION_DENIED');
    expect(await outbox()).toHaveLength(1);
  });

  it('a malformed timer event (Time without an offset, TriggerName too long) is INVALID_ARGUMENT and changes nothing', async () => {
    const noOffset = plus(41).slice(0, 19);
    for (const event of [
      { Type: 'Timer', TriggerName: 't' },
      { Type: 'Timer', TriggerName: 't', Time: 'yesterday' },
      { Type: 'Timer', TriggerName: 't', Time: 12 },
      { Type: 'Timer', TriggerName: 't', Time: noOffset },
    ]) {
      expect(await runTimer(plus(41), event)).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Time: /) } });
    }
    for (const event of [
      { Type: 'Timer', Time: plus(41) },
      { Type: 'Timer', TriggerName: 'x'.repeat(65), Time: plus(41) },
    ]) {
      expect(await runTimer(plus(41), event)).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^TriggerName: /) } });
    }
    expect(await outbox()).toHaveLength(1);
  });

  it('sends the confirmation once, even from a timer event 12 minutes late (run on the clock)', async () => {
    expect(await runTimer(plus(42), timerEvent(plus(30)))).toEqual({ ok: true, data: { sent: 1, skipped: 0, failed: 0 } });
    expect(await runTimer(plus(43))).toEqual({ ok: true, data: { sent: 0, skipped: 0, failed: 0 } });
    const confirmations = (await outbox()).filter((m) => m.templateKey === 'bookingConfirmed');
    expect(confirmations).toEqual([
      expect.objectContaining({ openid: ALICE, page: `packageBooking/pages/my-bookings/index?bookingId=${bookingId}`, sentAt: plus(42) }),
    ]);
    expect(confirmations[0].data.phrase3).toEqual({ value: '已确认' });
  });

  it('no quota, no message: a second customer who never subscribed gets nothing', async () => {
    const made = await cloud.call('bookings', { action: 'create', storeId: STORE, start: '2026-11-25T11:00:00+08:00' }, { openid: 'rm-bob', now: NOW });
    expect(made.ok).toBe(true);
    expect(await runTimer(plus(95))).toEqual({ ok: true, data: { sent: 0, skipped: 1, failed: 0 } });
    expect((await outbox()).filter((m) => m.openid === 'rm-bob')).toEqual([]);
  });

  it('sends the bill reminder once, 3 days before the due date, to every user bound to the account', async () => {
    const bill = { accountType: 'electricity', accountNo: '3100123456', holderName: '王小明', period: '2026-11', amountFen: 8800, dueDate: '2026-11-30' };
    expect((await cloud.call('admin', { action: 'importBills', bills: [bill] }, { openid: ADMIN, now: NOW })).ok).toBe(true);
    for (const openid of ['rm-bill-1', 'rm-bill-2']) {
      expect(
        (await cloud.call('bills', { action: 'bindAccount', accountType: 'electricity', accountNo: '3100123456', holderName: '王小明' }, { openid, now: NOW }))
          .ok,
      ).toBe(true);
      expect(
        (await cloud.call('subscriptions', { action: 'grant', results: { [templates.billDue]: 'accept' } }, { openid, now: NOW })).data.quota.billDue,
      ).toBe(1);
    }
    // 2026-11-26 10:00 in Shanghai: 4 days before, nothing; 2026-11-27 00:00:30: 3 days before.
    expect((await runTimer('2026-11-26T02:00:00.000Z')).data).toEqual({ sent: 0, skipped: 0, failed: 0 });
    expect((await runTimer('2026-11-26T16:00:30.000Z')).data).toEqual({ sent: 2, skipped: 0, failed: 0 });
    expect((await runTimer('2026-11-26T16:01:30.000Z')).data).toEqual({ sent: 0, skipped: 0, failed: 0 });
    const sent = (await outbox()).filter((m) => m.templateKey === 'billDue');
    expect(sent.map((m) => m.openid).sort()).toEqual(['rm-bill-1', 'rm-bill-2']);
    expect(sent[0].page).toMatch(/^packageBill\/pages\/bill\/index\?billId=/);
    expect(sent[0].data).toMatchObject({ amount2: { value: '¥88.00' }, date3: { value: '2026-11-30' } });
  });

  it('answers GET only on /outbox', async () => {
    const res = await cloud.post('/outbox', '{}');
    expect(res.status).toBe(405);
  });
});

describe("the local host's messenger setting", () => {
  it('needs no WeChat setting with the outbox (the default)', () => {
    expect(settingsFrom({}).notify).toBeUndefined();
  });

  it('stops at start naming each missing variable when the WeChat messenger is chosen', () => {
    expect(() =>
      settingsFrom({ NEARBY_MESSENGER: 'wechat', WECHAT_APPID: 'wx1', WECHAT_TEMPLATE_BOOKING_REMINDER: 'T1', WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'T2' }),
    ).toThrow(/WECHAT_APPSECRET is not set.*WECHAT_TEMPLATE_BILL_DUE is not set/);
    expect(() => settingsFrom({ NEARBY_MESSENGER: 'pigeon' })).toThrow(/NEARBY_MESSENGER must be "outbox" or "wechat", not "pigeon"/);
    const full = {
      NEARBY_MESSENGER: 'wechat',
      WECHAT_APPID: 'wx1',
      WECHAT_APPSECRET: 's',
      WECHAT_TEMPLATE_BOOKING_REMINDER: 'T1',
      WECHAT_TEMPLATE_BOOKING_CONFIRMED: 'T2',
      WECHAT_TEMPLATE_BILL_DUE: 'T3',
      WECHAT_TEMPLATE_BOOKING_CHANGED: 'T4',
      WECHAT_TEMPLATE_NEW_BOOKING: 'T5',
    };
    expect(settingsFrom(full).notify?.templateIds).toEqual({
      bookingReminder: 'T1',
      bookingConfirmed: 'T2',
      billDue: 'T3',
      bookingChanged: 'T4',
      newBooking: 'T5',
    });
  });
});
