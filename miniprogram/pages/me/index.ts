import { staffStores } from '../../services/bookings';
import { cancelReservation, currentRide } from '../../services/rides';
import { openRoute } from '../../services/location';
import { rideBanner } from '../../lib/ride-banner';
import type { HoldBanner, RideBanner } from '../../lib/ride-banner';
import { pageState } from '../../lib/page-state';
import { holdClock } from '../../lib/hold-clock';
import type { HoldClock } from '../../lib/hold-clock';
import type { Reservation } from '../../shared/index';

const stateOf = pageState(() => ({ clock: null as HoldClock | null }));
import { ENTRIES, meEntries } from './view';

/** "我的": the running ride's banner, and entries to the booking and ride flows. */
Component({
  data: { entries: [...ENTRIES], banner: null as RideBanner | null, hold: null as HoldBanner | null },
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

    /** The reservation's banner, its countdown ticking each second until it lapses. */
    showHold(reservation: Reservation | null) {
      const state = stateOf(this);
      if (!state.clock) state.clock = holdClock((hold) => this.setData({ hold }));
      state.clock.show(reservation);
    },

    onHoldRoute() {
      const hold = this.data.hold;
      if (hold) openRoute({ lat: hold.lat, lng: hold.lng, name: `单车 ${hold.bikeCode}` });
    },

    async onHoldCancel() {
      const answer = await cancelReservation();
      if (answer.ok) this.showHold(null);
    },

    onEntryTap(e: WechatMiniprogram.TouchEvent) {
      const url = String(e.currentTarget.dataset.url || '');
      if (url) wx.navigateTo({ url });
    },

    onBannerTap() {
      const banner = this.data.banner;
      if (banner) wx.navigateTo({ url: banner.url });
    },
  },
});
