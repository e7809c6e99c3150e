/**
 * Ride summary: duration, fee (surcharge shown apart) and a "pay" link to the ride bill. Opened by
 * the riding page with the ended ride in the query (no extra request).
 */
import { BILL_PAGE } from '../../lib/ride-view';
import { summaryView } from './view';

Component({
  data: summaryView({}),
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData(summaryView(query));
    },

    onPay() {
      if (!this.data.billId) return;
      wx.navigateTo({
        url: `${BILL_PAGE}?id=${encodeURIComponent(this.data.billId)}`,
        // The bills pages arrive with the bills issue.
        fail: () => wx.showToast({ title: '账单支付即将上线', icon: 'none' }),
      });
    },

    onDone() {
      wx.switchTab({ url: '/pages/nearby/index' });
    },
  },
});
