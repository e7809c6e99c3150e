import type { Ports } from '../ports';
import type { Actions, TimerRun } from '../serve';
import { adminActions } from './admin';
import { bookingsActions } from './bookings';
import { geoActions } from './geo';
import { ridesActions } from './rides';
import { billsActions } from './bills';
import { sweep } from './sweeper';
import { subscriptionsActions } from './subscriptions';
import { runReminders } from '../usecases/reminders';
import { REMINDERS_RUN } from '../reminders-run';

/** Every callable function and its actions: what the local host serves (the cloud has one folder each). */
export const functionActions: Record<string, Actions<Ports>> = {
  geo: geoActions,
  admin: adminActions,
  bookings: bookingsActions,
  rides: ridesActions,
  subscriptions: subscriptionsActions,
  bills: billsActions,
};

/**
 * Every timer function, its schedule (the 7-field cron of its cloudbaserc.json trigger, seconds
 * first) and its work: what the local host fires on that schedule, as the cloud does.
 */
export const timerFunctions: Record<string, { schedule: string; run: TimerRun<Ports> }> = {
  sweeper: { schedule: '0 * * * * * *', run: sweep },
  // Its own function, not a sweeper job: it calls WeChat (a fixed egress IP for the allow-list, a
  // longer timeout), and a slow or failing WeChat must not hold up the sweeps.
  reminders: { schedule: '0 * * * * * *', run: (ports, call) => runReminders(ports, call, undefined, REMINDERS_RUN) },
};
