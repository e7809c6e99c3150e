/**
 * Ride summary: duration, fee (surcharge shown apart) and a "pay" link to the ride bill. Opened by
 * the riding page with the ended ride in the query (no extra request).
 */
import { yuan } from '../../../shared/index';
import { BILL_PAGE, durationLabel } from '../../lib/ride-view';

const text = (s: string | undefined) => {
  try {
    return decodeURIComponent(s || '');
  } catch {
    return s || '';
  }
};
const int = (s: string | undefined) => {
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
};

Component({
  data: {
    bikeCode: '',
    durationText: '',
    feeText: '',
    surchargeText: '',
    free: false,
    billId: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const q = query || {};
      const feeFen = int(q.feeFen);
      const surchargeFen = int(q.surchargeFen);
      this.setData({
        bikeCode: text(q.bikeCode),
        durationText: durationLabel(int(q.durationSec)),
        feeText: yuan(feeFen),
        surchargeText: surchargeFen > 0 ? yuan(surchargeFen) : '',
        free: feeFen === 0,
        billId: text(q.billId),
      });
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
