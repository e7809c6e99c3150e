// Reminders from the mini program's side, against a real local host (no mocked service; device.ts
// plays the phone, including WeChat's subscribe dialog and subscription settings): the booking
// confirmation asks for the messages inside the tap, the answer is granted to the host, staff
// confirm, the `reminders` timer sends to the outbox, and each message's page opens the booking.
// Opening from a message: an upcoming booking, a cancelled one, one that does not exist.
import http from 'node:http';
import { journeySuite } from '../support/journey';
import { tap, texts, wxMock } from './harness';
import { hostCall, lastNavigation, playDevice, until, userTap, fakeDateOnly, openUrl } from './device';
import { postJson } from '../../scripts/preview/local-wx';
import { bookingPage } from '../../shared/subscribe-message';

// Wednesday 25 November 2026, 18:40 in Shanghai.
const EVENING = new Date('2026-11-25T10:40:00Z');
const STORE = 'S001';
const STAFF = 'local-staff';
const STORE_URL = `/packageBooking/pages/store/index?id=${STORE}`;

type Message = { openid: string; templateKey: string; page: string; data: Record<string, { value: string }>; sentAt: string };

const suite = journeySuite(EVENING, { fakeDateOnly, openUrl });
const { visit } = suite;
let templates: { bookingReminder: string; bookingConfirmed: string; billDue: string; bookingChanged: string; newBooking: string };

/** The timer's call: no caller, a timer event at `now` (as the host's timers and the cloud send it). */
const runTimer = (now: Date) =>
  postJson<{ ok: boolean; data: { sent: number; skipped: number; failed: number } }>(
    `${suite.cloud.url}/functions/reminders`,
    { Type: 'Timer', TriggerName: 'every-minute', Time: now.toISOString() },
    { 'x-nearby-now': now.toISOString() },
  );

function outbox(): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    http
      .get(`${suite.cloud.url}/outbox`, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve((JSON.parse(body) as { messages: Message[] }).messages));
      })
      .on('error', reject);
  });
}

/** The user's ledger, read through the reminders port (either back end). */
const quota = async (openid: string): Promise<Record<string, number>> => ({ ...(await suite.cloud.ports.reminders.quota(openid)) });

