/** Store detail: address, hours, open now, route, share, and a 7-day slot picker that books with a tap. */
import { CATEGORIES, clockOf, dayLabel, hoursLines, openStateWording, refusalText, type AppError, type SlotView, type StoreView } from '../../../shared/index';
import { createBooking, newRequestId, slots } from '../../../services/bookings';
import { openRoute } from '../../../services/location';

interface SlotRow {
  start: string;
  time: string;
  remaining: number;
  state: 'open' | 'full' | 'closed';
  note: string;
}

/** Today's date on the phone: a first guess, replaced by the store's own today from the answer. */
function phoneToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function openText(store: StoreView, now: Date): string {
  return openStateWording(store.open, store.nextChange, now).text;
}

function slotRow(s: SlotView): SlotRow {
  const state = !s.bookable ? 'closed' : s.remaining === 0 ? 'full' : 'open';
  const note = state === 'closed' ? '不可约' : state === 'full' ? '已约满' : `余 ${s.remaining}`;
  return { start: s.start, time: `${clockOf(s.start)}–${clockOf(s.end)}`, remaining: s.remaining, state, note };
}

/** What a refused booking tells the customer. */
export function bookingErrorText(error: AppError): string {
  return refusalText(error, { subject: 'booking' });
}

Component({
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorText: '',
    store: null as null | { name: string; address: string; category: string; open: boolean; openText: string; hours: string[] },
    days: [] as Array<{ date: string; label: string }>,
    date: '',
    slotsStatus: 'loading' as 'loading' | 'error' | 'ready' | 'empty',
    slots: [] as SlotRow[],
    booking: '',
    bookError: '',
    canRetry: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const self = this as any;
      self.storeId = decodeURIComponent(query.id || '');
      self.place = null;
      self.lastTap = null;
      if (!self.storeId) {
        this.setData({ status: 'error', errorText: '没有指定门店' });
        return;
      }
      this.load(phoneToday());
    },

    async load(date: string): Promise<void> {
      const self = this as any;
      this.setData({ date, slotsStatus: 'loading' });
      const res = await slots(self.storeId, date);
      if (!res.ok) {
        if (this.data.status !== 'ready') this.setData({ status: 'error', errorText: res.error.code === 'NOT_FOUND' ? '找不到这家门店' : res.error.message });
        else this.setData({ slotsStatus: 'error' });
        return;
      }
      const { store, days } = res.data;
      // The phone's today may not be the store's: start from the store's own today.
      if (this.data.status !== 'ready' && !days.includes(date)) return this.load(days[0]);
      self.place = store;
      const today = days[0];
      const rows = res.data.slots.map(slotRow);
      this.setData({
        status: 'ready',
        store: {
          name: store.name,
          address: store.address,
          category: CATEGORIES[store.category] || store.category,
          open: store.open,
          openText: openText(store, new Date()),
          hours: hoursLines(store.openingHours),
        },
        days: days.map((d) => ({ date: d, label: dayLabel(d, today) })),
        date,
        slots: rows,
        slotsStatus: rows.length === 0 ? 'empty' : 'ready',
      });
    },

    onDayTap(e: WechatMiniprogram.TouchEvent) {
      const date = String(e.currentTarget.dataset.date || '');
      if (date && date !== this.data.date) {
        this.setData({ bookError: '', canRetry: false });
        this.load(date);
      }
    },

    onSlotTap(e: WechatMiniprogram.TouchEvent) {
      const start = String(e.currentTarget.dataset.start || '');
      const row = this.data.slots.find((s) => s.start === start);
      if (!row || row.state !== 'open' || this.data.booking) return;
      // One requestId per tap: a retry of this tap reuses it, so it can never book twice.
      (this as any).lastTap = { start, requestId: newRequestId() };
      this.book();
    },

    onRetryBook() {
      if ((this as any).lastTap) this.book();
    },

    async book() {
      const self = this as any;
      const { start, requestId } = self.lastTap as { start: string; requestId: string };
      this.setData({ booking: start, bookError: '', canRetry: false });
      const res = await createBooking(self.storeId, start, requestId);
      this.setData({ booking: '' });
      if (res.ok) {
        self.lastTap = null;
        const b = encodeURIComponent(JSON.stringify(res.data.booking));
        wx.navigateTo({ url: `/packageBooking/pages/booking-result/index?b=${b}` });
        this.load(this.data.date);
        return;
      }
      // Only a transport failure is worth the same tap again; anything else is an answer.
      const retry = res.error.code === 'INTERNAL';
      this.setData({ bookError: bookingErrorText(res.error), canRetry: retry });
      if (!retry) self.lastTap = null;
      if (res.error.reason === 'SLOT_FULL') this.load(this.data.date);
    },

    onRouteTap() {
      const place = (this as any).place as StoreView | null;
      if (place) openRoute({ lat: place.lat, lng: place.lng, name: place.name, address: place.address });
    },

    onRetry() {
      this.setData({ status: 'loading' });
      this.load(this.data.date || phoneToday());
    },

    onShareAppMessage() {
      const self = this as any;
      return { title: self.place ? `${self.place.name} · 在线预约` : '门店预约', path: `/packageBooking/pages/store/index?id=${encodeURIComponent(self.storeId)}` };
    },
  },
});
