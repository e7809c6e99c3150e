// The `bookings` cloud function: wiring only.
import { bookingsActions } from '../lib/actions/bookings';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('bookings', bookingsActions, cloudbaseWorld);
