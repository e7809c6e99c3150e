import type { PaySetup } from '../ports';
import { paymentsFrom } from './index';

/**
 * Payments from the environment alone, keys included: `paymentsFrom(env, 'wechatpay')`, for tests
 * and tools over the CloudBase adapters. A cloud function does not use it: its keys come from the
 * `secrets` collection (./keys.ts, `payKeyring`), never from its environment. A missing or malformed setting does not
 * stop the function: the pay actions answer FAILED_PRECONDITION naming it, everything else works.
 * The sandbox is refused here: its keys would be made per container, so its notifications could
 * never be checked by another one.
 */
export function cloudPaySetup(env: Record<string, string | undefined>): PaySetup {
  if (env.NEARBY_PAY?.trim() === 'sandbox')
    return { ok: false, variable: 'NEARBY_PAY', message: 'NEARBY_PAY=sandbox is for the local host only; unset it (or "wechatpay") in the cloud' };
  const choice = paymentsFrom(env, 'wechatpay');
  return choice.ok ? { ok: true, payments: choice.payments } : { ok: false, variable: choice.variable, message: choice.message };
}
