import { staffStores } from '../../services/bookings';
import { currentRide } from '../../services/rides';
import { rideBanner } from '../../lib/ride-banner';
import type { RideBanner } from '../../lib/ride-banner';
import { holdBehavior } from '../../lib/hold-behavior';
import { ENTRIES, meEntries } from './view';
import { openTapped } from '../../lib/open-tapped';

/** "我的": the running ride's banner, and entries to the booking and ride flows. */
Component({
  behaviors: [holdBehavior],
  data: { entries: [...ENTRIES], banner: null as RideBanner | null },
  methods: {
    /** Asked again on every show: a ride may have started or ended, staff rights may have changed. */
    async onShow() {
      const [stores, ride] = await Promise.all([staffStores(), currentRide()]);
      this.setData({
        entries: meEntries(stores.ok ? stores.data.stores.map((s) => s.name) : []),
        banner: ride.ok ? rideBanner(ride.data.ride, new Date()) : null,
      });
      this.showHold(ride.ok && !ride.data.ride ? ride.data.reservation || null : null);
    },

    onHide() {
      this.showHold(null);
    },

    onUnload() {
      this.showHold(null);
    },

    onEntryTap(e: WechatMiniprogram.TouchEvent) {
      openTapped(e);
    },

    onBannerTap() {
      const banner = this.data.banner;
      if (banner) wx.navigateTo({ url: banner.url });
    },
  },
});
