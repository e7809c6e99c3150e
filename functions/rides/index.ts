// The `rides` cloud function: wiring only.
import { ridesActions } from '../lib/actions/rides';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('rides', ridesActions, cloudbaseWorld);
