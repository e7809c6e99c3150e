// The `bills` cloud function: wiring only. It imports its own actions and adapters (not
// ../lib/cloudbase's index), so that its bundle holds nothing of the other functions. WeChat Pay's
// keys come from the `secrets` collection (read when the instance's copy is a minute old).
import { billsActions } from '../lib/actions/bills';
import { billFunctionPorts } from '../lib/cloudbase/adapters';
import { cloudbasePayKeyring } from '../lib/cloudbase/secrets';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serve } from '../lib/serve';
import { withFreshKeys } from '../lib/wechatpay/keys';

const keys = cloudbasePayKeyring();

export const main = withFreshKeys(
  keys,
  serve(
    'bills',
    billsActions,
    createCloudbaseWorld(() => billFunctionPorts(undefined, process.env, keys)),
  ),
);
