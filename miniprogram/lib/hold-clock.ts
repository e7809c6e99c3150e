/** The reservation banner's countdown, ticking each second until the hold lapses or is let go. */
import type { Reservation } from '../shared/index';
import { holdBanner } from './ride-banner';
import type { HoldBanner } from './ride-banner';

export interface HoldClock {
  show(reservation: Reservation | null): void;
  stop(): void;
}

export function holdClock(set: (banner: HoldBanner | null) => void): HoldClock {
  let hold: Reservation | null = null;
  let timer: number | null = null;
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  const tick = () => {
    const banner = holdBanner(hold, new Date());
    set(banner);
    if (!banner) stop();
  };
  return {
    show(reservation) {
      hold = reservation;
      stop();
      tick();
      if (holdBanner(hold, new Date())) timer = setInterval(tick, 1000) as unknown as number;
    },
    stop,
  };
}