/** Waits until the (asynchronous) check holds. */
async function untilAsync(check: () => Promise<boolean>, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The index in wx.request's calls of the booking's create request. */
const createRequestOrder = (): number => {
  const calls = wxMock().request.mock.calls as [{ url: string; data: { action?: string } }][];
  const i = calls.findIndex(([o]) => o.url.endsWith('/functions/bookings') && o.data.action === 'create');
  if (i < 0) throw new Error('no booking request');
  return wxMock().request.mock.invocationCallOrder[i];
};

/** Opens the store page, taps the n-th open slot and 确认预约; resolves with the booking made. */
async function bookThroughPage(nth: number): Promise<{ id: string; start: string }> {
  const store = await visit(STORE_URL);
  await until(() => texts(store, '.slot-open').length > nth, 'open slots');
  await tap(store, '.slot-open', nth);
  expect(texts(store, '.confirm-reminder')).toEqual(['确认后可选择接收提醒：门店确认或无法接待时、开始前 30 分钟']);
  await userTap(store, '.confirm-book');
  await until(() => wxMock().navigateTo.mock.calls.length > 0, 'the result page');
  const url = lastNavigation('navigateTo');
  expect(url.startsWith('/packageBooking/pages/booking-result/index?b=')).toBe(true);
  return JSON.parse(decodeURIComponent(url.split('?b=')[1])) as { id: string; start: string };
}

beforeAll(async () => {
  templates = (await hostCall(suite.cloud.url, 'subscriptions', { action: 'templates' }, { openid: 'scout' })).data.templates;
});

describe('book with reminders -> grant -> staff confirm -> timer -> the message opens the booking', () => {
  it('asks inside the tap before the booking request, grants to the host, and the messages open the booking', async () => {
    const device = playDevice(suite.cloud.url, 'remind-booker', { now: EVENING, tapGestureOnly: true });
    const booking = await bookThroughPage(0);

    // WeChat's dialog was asked for both booking templates, synchronously in the tap: before the booking went out.
    expect(wxMock().requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wxMock().requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([
      templates.bookingReminder,
      templates.bookingConfirmed,
      templates.bookingChanged,
    ]);
    expect(wxMock().requestSubscribeMessage.mock.invocationCallOrder[0]).toBeLessThan(createRequestOrder());
    // Every settings read asked for the subscriptions too.
    expect(wxMock().getSetting.mock.calls.length).toBeGreaterThan(0);
    expect(wxMock().getSetting.mock.calls.every(([o]) => o.withSubscriptions === true)).toBe(true);
    // The answer reached the real host's subscriptions.grant: one send of each.
    await untilAsync(async () => (await quota('remind-booker')).bookingConfirmed === 1, 'the grant');
    expect(await quota('remind-booker')).toEqual({ bookingReminder: 1, bookingConfirmed: 1, bookingChanged: 1 });

    // Staff confirm; the next timer runs send to the outbox, each message once.
    const confirmed = await hostCall(suite.cloud.url, 'bookings', { action: 'confirm', bookingId: booking.id }, { openid: STAFF, now: EVENING });
    expect(confirmed.ok).toBe(true);
    const later = new Date(EVENING.getTime() + 60_000);
    const first = await runTimer(later);
    const dueAt = new Date(Math.max(later.getTime() + 60_000, Date.parse(booking.start) - 10 * 60_000));
    const second = await runTimer(dueAt);
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(first.data.sent + second.data.sent).toBe(2);
    expect((await runTimer(new Date(dueAt.getTime() + 60_000))).data.sent).toBe(0);
    const mine = (await outbox()).filter((m) => m.openid === 'remind-booker');
    expect(mine.map((m) => m.templateKey).sort()).toEqual(['bookingConfirmed', 'bookingReminder']);
    expect(mine.every((m) => m.page === bookingPage(booking.id))).toBe(true);
    expect(await quota('remind-booker')).toEqual({ bookingReminder: 0, bookingConfirmed: 0, bookingChanged: 1 });

    // Tapping the message: a cold start on the page of its `page`, the booking highlighted with its code.
    device.now = dueAt;
    jest.setSystemTime(dueAt);
    const page = await visit(`/${mine[0].page}`);
    await until(() => page.instance.data.status === 'ready', 'my bookings');
    expect(page.instance.data.focusId).toBe(booking.id);
    expect(page.querySelectorAll('.booking.focused')).toHaveLength(1);
    expect(page.instance.data.codeOf).toBe(booking.id);
    expect(page.querySelectorAll('.target-notice')).toHaveLength(0);
    const anchor = wxMock().pageScrollTo.mock.calls[0][0].selector as string;
    expect(page.querySelectorAll(`${anchor}.focused`)).toHaveLength(1);
    jest.setSystemTime(EVENING);
  });

  it('skips a template the user set to "always reject", and asks nothing with the main switch off; the booking goes on', async () => {
    playDevice(suite.cloud.url, 'remind-picky', {
      now: EVENING,
      tapGestureOnly: true,
      subscriptions: { mainSwitch: true, itemSettings: { [templates.bookingReminder]: 'reject' } },
    });
    await bookThroughPage(1);
    expect(wxMock().requestSubscribeMessage.mock.calls.map(([o]) => o.tmplIds)).toEqual([[templates.bookingConfirmed, templates.bookingChanged]]);
    await untilAsync(async () => (await quota('remind-picky')).bookingConfirmed === 1, 'the grant');
    expect(await quota('remind-picky')).toEqual({ bookingConfirmed: 1, bookingChanged: 1 });
    suite.closePages();

    jest.clearAllMocks();
    playDevice(suite.cloud.url, 'remind-off', { now: EVENING, tapGestureOnly: true, subscriptions: { mainSwitch: false, itemSettings: {} } });
    const booking = await bookThroughPage(1);
    expect(booking.id).toBeTruthy();
    expect(wxMock().requestSubscribeMessage).not.toHaveBeenCalled();
    expect(await quota('remind-off')).toEqual({});
  });

  it('a message whose booking was cancelled opens a page that says so, with a way to book again', async () => {
    playDevice(suite.cloud.url, 'remind-canceller', { now: EVENING });
    const slots = (await hostCall(suite.cloud.url, 'bookings', { action: 'slots', storeId: STORE, date: '2026-11-26' }, { openid: 'scout', now: EVENING })).data
      .slots as { start: string; bookable: boolean; remaining: number }[];
    const slot = slots.find((s) => s.bookable && s.remaining > 0);
    if (!slot) throw new Error('no slot tomorrow');
    const made = await hostCall(
      suite.cloud.url,
      'bookings',
      { action: 'create', storeId: STORE, start: slot.start },
      { openid: 'remind-canceller', now: EVENING },
    );
    expect(
      (await hostCall(suite.cloud.url, 'bookings', { action: 'cancel', bookingId: made.data.booking.id }, { openid: 'remind-canceller', now: EVENING })).ok,
    ).toBe(true);

    const page = await visit(`/${bookingPage(made.data.booking.id)}`);
    await until(() => page.instance.data.status === 'ready', 'my bookings');
    expect(texts(page, '.target-cancelled .target-title')).toEqual(['这个预约已取消']);
    expect(page.querySelectorAll('.booking.focused .booking-status').map((n) => n.dom?.textContent)).toEqual(['已取消']);
    await tap(page, '.target-action');
    expect(lastNavigation('navigateTo')).toBe(STORE_URL);
  });

  it("a message for a booking that does not exist (or not this user's) says so above the list, with the map as a way on", async () => {
    playDevice(suite.cloud.url, 'remind-booker', { now: EVENING });
    const page = await visit(`/${bookingPage('bk_does_not_exist')}`);
    await until(() => page.instance.data.status === 'ready', 'my bookings');
    expect(texts(page, '.target-missing .target-title')).toEqual(['找不到这个预约']);
    expect(page.querySelectorAll('.booking.focused')).toHaveLength(0);
    expect(texts(page, '.upcoming .booking-store').length).toBeGreaterThan(0);
    await tap(page, '.target-action');
    expect(lastNavigation('switchTab')).toBe('/pages/nearby/index');

    // A user with no bookings at all: the notice, and the empty state's one button.
    playDevice(suite.cloud.url, 'remind-nobody', { now: EVENING });
    const empty = await visit(`/${bookingPage('bk_does_not_exist')}`);
    await until(() => empty.instance.data.status === 'empty', 'the empty state');
    expect(texts(empty, '.target-title')).toEqual(['找不到这个预约']);
    expect(empty.querySelectorAll('.target-action')).toHaveLength(0);
    expect(empty.querySelectorAll('.browse')).toHaveLength(1);
  });
});
