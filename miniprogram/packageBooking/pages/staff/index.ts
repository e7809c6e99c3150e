/** The staff desk: pick a store, see the day's bookings, confirm them, scan a customer's code to check in. */
import { addDays, bookingStatus, clockOf, dayLabel, refusalText, type AppError, type BookingView } from '../../../shared/index';
import { checkIn, confirmBooking, dayBookings, scanCode, staffStores } from '../../../services/bookings';


interface Row {
  id: string;
  time: string;
  status: string;
  statusText: string;
  code: string;
  canConfirm: boolean;
}

/** What a refused check-in tells the staff member at the counter. */
export function checkInErrorText(error: AppError): string {
  return refusalText(error, { subject: 'checkIn' });
}

const rowOf = (b: BookingView): Row => ({
  id: b.id,
  time: `${clockOf(b.start)}–${clockOf(b.end)}`,
  status: b.status,
  statusText: bookingStatus(b.status).short,
  code: b.code,
  canConfirm: b.status === 'pending',
});

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
    rows: [] as Row[],
    busy: '',
    result: null as null | { ok: boolean; text: string },
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
      this.setData({ date, dayText: dayLabel(date, this.data.today), listStatus: 'loading' });
      const res = await dayBookings(this.data.storeId, date);
      if (!res.ok) {
        this.setData({ listStatus: 'error', errorText: res.error.message });
        return;
      }
      const rows = res.data.bookings.map(rowOf);
      this.setData({ rows, listStatus: rows.length === 0 ? 'empty' : 'ready' });
    },

    onStoreTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (id && id !== this.data.storeId) this.pick(id);
    },

    onPrevDay() {
      this.loadDay(addDays(this.data.date, -1));
    },
    onNextDay() {
      this.loadDay(addDays(this.data.date, 1));
    },

    async onConfirmTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      if (!id || this.data.busy) return;
      this.setData({ busy: id });
      const res = await confirmBooking(id);
      this.setData({ busy: '', result: res.ok ? { ok: true, text: '已确认预约' } : { ok: false, text: refusalText(res.error, { subject: 'confirm' }) } });
      await this.loadDay(this.data.date);
    },

    async onScanTap() {
      if (this.data.busy) return;
      const scanned = await scanCode();
      if (!scanned.ok) {
        if (!scanned.cancelled) this.setData({ result: { ok: false, text: '扫码失败，请重试' } });
        return;
      }
      this.setData({ busy: 'scan' });
      const res = await checkIn(scanned.text);
      this.setData({ busy: '' });
      if (res.ok) {
        const b = res.data.booking;
        this.setData({ result: { ok: true, text: `核销成功：${clockOf(b.start)}–${clockOf(b.end)} 的预约` } });
        await this.loadDay(this.data.date);
      } else {
        this.setData({ result: { ok: false, text: checkInErrorText(res.error) } });
      }
    },

    onRetry() {
      this.start();
    },
  },
});
