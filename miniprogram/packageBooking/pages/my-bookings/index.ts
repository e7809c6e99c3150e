/** "我的预约": upcoming first (with the check-in code and cancel), then past ones. Logic in ./view.ts. */
import { cancelBooking, myBookings } from '../../../services/bookings';
import { pageState } from '../../../lib/page-state';
import { CANCELLED_MESSAGE, NEARBY_PAGE, bookingSections, cancelErrorText, codeShownAfter, type BookingRow } from './view';

const stateOf = pageState(() => ({ shownOnce: false }));

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'empty' | 'ready',
    errorText: '',
    upcoming: [] as BookingRow[],
    past: [] as BookingRow[],
    /** The booking whose code is shown. */
    codeOf: '',
    /** The booking whose cancel waits for a second tap. */
    confirmCancel: '',
    cancelling: '',
    message: '',
  },
  methods: {
    onLoad() {
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
      const { upcoming, past } = bookingSections(res.data.bookings, new Date());
      this.setData({
        status: upcoming.length + past.length === 0 ? 'empty' : 'ready',
        upcoming,
        past,
        codeOf: codeShownAfter(upcoming, this.data.codeOf),
        confirmCancel: '',
      });
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
