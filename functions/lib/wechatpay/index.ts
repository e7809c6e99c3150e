/**
 * WeChat Pay API v3 behind the `Payments` port (../ports.ts). See docs/payments.md.
 *
 * - `wechatpayClient(settings)`: the real adapter (node:crypto, fetch).
 * - `sandboxPayments()`: WeChat Pay played in process with keys made at start (NEARBY_PAY=sandbox).
 * - `paymentsFrom(env)`: the one a host or function uses, or the setting that stops it.
 */
import type { Payments } from '../ports';
import { wechatpayClient, type WechatpayClientOptions } from './client';
import { type SandboxPayments, sandboxPayments } from './sandbox';
import { wechatpaySettingsFrom } from './settings';

export { wechatpayClient, type WechatpayClientOptions } from './client';
export { sandboxPayments, type SandboxPayments, type SandboxSettings } from './sandbox';
export { wechatpaySettingsFrom, WECHATPAY_VARIABLES, type WechatpaySettings, type SettingsRead } from './settings';
export { verifyNotification, buildNotification } from './notification';
export { MAX_CLOCK_SKEW_SEC, SIGNATURE_PROBE_PREFIX } from './verifier';

export type PayMode = 'wechatpay' | 'sandbox';

export type PaymentsChoice =
  | { ok: true; mode: 'wechatpay'; payments: Payments }
  | { ok: true; mode: 'sandbox'; payments: SandboxPayments }
  /** The variable to fix: the local host stops with `message`; in the cloud the pay actions answer FAILED_PRECONDITION with it. */
  | { ok: false; variable: string; message: string };

/**
 * The payments adapter the environment asks for: `NEARBY_PAY` (`sandbox` or `wechatpay`; the
 * default is the host's: `sandbox` locally, `wechatpay` in the cloud) and the WECHATPAY_* settings.
 */
export function paymentsFrom(env: Record<string, string | undefined>, defaultMode: PayMode, options: WechatpayClientOptions = {}): PaymentsChoice {
  const raw = env.NEARBY_PAY?.trim() || defaultMode;
  if (raw !== 'sandbox' && raw !== 'wechatpay')
    return { ok: false, variable: 'NEARBY_PAY', message: `NEARBY_PAY must be "sandbox" or "wechatpay", not "${raw.slice(0, 40)}"` };
  if (raw === 'sandbox')
    return {
      ok: true,
      mode: 'sandbox',
      payments: sandboxPayments({ mchId: env.WECHATPAY_MCHID?.trim() || undefined, appId: env.WECHAT_APPID?.trim() || undefined }),
    };
  const read = wechatpaySettingsFrom(env);
  return read.ok ? { ok: true, mode: 'wechatpay', payments: wechatpayClient(read.settings, options) } : read;
}

export { reported } from '../ports/payments';
