/**
 * The bill pages' paths. BILL_PAGE must equal shared/subscribe-message.ts's BILL_PAGE (a bill-due
 * message opens it with `?billId=`); tests/miniprogram/bill-views.test.ts holds the two together.
 */
export const BILLS_PAGE = '/packageBill/pages/bills/index';
export const ACCOUNTS_PAGE = '/packageBill/pages/accounts/index';
export const BILL_PAGE = '/packageBill/pages/bill/index';
export const UNLOCK_PAGE = '/packageRide/pages/unlock/index';
export const RECORDS_PAGE = '/packageBill/pages/records/index';
export const RECEIPT_PAGE = '/packageBill/pages/receipt/index';

/** @example receiptUrl('B1') // => '/packageBill/pages/receipt/index?billId=B1' */
export const receiptUrl = (billId: string): string => `${RECEIPT_PAGE}?billId=${encodeURIComponent(billId)}`;

/** @example billUrl('UB:water:31000001:2026-10') // => '/packageBill/pages/bill/index?billId=UB%3Awater%3A31000001%3A2026-10' */
export const billUrl = (billId: string): string => `${BILL_PAGE}?billId=${encodeURIComponent(billId)}`;
/** The rider's oldest unpaid ride bill (the unlock refusal's "去支付" knows no bill id). */
export const UNPAID_RIDE_BILL_URL = `${BILL_PAGE}?ride=unpaid`;
