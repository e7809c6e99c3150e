import { grantParams, quotaParams, templatesParams } from '../../../shared/contract/subscriptions';
import type { Ports } from '../ports';

export type SubscriptionPorts = Pick<Ports, 'notify' | 'reminders'>;
import { anyone, user, type Actions } from '../serve';
import { grant, quota, templates } from '../usecases/reminders';

/** The `subscriptions` function: the template ids to ask for, and what the user accepted. */
export const subscriptionsActions: Actions<SubscriptionPorts> = {
  templates: anyone(templatesParams, (ports) => templates(ports)),
  grant: user(grantParams, grant),
  quota: user(quotaParams, quota),
};
