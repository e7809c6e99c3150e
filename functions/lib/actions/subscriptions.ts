import { grantParams, templatesParams } from '../../../shared/contract/subscriptions';
import type { Ports } from '../ports';
import { anyone, user, type Actions } from '../serve';
import { grant, templates } from '../usecases/reminders';

/** The `subscriptions` function: the template ids to ask for, and what the user accepted. */
export const subscriptionsActions: Actions<Ports> = {
  templates: anyone(templatesParams, (ports) => templates(ports)),
  grant: user(grantParams, grant),
};
