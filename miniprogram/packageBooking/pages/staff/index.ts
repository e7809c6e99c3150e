/** The staff desk: pick a store, see the day's bookings, confirm them, check a customer in by scanning or typing the code. Logic in ./view.ts. */
import { checkIn, confirmBooking, dayBookings, scanCode, staffStores } from '../../../services/bookings';
import {
  CODE_LENGTH_MAX,
  CODE_PLACEHOLDER,
  SCAN_FAILED,
  checkInErrorText,
  checkedIn,
  codeComplete,
  confirmErrorText,
  confirmed,
  dayBar,
  deskRow,
  typedCode,
  type DeskResult,
  type DeskRow,
} from './view';

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'not-staff' | 'ready',
    errorText: '',
    stores: [] as Array<{ id: string; name: string; today: string }>,
    storeId: '',
    today: '',
    date: '',
    dayText: '',
    listStatus: 'loading' as 'loading' | 'error' | 'empty' | 'ready',
    listError: '',
    rows: [] as DeskRow[],
    busy: '',
    code: '',
    codeReady: false,
    codePlaceholder: CODE_PLACEHOLDER,
    codeMax: CODE_LENGTH_MAX,
    result: null as DeskResult | null,
  },
  methods: {
    onLoad() {
      this.start();
    },

    async start(): Promise<void> {
      this.setData({ status: 'loading' });
      const res = await staffStores();
      if (!res.ok) {
        this.setData({ status: 'error', errorText: res.error.message });
        return;
      }
      const stores = res.data.stores;
      if (stores.length === 0) {
        this.setData({ status: 'not-staff' });
        return;
      }
      this.setData({ status: 'ready', stores });
      await this.pick(stores[0].id);
    },

    async pick(storeId: string): Promise<void> {
      const store = this.data.stores.find((s) => s.id === storeId);
      if (!store) return;
      this.setData({ storeId, today: store.today, result: null });
      await this.loadDay(store.today);
    },

    async loadDay(date: string): Promise<void> {
      this.setData({ date, dayText: dayBar(date, this.data.today).dayText, listStatus: 'loading' });
      const res = await dayBookings(this.data.storeId, date);
      if (!res.ok) {
        this.setData({ listStatus: 'error', listError: res.error.message });
        return;
      }
      const rows = res.data.bookings.map(deskRow);
      this.setData({ rows, listStatus: rows.length === 0 ? 'empty' : 'ready' });
    },

    onStoreTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (id && id !== this.data.storeId) this.pick(id);
    },

    onPrevDay() {
      this.loadDay(dayBar(this.data.date, this.data.today).prev);
    },
    onNextDay() {
      this.loadDay(dayBar(this.data.date, this.data.today).next);
    },

    async onConfirmTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.busy) return;
      this.setData({ busy: id });
      const res = await confirmBooking(id);
      this.setData({ busy: '', result: res.ok ? confirmed(res.data.booking) : { ok: false, text: confirmErrorText(res.error) } });
      await this.loadDay(this.data.date);
    },

    async onScanTap() {
      if (this.data.busy) return;
      const scanned = await scanCode();
      if (!scanned.ok) {
        if (!scanned.cancelled) this.setData({ result: SCAN_FAILED });
        return;
      }
      await this.checkInCode(scanned.text);
    },

    onCodeInput(e: WechatMiniprogram.Input) {
      const code = typedCode(e.detail.value);
      this.setData({ code, codeReady: codeComplete(code) });
      return code;
    },

    async onCodeSubmit() {
      if (!this.data.codeReady || this.data.busy) return;
      const ok = await this.checkInCode(this.data.code);
      if (ok) this.setData({ code: '', codeReady: false });
    },

    /** Checks a code in, scanned or typed; true when it was. */
    async checkInCode(code: string): Promise<boolean> {
      this.setData({ busy: 'code' });
      const res = await checkIn(code);
      this.setData({ busy: '', result: res.ok ? checkedIn(res.data.booking) : { ok: false, text: checkInErrorText(res.error) } });
      if (res.ok) await this.loadDay(this.data.date);
      return res.ok;
    },

    onRetry() {
      this.start();
    },
  },
});
