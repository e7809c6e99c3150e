// The `reminders` timer function (every minute, cloudbaserc.json): wiring only.
import { cloudbaseWorld } from '../lib/cloudbase';
import { serveTimer } from '../lib/serve';
import { runReminders } from '../lib/usecases/reminders';

export const main = serveTimer('reminders', (ports, call) => runReminders(ports, call), cloudbaseWorld);
