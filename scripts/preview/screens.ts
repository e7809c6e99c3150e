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
  call<T>(fn: string, event: Record<string, unknown>, openid: string): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; reason?: string } }>;
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
/** A store the demo staff member works at (scripts/demo-city.ts). */
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
      ctx.device.position = null;
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

  { page: 'packageRide/pages/unlock/index', state: 'bad-sticker', setup: async () => ({ q: encodeURIComponent('https://example.com/not-a-bike') }) },
  { page: 'packageRide/pages/ride-summary/index', state: 'paid-ride', setup: async () => ({ bikeCode: 'B0001', durationSec: '1260', feeFen: '300', surchargeFen: '0', billId: 'demo-bill' }) },
];
