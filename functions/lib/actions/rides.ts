import {
  currentRideParams,
  endRideParams,
  forceEndRideParams,
  previewBikeParams,
  tariffParams,
  unlockParams,
} from '../../../shared/contract/rides';
import { ok } from '../../../shared/result';
import { settled } from '../settings';
import { admin, user, type Actions } from '../serve';
import { currentRide, endRide, forceEndRide, previewBike, type RideDeps, unlock } from '../usecases/ride';

// `settled`: the lock and the tariff rest on settings (NEARBY_LOCK, NEARBY_TARIFF_*); reading them
// first makes a missing one refuse the call before a bike is reserved or a ride ended.
export const ridesActions: Actions<RideDeps> = {
  unlock: user(unlockParams, (ports, p, call) => unlock(settled(ports, 'lock', 'tariff'), p, call)),
  end: user(endRideParams, (ports, p, call) => endRide(settled(ports, 'tariff'), p, call)),
  current: user(currentRideParams, (ports, _p, call) => currentRide(ports, call)),
  forceEnd: admin(forceEndRideParams, (ports, p, call) => forceEndRide(settled(ports, 'tariff'), p, call)),
  // API.md: every action but geo.nearby, bookings.slots and subscriptions.templates needs a caller.
  preview: user(previewBikeParams, (ports, p) => previewBike(ports, p)),
  tariff: user(tariffParams, async (ports) => ok({ tariff: ports.tariff })),
};
