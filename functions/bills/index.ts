// The `bills` cloud function: wiring only.
import { billsActions } from '../lib/actions/bills';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('bills', billsActions, cloudbaseWorld);
