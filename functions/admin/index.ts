// The `admin` cloud function: wiring only.
import { adminActions } from '../lib/actions/admin';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('admin', adminActions, cloudbaseWorld);
