/**
 * The states the preview shows, page by page, with the demo data they need made through the real
 * local host first (bookings, a ride). Pages of app.json not named here are shown in their
 * default state, so a new page is previewed without touching this file.
 */
import type { Device } from './local-wx';
import type { RenderedPage } from './render';

export interface ScreenContext {
  device: Device;
  /** Calls a function of the local host directly, as `openid`: to prepare demo data. */
  call<T>(
    fn: string,
    event: Record<string, unknown>,
    openid: string,
  ): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; reason?: string } }>;
  /** Who the mini program calls as from now on. */
  actAs(openid: string): void;
  /** Lets requests and setData settle. */
  idle(): Promise<void>;
}

export interface Screen {
  page: string;
  /** File-name part and caption of the state: "confirm", "missing-store", … */
  state: string;
  openid?: string;
  /** Prepares data and returns the page's query. */
  setup?(ctx: ScreenContext): Promise<Record<string, string> | void>;
  /** Taps and types after the page loaded. */
  act?(page: RenderedPage, ctx: ScreenContext): Promise<void>;
}

export const DEMO_USER = 'local-user';
export const DEMO_STAFF = 'local-staff';
/** Who holds a bike on the reservation screens (not the demo user, whose ride they would block). */
export const DEMO_COMMUTER = 'local-commuter';
/** The rider of the history and full ride bill screens. */
export const DEMO_HISTORY = 'local-history';
/** The household of the bills screens (its own, so paying does not touch the demo user's ride screens). */
export const DEMO_PAYER = 'local-payer';
/** A store the demo staff member works at (functions/local/demo-city.ts). */
export const STAFF_STORE = 'S001';

interface SlotsAnswer {
  days: string[];
  slots: Array<{ start: string; bookable: boolean; remaining: number }>;
}

/** The first bookable start of a store in its 7 days, or null. */
export async function firstBookable(ctx: ScreenContext, storeId: string, openid: string, skip = 0): Promise<string | null> {
  const days = await todayDays(ctx, storeId, openid);
  let seen = 0;
  for (const date of days) {
    const answer = await ctx.call<SlotsAnswer>('bookings', { action: 'slots', storeId, date }, openid);
    if (!answer.ok) continue;
    for (const s of answer.data.slots) {
      if (s.bookable && s.remaining > 0 && seen++ >= skip) return s.start;
    }
  }
  return null;
}

/** The store's 7 bookable days (its today may differ from UTC's by a day). */
async function todayDays(ctx: ScreenContext, storeId: string, openid: string): Promise<string[]> {
  const today = new Date().toISOString().slice(0, 10);
  for (const date of [today, shift(today, -1), shift(today, 1)]) {
    const answer = await ctx.call<SlotsAnswer>('bookings', { action: 'slots', storeId, date }, openid);
    if (answer.ok) return answer.data.days;
  }
  return [];
}

const shift = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Books the `skip`-th bookable slot of a store for `openid`; returns the booking. */
export async function bookDemo(ctx: ScreenContext, storeId: string, openid: string, skip = 0): Promise<Record<string, unknown> | null> {
  const start = await firstBookable(ctx, storeId, openid, skip);
  if (!start) return null;
  const made = await ctx.call<{ booking: Record<string, unknown> }>('bookings', { action: 'create', storeId, start }, openid);
  return made.ok ? made.data.booking : null;
}

const tapFirst = async (page: RenderedPage, ctx: ScreenContext, selector: string) => {
  const node = page.querySelector(selector);
  if (node) node.dispatchEvent('tap');
  await ctx.idle();
};

