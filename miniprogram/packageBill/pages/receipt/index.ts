/** 缴费凭证: one paid bill's receipt, to keep as an image (save to the album) or share. Opened from 缴费记录 and the paid bill. */
import { getBill } from '../../../services/bills';
import { receiptImage, saveToAlbum, shareImage } from '../../../services/receipt';
import { loadFailed, refusalText } from '../../../shared/index';
import { pageState } from '../../../lib/page-state';
import { RECORDS_PAGE } from '../../lib/paths';
import { billTarget } from '../bill/view';
import { receiptView } from './view';
import type { ReceiptView } from './view';

const stateOf = pageState(() => ({ image: '' }));

Component({
  data: {
    state: 'loading' as 'loading' | 'receipt' | 'unpaid' | 'missing' | 'error',
    receipt: null as ReceiptView | null,
    errorText: '',
    busy: false,
    failedTitle: loadFailed('凭证'),
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.load(query);
    },

    async load(query: Record<string, string | undefined>) {
      const target = billTarget(query);
      if (target.kind !== 'bill') return this.setData({ state: 'missing' });
      const res = await getBill(target.billId);
      if (!res.ok)
        return this.setData(res.error.code === 'NOT_FOUND' ? { state: 'missing' } : { state: 'error', errorText: refusalText(res.error, { subject: 'bill' }) });
      if (res.data.bill.status !== 'paid') return this.setData({ state: 'unpaid' });
      this.setData({ state: 'receipt', receipt: receiptView(res.data.bill) });
    },

    async image(): Promise<string | null> {
      const s = stateOf(this);
      const r = this.data.receipt;
      if (!s.image && r) s.image = (await receiptImage(r.title, r.amountText, r.lines)) ?? '';
      return s.image || null;
    },

    /** Hands the image to `use` with the buttons busy: its answer, 'no-image' when none could be drawn, 'busy' during another tap. */
    async withImage(use: (path: string) => Promise<boolean>): Promise<boolean | 'no-image' | 'busy'> {
      if (this.data.busy) return 'busy';
      this.setData({ busy: true });
      const path = await this.image();
      const done = path === null ? 'no-image' : await use(path);
      this.setData({ busy: false });
      return done;
    },

    async onSave() {
      const saved = await this.withImage(saveToAlbum);
      if (saved === 'busy') return;
      wx.showToast({ title: saved === true ? '已保存到相册' : '没有保存，请允许保存到相册后重试', icon: saved === true ? 'success' : 'none' });
    },

    async onShare() {
      if ((await this.withImage(shareImage)) === 'no-image') wx.showToast({ title: '暂时无法生成图片', icon: 'none' });
    },

    onRecords() {
      wx.redirectTo({ url: RECORDS_PAGE });
    },
  },
});
