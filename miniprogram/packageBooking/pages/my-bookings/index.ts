/**
 * "我的预约": upcoming first (with the check-in code and cancel), then past ones. Logic in ./view.ts.
 * A subscribe message opens it with `?bookingId=` (often from a cold start): that booking is
 * highlighted and scrolled to, or a notice says it was cancelled, has ended, or is not found.
 */
import { loadFailed } from '../../../shared/index';
import { cancelBooking, myBookings } from '../../../services/bookings';
import { pageState } from '../../../lib/page-state';
import {
  CANCELLED_MESSAGE,
  NEARBY_PAGE,
  bookingIdOf,
  bookingSections,
  cancelErrorText,
  codeShownAfter,
  messageFocus,
  reschedulePage,
  type BookingRow,
  type MessageNotice,
} from './view';

const stateOf = pageState(() => ({
  shownOnce: false,
  /** The booking a message pointed at ('' when opened otherwise). */
  focusId: '',
  /** Scrolled to it already: a reload (onShow, pull-down) keeps the highlight, not the jump. */
  scrolled: false,
}));

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'empty' | 'ready',
    errorText: '',
    failedTitle: loadFailed('预约'),
    upcoming: [] as BookingRow[],
    past: [] as BookingRow[],
    /** The booking whose code is shown. */
    codeOf: '',
    /** The booking whose cancel waits for a second tap. */
    confirmCancel: '',
    cancelling: '',
    message: '',
    /** The message's booking: highlighted row, and what the notice says. */
    focusId: '',
    notice: null as MessageNotice | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      stateOf(this).focusId = bookingIdOf(query);
      this.load();
    },
    onShow() {
      // Coming back from another page: the list may have changed.
      const state = stateOf(this);
      if (state.shownOnce) this.load();
      state.shownOnce = true;
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh());
    },

    async load(): Promise<void> {
      if (this.data.status !== 'ready') this.setData({ status: 'loading' });
      const res = await myBookings();
      if (!res.ok) {
        this.setData({ status: 'error', errorText: res.error.message });
        return;
      }
      const state = stateOf(this);
      const sections = bookingSections(res.data.bookings, new Date());
      const { upcoming, past } = sections;
      const focus = messageFocus(state.focusId, sections);
      const firstShow = !state.scrolled;
      // The message's booking opens with its code, once; later reloads keep what the user chose.
      const codeBefore = focus && focus.id && !focus.notice && firstShow ? focus.id : this.data.codeOf;
      this.setData({
        // A missing booking still shows the list (or its empty state) under the notice.
        status: upcoming.length + past.length === 0 ? 'empty' : 'ready',
        upcoming,
        past,
        codeOf: codeShownAfter(upcoming, codeBefore),
        confirmCancel: '',
        focusId: focus ? focus.id : '',
        notice: focus ? focus.notice : null,
      });
      if (focus && firstShow) {
        state.scrolled = true;
        if (focus.anchor && typeof wx.pageScrollTo === 'function') wx.pageScrollTo({ selector: `#${focus.anchor}`, offsetTop: -12, duration: 300 });
      }
    },

    onNoticeActionTap() {
      const notice = this.data.notice;
      if (!notice) return;
      if (notice.kind === 'cancelled' && notice.storeId) {
        wx.navigateTo({ url: `/packageBooking/pages/store/index?id=${encodeURIComponent(notice.storeId)}` });
      } else {
        wx.switchTab({ url: NEARBY_PAGE });
      }
    },

    onShowCodeTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      this.setData({ codeOf: this.data.codeOf === id ? '' : id });
    },

    onCancelTap(e: WechatMiniprogram.TouchEvent) {
      this.setData({ confirmCancel: String(e.currentTarget.dataset.id || ''), message: '' });
    },

    onKeepTap() {
      this.setData({ confirmCancel: '' });
    },

    async onCancelConfirmTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.cancelling) return;
      this.setData({ cancelling: id });
      const res = await cancelBooking(id);
      this.setData({ cancelling: '', confirmCancel: '', message: res.ok ? CANCELLED_MESSAGE : cancelErrorText(res.error) });
      await this.load();
    },

    onRescheduleTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      const store = String(e.currentTarget.dataset.store || '');
      if (id && store) wx.navigateTo({ url: reschedulePage(store, id) });
    },

    onStoreTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.store || '');
      if (id) wx.navigateTo({ url: `/packageBooking/pages/store/index?id=${encodeURIComponent(id)}` });
    },

    onRetry() {
      this.load();
    },

    onBrowseTap() {
      wx.switchTab({ url: NEARBY_PAGE });
    },
  },
});
