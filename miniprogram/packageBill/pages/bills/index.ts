/** 生活缴费: the caller's bills (ride bills too), unpaid first with due dates, then paid ones. */
import { listBills } from '../../../services/bills';
import { MANAGE_ACCOUNTS, loadFailed, refusalText, storeToday } from '../../../shared/index';
import { pageState } from '../../../lib/page-state';
import { ACCOUNTS_PAGE, RECORDS_PAGE } from '../../lib/paths';
import { billsView } from './view';
import type { BillsView } from './view';
import { openTapped } from '../../../lib/open-tapped';

const stateOf = pageState(() => ({ loaded: false }));

Component({
  data: {
    state: 'loading' as 'loading' | 'list' | 'error',
    view: null as BillsView | null,
    errorText: '',
    failedTitle: loadFailed('账单'),
    manageAccounts: MANAGE_ACCOUNTS,
  },
  methods: {
    onLoad() {
      this.load();
    },

    /** Loaded again on every return: a payment or a bind happened on the page above. */
    onShow() {
      if (stateOf(this).loaded) this.load();
    },

    async load() {
      stateOf(this).loaded = true;
      const res = await listBills();
      if (!res.ok) return this.setData({ state: 'error', errorText: refusalText(res.error, { subject: 'bill' }) });
      this.setData({ state: 'list', view: billsView(res.data.bills, storeToday(new Date())) });
    },

    onBillTap(e: WechatMiniprogram.TouchEvent) {
      openTapped(e);
    },

    onAccounts() {
      wx.navigateTo({ url: ACCOUNTS_PAGE });
    },

    onRecords() {
      wx.navigateTo({ url: RECORDS_PAGE });
    },

    onRetry() {
      this.setData({ state: 'loading' });
      this.load();
    },
  },
});
