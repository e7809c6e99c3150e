import * as z from 'zod/mini';
import type { TemplateKey } from '../subscribe-message';

// `results` is what wx.requestSubscribeMessage answered: judged by grantIncrements (an object, or
// INVALID_ARGUMENT; keys that are not our template ids and values that are not "accept" add nothing).
export const templatesParams = z.object({});
export const grantParams = z.object({ results: z.unknown() });
/** The caller's sends left per template (what `grant` answers), without granting anything. */
export const quotaParams = z.object({});

export type GrantParams = z.infer<typeof grantParams>;

export interface TemplatesResult {
  /** The configured template id of each key; null when this deployment has none (do not ask for it). */
  templates: Record<TemplateKey, string | null>;
}
export interface GrantResult {
  /** Sends left per template key after the grant. */
  quota: Record<TemplateKey, number>;
}
/** What one run of the `reminders` timer did. */
export interface RemindersRunResult {
  sent: number;
  skipped: number;
  failed: number;
}
