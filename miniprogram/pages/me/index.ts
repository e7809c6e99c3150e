/** "我的": entries to the booking and ride flows, which live in subpackages. */
const ENTRIES = [
  { key: 'bookings', title: '我的预约', note: '查看、取消到店预约', url: '/packageBooking/pages/my-bookings/index' },
  { key: 'ride', title: '扫码骑行', note: '扫描车身二维码开锁', url: '/packageRide/pages/unlock/index' },
  { key: 'riding', title: '当前骑行', note: '查看进行中的骑行、还车', url: '/packageRide/pages/riding/index' },
  { key: 'staff', title: '店员工作台', note: '当日预约、确认与核销', url: '/packageBooking/pages/staff/index' },
];

Component({
  data: { entries: ENTRIES },
  methods: {
    onEntryTap(e: WechatMiniprogram.TouchEvent) {
      const url = String(e.currentTarget.dataset.url || '');
      if (url) wx.navigateTo({ url });
    },
  },
});
