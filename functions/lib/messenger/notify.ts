/**
 * The reminders' `Notify` (../ports.ts): a messenger with the settings the reminders need. In the
 * cloud: WeChat's API, a bad or missing setting blocking only the templates it names (logged,
 * never a crash). Locally: the outbox, which needs no setting (template ids default to local
 * placeholders so that `subscriptions.templates` and `grant` work), or, with
 * `NEARBY_MESSENGER=wechat`, WeChat's API with every setting required at start.
 */
import { DEFAULT_FIELD_MAPS, TEMPLATE_KEYS, type TemplateKey } from '../../../shared/subscribe-message';
import type { ForceRefreshLedger, Messenger, Notify } from '../ports';
import type { Outbox } from './outbox';
import { blockedBy, readMessengerSettings, strictMessengerSettings, TEMPLATE_ID_VARIABLES } from './settings';
import { wechatMessenger } from './wechat';

type Env = Record<string, string | undefined>;
/** `forceRefresh`: the database's stable_token force_refresh budget, shared by every instance (functions/lib/messenger/wechat.ts). */
type MessengerOptions = { fetch?: typeof fetch; log?: (line: Record<string, unknown>) => void; forceRefresh?: ForceRefreshLedger };

/** The local host's template ids when none is set: what the mini program gets from `templates` locally. */
export const LOCAL_TEMPLATE_IDS: Record<TemplateKey, string> = {
  bookingReminder: 'local-booking-reminder',
  bookingConfirmed: 'local-booking-confirmed',
  billDue: 'local-bill-due',
  bookingChanged: 'local-booking-changed',
  newBooking: 'local-new-booking',
};

/** The cloud's: WeChat's API; a problem of the settings blocks the templates it names. */
export function wechatNotify(env: Env, options: MessengerOptions = {}): Notify {
  const { settings, problems } = readMessengerSettings(env);
  return {
    messenger: wechatMessenger({ settings, problems, fetch: options.fetch, log: options.log, forceRefresh: options.forceRefresh }),
    templateIds: settings.templateIds,
    fieldMaps: settings.fieldMaps,
    blocked: (key) => {
      const problem = blockedBy(problems, key);
      return problem === null ? null : { variable: problem.variable, message: problem.message };
    },
  };
}

/** The local host's WeChat messenger: every setting or an Error naming each missing one (the host stops at start). */
export function strictWechatNotify(env: Env, options: MessengerOptions = {}): Notify {
  const settings = strictMessengerSettings(env);
  return {
    messenger: wechatMessenger({ settings, fetch: options.fetch, log: options.log, forceRefresh: options.forceRefresh }),
    templateIds: settings.templateIds,
    fieldMaps: settings.fieldMaps,
    blocked: () => null,
  };
}

/**
 * The local outbox (or any messenger of tests): no setting needed; template ids from the
 * environment when set. An outbox (one with `messages`) is what `GET /outbox` lists.
 */
export function localNotify(messenger: Messenger | Outbox, env: Env = {}): Notify {
  const outbox = 'messages' in messenger ? messenger : undefined;
  const { settings } = readMessengerSettings(env);
  const templateIds = Object.fromEntries(TEMPLATE_KEYS.map((key) => [key, env[TEMPLATE_ID_VARIABLES[key]]?.trim() || LOCAL_TEMPLATE_IDS[key]])) as Record<
    TemplateKey,
    string
  >;
  // Two templates sharing one id cannot be told apart in a grant: the placeholders keep them apart.
  if (new Set(Object.values(templateIds)).size < TEMPLATE_KEYS.length)
    return { messenger, templateIds: LOCAL_TEMPLATE_IDS, fieldMaps: DEFAULT_FIELD_MAPS, blocked: () => null, outbox };
  return { messenger, templateIds, fieldMaps: settings.fieldMaps, blocked: () => null, outbox };
}
