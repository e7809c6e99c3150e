/**
 * Subscribe-message settings, from the environment (README "Settings", docs/reminders.md):
 *
 * | variable | what | default |
 * |---|---|---|
 * | `WECHAT_APPID` | the mini program's AppID | required |
 * | `WECHAT_APPSECRET` | its AppSecret, for `stable_token` | required |
 * | `WECHAT_TEMPLATE_BOOKING_REMINDER` / `_BOOKING_CONFIRMED` / `_BILL_DUE` / `_BOOKING_CHANGED` / `_NEW_BOOKING` | template ids from the console | required |
 * | `WECHAT_TEMPLATE_<KEY>_FIELDS` | fact=keyword map of that template (`store=thing1,start=time2`) | `DEFAULT_FIELD_MAPS` |
 * | `WECHAT_MINIPROGRAM_STATE` | which build a message opens: `developer`, `trial` or `formal` | `formal` |
 * | `WECHAT_API_BASE_URL` | WeChat's API (tests point it at a local server) | `https://api.weixin.qq.com` |
 * | `WECHAT_API_TIMEOUT_MS` | per request | 5000 |
 *
 * The local outbox needs none of them. The parser never throws: it returns what it could read and
 * one problem per bad or missing variable, naming it. The local host with the WeChat messenger
 * stops at start on any problem (`strictMessengerSettings`); in the cloud the adapter skips (and
 * logs) only the reminders a problem blocks (`blockedBy`).
 */
import { DEFAULT_FIELD_MAPS, TEMPLATE_KEYS, parseFieldMap, type FieldMaps, type TemplateKey } from '../../../shared/subscribe-message';

export type MiniprogramState = 'developer' | 'trial' | 'formal';
export const MINIPROGRAM_STATES: readonly MiniprogramState[] = ['developer', 'trial', 'formal'];

export const DEFAULT_WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';
export const DEFAULT_WECHAT_API_TIMEOUT_MS = 5000;

/** The variable holding each template's id; its field map is the same name + `_FIELDS`. */
export const TEMPLATE_ID_VARIABLES: Record<TemplateKey, string> = {
  bookingReminder: 'WECHAT_TEMPLATE_BOOKING_REMINDER',
  bookingConfirmed: 'WECHAT_TEMPLATE_BOOKING_CONFIRMED',
  billDue: 'WECHAT_TEMPLATE_BILL_DUE',
  bookingChanged: 'WECHAT_TEMPLATE_BOOKING_CHANGED',
  newBooking: 'WECHAT_TEMPLATE_NEW_BOOKING',
};

/**
 * Every variable `readMessengerSettings` reads: a function that sends or grants subscribe messages
 * gets each in its environment (cloudbaserc.json; tests/unit/cloud-settings.test.ts), the template
 * field maps (`_FIELDS`) included, or a template whose keywords differ from the defaults fails.
 */
export const ENV_READS: readonly string[] = /* @__PURE__ */ ['WECHAT_APPID', 'WECHAT_APPSECRET'].concat(
  /* @__PURE__ */ Object.values(TEMPLATE_ID_VARIABLES).flatMap((name) => [name, `${name}_FIELDS`]),
  ['WECHAT_MINIPROGRAM_STATE', 'WECHAT_API_BASE_URL', 'WECHAT_API_TIMEOUT_MS'],
);

export interface MessengerSettings {
  appId: string | null;
  appSecret: string | null;
  state: MiniprogramState;
  /** Only the templates whose id is set; a reminder of another template is skipped. */
  templateIds: Partial<Record<TemplateKey, string>>;
  fieldMaps: FieldMaps;
  baseUrl: string;
  timeoutMs: number;
}

export interface SettingProblem {
  variable: string;
  message: string;
  /** The templates the problem stops (every one for the AppID, the secret, the base URL). */
  blocks: readonly TemplateKey[];
}

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string): string | null => {
  const raw = env[name]?.trim();
  return raw ? raw : null;
};

/**
 * The settings as far as they can be read, and every problem naming its variable.
 * @example readMessengerSettings({}).problems.map((p) => p.variable) // => ['WECHAT_APPID', 'WECHAT_APPSECRET', 'WECHAT_TEMPLATE_BOOKING_REMINDER', 'WECHAT_TEMPLATE_BOOKING_CONFIRMED', 'WECHAT_TEMPLATE_BILL_DUE', 'WECHAT_TEMPLATE_BOOKING_CHANGED', 'WECHAT_TEMPLATE_NEW_BOOKING']
 */
