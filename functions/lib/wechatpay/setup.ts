import type { PaySetup } from '../ports';
import { paymentsFrom } from './index';

/**
 * The cloud's payments: `paymentsFrom(env, 'wechatpay')`. A missing or malformed setting does not
 * stop the function: the pay actions answer FAILED_PRECONDITION naming it, everything else works.
 */
export function cloudPaySetup(env: Record<string, string | undefined>): PaySetup {
  const choice = paymentsFrom(env, 'wechatpay');
  return choice.ok ? { ok: true, payments: choice.payments } : { ok: false, variable: choice.variable, message: choice.message };
}
