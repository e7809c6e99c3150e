import { staffStores } from '../../services/bookings';

/** "我的": entries to the booking and ride flows, which live in subpackages. */
const ENTRIES = [
  { key: 'bookings', title: '我的预约', note: '查看、取消到店预约', url: '/packageBooking/pages/my-bookings/index' },
  { key: 'ride', title: '扫码骑行', note: '扫描车身二维码开锁', url: '/packageRide/pages/unlock/index' },
  { key: 'riding', title: '当前骑行', note: '查看进行中的骑行、还车', url: '/packageRide/pages/riding/index' },
];
const STAFF_ENTRY = { key: 'staff', title: '店员工作台', note: '当日预约、确认与核销', url: '/packageBooking/pages/staff/index' };

Component({
  data: { entries: ENTRIES },
  methods: {
    /** The staff desk shows only for staff: asked again on every show, as staff rights can change. */
    async onShow() {
      const answer = await staffStores();
      const isStaff = answer.ok && answer.data.stores.length > 0;
      const staffNote = isStaff ? `${STAFF_ENTRY.note} · ${answer.data.stores.map((s) => s.name).join('、')}` : '';
      this.setData({ entries: isStaff ? [...ENTRIES, { ...STAFF_ENTRY, note: staffNote }] : ENTRIES });
    },

    onEntryTap(e: WechatMiniprogram.TouchEvent) {
      const url = String(e.currentTarget.dataset.url || '');
      if (url) wx.navigateTo({ url });
    },
  },
});
