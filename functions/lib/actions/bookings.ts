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
import type { Ports } from '../ports';
import { anyone, user, type Actions } from '../serve';
import { cancelBooking, checkIn, confirmBooking, createBooking, dayBookings, listSlots, myBookings, staffStores } from '../usecases/booking';

/** The `bookings` function: customers book and cancel slots; staff see the day, confirm and check in. */
export const bookingsActions: Actions<Ports> = {
  slots: anyone(slotsParams, listSlots),
  create: user(createBookingParams, createBooking),
  cancel: user(cancelBookingParams, cancelBooking),
  mine: user(mineParams, myBookings),
  day: user(dayParams, dayBookings),
  confirm: user(confirmBookingParams, confirmBooking),
  checkIn: user(checkInParams, checkIn),
  staffStores: user(staffStoresParams, staffStores),
};