export const SCREENS: Screen[] = [
  { page: 'pages/nearby/index', state: 'stores' },
  {
    page: 'pages/nearby/index',
    state: 'no-location',
    setup: async (ctx) => {
      ctx.device.locationScope = false; // location turned off
    },
  },
  { page: 'pages/me/index', state: 'user' },
  { page: 'pages/me/index', state: 'staff', openid: DEMO_STAFF },

  { page: 'packageBooking/pages/store/index', state: 'slots', setup: async () => ({ id: STAFF_STORE }) },
  {
    page: 'packageBooking/pages/store/index',
    state: 'confirm',
    setup: async () => ({ id: STAFF_STORE }),
    act: (page, ctx) => tapFirst(page, ctx, '.slot-open'),
  },
  {
    page: 'packageBooking/pages/store/index',
    state: 'own-booking',
    setup: async (ctx) => {
      await bookDemo(ctx, 'S008', DEMO_USER);
      return { id: 'S008' };
    },
  },
  {
    // Issue 20: after 确认预约 the slot reads as the user's with its places left, from create's own answer.
    page: 'packageBooking/pages/store/index',
    state: 'booked',
    openid: 'local-preview-booker',
    setup: async () => ({ id: 'S020' }),
    act: async (page, ctx) => {
      await tapFirst(page, ctx, '.slot-open');
      await tapFirst(page, ctx, '.confirm-book');
    },
  },
  {
    // After 确认改约 the new slot reads as the user's and the left one open again, from reschedule's own answer.
    page: 'packageBooking/pages/store/index',
    state: 'moved',
    openid: 'local-preview-mover',
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, 'S020', 'local-preview-mover', 1);
      const query: Record<string, string> = { id: 'S020' };
      if (booking) query.reschedule = String(booking.id);
      return query;
    },
    act: async (page, ctx) => {
      await tapFirst(page, ctx, '.slot-open');
      await tapFirst(page, ctx, '.confirm-book');
    },
  },
  {
    // Issue 16: a shared link opened first locates the user (here 700 m north of S001) and says how far the store is.
    page: 'packageBooking/pages/store/index',
    state: 'shared-link-distance',
    setup: async (ctx) => {
      const got = await ctx.call<{ item: { lat: number; lng: number } }>('geo', { action: 'get', kind: 'store', id: STAFF_STORE }, DEMO_USER);
      if (got.ok) ctx.device.position = { lat: got.data.item.lat + 0.0063, lng: got.data.item.lng };
      return { id: STAFF_STORE };
    },
  },
  { page: 'packageBooking/pages/store/index', state: 'missing-store', setup: async () => ({ id: 'S-GONE' }) },
  {
    page: 'packageBooking/pages/booking-result/index',
    state: 'pending',
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, STAFF_STORE, DEMO_USER, 1);
      const query: Record<string, string> = booking ? { b: encodeURIComponent(JSON.stringify({ ...booking, storeName: '示例门店' })) } : {};
      return query;
    },
  },
  { page: 'packageBooking/pages/my-bookings/index', state: 'bookings' },
  { page: 'packageBooking/pages/my-bookings/index', state: 'empty', openid: 'local-newcomer' },
  // A failed load says what failed (shared/wording.ts loadFailed; issue 16).
  { page: 'packageBooking/pages/my-bookings/index', state: 'offline', setup: async (ctx) => void (ctx.device.offline = true) },
  // Opened from a subscribe message (shared/subscribe-message.ts bookingPage): the booking, a cancelled one, none.
  {
    page: 'packageBooking/pages/my-bookings/index',
    state: 'from-message',
    openid: 'local-reminded',
    setup: async (ctx) => {
      await bookDemo(ctx, 'S008', 'local-reminded');
      const booking = await bookDemo(ctx, STAFF_STORE, 'local-reminded', 2);
      return booking ? { bookingId: String(booking.id) } : undefined;
    },
  },
  {
    page: 'packageBooking/pages/my-bookings/index',
    state: 'message-cancelled',
    openid: 'local-cancelled',
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, STAFF_STORE, 'local-cancelled', 3);
      if (!booking) return;
      await ctx.call('bookings', { action: 'cancel', bookingId: booking.id }, 'local-cancelled');
      return { bookingId: String(booking.id) };
    },
  },
  { page: 'packageBooking/pages/my-bookings/index', state: 'message-missing', setup: async () => ({ bookingId: 'bk_gone' }) },
  {
    page: 'packageBooking/pages/staff/index',
    state: 'desk',
    openid: DEMO_STAFF,
    setup: async (ctx) => {
      await bookDemo(ctx, STAFF_STORE, DEMO_USER);
      await bookDemo(ctx, STAFF_STORE, 'local-guest');
    },
  },
  {
    page: 'packageBooking/pages/staff/index',
    state: 'typed-code',
    openid: DEMO_STAFF,
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, STAFF_STORE, 'local-guest-2');
      ctx.device.storage.set('preview:code', booking ? String(booking.code) : 'ABCD2345');
    },
    act: async (page, ctx) => {
      page.querySelector('.code-input')?.dispatchEvent('input', { detail: { value: String(ctx.device.storage.get('preview:code')).toLowerCase() } });
      await ctx.idle();
      await tapFirst(page, ctx, '.code-submit');
    },
  },
  { page: 'packageBooking/pages/staff/index', state: 'not-staff' },
  // Issue 19: party and contact on the sheet, the desk with its totals and actions, a rejection, a reschedule.
  {
    page: 'packageBooking/pages/store/index',
    state: 'party-contact',
    setup: async () => ({ id: STAFF_STORE }),
    act: async (page, ctx) => {
      await tapFirst(page, ctx, '.slot-open');
      await tapFirst(page, ctx, '.party-plus');
      await tapFirst(page, ctx, '.party-plus');
      page.querySelector('.contact-name')?.dispatchEvent('input', { detail: { value: '韩梅梅' } });
      page.querySelector('.contact-phone')?.dispatchEvent('input', { detail: { value: '13900001111' } });
      page.querySelector('.note')?.dispatchEvent('input', { detail: { value: '带婴儿车，靠窗' } });
      await ctx.idle();
    },
  },
  {
    page: 'packageBooking/pages/staff/index',
    state: 'desk-actions',
    openid: DEMO_STAFF,
    setup: async (ctx) => {
      const start = await firstBookable(ctx, STAFF_STORE, 'local-party', 4);
      if (!start) return;
      await ctx.call(
        'bookings',
        { action: 'create', storeId: STAFF_STORE, start, partySize: 3, contact: { name: '李雷', phone: '13800138000' }, note: '生日，需要蛋糕刀' },
        'local-party',
      );
      const later = (await firstBookable(ctx, STAFF_STORE, 'local-party-2', 6)) ?? start;
      const other = await ctx.call<{ booking: { id: string } }>(
        'bookings',
        { action: 'create', storeId: STAFF_STORE, start: later, partySize: 2 },
        'local-party-2',
      );
      if (other.ok) await ctx.call('bookings', { action: 'confirm', bookingId: other.data.booking.id }, DEMO_STAFF);
      const third = await ctx.call<{ booking: { id: string } }>('bookings', { action: 'create', storeId: STAFF_STORE, start }, 'local-party-3');
      if (third.ok) await ctx.call('bookings', { action: 'reject', bookingId: third.data.booking.id, reason: '该时段人数已满' }, DEMO_STAFF);
    },
  },
  {
    page: 'packageBooking/pages/staff/index',
    state: 'reject-reasons',
    openid: DEMO_STAFF,
    setup: async (ctx) => {
      await bookDemo(ctx, STAFF_STORE, 'local-party-4', 5);
    },
    act: (page, ctx) => tapFirst(page, ctx, '.reject'),
  },
  {
    page: 'packageBooking/pages/my-bookings/index',
    state: 'rejected',
    openid: 'local-rejected',
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, STAFF_STORE, 'local-rejected', 6);
      if (booking) await ctx.call('bookings', { action: 'reject', bookingId: booking.id, reason: '设备故障，暂停服务' }, DEMO_STAFF);
      await bookDemo(ctx, 'S008', 'local-rejected');
    },
  },
  {
    page: 'packageBooking/pages/store/index',
    state: 'reschedule',
    openid: 'local-mover',
    setup: async (ctx) => {
      const booking = await bookDemo(ctx, STAFF_STORE, 'local-mover', 7);
      const query: Record<string, string> = { id: STAFF_STORE };
      if (booking) query.reschedule = String(booking.id);
      return query;
    },
    act: (page, ctx) => tapFirst(page, ctx, '.slot-open'),
  },

  { page: 'packageRide/pages/unlock/index', state: 'bad-sticker', setup: async () => ({ q: encodeURIComponent('https://example.com/not-a-bike') }) },
  {
    page: 'packageRide/pages/ride-summary/index',
    state: 'paid-ride',
    setup: async () => ({ bikeCode: 'B0001', durationSec: '1260', feeFen: '300', surchargeFen: '0', billId: 'demo-bill' }),
  },

  // The commuter's screens, in ride order: they share the demo user's one ride.
  { page: 'pages/nearby/index', state: 'privacy-sheet', act: (page, ctx) => showPrivacySheet(page, ctx) },
  { page: 'pages/nearby/index', state: 'shared-station', setup: async (ctx) => sharedStationQuery(ctx) },
  // Finding a place (issue 16): search, recent searches, another place, Moments.
  { page: 'pages/nearby/index', state: 'search', act: (page, ctx) => searchFor(page, ctx, '咖啡') },
  {
    page: 'pages/nearby/index',
    state: 'recent-searches',
    setup: async (ctx) => void ctx.device.storage.set('nearby.recentSearches', ['咖啡', '药房', '南京东路']),
    act: async (page, ctx) => {
      page.querySelector('.search-input')?.dispatchEvent('focus');
      await ctx.idle();
    },
  },
  {
    page: 'pages/nearby/index',
    state: 'chosen-place',
    setup: async (ctx) => void (ctx.device.chosenPlace = { lat: 31.2397, lng: 121.4905, name: '外滩' }),
    act: (page, ctx) => tapFirst(page, ctx, '.choose-place'),
  },
  {
    page: 'pages/nearby/index',
    state: 'moments-station',
    setup: async (ctx) => {
      ctx.device.scene = 1154;
      return sharedStationQuery(ctx);
    },
  },
  { page: 'packageBooking/pages/store/index', state: 'details', setup: async (ctx) => ({ id: await photoStore(ctx) }) },
  {
    page: 'packageBooking/pages/store/index',
    state: 'moments',
    setup: async (ctx) => {
      ctx.device.scene = 1154;
      return { id: await photoStore(ctx) };
    },
  },
  { page: 'pages/nearby/index', state: 'shared-station-gone', setup: async () => ({ kind: 'station', id: 'P-GONE', lat: '31.2304', lng: '121.4737' }) },
  { page: 'pages/nearby/index', state: 'offline', setup: async (ctx) => void (ctx.device.offline = true) },
  { page: 'packageRide/pages/unlock/index', state: 'scan-or-type' },
  {
    page: 'packageRide/pages/unlock/index',
    state: 'bike',
    setup: async (ctx) => {
      const bike = await demoBike(ctx);
      if (!bike) return;
      ctx.device.position = { lat: bike.lat + 0.0002, lng: bike.lng };
      return { q: encodeURIComponent(`https://nearby.example.com/b/${bike.code}`), scancode_time: '1764032400' };
    },
  },
  { page: 'packageRide/pages/unlock/index', state: 'privacy-sheet', setup: async () => ({ code: 'B0001' }), act: (page, ctx) => showPrivacySheet(page, ctx) },
  { page: 'packageRide/pages/riding/index', state: 'riding', setup: async (ctx) => void (await startDemoRide(ctx)) },
  {
    page: 'packageRide/pages/riding/index',
    state: 'no-location',
    setup: async (ctx) => {
      await startDemoRide(ctx);
      ctx.device.locationScope = false; // location turned off
    },
  },
  {
    page: 'packageRide/pages/riding/index',
    state: 'outside-zone',
    setup: async (ctx) => void (await startDemoRide(ctx)),
    act: async (page, ctx) => {
      ctx.device.position = { lat: 31.4304, lng: 121.6737 }; // far from every zone
      await tapFirst(page, ctx, '.end-btn');
    },
  },
  { page: 'pages/nearby/index', state: 'ride-banner', setup: async (ctx) => void (await startDemoRide(ctx)) },
  { page: 'pages/me/index', state: 'ride-banner', setup: async (ctx) => void (await startDemoRide(ctx)) },

  // Issue 17: a reservation's countdown banner, the report sheet, the ride history, the full ride bill.
  { page: 'pages/nearby/index', state: 'reserve-banner', openid: DEMO_COMMUTER, setup: async (ctx) => void (await holdDemoBike(ctx)) },
  { page: 'pages/me/index', state: 'reserve-banner', openid: DEMO_COMMUTER, setup: async (ctx) => void (await holdDemoBike(ctx)) },
  {
    page: 'packageRide/pages/ride-summary/index',
    state: 'report-sheet',
    setup: async () => ({ rideId: 'demo-ride', bikeCode: 'B0001', durationSec: '1260', feeFen: '300', surchargeFen: '0', billId: 'demo-bill' }),
    act: async (page, ctx) => {
      await tapFirst(page, ctx, '.report-btn');
      const sheet = page.querySelector('#report') as unknown as { instance?: { setData(data: Record<string, unknown>): void } } | null;
      sheet?.instance?.setData({ category: 'brake', note: '前刹车没有反应，捏到底也刹不住' });
      await ctx.idle();
    },
  },
  { page: 'packageRide/pages/history/index', state: 'history', openid: DEMO_HISTORY, setup: async (ctx) => void (await demoHistory(ctx)) },
  { page: 'packageRide/pages/history/index', state: 'empty', openid: 'local-newcomer' },
  { page: 'packageBill/pages/bill/index', state: 'ride-bill', openid: DEMO_HISTORY, setup: async (ctx) => ({ billId: await demoHistory(ctx) }) },

  // Bills (packageBill): a household of its own, bound to the demo accounts (functions/local/seed-bills.ts).
  { page: 'packageBill/pages/accounts/index', state: 'accounts', openid: DEMO_PAYER, setup: async (ctx) => void (await bindDemoAccounts(ctx)) },
  {
    page: 'packageBill/pages/accounts/index',
    state: 'wrong-name',
    openid: 'local-guesser',
    act: async (page, ctx) => {
      page.querySelector('.account-no')?.dispatchEvent('input', { detail: { value: '31000001' } });
      page.querySelector('.holder-name')?.dispatchEvent('input', { detail: { value: '李四' } });
      await ctx.idle();
      await tapFirst(page, ctx, '.bind-btn');
    },
  },
  { page: 'packageBill/pages/bill/index', state: 'unpaid', openid: DEMO_PAYER, setup: async (ctx) => ({ billId: await demoUnpaidBill(ctx, 'gas') }) },
  {
    page: 'packageBill/pages/bill/index',
    state: 'paid',
    openid: DEMO_PAYER,
    setup: async (ctx) => ({ billId: await demoUnpaidBill(ctx, 'water') }),
    act: async (page, ctx) => {
      await tapFirst(page, ctx, '.pay-btn');
      await ctx.idle();
    },
  },
  { page: 'packageBill/pages/bill/index', state: 'missing', openid: DEMO_PAYER, setup: async () => ({ billId: 'UB:water:99999999:2026-10' }) },
  { page: 'packageBill/pages/bills/index', state: 'bills', openid: DEMO_PAYER, setup: async (ctx) => void (await bindDemoAccounts(ctx)) },
  { page: 'packageBill/pages/bills/index', state: 'empty', openid: 'local-newcomer' },
  { page: 'packageBill/pages/bills/index', state: 'offline', setup: async (ctx) => void (ctx.device.offline = true) },
  // The bind flow: 燃气 in 上海 has two companies; the second's hint shows; number and holder typed, a label chosen.
  {
    page: 'packageBill/pages/accounts/index',
    state: 'bind-flow',
    openid: 'local-binder',
    act: async (page, ctx) => {
      await tapNth(page, ctx, '.types .type-chip', 2);
      await tapNth(page, ctx, '.company-row', 1);
      page.querySelector('.account-no')?.dispatchEvent('input', { detail: { value: 'DZ-2100301' } });
      page.querySelector('.holder-name')?.dispatchEvent('input', { detail: { value: '王芳' } });
      await ctx.idle();
      await tapNth(page, ctx, '.label-chip', 1);
    },
  },
  {
    page: 'packageBill/pages/accounts/index',
    state: 'already-bound',
    openid: DEMO_PAYER,
    setup: async (ctx) => void (await bindDemoAccounts(ctx)),
    act: async (page, ctx) => {
      page.querySelector('.account-no')?.dispatchEvent('input', { detail: { value: '31000001' } });
      page.querySelector('.holder-name')?.dispatchEvent('input', { detail: { value: '张三' } });
      await ctx.idle();
      await tapFirst(page, ctx, '.bind-btn');
      await ctx.idle();
    },
  },
  // After the bill screens paid the water bill: the records by month, and that payment's receipt.
  { page: 'packageBill/pages/records/index', state: 'records', openid: DEMO_PAYER },
  { page: 'packageBill/pages/records/index', state: 'empty', openid: 'local-newcomer' },
  { page: 'packageBill/pages/receipt/index', state: 'receipt', openid: DEMO_PAYER, setup: async (ctx) => ({ billId: await demoPaidBill(ctx) }) },
];

