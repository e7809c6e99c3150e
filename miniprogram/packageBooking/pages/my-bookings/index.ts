/** "My bookings": upcoming first (with the check-in code as a QR code, and cancel), then past ones. */
import { bookingStatus, isActive, isUpcoming, refusalText, slotText, type BookingView } from '../../../shared/index';
import { cancelBooking, myBookings } from '../../../services/bookings';

interface Row {
  id: string;
  storeName: string;
  when: string;
  status: string;
  statusText: string;
  code: string;
  active: boolean;
  canCancel: boolean;
}

function localToday(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function rowOf(b: BookingView, now: Date): Row {
  const active = isActive(b.status);
  return {
    id: b.id,
    storeName: b.storeName || b.storeId,
    when: slotText(b.start, b.end, localToday(now)),
    status: b.status,
    statusText: bookingStatus(b.status).text,
    code: b.code,
    active,
    canCancel: active && Date.parse(b.start) > now.getTime(),
  };
}

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'empty' | 'ready',
    errorText: '',
    upcoming: [] as Row[],
    past: [] as Row[],
    /** The booking whose code is shown. */
    codeOf: '',
    /** The booking whose cancel waits for a second tap. */
    confirmCancel: '',
    cancelling: '',
    message: '',
  },
  methods: {
    onLoad() {
      (this as any).loaded = true;
      this.load();
    },
    onShow() {
      // Coming back from another page: the list may have changed.
      if ((this as any).shownOnce) this.load();
      (this as any).shownOnce = true;
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
      const now = new Date();
      const upcoming = res.data.bookings.filter((b) => isUpcoming(b, now)).map((b) => rowOf(b, now));
      const past = res.data.bookings.filter((b) => !isUpcoming(b, now)).map((b) => rowOf(b, now));
      const stillShown = upcoming.some((r) => r.id === this.data.codeOf && r.active);
      const firstActive = upcoming.find((r) => r.active);
      this.setData({
        status: upcoming.length + past.length === 0 ? 'empty' : 'ready',
        upcoming,
        past,
        codeOf: stillShown ? this.data.codeOf : firstActive ? firstActive.id : '',
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
      this.setData({ cancelling: '', confirmCancel: '' });
      if (res.ok) {
        this.setData({ message: '已取消预约，名额已释放' });
      } else {
        this.setData({ message: refusalText(res.error, { subject: 'cancel' }) });
      }
      await this.load();
    },

    onRetry() {
      this.load();
    },

    onBrowseTap() {
      wx.switchTab({ url: '/pages/nearby/index' });
    },
  },
});
