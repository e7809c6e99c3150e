import type { Ports } from '../ports';
import type { Actions } from '../serve';
import { adminActions } from './admin';
import { bookingsActions } from './bookings';
import { geoActions } from './geo';
import { ridesActions } from './rides';

/** Every callable function and its actions: what the local host serves (the cloud has one folder each). */
export const functionActions: Record<string, Actions<Ports>> = {
  geo: geoActions,
  admin: adminActions,
  bookings: bookingsActions,
  rides: ridesActions,
};
