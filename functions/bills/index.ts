// The `bills` cloud function: wiring only. It imports its own actions and adapters (not
// ../lib/cloudbase's index), so that its bundle holds nothing of the other functions.
import { billsActions } from '../lib/actions/bills';
import { billFunctionPorts } from '../lib/cloudbase/adapters';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serve } from '../lib/serve';

export const main = serve(
  'bills',
  billsActions,
  createCloudbaseWorld(() => billFunctionPorts()),
);
