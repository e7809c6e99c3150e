// Booking journeys from their real entry points, driving the real pages against a real local host
// over a fresh demo database: only the phone is played (device.ts). Customers and staff are told
// apart by the openid the host sees.
import { journeySuite } from '../support/journey';
import { flush, tap, texts, wxMock, type Rendered } from './harness';
import { hostCall, lastNavigation, playDevice, until, setNow, fakeDateOnly, openUrl } from './device';
import type { SlotsResult } from '../../shared/contract/bookings';
import { maskedCode } from '../../shared/wording';

// Wednesday 25 November 2026, 18:40 in Shanghai: the day's early slots have passed.
const EVENING = new Date('2026-11-25T10:40:00Z');
const STAFF = 'local-staff';
/** A store of the demo staff member (functions/local/demo-city.ts). */
const STORE = 'S001';

const suite = journeySuite(EVENING, { fakeDateOnly, openUrl });
const { visit } = suite;

/** The store's slots of a date as the host answers anyone. */
const slotsOf = (storeId: string, date: string, now: Date): Promise<{ ok: boolean; data: SlotsResult }> =>
  hostCall(suite.cloud.url, 'bookings', { action: 'slots', storeId, date }, { openid: 'scout', now });

const hasText = (page: Rendered, selector: string, text: string) => texts(page, selector).some((t) => t.includes(text));

