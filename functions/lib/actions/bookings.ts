import {
  cancelBookingParams,
  checkInParams,
  confirmBookingParams,
  createBookingParams,
  dayParams,
  mineParams,
  noShowParams,
  rejectBookingParams,
  rescheduleBookingParams,
  slotsParams,
  staffStoresParams,
} from '../../../shared/contract/bookings';
import { anyone, user, type Actions } from '../serve';
import {
  type BookingPorts,
  cancelBooking,
  checkIn,
  confirmBooking,
  createBooking,
  dayBookings,
  listSlots,
  markNoShow,
  myBookings,
  rejectBooking,
  rescheduleBooking,
  staffStores,
} from '../usecases/booking';

/** The `bookings` function: customers book and cancel slots; staff see the day, confirm and check in. */
export const bookingsActions: Actions<BookingPorts> = {
  slots: anyone(slotsParams, listSlots),
  create: user(createBookingParams, createBooking),
  cancel: user(cancelBookingParams, cancelBooking),
  mine: user(mineParams, myBookings),
  day: user(dayParams, dayBookings),
  confirm: user(confirmBookingParams, confirmBooking),
  checkIn: user(checkInParams, checkIn),
  staffStores: user(staffStoresParams, staffStores),
  reschedule: user(rescheduleBookingParams, rescheduleBooking),
  reject: user(rejectBookingParams, rejectBooking),
  noShow: user(noShowParams, markNoShow),
};
