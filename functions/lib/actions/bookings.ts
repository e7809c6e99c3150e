import {
  cancelBookingParams,
  checkInParams,
  confirmBookingParams,
  createBookingParams,
  dayParams,
  mineParams,
  slotsParams,
  staffStoresParams,
} from '../../../shared/contract/bookings';
import { anyone, user, type Actions } from '../serve';
import { type BookingPorts, cancelBooking, checkIn, confirmBooking, createBooking, dayBookings, listSlots, myBookings, staffStores } from '../usecases/booking';

/** The `bookings` function: customers book and cancel slots; staff see the day, confirm and check in. */
export const bookingsActions: Actions<BookingPorts> = {
  slots: anyone(slotsParams, (ports, p, call) => listSlots(ports, p, call.now)),
  create: user(createBookingParams, (ports, p, call) => createBooking(ports, p, call.caller, call.now)),
  cancel: user(cancelBookingParams, (ports, p, call) => cancelBooking(ports, p, call.caller, call.now)),
  mine: user(mineParams, (ports, _p, call) => myBookings(ports, call.caller, call.now)),
  day: user(dayParams, (ports, p, call) => dayBookings(ports, p, call.caller)),
  confirm: user(confirmBookingParams, (ports, p, call) => confirmBooking(ports, p, call.caller, call.now)),
  checkIn: user(checkInParams, (ports, p, call) => checkIn(ports, p, call.caller, call.now)),
  staffStores: user(staffStoresParams, (ports, _p, call) => staffStores(ports, call.caller, call.now)),
};
