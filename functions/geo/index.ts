// The `geo` cloud function: wiring only.
import { geoActions } from '../lib/actions/geo';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('geo', geoActions, cloudbaseWorld);
