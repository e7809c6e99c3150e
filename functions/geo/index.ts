// The `geo` cloud function: wiring only. It imports its own actions and adapters (not
// ../lib/cloudbase's index), so that its bundle holds nothing of the other functions.
import { geoActions } from '../lib/actions/geo';
import { geoPorts } from '../lib/cloudbase/adapters';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serve } from '../lib/serve';

export const main = serve(
  'geo',
  geoActions,
  createCloudbaseWorld(() => geoPorts()),
);
