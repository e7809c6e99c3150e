/**
 * Ride summary: duration, fee (surcharge shown apart) and a "pay" link to the ride bill. Opened by
 * the riding page with the ended ride in the query (no extra request).
 */
import { PARKING_ZONE } from '../../../shared/index';
import { billUrl } from '../../lib/ride-view';
import { summaryView } from './view';
import { reportBehavior } from '../../lib/report-behavior';

Component({
  behaviors: [reportBehavior],
  data: { ...summaryView({}), zone: PARKING_ZONE },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData(summaryView(query));
    },

    onPay() {
      if (!this.data.billId) return;
      wx.navigateTo({ url: billUrl(this.data.billId) });
    },

    onDone() {
      wx.switchTab({ url: '/pages/nearby/index' });
    },
  },
});
