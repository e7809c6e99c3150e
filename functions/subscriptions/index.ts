// The `subscriptions` cloud function: wiring only.
import { subscriptionsActions } from '../lib/actions/subscriptions';
import { cloudbaseWorld } from '../lib/cloudbase';
import { serve } from '../lib/serve';

export const main = serve('subscriptions', subscriptionsActions, cloudbaseWorld);
