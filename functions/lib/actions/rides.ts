import {
  currentRideParams,
  endRideParams,
  forceEndRideParams,
  previewBikeParams,
  tariffParams,
  unlockParams,
} from '../../../shared/contract/rides';
import { ok } from '../../../shared/result';
import type { Ports } from '../ports';
import { admin, user, type Actions } from '../serve';
import { currentRide, endRide, forceEndRide, previewBike, unlock } from '../usecases/ride';

export const ridesActions: Actions<Ports> = {
  unlock: user(unlockParams, (ports, p, call) => unlock(ports, p, call)),
  end: user(endRideParams, (ports, p, call) => endRide(ports, p, call)),
  current: user(currentRideParams, (ports, p, call) => currentRide(ports, p, call)),
  forceEnd: admin(forceEndRideParams, (ports, p, call) => forceEndRide(ports, p, call)),
  // API.md: every action but geo.nearby, bookings.slots and subscriptions.templates needs a caller.
  preview: user(previewBikeParams, (ports, p, call) => previewBike(ports, p, call)),
  tariff: user(tariffParams, async (ports) => ok({ tariff: ports.tariff })),
};
