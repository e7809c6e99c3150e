// The `subscriptions` cloud function: wiring only, over its own ports (a lean bundle).
import { subscriptionsActions } from '../lib/actions/subscriptions';
import { subscriptionPorts } from '../lib/cloudbase/adapters';
import { createCloudbaseWorld } from '../lib/cloudbase/world';
import { serve } from '../lib/serve';

export const main = serve(
  'subscriptions',
  subscriptionsActions,
  createCloudbaseWorld(() => subscriptionPorts()),
);
