/** The `bills` function for the pages (API.md "Function bills"). */
import { callFunction } from './api';
import type { AccountType, AccountView, BillView, PayResult, Result } from '../shared/index';

export type { AccountView, BillView, PayResult };

/** Binds a utility account: the number and the holder's name as the utility has them. */
export function bindAccount(p: { accountType: AccountType; accountNo: string; holderName: string }): Promise<Result<{ account: AccountView }>> {
  return callFunction<{ account: AccountView }>('bills', { action: 'bindAccount', ...p });
}

export function unbindAccount(p: { accountType: AccountType; accountNo: string }): Promise<Result<unknown>> {
  return callFunction<unknown>('bills', { action: 'unbindAccount', ...p });
}

/** The caller's bound accounts, holder names masked. */
export function accounts(): Promise<Result<{ accounts: AccountView[] }>> {
  return callFunction<{ accounts: AccountView[] }>('bills', { action: 'accounts' });
}

/** The caller's ride bills and the bills of their bound accounts, unpaid first. */
export function listBills(status?: 'unpaid' | 'paid'): Promise<Result<{ bills: BillView[] }>> {
  return callFunction<{ bills: BillView[] }>('bills', { action: 'list', ...(status ? { status } : {}) });
}

/** The order of a bill and the arguments of `wx.requestPayment` (services/pay.ts uses it). */
export function payBill(billId: string): Promise<Result<PayResult>> {
  return callFunction<PayResult>('bills', { action: 'pay', billId });
}

/** The bill as it stands now; asks WeChat Pay about its open order and records a payment it reports. */
export function refreshBill(billId: string): Promise<Result<{ bill: BillView }>> {
  return callFunction<{ bill: BillView }>('bills', { action: 'refresh', billId });
}
