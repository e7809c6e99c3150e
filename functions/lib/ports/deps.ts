import type { RandomSource } from '../../../shared/checkin-code';
import type { Tariff } from '../../../shared/tariff';
import type { PlaceStore } from './places';
import type { StaffStore } from './staff';
import type { RideStore } from './rides';
import type { TimedLock } from './lock';
import type { BookingStore } from './bookings';
import type { PaySetup } from './payments';
import type { BillReminderSource, BookingReminderQueries, Notify, ReminderStore } from './reminders';
import type { BillStore } from './bills';

/** Everything the use cases can reach; each use case takes only the ports it needs. */
export interface Ports {
  places: PlaceStore;
  staff: StaffStore;
  rides: RideStore;
  /** The bikes' locks, already bounded by the lock timeout (a late answer counts as 'failed'). */
  lock: TimedLock;
  tariff: Tariff;
  bookings: BookingStore;
  /** Where ids and codes come from: `node:crypto` in the functions, seeded in tests. */
  random: RandomSource;
  /** Reminders (issue 12; ports/reminders.ts). */
  reminders: ReminderStore;
  bookingReminders: BookingReminderQueries;
  /** Unpaid utility bills due soon, with who is bound to them (the bill reminders' query). */
  billReminders: BillReminderSource;
  notify: Notify;
  /** Accounts, bills, pay orders and refunds. */
  bills: BillStore;
  /** WeChat Pay (or the local sandbox), or the setting that is missing. */
  pay: PaySetup;
}
