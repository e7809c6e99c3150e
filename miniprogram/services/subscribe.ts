/**
 * Subscribe messages: the only module that calls `wx.requestSubscribeMessage` and
 * `wx.getSetting({ withSubscriptions: true })`.
 *
 * WeChat lets `requestSubscribeMessage` run only from a user's tap (or `wx.requestPayment`'s
 * success callback), synchronously: after an `await` it fails with "can only be invoked by user
 * TAP gesture". So the template ids and the user's subscription settings are fetched ahead
 * (`prefetchTemplates()`, on the pages that will ask), and `subscribeFor(keys)` makes the call at
 * once, before returning, from what is cached. Subscribing never blocks or fails the user's
 * action: every failure resolves quietly, and the caller need not await it.
 *
 *   onConfirm() {
 *     const asked = subscribeFor(['bookingReminder', 'bookingConfirmed']); // first, before any await
 *     const result = await createBooking(...);
 *     ...
 *   }
 */
import { callFunction } from './api';
import type { GrantResult, Result, TemplateKey, TemplatesResult } from '../shared/index';
import { grantableResults, subscribePlan, type SubscriptionsSetting } from '../lib/subscribe-plan';

export type { TemplateKey };

/** What one `subscribeFor` did; for tests and logs, pages need not look. */
export type SubscribeOutcome =
  | { asked: false; why: 'no-templates' | 'main-switch-off' | 'all-declined' | 'nothing-asked' }
  | { asked: true; results: Record<string, string> | null; granted: boolean; errMsg?: string };

/** Which template keys each user action asks for (docs/reminders.md "Mini program"). */
export const SUBSCRIBE_FOR = {
  /** The booking confirmation tap: 30 minutes before, when staff confirm, and if they must reject it. */
  booking: ['bookingReminder', 'bookingConfirmed', 'bookingChanged'],
  /** Each staff action on the desk (confirm, reject, no-show, check-in): the next new booking. */
  staffAction: ['newBooking'],
  /** A bill's "remind me": 3 days before its due date. */
  billRemindMe: ['billDue'],
  /** After paying a bill (requestPayment's success callback): the account's next bill. */
  billPaid: ['billDue'],
} as const satisfies Record<string, readonly TemplateKey[]>;

let templates: TemplatesResult['templates'] | null = null;
let setting: SubscriptionsSetting | null = null;
let fetching: Promise<void> | null = null;

/**
 * Fetches the template ids (once per launch) and the user's subscription settings (each time).
 * Call it when a page that asks opens (and it is called again after each ask). Never rejects.
 */
export function prefetchTemplates(): Promise<void> {
  readSetting();
  if (templates) return Promise.resolve();
  if (!fetching) {
    fetching = callFunction<TemplatesResult>('subscriptions', { action: 'templates' }).then((r) => {
      if (r.ok) templates = r.data.templates;
      else console.warn('[subscribe] templates unavailable:', r.error.code, r.error.message);
      fetching = null;
    });
  }
  return fetching;
}

function readSetting(): void {
  if (typeof wx.getSetting !== 'function') return;
  wx.getSetting({
    withSubscriptions: true,
    success: (res) => {
      const s = res.subscriptionsSetting as SubscriptionsSetting | undefined;
      // Base libraries before 2.10.1 answer without it: unknown, so WeChat decides at the call.
      setting = s && typeof s.mainSwitch === 'boolean' ? { mainSwitch: s.mainSwitch, itemSettings: s.itemSettings } : null;
    },
    fail: () => {
      setting = null;
    },
  });
}

/**
 * Asks for the templates of `keys`. Call it synchronously in the tap handler (or in
 * `wx.requestPayment`'s success callback) BEFORE any `await`: `wx.requestSubscribeMessage` is
 * called before this function returns. The promise says what happened once WeChat answered and the
 * grant was sent; it never rejects, and the user's action must not wait for it.
 */
export function subscribeFor(keys: readonly TemplateKey[]): Promise<SubscribeOutcome> {
  const plan = subscribePlan(keys, templates, setting);
  if (!plan.ask) {
    if (plan.why === 'no-templates' && !templates) void prefetchTemplates(); // ready for the next tap
    return Promise.resolve({ asked: false, why: plan.why });
  }
  return new Promise<SubscribeOutcome>((resolve) => {
    const done = (outcome: SubscribeOutcome) => {
      readSetting(); // "always keep this choice" may have changed
      resolve(outcome);
    };
    try {
      wx.requestSubscribeMessage({
        tmplIds: plan.tmplIds,
        success: (answer) => {
          const results = grantableResults(answer as Record<string, unknown>, plan.tmplIds);
          if (!results) return done({ asked: true, results: null, granted: false });
          grant(results).then((r) => done({ asked: true, results, granted: r.ok }));
        },
        fail: (err) => {
          // 20004: the main switch is off (the cached setting was stale); others: nothing to grant.
          const code = err ? err.errCode : undefined;
          const errMsg = err ? err.errMsg : undefined;
          if (code === 20004) setting = { mainSwitch: false, itemSettings: setting ? setting.itemSettings : undefined };
          console.warn('[subscribe] not subscribed:', code, errMsg);
          done({ asked: true, results: null, granted: false, errMsg });
        },
      });
    } catch (e) {
      // A base library without the API must not break the tap that called us.
      console.warn('[subscribe] requestSubscribeMessage threw:', e);
      resolve({ asked: true, results: null, granted: false, errMsg: String(e) });
    }
  });
}

/** The caller's sends left per template (the desk shows its `newBooking`); null when unknown. */
export function quotaLeft(): Promise<GrantResult['quota'] | null> {
  return callFunction<GrantResult>('subscriptions', { action: 'quota' }).then((r) => (r.ok ? r.data.quota : null));
}

/** `subscriptions.grant`: what the user accepted becomes sends in the quota ledger. */
function grant(results: Record<string, string>): Promise<Result<GrantResult>> {
  return callFunction<GrantResult>('subscriptions', { action: 'grant', results }).then((r) => {
    if (!r.ok) console.warn('[subscribe] grant failed:', r.error.code, r.error.message);
    return r;
  });
}

/** Tests only: forget what was cached, as a fresh launch would. */
export function resetSubscribeCache(): void {
  templates = null;
  setting = null;
  fetching = null;
}
