/**
 * Store detail: the store, its hours and open state, route and share, and a 7-day slot picker that
 * opens at the first bookable slot and books after a confirmation. Logic in ./view.ts.
 */
import {
  MAX_PARTY_SIZE,
  MAX_UPCOMING_BOOKINGS,
  PLACE_WORDS,
  REMINDER_NOTE,
  SLOT_WHY,
  STORE_TEXT,
  isActive,
  isUpcoming,
  loadFailed,
  noShowNotice,
  storeToday,
  type BookingResult,
  type BookingView,
  type CreateBookingResult,
  type LatLng,
  type RescheduleBookingResult,
  type Result,
  type SlotsResult,
} from '../../../shared/index';
import { getPlace } from '../../../services/api';
import { openedFromMoments } from '../../../services/scene';
import { callStore, previewPhotos } from '../../../services/store-contact';
import { createBooking, myBookings, newRequestId, rescheduleBooking, saveContact, savedContact, slots } from '../../../services/bookings';
import { locate, openRoute } from '../../../services/location';
import { SUBSCRIBE_FOR, prefetchTemplates, subscribeFor } from '../../../services/subscribe';
import { pageState } from '../../../lib/page-state';
import {
  NEARBY_PAGE,
  bookingErrorText,
  RESULT_PAGE,
  confirmation,
  dayChips,
  hasOpenSlot,
  loadFailure,
  mineAfter,
  mineAt,
  slotGrid,
  storeCard,
  storeIdOf,
  storeShare,
  storeTimeline,
  userDistance,
  withSlotAfter,
  type Confirmation,
  type DayChip,
  type LoadFailure,
  type SlotGrid,
  type StoreCard,
} from './view';

const stateOf = pageState(() => ({
  storeId: '',
  answer: null as SlotsResult | null,
  mine: new Set<number>(),
  /** The slot being booked and its idempotency key: a retry of the same confirmation reuses it. */
  lastTap: null as null | { start: string; requestId: string },
  /** Answers to an older day request are dropped. */
  seq: 0,
  /** The caller's upcoming active bookings (all stores): at the limit, a booking is refused, so no subscribe prompt. */
  held: 0,
  /** The store's name once known (for a share before or without the slots' answer). */
  name: null as string | null,
}));

const EMPTY_GRID: SlotGrid = { rows: [], foldedPast: 0, foldText: '', firstOpen: '', emptyText: '' };