interface NearbyAnswer {
  items: Array<{ kind: string; id: string; code?: string; lat: number; lng: number }>;
}

/** A free bike near the demo position. */
async function demoBike(ctx: ScreenContext): Promise<{ code: string; lat: number; lng: number } | null> {
  const answer = await ctx.call<NearbyAnswer>('geo', { action: 'nearby', kind: 'bike', lat: 31.2304, lng: 121.4737, radius: 3000, limit: 1 }, DEMO_USER);
  const bike = answer.ok ? answer.data.items[0] : undefined;
  return bike && bike.code ? { code: bike.code, lat: bike.lat, lng: bike.lng } : null;
}

/** The demo user's ride: the running one, or one started on a bike nearby (the phone moved next to it). */
async function startDemoRide(ctx: ScreenContext): Promise<void> {
  const current = await ctx.call<{ ride: unknown }>('rides', { action: 'current' }, DEMO_USER);
  if (current.ok && current.data.ride) return;
  const bike = await demoBike(ctx);
  if (!bike) return;
  await ctx.call('rides', { action: 'unlock', bikeCode: bike.code, lat: bike.lat, lng: bike.lng }, DEMO_USER);
}

/** The commuter's reservation of the nearest bike (kept: the second screen finds it held). */
async function holdDemoBike(ctx: ScreenContext): Promise<void> {
  const current = await ctx.call<{ reservation: unknown }>('rides', { action: 'current' }, DEMO_COMMUTER);
  if (current.ok && current.data.reservation) return;
  const bike = await demoBike(ctx);
  if (bike) await ctx.call('rides', { action: 'reserve', bikeCode: bike.code, lat: bike.lat, lng: bike.lng }, DEMO_COMMUTER);
}

