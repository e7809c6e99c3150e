/**
 * Which template ids one `wx.requestSubscribeMessage` call asks for. Pure: the service
 * (services/subscribe.ts) feeds it what it cached ahead of the tap, because the call must be made
 * synchronously inside the tap (or `wx.requestPayment`'s success callback), before any `await`.
 *
 * WeChat's rules (wx.requestSubscribeMessage, wx.getSetting withSubscriptions):
 * - one-time templates in one call must have distinct titles, or all but one are 'filter'ed; our
 *   three templates are three different messages, so distinct ids stand for distinct titles (the
 *   server refuses the same id set twice); a key asked twice is asked once;
 * - we ask for at most 3 ids a call (WeChat takes 5 on new clients, 1 on clients before 7.0.6/7.0.7:
 *   an old client answers with an error we swallow like any other);
 * - `itemSettings` lists only the templates the user answered with "always keep this choice":
 *   'reject' or 'ban' there means the call would only fail, so those are left out; 'accept' still
 *   needs the call (the dialog is hidden, but each send still takes one accepted request);
 * - the main switch off (`mainSwitch: false`): no call at all.
 */
import type { TemplateKey, TemplatesResult } from '../shared/index';

export const MAX_TEMPLATES_PER_CALL = 3;

/** What `wx.getSetting({ withSubscriptions: true })` answered, as far as we use it. */
export interface SubscriptionsSetting {
  mainSwitch: boolean;
  itemSettings?: Record<string, unknown>;
}

export type SubscribePlan =
  | { ask: true; tmplIds: string[]; keyOf: Record<string, TemplateKey> }
  | { ask: false; why: 'no-templates' | 'main-switch-off' | 'all-declined' | 'nothing-asked' };

/**
 * The ids to ask for `keys` (in the caller's order), or why there is no call.
 * `templates` null: not fetched yet (the tap cannot wait for it). `setting` null: unknown (ask: WeChat decides).
 */
export function subscribePlan(
  keys: readonly TemplateKey[],
  templates: TemplatesResult['templates'] | null,
  setting: SubscriptionsSetting | null,
): SubscribePlan {
  if (keys.length === 0) return { ask: false, why: 'nothing-asked' };
  if (!templates) return { ask: false, why: 'no-templates' };
  if (setting && setting.mainSwitch === false) return { ask: false, why: 'main-switch-off' };
  const keyOf: Record<string, TemplateKey> = {};
  const tmplIds: string[] = [];
  let configured = 0;
  for (const key of keys) {
    const id = templates[key];
    if (typeof id !== 'string' || id === '' || id in keyOf) continue;
    configured += 1;
    const answer = setting && setting.itemSettings ? setting.itemSettings[id] : undefined;
    if (answer === 'reject' || answer === 'ban') continue;
    if (tmplIds.length >= MAX_TEMPLATES_PER_CALL) break;
    keyOf[id] = key;
    tmplIds.push(id);
  }
  if (tmplIds.length > 0) return { ask: true, tmplIds, keyOf };
  return { ask: false, why: configured === 0 ? 'no-templates' : 'all-declined' };
}

/** The part of WeChat's answer worth granting: our ids only; `errMsg` and unknown ids are dropped. */
export function grantableResults(answer: Record<string, unknown>, tmplIds: readonly string[]): Record<string, string> | null {
  const results: Record<string, string> = {};
  let accepted = false;
  for (const id of tmplIds) {
    const value = answer[id];
    if (typeof value !== 'string') continue;
    results[id] = value;
    if (value === 'accept') accepted = true;
  }
  // Only an accept adds a send: nothing to tell the server otherwise.
  return accepted ? results : null;
}