describe('map -> store -> book -> my bookings -> staff confirms and checks in', () => {
  it('books the first bookable slot after a confirmation and is checked in from a typed code', async () => {
    const device = playDevice(suite.cloud.url, 'journey-booker', { privacyAgreed: true, locationScope: true, now: EVENING });
    const day = await slotsOf(STORE, '2026-11-25', EVENING);
    const storeName = day.data.store.name;
    const firstOpen = day.data.slots.find((s) => s.bookable && s.remaining > 0 && Date.parse(s.start) > EVENING.getTime());
    if (!firstOpen) throw new Error('the demo store has no slot left this evening');
    // S001 opens 07:30–21:00 on a Wednesday in 30-minute slots; at 18:40 the first one not started is 19:00.
    expect(firstOpen.start).toBe('2026-11-25T19:00:00+08:00');
    const FIRST_OPEN = '19:00–19:30';
    const pastCount = day.data.slots.filter((s) => Date.parse(s.start) <= EVENING.getTime()).length;
    expect(pastCount).toBeGreaterThan(0);

    // The map: the store's row opens its sheet, whose action opens the store page.
    const map = await visit('/pages/nearby/index');
    await until(() => texts(map, '.place-row .row-title').length > 0 || hasText(map, '.place-row', storeName), 'the store list');
    const index = map.querySelectorAll('.place-row').findIndex((row) => (row.dom?.textContent || '').includes(storeName));
    expect(index).toBeGreaterThanOrEqual(0);
    await tap(map, '.place-row', index);
    await tap(map, '.sheet-action');
    const storeUrl = lastNavigation('navigateTo');
    expect(storeUrl).toBe(`/packageBooking/pages/store/index?id=${STORE}`);

    // The store page opens at the first bookable slot: the started ones are folded away.
    const store = await visit(storeUrl);
    await until(() => texts(store, '.slot').length > 0, 'the slots');
    expect(texts(store, '.store-name')).toEqual([storeName]);
    expect(texts(store, '.fold')).toEqual([`已过 ${pastCount} 个时段 · 展开`]);
    expect(texts(store, '.slot .slot-time')[0]).toBe(FIRST_OPEN);
    expect(store.querySelectorAll('.slot-past')).toHaveLength(0);

    // One tap asks first; the booking is made only on 确认预约.
    await tap(store, '.slot-open');
    expect(texts(store, '.confirm-store')).toEqual([storeName]);
    expect(texts(store, '.confirm-day')).toEqual(['今天（11月25日）']);
    expect(texts(store, '.confirm-time')).toEqual([FIRST_OPEN]);
    expect((await hostCall(suite.cloud.url, 'bookings', { action: 'mine' }, { openid: 'journey-booker', now: EVENING })).data.bookings).toEqual([]);
    await tap(store, '.confirm-book');
    await until(() => wxMock().navigateTo.mock.calls.length === 2, 'the result page');
    const resultUrl = lastNavigation('navigateTo');
    expect(resultUrl.startsWith('/packageBooking/pages/booking-result/index?b=')).toBe(true);

    // The result says staff still have to confirm; the grid now marks the slot as the user's own.
    const result = await visit(resultUrl);
    expect(texts(result, '.result-title')).toEqual(['已提交，待门店确认']);
    expect(texts(result, '.result-status')).toEqual(['待门店确认']);
    expect(texts(result, '.result-store')).toEqual([storeName]);
    await until(() => store.querySelectorAll('.slot-mine').length === 1, 'the own booking in the grid');
    // The places left after this booking, from create's own answer (nobody else booked 19:00).
    expect(texts(store, '.slot-mine .slot-note')).toEqual([`你已预约 · 余 ${firstOpen.remaining - 1}`]);

    // 我的预约 says the same.
    await tap(result, '.mine');
    expect(lastNavigation('redirectTo')).toBe('/packageBooking/pages/my-bookings/index');
    const mine = await visit('/packageBooking/pages/my-bookings/index');
    await until(() => texts(mine, '.booking-status').length === 1, 'my bookings');
    expect(texts(mine, '.upcoming .booking-status')).toEqual(['待门店确认']);
    expect(mine.querySelectorAll('.upcoming .tag-warning')).toHaveLength(1);
    const code = (await hostCall(suite.cloud.url, 'bookings', { action: 'mine' }, { openid: 'journey-booker', now: EVENING })).data.bookings[0].code as string;

    // The staff desk: confirm, then check in from the code typed at the counter (spaces and lower case forgiven).
    playDevice(suite.cloud.url, STAFF, { privacyAgreed: true, locationScope: true, now: EVENING });
    const desk = await visit('/packageBooking/pages/staff/index');
    // The desk lists codes masked ("AB••••••"): the full code is the customer's to show.
    const shown = maskedCode(code);
    expect(shown).not.toBe(code);
    await until(() => texts(desk, '.row-code').includes(shown), 'the booking on the desk');
    expect(texts(desk, '.row-code')).not.toContain(code);
    const row = texts(desk, '.row-code').indexOf(shown);
    expect(texts(desk, '.row-status')[row]).toBe('待确认');
    expect(texts(desk, '.row-time')[row]).toBe(FIRST_OPEN);
    await tap(
      desk,
      `.status-pending .confirm`,
      desk
        .querySelectorAll('.day-row')
        .slice(0, row)
        .filter((r) => r.dom?.className.includes('pending')).length,
    );
    await until(() => texts(desk, '.row-status')[texts(desk, '.row-code').indexOf(shown)] === '已确认', 'the confirmation');
    expect(desk.querySelectorAll('.tag-success').length).toBeGreaterThan(0);

    setNow(device, new Date(Date.parse(firstOpen.start) - 10 * 60_000));
    desk.querySelector('.code-input')!.dispatchEvent('input', { detail: { value: ` ${code.slice(0, 4).toLowerCase()} ${code.slice(4)}` } });
    await flush();
    expect(desk.instance.data.code).toBe(code);
    await tap(desk, '.code-submit');
    await until(() => hasText(desk, '.scan-result', '核销成功'), 'the check-in');
    await until(() => texts(desk, '.row-status')[texts(desk, '.row-code').indexOf(shown)] === '已到店', 'the row checked in');

    // The same code again is refused in words.
    desk.querySelector('.code-input')!.dispatchEvent('input', { detail: { value: code } });
    await flush();
    await tap(desk, '.code-submit');
    await until(() => hasText(desk, '.result-err', '已经到店核销过了'), 'the refusal');
  }, 20_000);
});