/**
 * Two rides of the history rider (once): one ended at a station (free: it lasted seconds), one ended
 * outside every zone with the surcharge (a ¥5.00 bill, unpaid). Answers that bill's id.
 */
async function demoHistory(ctx: ScreenContext): Promise<string> {
  type History = { rides: Array<{ billId: string | null }> };
  const before = await ctx.call<History>('rides', { action: 'history' }, DEMO_HISTORY);
  const owed = before.ok ? before.data.rides.find((r) => r.billId) : undefined;
  if (owed && owed.billId) return owed.billId;
  const stations = await ctx.call<NearbyAnswer>(
    'geo',
    { action: 'nearby', kind: 'station', lat: 31.2304, lng: 121.4737, radius: 3000, limit: 1 },
    DEMO_HISTORY,
  );
  const station = stations.ok ? stations.data.items[0] : undefined;
  for (const surcharge of [false, true]) {
    const bike = await demoBike(ctx);
    if (!bike) break;
    const ride = await ctx.call<{ ride: { id: string } }>('rides', { action: 'unlock', bikeCode: bike.code, lat: bike.lat, lng: bike.lng }, DEMO_HISTORY);
    if (!ride.ok) break;
    const at = surcharge || !station ? { lat: 31.4304, lng: 121.6737 } : { lat: station.lat, lng: station.lng };
    await ctx.call('rides', { action: 'end', rideId: ride.data.ride.id, ...at, acceptSurcharge: true }, DEMO_HISTORY);
  }
  const after = await ctx.call<History>('rides', { action: 'history' }, DEMO_HISTORY);
  const bill = after.ok ? after.data.rides.find((r) => r.billId) : undefined;
  return (bill && bill.billId) || 'RB-none';
}