export function readMessengerSettings(env: Env): { settings: MessengerSettings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const all = TEMPLATE_KEYS;
  const appId = value(env, 'WECHAT_APPID');
  if (appId === null) problems.push({ variable: 'WECHAT_APPID', message: "WECHAT_APPID is not set (the mini program's AppID)", blocks: all });
  const appSecret = value(env, 'WECHAT_APPSECRET');
  if (appSecret === null)
    problems.push({ variable: 'WECHAT_APPSECRET', message: 'WECHAT_APPSECRET is not set (the AppSecret, needed for stable_token)', blocks: all });

  const templateIds: Partial<Record<TemplateKey, string>> = {};
  const fieldMaps: FieldMaps = { ...DEFAULT_FIELD_MAPS };
  const keyOfId = new Map<string, TemplateKey>();
  for (const key of TEMPLATE_KEYS) {
    const variable = TEMPLATE_ID_VARIABLES[key];
    const id = value(env, variable);
    if (id === null) {
      problems.push({ variable, message: `${variable} is not set (the ${key} template id from the WeChat console)`, blocks: [key] });
    } else if (keyOfId.has(id)) {
      // A grant answers per template id: one id for two templates could not say which was accepted.
      const other = keyOfId.get(id) as TemplateKey;
      problems.push({ variable, message: `${variable} repeats the template id of ${TEMPLATE_ID_VARIABLES[other]}`, blocks: [key, other] });
    } else {
      keyOfId.set(id, key);
      templateIds[key] = id;
    }
    const fieldsVariable = `${variable}_FIELDS`;
    const fields = value(env, fieldsVariable);
    if (fields !== null) {
      const parsed = parseFieldMap(key, fields);
      if (parsed.ok) (fieldMaps as Record<TemplateKey, unknown>)[key] = parsed.map;
      else problems.push({ variable: fieldsVariable, message: `${fieldsVariable}: ${parsed.message}`, blocks: [key] });
    }
  }

  const stateText = value(env, 'WECHAT_MINIPROGRAM_STATE') ?? 'formal';
  const state = (MINIPROGRAM_STATES as readonly string[]).includes(stateText) ? (stateText as MiniprogramState) : 'formal';
  if (state !== stateText)
    problems.push({
      variable: 'WECHAT_MINIPROGRAM_STATE',
      message: `WECHAT_MINIPROGRAM_STATE must be developer, trial or formal, not "${stateText}"`,
      blocks: all,
    });

  let baseUrl = value(env, 'WECHAT_API_BASE_URL') ?? DEFAULT_WECHAT_API_BASE_URL;
  if (!/^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/.test(baseUrl)) {
    problems.push({ variable: 'WECHAT_API_BASE_URL', message: `WECHAT_API_BASE_URL must be an http(s) URL, not "${baseUrl}"`, blocks: all });
    baseUrl = DEFAULT_WECHAT_API_BASE_URL;
  }
  baseUrl = baseUrl.replace(/\/+$/, '');

  const timeoutText = value(env, 'WECHAT_API_TIMEOUT_MS');
  let timeoutMs = DEFAULT_WECHAT_API_TIMEOUT_MS;
  if (timeoutText !== null) {
    const n = /^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (Number.isSafeInteger(n) && n > 0) timeoutMs = n;
    else
      problems.push({
        variable: 'WECHAT_API_TIMEOUT_MS',
        message: `WECHAT_API_TIMEOUT_MS must be a number of milliseconds (> 0), not "${timeoutText}"`,
        blocks: all,
      });
  }

  return { settings: { appId, appSecret, state, templateIds, fieldMaps, baseUrl, timeoutMs }, problems };
}

/**
 * Every setting, or an Error naming each bad or missing variable: for the local host, which stops
 * at start rather than run without reminders (the outbox does not call this).
 */
export function strictMessengerSettings(env: Env): MessengerSettings {
  const { settings, problems } = readMessengerSettings(env);
  if (problems.length > 0) throw new Error(`subscribe messages: ${problems.map((p) => p.message).join('; ')}`);
  return settings;
}

/**
 * The first problem that stops a template's reminders, or null when it can be sent.
 * @example blockedBy(readMessengerSettings({}).problems, 'billDue')?.variable // => 'WECHAT_APPID'
 */
export function blockedBy(problems: readonly SettingProblem[], key: TemplateKey): SettingProblem | null {
  return problems.find((p) => p.blocks.includes(key)) ?? null;
}
