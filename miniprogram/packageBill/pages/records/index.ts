/** 缴费记录: paid bills by month (company, period, amount, paid at, transaction id); a tap opens the receipt. */
import { listBills } from '../../../services/bills';
import { loadFailed, refusalText } from '../../../shared/index';
import { recordMonths } from './view';
import type { RecordMonth } from './view';
import { openTapped } from '../../../lib/open-tapped';

Component({
  data: { state: 'loading' as 'loading' | 'list' | 'error', months: [] as RecordMonth[], errorText: '', failedTitle: loadFailed('缴费记录') },
  methods: {
    onLoad() {
      this.load();
    },

    async load() {
      const res = await listBills('paid');
      if (!res.ok) return this.setData({ state: 'error', errorText: refusalText(res.error, { subject: 'bill' }) });
      this.setData({ state: 'list', months: recordMonths(res.data.bills) });
    },

    onRecordTap(e: WechatMiniprogram.TouchEvent) {
      openTapped(e);
    },

    onRetry() {
      this.setData({ state: 'loading' });
      this.load();
    },
  },
});
