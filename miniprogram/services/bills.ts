/** The `bills` function for the pages (API.md "Function bills"). */
import { callFunction } from './api';
import type { AccountType, AccountView, BillDetail, BillerView, BillView, PayResult, Result } from '../shared/index';

export type { AccountView, BillDetail, BillerView, BillView, PayResult };

/** The utility companies of a city (and type): no caller needed. */
export function billers(p: { city?: string; type?: AccountType } = {}): Promise<Result<{ billers: BillerView[] }>> {
  return callFunction<{ billers: BillerView[] }>('bills', { action: 'billers', ...p });
}

/** Binds a utility account: the company, the number and the holder's name as the utility has them, and the household's label. */
export function bindAccount(p: {
  billerId: string;
  accountNo: string;
  holderName: string;
  label?: string;
}): Promise<Result<{ account: AccountView; alreadyBound: boolean }>> {
  return callFunction<{ account: AccountView; alreadyBound: boolean }>('bills', { action: 'bindAccount', ...p });
}

export function unbindAccount(p: { billerId: string; accountNo: string }): Promise<Result<unknown>> {
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

/** One bill in full: company, holder (masked), and the transaction once paid. */
export function getBill(billId: string): Promise<Result<{ bill: BillDetail }>> {
  return callFunction<{ bill: BillDetail }>('bills', { action: 'get', billId });
}

/** The order of a bill and the arguments of `wx.requestPayment` (services/pay.ts uses it). */
export function payBill(billId: string): Promise<Result<PayResult>> {
  return callFunction<PayResult>('bills', { action: 'pay', billId });
}

/** The bill as it stands now (in full); asks WeChat Pay about its open order and records a payment it reports. */
export function refreshBill(billId: string): Promise<Result<{ bill: BillDetail }>> {
  return callFunction<{ bill: BillDetail }>('bills', { action: 'refresh', billId });
}
