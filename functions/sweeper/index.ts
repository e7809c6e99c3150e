// The `sweeper` timer function (every minute, cloudbaserc.json): wiring only. WeChat Pay's keys
// come from the `secrets` collection (read when the instance's copy is a minute old).
import { sweep } from '../lib/actions/sweeper';
import { sweeperPorts } from '../lib/cloudbase/adapters';
import { cloudbasePayKeyring } from '../lib/cloudbase/secrets';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serveTimer } from '../lib/serve';
import { withFreshKeys } from '../lib/wechatpay/keys';

const keys = cloudbasePayKeyring();

export const main = withFreshKeys(
  keys,
  serveTimer(
    'sweeper',
    sweep,
    createCloudbaseWorld(() => sweeperPorts(undefined, process.env, keys)),
  ),
);
