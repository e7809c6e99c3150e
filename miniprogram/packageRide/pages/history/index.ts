/**
 * 行程: the rider's ended rides, newest first, a page at a time (`rides.history`, `before`): date,
 * bike, duration, fee and surcharge, a small map of where it started and ended, the bill's state
 * and 去支付 where something is owed. Opened from 我的.
 */
import { rideHistory } from '../../../services/rides';
import { refusalText } from '../../../shared/index';
import { pageState } from '../../../lib/page-state';
import { rideRow } from './view';
import type { RideRow } from './view';
import { openTapped } from '../../../lib/open-tapped';

const stateOf = pageState(() => ({ next: null as string | null }));

Component({
  data: { state: 'loading' as 'loading' | 'ready' | 'empty' | 'error', rows: [] as RideRow[], more: false, loadingMore: false, errorText: '' },
  methods: {
    onLoad() {
      this.load(false);
    },

    async load(more: boolean) {
      const state = stateOf(this);
      if (more) this.setData({ loadingMore: true });
      else this.setData({ state: 'loading', errorText: '' });
      const answer = await rideHistory(more ? state.next : null);
      if (!answer.ok) {
        this.setData({ loadingMore: false, ...(more ? {} : { state: 'error' }), errorText: refusalText(answer.error, { subject: 'ride' }) });
        return;
      }
      state.next = answer.data.next;
      const rows = [...(more ? this.data.rows : []), ...answer.data.rides.map(rideRow)];
      this.setData({ rows, state: rows.length === 0 ? 'empty' : 'ready', more: answer.data.next !== null, loadingMore: false });
    },

    onMore() {
      if (!this.data.loadingMore) this.load(true);
    },

    onRetry() {
      this.load(false);
    },

    onPay(e: WechatMiniprogram.TouchEvent) {
      openTapped(e);
    },

    onRide() {
      wx.navigateTo({ url: '/packageRide/pages/unlock/index' });
    },
  },
});
