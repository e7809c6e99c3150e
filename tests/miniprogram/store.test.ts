// The store page against the real local host (no mocked service): every state of its slot picker.
import { startCloud, type TestCloud } from '../support/host';
import { flush, tap, texts, wxMock, type Rendered } from './harness';
import { hostCall, lastNavigation, openUrl, playDevice, until, fakeDateOnly } from './device';
import { MAX_UPCOMING_BOOKINGS } from '../../shared/booking';
import type { SlotsResult, SlotView } from '../../shared/contract/bookings';

// Wednesday 25 November 2026, 18:40 in Shanghai.
const EVENING = new Date('2026-11-25T10:40:00Z');
const STORE = 'S001';
const URL = `/packageBooking/pages/store/index?id=${STORE}`;

let cloud: TestCloud;
let today: SlotsResult;
const open: Rendered[] = [];

async function visit(url: string): Promise<Rendered> {
  const page = await openUrl(url);
  open.push(page);
  await until(
    () => page.instance.data.status === 'failed' || (page.instance.data.status === 'ready' && page.instance.data.slotsStatus !== 'loading'),
    'the page',
  );
  return page;
}

const slotsOf = async (date: string): Promise<SlotsResult> =>
  (await hostCall(cloud.url, 'bookings', { action: 'slots', storeId: STORE, date }, { openid: 'scout', now: EVENING })).data;
const book = (openid: string, start: string) => hostCall(cloud.url, 'bookings', { action: 'create', storeId: STORE, start }, { openid, now: EVENING });
const upcomingOpen = (slots: readonly SlotView[]) => slots.filter((s) => s.bookable && s.remaining > 0 && Date.parse(s.start) > EVENING.getTime());
/** The `bookings` actions the page asked the host since the last clearAllMocks, in order (`bookings.create`, …). */
const bookingsAsked = (): string[] =>
  wxMock()
    .request.mock.calls.map((c: [{ url: string; data: { action: string } }]) => `${c[0].url.split('/').pop()}.${c[0].data.action}`)
    .filter((a: string) => a.startsWith('bookings.'));

beforeAll(async () => {
  fakeDateOnly(EVENING);
  cloud = await startCloud({ seed: 'demo' });
  today = await slotsOf('2026-11-25');
  // Fill the last slot of the evening, so the grid holds past, open and full slots.
  const last = upcomingOpen(today.slots).slice(-1)[0];
  for (let i = 0; i < last.capacity; i++) await book(`filler-${i}`, last.start);
  today = await slotsOf('2026-11-25');
});
afterAll(async () => {
  jest.useRealTimers();
  await cloud?.close();
});
beforeEach(() => jest.clearAllMocks());
afterEach(() => open.splice(0).forEach((page) => page.detach()));

