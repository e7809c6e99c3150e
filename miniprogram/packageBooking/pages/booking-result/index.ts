/** After a booking: where and when, the check-in code as a QR code, and the way to "My bookings". */
import { HINTS, bookingOutcome, slotText, type BookingView } from '../../../shared/index';

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

Component({
  data: {
    ok: false,
    storeName: '',
    when: '',
    code: '',
    title: '',
    note: '',
    hint: HINTS.checkIn,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      let booking: BookingView | null = null;
      try {
        booking = JSON.parse(decodeURIComponent(query.b || '')) as BookingView;
      } catch {
        booking = null;
      }
      if (!booking || !booking.code) return;
      const outcome = bookingOutcome(booking.status);
      this.setData({ ok: true, storeName: booking.storeName || '', when: slotText(booking.start, booking.end, today()), code: booking.code, title: outcome.title, note: outcome.note });
    },
    onMineTap() {
      wx.redirectTo({ url: '/packageBooking/pages/my-bookings/index' });
    },
    onBackTap() {
      wx.navigateBack({ delta: 1 });
    },
  },
});
