// The `sweeper` timer function (every minute, cloudbaserc.json): wiring only.
import { sweep } from '../lib/actions/sweeper';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serveTimer } from '../lib/serve';

export const main = serveTimer('sweeper', sweep, cloudbaseWorld);