/** The query of a shared link to the station nearest the demo position. */
async function sharedStationQuery(ctx: ScreenContext): Promise<Record<string, string> | undefined> {
  const answer = await ctx.call<NearbyAnswer>('geo', { action: 'nearby', kind: 'station', lat: 31.2304, lng: 121.4737, radius: 3000, limit: 1 }, DEMO_USER);
  const station = answer.ok ? answer.data.items[0] : undefined;
  return station ? { kind: 'station', id: station.id, lat: station.lat.toFixed(6), lng: station.lng.toFixed(6) } : undefined;
}

/** Types a search into the nearby page's box and sends it. */
async function searchFor(page: RenderedPage, ctx: ScreenContext, q: string): Promise<void> {
  const input = page.querySelector('.search-input');
  input?.dispatchEvent('focus');
  await ctx.idle();
  input?.dispatchEvent('confirm', { detail: { value: q } });
  await ctx.idle();
}

/** A demo store with photos (the demo city has phones and services, no photos): S001 again, with two. */
async function photoStore(ctx: ScreenContext): Promise<string> {
  const got = await ctx.call<{ item: Record<string, unknown> }>('geo', { action: 'get', kind: 'store', id: STAFF_STORE }, DEMO_USER);
  if (!got.ok) return STAFF_STORE;
  const { distance, open, nextChange, ...store } = got.data.item;
  const photos = ['https://example.com/stores/S001-front.jpg', 'https://example.com/stores/S001-inside.jpg'];
  await ctx.call('admin', { action: 'upsertPlaces', places: [{ ...store, photos }] }, 'local-admin');
  return STAFF_STORE;
}

