import {
  cancelReservationParams,
  currentRideParams,
  endRideParams,
  forceEndRideParams,
  historyParams,
  previewBikeParams,
  reportParams,
  reserveParams,
  tariffParams,
  unlockParams,
} from '../../../shared/contract/rides';
import { ok } from '../../../shared/result';
import { requireLock } from '../lock';
import { settled } from '../settings';
import { admin, user, type Actions } from '../serve';
import { cancelReservation, currentRide, endRide, forceEndRide, previewBike, reportFault, reserve, rideHistory, type RideDeps, unlock } from '../usecases/ride';

// The lock and the tariff rest on settings (NEARBY_LOCK, NEARBY_TARIFF_*): `requireLock` and
// `settled` read them first, so that a missing one refuses the call before a bike is reserved or a
// ride ended (FAILED_PRECONDITION naming it; no lock configured: reason LOCK_FAILED).
export const ridesActions: Actions<RideDeps> = {
  unlock: user(unlockParams, (ports, p, call) => unlock(settled(requireLock(ports), 'tariff'), p, call)),
  end: user(endRideParams, (ports, p, call) => endRide(settled(ports, 'tariff'), p, call)),
  current: user(currentRideParams, (ports, p, call) => currentRide(ports, p, call)),
  forceEnd: admin(forceEndRideParams, (ports, p, call) => forceEndRide(settled(ports, 'tariff'), p, call)),
  // API.md: every action but geo.nearby, bookings.slots and subscriptions.templates needs a caller.
  preview: user(previewBikeParams, (ports, p, call) => previewBike(ports, p, call)),
  tariff: user(tariffParams, async (ports) => ok({ tariff: ports.tariff })),
  reserve: user(reserveParams, (ports, p, call) => reserve(ports, p, call)),
  cancelReservation: user(cancelReservationParams, (ports, _p, call) => cancelReservation(ports, call)),
  report: user(reportParams, (ports, p, call) => reportFault(ports, p, call)),
  history: user(historyParams, (ports, p, call) => rideHistory(ports, p, call)),
};
