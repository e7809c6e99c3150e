// The `payNotify` function behind CloudBase HTTP access (WeChat Pay's notify_url): wiring only.
// It imports its own actions and adapters, so that its bundle holds nothing of the other functions.
import { servePayNotify } from '../lib/actions/pay-notify';
import { billPorts } from '../lib/cloudbase/adapters';
import { createCloudbaseWorld } from '../lib/cloudbase/world';

export const main = servePayNotify(createCloudbaseWorld(() => billPorts()));