/** The page's privacy sheet as WeChat's question shows it (the preview's wx never asks by itself). */
async function showPrivacySheet(page: RenderedPage, ctx: ScreenContext): Promise<void> {
  const sheet = page.querySelector('#privacy') as unknown as { instance?: { setData(data: Record<string, unknown>): void } } | null;
  sheet?.instance?.setData({ visible: true });
  await ctx.idle();
}

/** The demo utility accounts (functions/local/seed-bills.ts), bound by the bills screens' household. */
const DEMO_BINDS = [
  { billerId: 'sh-water', accountNo: '31000001', holderName: '张三', label: '我家' },
  { billerId: 'sh-power', accountNo: '3100000001', holderName: '张三', label: '我家' },
  { billerId: 'sh-gas', accountNo: '31000002', holderName: 'Li Lei', label: '父母家' },
  { billerId: 'sh-gas-dz', accountNo: 'DZ-2100301', holderName: '王芳', label: '父母家' },
];

async function bindDemoAccounts(ctx: ScreenContext): Promise<void> {
  for (const account of DEMO_BINDS) await ctx.call('bills', { action: 'bindAccount', ...account }, DEMO_PAYER);
}

/** The newest unpaid bill of a demo account type, bound first. */
async function demoUnpaidBill(ctx: ScreenContext, type: string): Promise<string> {
  await bindDemoAccounts(ctx);
  const answer = await ctx.call<{ bills: Array<{ id: string; type: string; period?: string }> }>('bills', { action: 'list', status: 'unpaid' }, DEMO_PAYER);
  const mine = answer.ok ? answer.data.bills.filter((b) => b.type === type) : [];
  mine.sort((a, b) => (b.period ?? '').localeCompare(a.period ?? ''));
  return mine[0]?.id ?? 'none';
}

/** The household's latest paid bill (the bill screens paid one), or 'none'. */
async function demoPaidBill(ctx: ScreenContext): Promise<string> {
  const answer = await ctx.call<{ bills: Array<{ id: string }> }>('bills', { action: 'list', status: 'paid' }, DEMO_PAYER);
  return (answer.ok && answer.data.bills[0]?.id) || 'none';
}

/** Taps the n-th element matching `selector` and lets the page settle. */
async function tapNth(page: RenderedPage, ctx: ScreenContext, selector: string, n: number): Promise<void> {
  page.querySelectorAll(selector)[n]?.dispatchEvent('tap');
  await ctx.idle();
}