describe('the store page', () => {
  it('shows the store in the one wording: open state, hours, seven days', async () => {
    playDevice(cloud.url, 'page-reader', { now: EVENING });
    const page = await visit(URL);
    expect(texts(page, '.store-name')).toEqual([today.store.name]);
    // S001 (the demo city) keeps 07:30–21:00 on weekdays, 09:00–22:00 at weekends; Wednesday 18:40 is open until 21:00.
    expect(texts(page, '.open-state')).toEqual(['营业中 · 21:00 打烊']);
    expect(texts(page, '.hours-line')).toEqual(['周一至周五 07:30–21:00', '周六、周日 09:00–22:00']);
    expect(texts(page, '.day')).toEqual(['今天', '明天', '11-27 周五', '11-28 周六', '11-29 周日', '11-30 周一', '12-01 周二']);
    expect(texts(page, '.day-active')).toEqual(['今天']);
  });

  it('opens at the first bookable slot, the started ones folded away and shown on demand', async () => {
    playDevice(cloud.url, 'page-early', { now: EVENING });
    const page = await visit(URL);
    const past = today.slots.filter((s) => Date.parse(s.start) <= EVENING.getTime());
    const first = upcomingOpen(today.slots)[0];
    expect(texts(page, '.fold')).toEqual([`已过 ${past.length} 个时段 · 展开`]);
    // 30-minute slots from 07:30: at 18:40 the 23 slots 07:30…18:30 have started, 19:00 is the first open.
    expect(past).toHaveLength(23);
    expect(first.start).toBe('2026-11-25T19:00:00+08:00');
    expect(texts(page, '.slot .slot-time')[0]).toBe('19:00–19:30');
    expect(page.querySelectorAll('.slot-first')).toHaveLength(1);
    expect(texts(page, '.slot-first .slot-time')).toEqual(['19:00–19:30']);

    await tap(page, '.fold');
    expect(page.querySelectorAll('.slot-past')).toHaveLength(past.length);
    expect(texts(page, '.slot .slot-time')[0]).toBe('07:30–08:00');
    expect(texts(page, '.fold')).toEqual(['收起已过的时段']);
    await tap(page, '.fold');
    expect(page.querySelectorAll('.slot-past')).toHaveLength(0);
  });

  it('reads past, full and open slots apart, and a tap on a past or full one books nothing but says why', async () => {
    playDevice(cloud.url, 'page-looker', { now: EVENING });
    const page = await visit(URL);
    await tap(page, '.fold');
    expect(new Set(texts(page, '.slot-past .slot-note'))).toEqual(new Set(['已过']));
    expect(texts(page, '.slot-full .slot-note')).toEqual(['已约满']);
    expect(texts(page, '.slot-open .slot-note').every((t) => /^余 \d+$/.test(t))).toBe(true);
    await tap(page, '.slot-full');
    expect(wxMock().showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '这个时段已约满，请选择其他时段' }));
    await tap(page, '.slot-past');
    expect(wxMock().showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '这个时段已开始，请选择其他时段' }));
    expect(page.instance.data.confirm).toBeNull();
  });

  it('asks before booking: 再想想 books nothing, 确认预约 books and opens the result', async () => {
    playDevice(cloud.url, 'page-booker', { now: EVENING });
    const page = await visit(URL);
    const first = upcomingOpen(today.slots)[0];
    await tap(page, '.slot-open');
    expect(texts(page, '.confirm-store')).toEqual([today.store.name]);
    expect(texts(page, '.confirm-day')).toEqual(['今天（11月25日）']);
    expect(texts(page, '.confirm-time')).toEqual(['19:00–19:30']);
    await tap(page, '.confirm-cancel');
    expect(page.querySelectorAll('.confirm-sheet')).toHaveLength(0);
    expect((await hostCall(cloud.url, 'bookings', { action: 'mine' }, { openid: 'page-booker', now: EVENING })).data.bookings).toEqual([]);

    await tap(page, '.slot-open');
    await tap(page, '.confirm-book');
    await until(() => wxMock().navigateTo.mock.calls.length === 1, 'the result page');
    const booking = JSON.parse(decodeURIComponent(lastNavigation('navigateTo').split('?b=')[1]));
    expect(booking).toMatchObject({ storeId: STORE, start: first.start, status: 'pending', storeName: today.store.name });
    expect((await hostCall(cloud.url, 'bookings', { action: 'mine' }, { openid: 'page-booker', now: EVENING })).data.bookings).toHaveLength(1);
  });

  it("marks the user's own booking in the grid, and a tap on it leads to 我的预约", async () => {
    playDevice(cloud.url, 'page-owner', { now: EVENING });
    const second = upcomingOpen(today.slots)[1];
    expect((await book('page-owner', second.start)).ok).toBe(true);
    const page = await visit(URL);
    expect(second.start).toBe('2026-11-25T19:30:00+08:00');
    expect(texts(page, '.slot-mine .slot-time')).toEqual(['19:30–20:00']);
    // One of the slot's places is the owner's: the rest still bookable by others.
    expect(texts(page, '.slot-mine .slot-note')).toEqual([`你已预约 · 余 ${second.remaining - 1}`]);
    await tap(page, '.slot-mine');
    expect(lastNavigation('navigateTo')).toBe('/packageBooking/pages/my-bookings/index');
  });

  it("after booking shows the slot as the user's with its places left, from create's own answer: no second slots or mine call", async () => {
    playDevice(cloud.url, 'page-counter', { now: EVENING });
    const page = await visit(URL);
    const time = texts(page, '.slot-open .slot-time')[0];
    const left = Number(texts(page, '.slot-open .slot-note')[0].replace('余 ', ''));
    expect(left).toBeGreaterThan(1);
    await tap(page, '.slot-open');
    wxMock().request.mockClear();
    await tap(page, '.confirm-book');
    await until(() => texts(page, '.slot-mine .slot-time').includes(time), 'the booking in the grid');
    // This booking took one of the places the cell showed.
    expect(texts(page, '.slot-mine .slot-note')).toEqual([`你已预约 · 余 ${left - 1}`]);
    await flush();
    expect(bookingsAsked()).toEqual(['bookings.create']);
  });

  it("asks first for the store's today, not the phone's (a phone in New York)", async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    // 2026-11-25T16:30Z: Wednesday 11:30 in New York, already Thursday 00:30 in Shanghai.
    const late = new Date('2026-11-25T16:30:00Z');
    try {
      jest.setSystemTime(late);
      playDevice(cloud.url, 'page-abroad', { now: late });
      const page = await visit(URL);
      const dates = wxMock()
        .request.mock.calls.map((c: [{ data: { action: string; date?: string } }]) => c[0].data)
        .filter((d: { action: string }) => d.action === 'slots')
        .map((d: { date?: string }) => d.date);
      expect(dates[0]).toBe('2026-11-26');
      expect(texts(page, '.day-active')).toEqual(['今天']);
      expect(page.instance.data.date).toBe('2026-11-26');
    } finally {
      process.env.TZ = tz;
      jest.setSystemTime(EVENING);
    }
  });

  it('words a refusal with the rule’s own number', async () => {
    playDevice(cloud.url, 'page-greedy', { now: EVENING });
    const tomorrow = await slotsOf('2026-11-26');
    for (const s of upcomingOpen(tomorrow.slots).slice(0, MAX_UPCOMING_BOOKINGS)) expect((await book('page-greedy', s.start)).ok).toBe(true);
    const page = await visit(URL);
    await tap(page, '.slot-open');
    await tap(page, '.confirm-book');
    await until(() => texts(page, '.book-error-text').length === 1, 'the refusal');
    expect(texts(page, '.book-error-text')).toEqual([`你已有 ${MAX_UPCOMING_BOOKINGS} 个待到店的预约，请先完成或取消后再约`]);
    expect(page.querySelectorAll('.retry-book')).toHaveLength(0);
    // The page knew the limit was reached: no subscribe prompt for a booking it knew would be refused.
    expect(wxMock().requestSubscribeMessage).not.toHaveBeenCalled();
  });

  it('a missing store offers the map only; an unreachable host offers a retry and the map', async () => {
    playDevice(cloud.url, 'page-lost', { now: EVENING });
    const missing = await visit('/packageBooking/pages/store/index?id=S-NOPE');
    expect(texts(missing, '.failure-title')).toEqual(['找不到这家门店']);
    expect(missing.querySelectorAll('.retry')).toHaveLength(0);
    expect(missing.querySelectorAll('.to-nearby')).toHaveLength(1);

    playDevice('http://127.0.0.1:9', 'page-offline', { now: EVENING });
    const offline = await visit(URL);
    expect(texts(offline, '.failure-title')).toEqual(['门店信息没有加载出来']);
    expect(offline.querySelectorAll('.retry')).toHaveLength(1);
    expect(offline.querySelectorAll('.to-nearby')).toHaveLength(1);
    await flush();
  });

  it('books a party with a contact and a note from the sheet, and remembers the contact on the phone', async () => {
    playDevice(cloud.url, 'page-party', { now: EVENING });
    const page = await visit(URL);
    const first = upcomingOpen((await slotsOf('2026-11-25')).slots).find((s) => s.remaining >= 2);
    if (!first) throw new Error('set-up: no slot with 2 places');
    const index = page.instance.data.grid.rows
      .filter((r: { state: string }) => r.state === 'open')
      .findIndex((r: { start: string }) => r.start === first.start);
    await tap(page, '.slot-open', index);
    expect(texts(page, '.party-size')).toEqual(['1 人']);
    await tap(page, '.party-plus');
    expect(texts(page, '.party-size')).toEqual(['2 人']);
    page.querySelector('.contact-name')?.dispatchEvent('input', { detail: { value: '韩梅梅' } });
    page.querySelector('.contact-phone')?.dispatchEvent('input', { detail: { value: '139 0000 1111' } });
    page.querySelector('.note')?.dispatchEvent('input', { detail: { value: '带婴儿车' } });
    await flush();
    await tap(page, '.confirm-book');
    await until(() => wxMock().navigateTo.mock.calls.length === 1, 'the result page');
    const mine = (await hostCall(cloud.url, 'bookings', { action: 'mine' }, { openid: 'page-party', now: EVENING })).data.bookings;
    expect(mine.map((b: { partySize: number; contact: unknown; note: string }) => [b.partySize, b.contact, b.note])).toEqual([
      [2, { name: '韩梅梅', phone: '13900001111' }, '带婴儿车'],
    ]);
    expect(wxMock().setStorageSync).toHaveBeenCalledWith('nearby:booking-contact', { name: '韩梅梅', phone: '13900001111' });
  });

  it('fills the sheet with the contact remembered on the phone', async () => {
    playDevice(cloud.url, 'page-returning', { now: EVENING });
    wxMock().getStorageSync.mockImplementation((key: string) => (key === 'nearby:booking-contact' ? { name: '李雷', phone: '13800138000' } : ''));
    const page = await visit(URL);
    await tap(page, '.slot-open');
    expect([page.instance.data.contactName, page.instance.data.contactPhone]).toEqual(['李雷', '13800138000']);
    wxMock().getStorageSync.mockReset();
  });

  it('改约: opened with ?reschedule, the sheet moves the booking (same id and code) to the slot picked', async () => {
    playDevice(cloud.url, 'page-mover', { now: EVENING });
    const [a, b] = upcomingOpen((await slotsOf('2026-11-26')).slots);
    const made = await book('page-mover', a.start);
    const page = await visit(`${URL}&reschedule=${made.data.booking.id}`);
    expect(texts(page, '.reschedule-notice')).toHaveLength(1);
    await tap(page, '.day', 1);
    await until(() => page.instance.data.slotsStatus === 'ready' && page.instance.data.date === '2026-11-26', 'tomorrow');
    const index = page.instance.data.grid.rows.filter((r: { state: string }) => r.state === 'open').findIndex((r: { start: string }) => r.start === b.start);
    await tap(page, '.slot-open', index);
    expect(texts(page, '.confirm-title')).toEqual(['确认改约']);
    expect(page.querySelectorAll('.party-row')).toHaveLength(0);
    await tap(page, '.confirm-book');
    await until(() => wxMock().navigateTo.mock.calls.length === 1, 'the result page');
    const mine = (await hostCall(cloud.url, 'bookings', { action: 'mine' }, { openid: 'page-mover', now: EVENING })).data.bookings;
    expect(mine.map((x: { id: string; code: string; start: string }) => [x.id, x.code, x.start])).toEqual([
      [made.data.booking.id, made.data.booking.code, b.start],
    ]);
  });

  it("after a move shows the new slot as the user's and the left one's place back, from reschedule's own answer: no second slots or mine call", async () => {
    playDevice(cloud.url, 'page-mover-2', { now: EVENING });
    const [, , a, b] = upcomingOpen((await slotsOf('2026-11-26')).slots);
    const made = await book('page-mover-2', a.start);
    // What the grid shows before the move: a with this booking's place taken, b untouched.
    const aLeft = a.remaining - 1;
    const time = (start: string) => start.slice(11, 16);
    const page = await visit(`${URL}&reschedule=${made.data.booking.id}`);
    await tap(page, '.day', 1);
    await until(() => page.instance.data.slotsStatus === 'ready' && page.instance.data.date === '2026-11-26', 'tomorrow');
    expect(texts(page, '.slot-mine .slot-note')).toEqual([`你已预约 · 余 ${aLeft}`]);
    const index = page.instance.data.grid.rows.filter((r: { state: string }) => r.state === 'open').findIndex((r: { start: string }) => r.start === b.start);
    await tap(page, '.slot-open', index);
    wxMock().request.mockClear();
    await tap(page, '.confirm-book');
    await until(() => texts(page, '.slot-mine .slot-time').some((t) => t.startsWith(time(b.start))), 'the move in the grid');
    // b took the booking's place; a has it back (its cell is open again with one more place).
    expect(texts(page, '.slot-mine .slot-note')).toEqual([`你已预约 · 余 ${b.remaining - 1}`]);
    const rows = page.instance.data.grid.rows as { start: string; state: string }[];
    const aIndex = rows.filter((r) => r.state === 'open').findIndex((r) => r.start === a.start);
    expect(texts(page, '.slot-open .slot-note')[aIndex]).toBe(`余 ${aLeft + 1}`);
    await flush();
    expect(bookingsAsked()).toEqual(['bookings.reschedule']);
  });

  it('words the no-show block on the store page before the customer tries', async () => {
    const tomorrow = upcomingOpen((await slotsOf('2026-11-26')).slots).slice(0, 3);
    for (const s of tomorrow) {
      const made = await book('page-absent', s.start);
      const after = new Date(Date.parse(s.end));
      expect((await hostCall(cloud.url, 'bookings', { action: 'noShow', bookingId: made.data.booking.id }, { openid: 'local-staff', now: after })).ok).toBe(
        true,
      );
    }
    const later = new Date(Date.parse(tomorrow[2].end) + 3600_000);
    playDevice(cloud.url, 'page-absent', { now: later });
    const page = await visit(URL);
    const until7 = new Date(Date.parse(tomorrow[2].end) + 7 * 86_400_000 + 8 * 3600_000).toISOString();
    expect(texts(page, '.no-show-notice')).toEqual([`近 30 天内 3 次预约未到店，${until7.slice(5, 10)} ${until7.slice(11, 16)} 后才能再预约`]);
  });
});

