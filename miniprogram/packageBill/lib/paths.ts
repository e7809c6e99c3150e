/** The bill pages' paths, from shared/pages.ts (where a bill-due message points too). */
import { PAGES, pageUrl } from '../../shared/index';

export const BILLS_PAGE = pageUrl(PAGES.bills);
export const ACCOUNTS_PAGE = pageUrl(PAGES.accounts);
export const BILL_PAGE = pageUrl(PAGES.bill);
export const UNLOCK_PAGE = pageUrl(PAGES.unlock);
export const RECORDS_PAGE = pageUrl(PAGES.records);
export const RECEIPT_PAGE = pageUrl(PAGES.receipt);

/** @example receiptUrl('B1') // => '/packageBill/pages/receipt/index?billId=B1' */
export const receiptUrl = (billId: string): string => `${RECEIPT_PAGE}?billId=${encodeURIComponent(billId)}`;

/** @example billUrl('UB:water:31000001:2026-10') // => '/packageBill/pages/bill/index?billId=UB%3Awater%3A31000001%3A2026-10' */
export const billUrl = (billId: string): string => `${BILL_PAGE}?billId=${encodeURIComponent(billId)}`;
/** The rider's oldest unpaid ride bill (the unlock refusal's "去支付" knows no bill id). */
export const UNPAID_RIDE_BILL_URL = `${BILL_PAGE}?ride=unpaid`;
