// The `reminders` timer function (every minute, cloudbaserc.json): wiring only, over its own ports.
import { reminderPorts } from '../lib/cloudbase/adapters';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serveTimer } from '../lib/serve';
import { runReminders } from '../lib/usecases/reminders';
import { REMINDERS_RUN } from '../lib/reminders-run';

export const main = serveTimer(
  'reminders',
  (ports, call) => runReminders(ports, call, undefined, REMINDERS_RUN),
  createCloudbaseWorld(() => reminderPorts()),
);
