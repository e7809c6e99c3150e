// The `payNotify` function behind CloudBase HTTP access (WeChat Pay's notify_url): wiring only.
// It imports its own actions and adapters, so that its bundle holds nothing of the other functions.
// WeChat Pay's keys come from the `secrets` collection (read when the instance's copy is a minute old).
import { servePayNotify } from '../lib/actions/pay-notify';
import { billPorts } from '../lib/cloudbase/adapters';
import { cloudbasePayKeyring } from '../lib/cloudbase/secrets';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { withFreshKeys } from '../lib/wechatpay/keys';

const keys = cloudbasePayKeyring();

export const main = withFreshKeys(keys, servePayNotify(createCloudbaseWorld(() => billPorts(undefined, process.env, keys))));
