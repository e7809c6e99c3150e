/** After a booking: whether staff still have to confirm, where and when, the check-in code, and the way on. Logic in ./view.ts. */
import { MY_BOOKINGS_PAGE, bookingOfQuery, resultView, type ResultView } from './view';

Component({
  data: {
    result: null as ResultView | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const booking = bookingOfQuery(query && query.b);
      this.setData({ result: booking ? resultView(booking, new Date()) : null });
    },
    onMineTap() {
      wx.redirectTo({ url: MY_BOOKINGS_PAGE });
    },
    onBackTap() {
      wx.navigateBack({ delta: 1 });
    },
  },
});
