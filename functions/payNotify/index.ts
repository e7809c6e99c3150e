// The `payNotify` function behind CloudBase HTTP access (WeChat Pay's notify_url): wiring only.
import { servePayNotify } from '../lib/actions/pay-notify';
import { cloudbaseWorld } from '../lib/cloudbase';

export const main = servePayNotify(cloudbaseWorld);
