/**
 * The reservation banner of the pages that show it (我的, the nearby map): `data.hold` with its
 * countdown, the route to the held bike and letting it go. Each page shows or hides it from its
 * own onShow/onHide (`showHold`) and stops it when it unloads (`stopHold`).
 */
import { openRoute } from '../services/location';
import { cancelReservation } from '../services/rides';
import type { Reservation } from '../shared/index';
import { holdClock, type HoldClock } from './hold-clock';
import { pageState } from './page-state';
import type { HoldBanner } from './ride-banner';

const stateOf = pageState(() => ({ clock: null as HoldClock | null }));

export const holdBehavior = Behavior({
  data: { hold: null as HoldBanner | null },
  methods: {
    /** The reservation's banner, its countdown ticking each second until it lapses. */
    showHold(reservation: Reservation | null) {
      const state = stateOf(this);
      if (!state.clock) state.clock = holdClock((hold) => this.setData({ hold }));
      state.clock.show(reservation);
    },

    /** Stops the countdown without touching `data` (the page is going away). */
    stopHold() {
      stateOf(this).clock?.stop();
    },

    onHoldRoute() {
      const hold = this.data.hold;
      if (hold) openRoute({ lat: hold.lat, lng: hold.lng, name: `单车 ${hold.bikeCode}` });
    },

    async onHoldCancel() {
      const answer = await cancelReservation();
      if (answer.ok) this.showHold(null);
    },
  },
});
