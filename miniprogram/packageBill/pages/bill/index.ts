/**
 * One bill: its card, 立即支付, "确认中…" after the sheet, and the receipt once paid. Opened from the
 * bills list, the ride summary (`?billId=`), a bill-due message (`?billId=`, cold) and the unlock
 * refusal (`?ride=unpaid`: the rider's oldest unpaid ride bill).
 */
import { listBills, refreshBill } from '../../../services/bills';
import { rideBill } from '../../../services/rides';
import { rideLines } from '../../../lib/ride-bill';
import type { RideLine, RideOfBill } from '../../../lib/ride-bill';
import { payForBill } from '../../../services/pay';
import { SUBSCRIBE_FOR, prefetchTemplates, subscribeFor } from '../../../services/subscribe';
import { pageState } from '../../../lib/page-state';
import { loadFailed, storeToday } from '../../../shared/index';
import type { BillView } from '../../../shared/index';
import { BILLS_PAGE, UNLOCK_PAGE, receiptUrl } from '../../lib/paths';
import { billCard, billRefusal, billTarget, firstUnpaidRideBill, payOutcomeNotice } from './view';
import type { BillCard, BillState } from './view';

const stateOf = pageState(() => ({ billId: '', paying: false, fromUnlock: false }));

Component({
  data: {
    failedTitle: loadFailed('账单'),
    state: 'loading' as BillState,
    card: null as BillCard | null,
    /** A ride bill's ride (bills.get), line by line. */
    rideLines: [] as RideLine[],
    notice: '',
    note: '',
    tone: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      void prefetchTemplates(); // ready for 提醒我 and the payment's success callback
      this.load(query);
    },

    async load(query: Record<string, string | undefined>): Promise<void> {
      const target = billTarget(query);
      if (target.kind === 'bad') return this.setData({ state: 'missing' });
      if (target.kind === 'bill') {
        stateOf(this).billId = target.billId;
        return this.reload();
      }
      stateOf(this).fromUnlock = true;
      const res = await listBills('unpaid');
      if (!res.ok) return this.setData({ state: 'error', notice: billRefusal(res.error) });
      const bill = firstUnpaidRideBill(res.data.bills);
      if (!bill) return this.setData({ state: 'none' });
      stateOf(this).billId = bill.id;
      this.show(bill);
    },

    /** The bill as it stands (`refresh` also records a payment WeChat Pay reports for an open order). */
    async reload(): Promise<void> {
      const billId = stateOf(this).billId;
      if (!billId) return this.load({});
      this.setData({ state: 'loading', notice: '', note: '', tone: '' });
      const res = await refreshBill(billId);
      if (res.ok) return this.show(res.data.bill);
      if (res.error.code === 'NOT_FOUND' || res.error.code === 'INVALID_ARGUMENT') return this.setData({ state: 'missing' });
      this.setData({ state: 'error', notice: billRefusal(res.error) });
    },

    show(bill: BillView) {
      this.setData({ state: bill.status === 'paid' ? 'paid' : 'unpaid', card: billCard(bill, storeToday(new Date())) });
      if (bill.type === 'ride') this.showRide(bill.id);
    },

    /** A ride bill says which ride: date, bike, duration, fee and surcharge (`bills.get`). */
    async showRide(billId: string) {
      const res = await rideBill(billId);
      const ride = res.ok ? res.data.bill : null;
      if (ride && typeof ride.bikeCode === 'string' && typeof ride.startAt === 'string') this.setData({ rideLines: rideLines(ride as RideOfBill) });
    },

    async onPay() {
      const s = stateOf(this);
      if (s.paying || !s.billId) return;
      s.paying = true;
      this.setData({ state: 'paying', notice: '', note: '', tone: '' });
      const outcome = await payForBill(s.billId, {
        onConfirming: () => this.setData({ state: 'confirming' }),
        // A utility account bills again next period: offer its due reminder once this one is paid.
        subscribeAfter: this.data.card && !this.data.card.isRide ? SUBSCRIBE_FOR.billPaid : [],
      });
      s.paying = false;
      if (outcome.kind === 'paid') return this.show(outcome.bill);
      // Paid meanwhile (another device, a message's earlier tap): the bill is the receipt now.
      if (outcome.kind === 'refused' && outcome.error.reason === 'ALREADY_PAID') return this.reload();
      this.setData({ ...payOutcomeNotice(outcome) });
    },

    /** 到期提醒我: the subscribe prompt, asked at once in the tap (WeChat refuses it after an await). */
    onRemindMe() {
      subscribeFor(SUBSCRIBE_FOR.billRemindMe).then((outcome) => {
        if (outcome.asked && outcome.granted) wx.showToast({ title: '已设置到期提醒', icon: 'success' });
      });
    },

    onRetry() {
      this.reload();
    },

    /** A ride bill paid: back to the unlock page that sent the rider here, or a fresh one (to scan). */
    onRideOn() {
      if (stateOf(this).fromUnlock) wx.navigateBack({ fail: () => wx.redirectTo({ url: UNLOCK_PAGE }) });
      else wx.redirectTo({ url: UNLOCK_PAGE });
    },

    onReceipt() {
      const billId = stateOf(this).billId;
      if (billId) wx.navigateTo({ url: receiptUrl(billId) });
    },

    onAllBills() {
      wx.redirectTo({ url: BILLS_PAGE });
    },
  },
});
