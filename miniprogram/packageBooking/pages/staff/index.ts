/**
 * The staff desk: pick a store, see the day's bookings (party, contact, note) with its totals and a
 * status filter, confirm, reject with a reason, mark no-shows, check a customer in by scanning or
 * typing the code. Each action asks, inside its tap, for the next new-booking notification. Logic
 * in ./view.ts.
 */
import { NOT_STAFF_PAGE, PAGES, REJECT_REASONS, loadFailed, pageUrl, type BookingResult, type BookingView, type Result } from '../../../shared/index';
import { callPhone, checkIn, confirmBooking, dayBookings, markNoShow, rejectBooking, scanCode, slots, staffStores } from '../../../services/bookings';
import { SUBSCRIBE_FOR, prefetchTemplates, quotaLeft, subscribeFor } from '../../../services/subscribe';
import {
  FILTERS,
  actionErrorText,
  dayTotals,
  filterRows,
  markedNoShow,
  noticeQuotaText,
  rejected,
  type DeskFilter,
  type DayTotals,
  CODE_LENGTH_MAX,
  CODE_PLACEHOLDER,
  SCAN_FAILED,
  checkInErrorText,
  checkedIn,
  codeComplete,
  confirmed,
  dayBar,
  deskRow,
  typedCode,
  type DeskResult,
  type DeskRow,
} from './view';

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'not-staff' | 'ready',
    errorText: '',
    failedTitle: loadFailed('预约名单'),
    notStaff: NOT_STAFF_PAGE,
    stores: [] as Array<{ id: string; name: string; today: string }>,
    storeId: '',
    today: '',
    date: '',
    dayText: '',
    listStatus: 'loading' as 'loading' | 'error' | 'empty' | 'ready',
    listError: '',
    rows: [] as DeskRow[],
    allRows: [] as DeskRow[],
    filters: FILTERS,
    filter: 'all' as DeskFilter,
    totals: null as DayTotals | null,
    noticeText: '',
    /** The booking whose reasons are open (拒绝 tapped). */
    rejecting: '',
    reasons: REJECT_REASONS as readonly string[],
    /** Opened from a newBooking message: the booking to outline. */
    focusId: '',
    busy: '',
    code: '',
    codeReady: false,
    codePlaceholder: CODE_PLACEHOLDER,
    codeMax: CODE_LENGTH_MAX,
    result: null as DeskResult | null,
  },
  methods: {
    /** No store's staff: the map is the way on, not a dead end. */
    onNotStaffGoTap() {
      wx.switchTab({ url: pageUrl(PAGES.nearby) });
    },

    onLoad(query: Record<string, string | undefined> = {}) {
      const q = query || {};
      this.setData({ focusId: q.bookingId || '' });
      // The template ids must be known before the first tap (no await in it).
      prefetchTemplates();
      this.start(q.storeId || '', q.date || '');
    },

    /** Each staff action asks for the next new-booking notification: WeChat allows it only inside the tap. */
    askNotices() {
      subscribeFor(SUBSCRIBE_FOR.staffAction).then(() => this.refreshNotices());
    },

    async refreshNotices(): Promise<void> {
      const quota = await quotaLeft();
      this.setData({ noticeText: noticeQuotaText(quota ? quota.newBooking : null) });
    },

    async start(storeId = '', date = ''): Promise<void> {
      this.setData({ status: 'loading' });
      const res = await staffStores();
      if (!res.ok) {
        this.setData({ status: 'error', errorText: res.error.message });
        return;
      }
      const stores = res.data.stores;
      if (stores.length === 0) {
        this.setData({ status: 'not-staff' });
        return;
      }
      this.setData({ status: 'ready', stores });
      this.refreshNotices();
      const opened = stores.find((s) => s.id === storeId);
      await this.pick(opened ? opened.id : stores[0].id, opened && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '');
    },

    async pick(storeId: string, date = ''): Promise<void> {
      const store = this.data.stores.find((s) => s.id === storeId);
      if (!store) return;
      this.setData({ storeId, today: store.today, result: null });
      await this.loadDay(date || store.today);
    },

    async loadDay(date: string): Promise<void> {
      this.setData({ date, dayText: dayBar(date, this.data.today).dayText, listStatus: 'loading' });
      const [res, day] = await Promise.all([dayBookings(this.data.storeId, date), slots(this.data.storeId, date)]);
      if (!res.ok) {
        this.setData({ listStatus: 'error', listError: res.error.message });
        return;
      }
      const now = new Date();
      const allRows = res.data.bookings.map((b: BookingView) => deskRow(b, now));
      // Places left: in the day's slots that can still be booked.
      const left = day.ok ? day.data.slots.filter((x) => x.bookable).reduce((n, x) => n + x.remaining, 0) : null;
      this.setData({
        allRows,
        rows: filterRows(allRows, this.data.filter),
        totals: dayTotals(res.data.bookings, left),
        listStatus: allRows.length === 0 ? 'empty' : 'ready',
      });
    },

    onFilterTap(e: WechatMiniprogram.TouchEvent) {
      const filter = String(e.currentTarget.dataset.key || 'all') as DeskFilter;
      this.setData({ filter, rows: filterRows(this.data.allRows, filter) });
    },

    onCallTap(e: WechatMiniprogram.TouchEvent) {
      const phone = String(e.currentTarget.dataset.phone || '');
      if (phone) callPhone(phone);
    },

    onRejectTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.busy) return;
      this.setData({ rejecting: id });
    },

    onRejectCancel() {
      this.setData({ rejecting: '' });
    },

    async onReasonTap(e: WechatMiniprogram.TouchEvent) {
      const reason = String(e.currentTarget.dataset.reason || '');
      const id = this.data.rejecting;
      if (!reason || !id || this.data.busy) return;
      this.setData({ rejecting: '' });
      await this.act(id, () => rejectBooking(id, reason), rejected);
    },

    async onNoShowTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.busy) return;
      await this.act(id, () => markNoShow(id), markedNoShow);
    },

    onStoreTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (id && id !== this.data.storeId) this.pick(id);
    },

    onPrevDay() {
      this.loadDay(dayBar(this.data.date, this.data.today).prev);
    },
    onNextDay() {
      this.loadDay(dayBar(this.data.date, this.data.today).next);
    },

    async onConfirmTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.busy) return;
      await this.act(id, () => confirmBooking(id), confirmed);
    },

    /**
     * A desk action on the booking `id` (confirm, reject, no-show): the next notice asked while still
     * inside the tap, the row busy while the call runs, its outcome shown, the day read again.
     */
    async act(id: string, call: () => Promise<Result<BookingResult>>, done: (b: BookingView) => DeskResult) {
      this.askNotices();
      this.setData({ busy: id });
      const res = await call();
      this.setData({ busy: '', result: res.ok ? done(res.data.booking) : { ok: false, text: actionErrorText(res.error) } });
      await this.loadDay(this.data.date);
    },

    async onScanTap() {
      if (this.data.busy) return;
      this.askNotices();
      const scanned = await scanCode();
      if (!scanned.ok) {
        if (!scanned.cancelled) this.setData({ result: SCAN_FAILED });
        return;
      }
      await this.checkInCode(scanned.text);
    },

    onCodeInput(e: WechatMiniprogram.Input) {
      const code = typedCode(e.detail.value);
      this.setData({ code, codeReady: codeComplete(code) });
      return code;
    },

    async onCodeSubmit() {
      if (!this.data.codeReady || this.data.busy) return;
      this.askNotices();
      const ok = await this.checkInCode(this.data.code);
      if (ok) this.setData({ code: '', codeReady: false });
    },

    /** Checks a code in, scanned or typed; true when it was. */
    async checkInCode(code: string): Promise<boolean> {
      this.setData({ busy: 'code' });
      const res = await checkIn(code);
      this.setData({ busy: '', result: res.ok ? checkedIn(res.data.booking) : { ok: false, text: checkInErrorText(res.error) } });
      if (res.ok) await this.loadDay(this.data.date);
      return res.ok;
    },

    onRetry() {
      this.start();
    },
  },
});