describe('a shared store link from a cold start', () => {
  it('opens on the store with nothing before it, on the next day with a slot when today has none left, and shares with an image', async () => {
    playDevice(suite.cloud.url, 'journey-cold', { now: EVENING });
    // Find a demo store whose day is over at 18:40 but books tomorrow (a store closing at 19:00 or before).
    const stores = ['S002', 'S003', 'S004', 'S005', 'S006', 'S007', 'S008', 'S009', 'S010'];
    let storeId = '';
    for (const id of stores) {
      const today = await slotsOf(id, '2026-11-25', EVENING);
      const tomorrow = await slotsOf(id, '2026-11-26', EVENING);
      const left = today.ok && today.data.slots.some((s) => s.bookable && s.remaining > 0);
      if (today.ok && !left && tomorrow.ok && tomorrow.data.slots.some((s) => s.bookable)) {
        storeId = id;
        break;
      }
    }
    expect(storeId).not.toBe('');

    const page = await visit(`/packageBooking/pages/store/index?id=${storeId}`);
    await until(() => texts(page, '.slot').length > 0, 'the slots');
    expect(texts(page, '.day-active')).toEqual(['明天']);
    expect(page.querySelectorAll('.slot-open').length).toBeGreaterThan(0);
    const share = (page.instance as unknown as { onShareAppMessage(): { title: string; path: string; imageUrl: string } }).onShareAppMessage();
    expect(share.path).toBe(`/packageBooking/pages/store/index?id=${storeId}`);
    expect(share.title).toBe(`${texts(page, '.store-name')[0]} · 到店预约`);
    expect(share.imageUrl).toBe('/images/share-store.png');
  });
});

describe('a shared store link, opened first, says how far the store is from the user', () => {
  it('agrees on the privacy sheet, locates the user and shows the distance from them; refused, shows none and no error', async () => {
    const store = (await slotsOf(STORE, '2026-11-26', EVENING)).data.store;
    // 0.0063° of latitude north of the store: 6371008.8 m × 0.0063 × π / 180 = 700.5 m, shown as 700 m.
    const north = { lat: store.lat + 0.0063, lng: store.lng };
    (getApp() as unknown as { globalData: { lastPosition: unknown } }).globalData.lastPosition = null;
    playDevice(suite.cloud.url, 'journey-shared', { now: EVENING, position: north });
    const page = await visit(`/packageBooking/pages/store/index?id=${STORE}`);
    const sheet = page.querySelector('#privacy') as unknown as Rendered;
    await until(() => sheet.querySelectorAll('.privacy-sheet').length === 1, 'the privacy sheet');
    sheet.querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await until(() => texts(page, '.store-distance').length === 1, 'the distance');
    expect(texts(page, '.store-distance')).toEqual(['距你 700 m']);
    await until(() => texts(page, '.slot').length > 0, 'the slots');
    suite.closePages();

    // Another user who refuses the location: the store and its slots, no distance, nothing said.
    (getApp() as unknown as { globalData: { lastPosition: unknown } }).globalData.lastPosition = null;
    playDevice(suite.cloud.url, 'journey-private', { now: EVENING, position: north, privacyAgreed: true, allowLocationPrompt: false });
    const refused = await visit(`/packageBooking/pages/store/index?id=${STORE}`);
    await until(() => texts(refused, '.slot').length > 0 && wxMock().getLocation.mock.calls.length > 0, 'the slots');
    await flush();
    expect(texts(refused, '.store-distance')).toEqual([]);
    expect(wxMock().showToast).not.toHaveBeenCalled();
  });
});

describe("a deleted store's link", () => {
  it.each([
    ['a store that is no more', '?id=S-GONE'],
    ['a link without a store', ''],
    ['a malformed id', '?id=%E0%A4%A'],
  ])('%s offers the way to the map, never an endless retry', async (_what, search) => {
    playDevice(suite.cloud.url, 'journey-lost', { now: EVENING });
    const page = await visit(`/packageBooking/pages/store/index${search}`);
    await until(() => texts(page, '.failure-title').length === 1, 'the failure');
    expect(texts(page, '.failure-title')).toEqual(['找不到这家门店']);
    expect(page.querySelectorAll('.retry')).toHaveLength(0);
    await tap(page, '.to-nearby');
    expect(lastNavigation('switchTab')).toBe('/pages/nearby/index');
  });
});