describe('the store page: details and Moments (issue 16)', () => {
  const PHOTOS = ['https://example.com/front.jpg', 'cloud://env-1.abcd/stores/inside.jpg'];
  beforeAll(async () => {
    const store = {
      kind: 'store',
      id: 'S-PHOTO',
      name: '相册咖啡',
      address: '福州路 9 号',
      lat: 31.2304,
      lng: 121.4737,
      category: 'coffee',
      openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '22:00' })),
      slot: { minutes: 30, capacity: 4 },
      phone: '021-6321 0000',
      photos: PHOTOS,
      services: ['Wi-Fi', '停车'],
    };
    const res = await hostCall(cloud.url, 'admin', { action: 'upsertPlaces', places: [store] }, { openid: 'test-admin', now: EVENING });
    expect(res.ok).toBe(true);
  });

  it('shows services and photos, calls the store, and opens a photo full screen', async () => {
    playDevice(cloud.url, 'page-reader', { now: EVENING });
    const page = await visit('/packageBooking/pages/store/index?id=S-PHOTO');
    expect(texts(page, '.service')).toEqual(['Wi-Fi', '停车']);
    expect(page.querySelectorAll('.photo').length).toBe(2);
    await tap(page, '.call');
    expect(wxMock().makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '02163210000' }));
    page.querySelectorAll('.photo')[1].dispatchEvent('tap');
    await flush();
    expect(wxMock().previewImage).toHaveBeenCalledWith(expect.objectContaining({ urls: PHOTOS, current: PHOTOS[1] }));
    expect(page.instance.onShareTimeline()).toEqual({ title: '相册咖啡 · 到店预约', query: 'id=S-PHOTO', imageUrl: '/images/share-store.png' });
  });

  const sheetOf = (page: Rendered) => page.querySelector('#privacy') as unknown as Rendered;
  const lastPosition = () => (getApp() as unknown as { globalData: { lastPosition: unknown } }).globalData;
  // 0.0063° of latitude north of S-PHOTO (31.2304, 121.4737): 6371008.8 m × 0.0063 × π / 180 = 700.5 m, shown as 700 m.
  const NORTH = { lat: 31.2367, lng: 121.4737 };

  it('opened first from a shared link, locates the user (the privacy sheet asks first) and says how far the store is from them', async () => {
    lastPosition().lastPosition = null;
    playDevice(cloud.url, 'page-walker', { now: EVENING, position: NORTH });
    const page = await visit('/packageBooking/pages/store/index?id=S-PHOTO');
    await until(() => sheetOf(page).querySelectorAll('.privacy-sheet').length === 1, 'the privacy sheet');
    expect(texts(page, '.store-distance')).toEqual([]);
    sheetOf(page).querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await until(() => texts(page, '.store-distance').length === 1, 'the distance');
    expect(texts(page, '.store-distance')).toEqual(['距你 700 m']);
    const asked = wxMock().request.mock.calls.map((c: [{ url: string; data: { action: string; lat?: number } }]) => c[0].data);
    expect(asked.filter((d: { action: string }) => d.action === 'get')).toEqual([{ action: 'get', kind: 'store', id: 'S-PHOTO', ...NORTH }]);
  });

  it.each([
    ['location refused', { privacyAgreed: true, allowLocationPrompt: false }],
    ['privacy declined', { privacyAgreed: false }],
  ])('with %s shows no distance and no error, the slots as ever', async (what, device) => {
    lastPosition().lastPosition = null;
    playDevice(cloud.url, 'page-private', { now: EVENING, position: NORTH, ...device });
    const page = await visit('/packageBooking/pages/store/index?id=S-PHOTO');
    if (what === 'privacy declined') {
      await until(() => sheetOf(page).querySelectorAll('.privacy-sheet').length === 1, 'the privacy sheet');
      await tap(sheetOf(page), '.privacy-decline');
    }
    await until(() => wxMock().getLocation.mock.calls.length === 1, 'the location asked');
    await flush();
    expect(texts(page, '.store-distance')).toEqual([]);
    expect(page.instance.data.status).toBe('ready');
    expect(page.querySelectorAll('.slot').length).toBeGreaterThan(0);
    expect(wxMock().showToast).not.toHaveBeenCalled();
    expect(wxMock().showModal).not.toHaveBeenCalled();
  });

  it('opened from Moments (scene 1154) shows the store read-only, asking only geo.get', async () => {
    playDevice(cloud.url, 'page-reader', { now: EVENING });
    wxMock().getEnterOptionsSync.mockReturnValue({ scene: 1154, path: 'packageBooking/pages/store/index', query: { id: 'S-PHOTO' } });
    try {
      const page = await openUrl('/packageBooking/pages/store/index?id=S-PHOTO');
      open.push(page);
      await until(() => page.instance.data.status === 'ready', 'the store');
      expect(texts(page, '.store-name')).toEqual(['相册咖啡']);
      expect(texts(page, '.service')).toEqual(['Wi-Fi', '停车']);
      expect(texts(page, '.moments-note')).toEqual(['在朋友圈中只能浏览门店信息。预约到店请点击下方“前往小程序”。']);
      expect(page.querySelectorAll('.picker').length).toBe(0);
      expect(page.querySelectorAll('.call').length).toBe(0);
      const asked = wxMock().request.mock.calls.map((c: [{ url: string; data: { action: string } }]) => `${c[0].url.split('/').pop()}.${c[0].data.action}`);
      expect(asked).toEqual(['geo.get']);
      expect(wxMock().getLocation).not.toHaveBeenCalled();
      expect(wxMock().requestSubscribeMessage).not.toHaveBeenCalled();
    } finally {
      wxMock().getEnterOptionsSync.mockReturnValue({ scene: 1001, path: '', query: {} });
    }
  });
});