Component({
  data: {
    status: 'loading' as 'loading' | 'failed' | 'ready',
    failure: null as LoadFailure | null,
    store: null as StoreCard | null,
    days: [] as DayChip[],
    date: '',
    slotsStatus: 'loading' as 'loading' | 'error' | 'ready',
    slotsFailed: loadFailed('时段'),
    grid: EMPTY_GRID,
    showPast: false,
    confirm: null as Confirmation | null,
    booking: false,
    bookError: '',
    canRetry: false,
    reminderNote: REMINDER_NOTE.booking,
    /** Opened from Moments (scene 1154, single-page mode): the store read-only, nothing private called. */
    moments: false,
    storeText: { ...STORE_TEXT, share: PLACE_WORDS.share },
    /** '距你 700 m' once the user is located; '' without a position (refused, declined, Moments). */
    distanceText: '',
    /** Who is coming: party size (places are people), contact (remembered on this phone), note. */
    party: 1,
    partyMax: MAX_PARTY_SIZE,
    contactName: '',
    contactPhone: '',
    note: '',
    /** The customer's no-shows stop them booking: said before they try. */
    noShowText: '',
    /** Opened by 改约 (`?reschedule=<bookingId>`): the sheet moves that booking instead of making one. */
    rescheduleId: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const state = stateOf(this);
      state.storeId = storeIdOf(query);
      const saved = savedContact();
      if (saved) this.setData({ contactName: saved.name, contactPhone: saved.phone });
      if (query && query.reschedule) this.setData({ rescheduleId: String(query.reschedule) });
      if (!state.storeId) {
        this.setData({ status: 'failed', failure: loadFailure(null) });
        return;
      }
      if (openedFromMoments()) {
        this.setData({ moments: true });
        this.startReadOnly();
        return;
      }
      // The template ids and the user's settings must be known before the tap (no await in it).
      prefetchTemplates();
      this.start();
      this.showDistance();
    },

    /**
     * How far the store is from the user: the position the map found this session, else located
     * here (a shared link opens this page first; the privacy sheet asks when needed), then the store
     * by id with its distance (`geo.get`). Refused or declined: no distance and no error. Never awaited by the slots.
     */
    async showDistance(): Promise<void> {
      const app = getApp<{ globalData: { lastPosition: LatLng | null } }>();
      let at = app.globalData.lastPosition;
      if (!at) {
        const located = await locate();
        if (!located.ok) return;
        at = located.position;
        app.globalData.lastPosition = at;
      }
      const got = await getPlace({ kind: 'store', id: stateOf(this).storeId, lat: at.lat, lng: at.lng });
      if (got.ok) this.setData({ distanceText: userDistance(got.data.item.distance) });
    },

    /** Moments' single-page mode: the store by id (geo.get needs no caller), no slots, no bookings. */
    async startReadOnly(): Promise<void> {
      const state = stateOf(this);
      this.setData({ status: 'loading', failure: null });
      const got = await getPlace({ kind: 'store', id: state.storeId });
      if (!got.ok) {
        this.setData({ status: 'failed', failure: loadFailure(got.error) });
        return;
      }
      const item = got.data.item;
      if (item.kind !== 'store') return;
      state.name = item.name;
      this.setData({ status: 'ready', store: storeCard(item, new Date()) });
    },

    /** First load: the store's today (not the phone's), then on to the first day with a slot to book. */
    async start(): Promise<void> {
      const state = stateOf(this);
      this.setData({ status: 'loading', failure: null });
      // The store's today in its zone (the default's until the answer names the store's own), not the phone's.
      const [first, mine] = await Promise.all([slots(state.storeId, storeToday(new Date())), myBookings()]);
      state.mine = mine.ok ? mineAt(mine.data.bookings, state.storeId) : new Set();
      state.held = mine.ok ? heldUpcoming(mine.data.bookings) : 0;
      const block = mine.ok ? mine.data.noShowBlock : null;
      this.setData({ noShowText: block ? noShowNotice(block.until, block.count) : '' });
      let answer = first;
      if (answer.ok && !answer.data.days.includes(answer.data.date)) answer = await slots(state.storeId, answer.data.days[0]);
      if (!answer.ok) {
        this.setData({ status: 'failed', failure: loadFailure(answer.error) });
        return;
      }
      const days = answer.data.days;
      for (let i = days.indexOf(answer.data.date) + 1; i < days.length && !hasOpenSlot(answer.data.slots, new Date()); i++) {
        const next = await slots(state.storeId, days[i]);
        if (!next.ok) break;
        answer = next;
      }
      this.show(answer.data);
    },

    show(answer: SlotsResult) {
      const state = stateOf(this);
      state.answer = answer;
      const now = new Date();
      this.setData({
        status: 'ready',
        partyMax: Math.min(MAX_PARTY_SIZE, answer.store.slot.capacity),
        store: storeCard(answer.store, now),
        days: dayChips(answer.days),
        date: answer.date,
        slotsStatus: 'ready',
        grid: slotGrid(answer.slots, now, state.mine, this.data.showPast),
      });
    },

    async loadDay(date: string): Promise<void> {
      const state = stateOf(this);
      const seq = ++state.seq;
      this.setData({ date, slotsStatus: 'loading', showPast: false });
      const answer = await slots(state.storeId, date);
      if (seq !== state.seq) return;
      if (answer.ok) this.show(answer.data);
      else this.setData({ slotsStatus: 'error' });
    },

    async refreshMine(): Promise<void> {
      const state = stateOf(this);
      const mine = await myBookings();
      if (mine.ok) {
        state.mine = mineAt(mine.data.bookings, state.storeId);
        state.held = heldUpcoming(mine.data.bookings);
      }
    },

    /**
     * After a booking or a move: the grid from `create`'s or `reschedule`'s own answer (the slot's
     * places, for a move the left slot's too, the caller's bookings), no second request.
     */
    showCreated(created: CreateBookingResult | RescheduleBookingResult) {
      const state = stateOf(this);
      const now = new Date();
      state.mine = mineAfter(state.mine, created.active, state.storeId, now);
      state.held = created.active.filter((b) => isUpcoming(b, now)).length;
      if (!state.answer) return;
      state.answer = withSlotAfter(state.answer, created.slot);
      if ('left' in created) state.answer = withSlotAfter(state.answer, created.left);
      this.setData({ grid: slotGrid(state.answer.slots, now, state.mine, this.data.showPast) });
    },

    onDayTap(e: WechatMiniprogram.TouchEvent) {
      const date = String(e.currentTarget.dataset.date || '');
      if (date && date !== this.data.date) {
        this.setData({ bookError: '', canRetry: false });
        this.loadDay(date);
      }
    },

    onFoldTap() {
      const answer = stateOf(this).answer;
      const showPast = !this.data.showPast;
      this.setData({ showPast });
      if (answer) this.setData({ grid: slotGrid(answer.slots, new Date(), stateOf(this).mine, showPast) });
    },

    onSlotTap(e: WechatMiniprogram.TouchEvent) {
      const state = stateOf(this);
      const start = String(e.currentTarget.dataset.start || '');
      const row = this.data.grid.rows.find((r) => r.start === start);
      if (!row || !state.answer || this.data.booking) return;
      if (row.state === 'mine') {
        wx.navigateTo({ url: '/packageBooking/pages/my-bookings/index' });
        return;
      }
      if (row.state !== 'open') {
        // A tap always answers: a slot that cannot be booked says why.
        wx.showToast({ title: SLOT_WHY[row.state], icon: 'none', duration: 2500 });
        return;
      }
      // One requestId per confirmed choice: a retry of it can never book twice.
      state.lastTap = { start, requestId: newRequestId() };
      this.setData({ confirm: confirmation(state.answer, row), bookError: '', canRetry: false });
    },

    onConfirmCancel() {
      if (this.data.booking) return;
      stateOf(this).lastTap = null;
      this.setData({ confirm: null });
    },

    onConfirmBook() {
      if (!stateOf(this).lastTap || this.data.booking) return;
      // WeChat shows the subscribe dialog only from a tap, before any await: ask first, then book.
      // The booking never waits for the answer (subscribeFor never rejects).
      // A booking the page knows the 5-booking limit refuses asks for no reminder.
      if (stateOf(this).held < MAX_UPCOMING_BOOKINGS) subscribeFor(SUBSCRIBE_FOR.booking);
      this.book();
    },

    onPartyMinus() {
      if (this.data.party > 1) this.setData({ party: this.data.party - 1 });
    },
    onPartyPlus() {
      if (this.data.party < this.data.partyMax) this.setData({ party: this.data.party + 1 });
    },
    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ contactName: e.detail.value });
    },
    onPhoneInput(e: WechatMiniprogram.Input) {
      this.setData({ contactPhone: e.detail.value });
    },
    onNoteInput(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value });
    },

    onRetryBook() {
      if (stateOf(this).lastTap) this.book();
    },

    async book(): Promise<void> {
      const state = stateOf(this);
      const tap = state.lastTap;
      if (!tap || this.data.booking) return;
      this.setData({ booking: true, bookError: '', canRetry: false });
      const name = this.data.contactName.trim();
      const phone = this.data.contactPhone.replace(/[\s-]/g, '');
      const contact = name || phone ? { name, phone } : undefined;
      const note = this.data.note.trim();
      // A create and a reschedule answer the slots' places and the caller's bookings too.
      let created: CreateBookingResult | RescheduleBookingResult | null = null;
      let res: Result<BookingResult>;
      if (this.data.rescheduleId) {
        const moved = await rescheduleBooking(this.data.rescheduleId, tap.start);
        if (moved.ok) created = moved.data;
        res = moved;
      } else {
        const made = await createBooking(state.storeId, tap.start, tap.requestId, { partySize: this.data.party, contact, note: note || undefined });
        if (made.ok) created = made.data;
        res = made;
      }
      if (res.ok && contact && !this.data.rescheduleId) saveContact(contact);
      this.setData({ booking: false, confirm: null });
      if (res.ok) {
        state.lastTap = null;
        this.setData({ rescheduleId: '' });
        const booking = { ...res.data.booking, storeName: res.data.booking.storeName || (state.answer ? state.answer.store.name : '') };
        wx.navigateTo({ url: `${RESULT_PAGE}?b=${encodeURIComponent(JSON.stringify(booking))}` });
        if (created) this.showCreated(created);
        else {
          await this.refreshMine();
          await this.loadDay(this.data.date);
        }
        return;
      }
      // Only a transport failure is worth the same booking again; anything else is an answer.
      const retry = res.error.code === 'INTERNAL';
      this.setData({ bookError: bookingErrorText(res.error), canRetry: retry });
      if (!retry) state.lastTap = null;
      if (res.error.reason === 'SLOT_FULL' || res.error.reason === 'ALREADY_BOOKED') {
        await this.refreshMine();
        await this.loadDay(this.data.date);
      }
    },

    onRouteTap() {
      const answer = stateOf(this).answer;
      if (answer) openRoute({ lat: answer.store.lat, lng: answer.store.lng, name: answer.store.name, address: answer.store.address });
    },

    onNearbyTap() {
      wx.switchTab({ url: NEARBY_PAGE });
    },

    onRetry() {
      if (this.data.moments) this.startReadOnly();
      else this.start();
    },

    onCallTap() {
      const store = this.data.store;
      if (store && store.phone) callStore(store.phone);
    },

    onPhotoTap(e: WechatMiniprogram.TouchEvent) {
      const store = this.data.store;
      if (store) previewPhotos(store.photos, String(e.currentTarget.dataset.url || store.photos[0]));
    },

    onShareAppMessage() {
      const state = stateOf(this);
      return storeShare(state.storeId, state.answer ? state.answer.store.name : state.name);
    },

    /** Moments (朋友圈): the page opens there read-only (scene 1154). */
    onShareTimeline() {
      const state = stateOf(this);
      return storeTimeline(state.storeId, state.answer ? state.answer.store.name : state.name);
    },
  },
});

/** How many upcoming active bookings the caller holds (the rule of shared/booking.ts counts these). */
function heldUpcoming(bookings: readonly BookingView[]): number {
  const now = new Date();
  return bookings.filter((b) => isActive(b.status) && isUpcoming(b, now)).length;
}
