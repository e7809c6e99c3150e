import type { PayTransaction } from './payments';

/**
 * Accounts, utility and ride bills, pay orders and refunds (functions/lib/sqlite/bills.ts,
 * functions/lib/cloudbase/bills.ts). Every method that writes several records is one atomic step
 * that reads the facts, asks the rule of shared/bills.ts or shared/payment.ts and writes its answer.
 * An order record is also the payment record: once paid it holds WeChat Pay's transaction.
 */
export type AccountType = import('../../../shared/bills').AccountType;
export type BillView = import('../../../shared/bills').BillView;
export type ImportRow = import('../../../shared/bills').ImportRow;
export type Biller = import('../../../shared/bills').Biller;
export type PayerOrder = import('../../../shared/payment').PayerOrder;

export interface StoredBill extends BillView {
  /** Ride bills: their rider; utility bills: null (their account's bound users see them). */
  openid: string | null;
  /** The order that paid it. */
  paidBy: string | null;
  /** Its payers' open orders (one a payer: household members pay with orders of their own). */
  openOrders: PayerOrder[];
  /** Utility bills: the utility's name for the holder (unmasked: the use case masks it). */
  holderName: string | null;
}

export interface AccountBinding {
  billerId: string;
  accountType: AccountType;
  accountNo: string;
  /** The utility's name for the holder (unmasked: the use case masks it). */
  holderName: string;
  /** The caller's household label, if given. */
  label: string | null;
  boundAt: Date;
}

/** What `bind` answers for a bound account: the biller's, as the utility names its holder. */
export const accountBinding = (biller: Biller, accountNo: string, holderName: string, label: string | null, boundAt: Date): AccountBinding => ({
  billerId: biller.id,
  accountType: biller.type,
  accountNo,
  holderName,
  label,
  boundAt,
});

export type PayOrderStatus = 'open' | 'paid' | 'closed';

export interface PayOrder {
  outTradeNo: string;
  billId: string;
  openid: string;
  amountFen: number;
  status: PayOrderStatus;
  createdAt: Date;
  /** WeChat Pay refuses payment after this (`time_expire`). */
  expiresAt: Date;
  prepayId: string | null;
  prepayIssuedAt: Date | null;
  /** Once paid: WeChat Pay's transaction id and time. */
  transactionId: string | null;
  paidAt: Date | null;
}

export type RefundState = import('../../../shared/payment').RefundState;

export interface OwedRefund {
  outRefundNo: string;
  outTradeNo: string;
  billId: string;
  refundFen: number;
  totalFen: number;
  status: RefundState;
  createdAt: Date;
}

export type BindOutcome = import('../../../shared/bills').BindDecision & { binding?: AccountBinding };

/** What `openOrder` did: the plan of `planPay`, and the order as it now stands (null when already paid). */
export type OpenOrderOutcome =
  | { kind: 'not-found' }
  | { kind: 'already-paid' }
  | { kind: 'not-payable'; amountFen: number }
  | { kind: 'reuse' | 'refresh-prepay' | 'new-order'; order: PayOrder; bill: StoredBill };

export type RecordPaymentOutcome = import('../../../shared/payment').PaymentDecision;

export interface BillStore {
  /** Atomically, all or nothing: each biller written (created or replaced by id). */
  upsertBillers(billers: readonly Biller[], now: Date): Promise<{ upserted: number }>;
  /** Billers of a city and/or type, or of these ids; by city, type, id (every page read). */
  billers(filter: { city?: string; type?: AccountType; ids?: readonly string[] }): Promise<Biller[]>;
  /**
   * Atomically, all or nothing: the billers `create` names are made (a type's biller, `planImport`);
   * each row whose (biller, number, period) is new becomes an unpaid bill (id from
   * `utilityBillId`), and its account becomes known with the row's holder name; rows already
   * imported are left as they are and reported by index.
   */
  importBills(rows: readonly ImportRow[], now: Date, create?: readonly Biller[]): Promise<{ imported: number; duplicateRows: number[] }>;
  /**
   * Atomically: reads the caller's failed binds, the number's failed binds, the account and the
   * caller's binding; asks `decideBind`; writes the binding, or one more failure of the caller and
   * of the number (not-found), or nothing (rate-limited, already bound).
   */
  bind(input: { openid: string; biller: Biller; accountNo: string; holderName: string; label: string | null; now: Date }): Promise<BindOutcome>;
  /** Removes the caller's binding; false when there was none. */
  unbind(openid: string, billerId: string, accountNo: string, now: Date): Promise<boolean>;
  accountsOf(openid: string): Promise<AccountBinding[]>;
  /** The caller's utility bills (of accounts bound now) and ride bills. */
  billsOf(openid: string): Promise<StoredBill[]>;
  /** A bill the caller may see (their ride bill, or a bill of an account they have bound), or null. */
  billOf(openid: string, billId: string): Promise<StoredBill | null>;
  /**
   * Atomically: reads the bill, whether the caller may see it and the caller's open order of it;
   * asks `decideOpenOrder`; on `new-order` writes the order (`outTradeNo`, open, no prepay id yet)
   * and the bill's open orders (an older one of the caller stays open until the sweeper settles it).
   */
  openOrder(input: { openid: string; billId: string; outTradeNo: string; now: Date }): Promise<OpenOrderOutcome>;
  /** Stores the prepay id WeChat Pay gave the (still open) order. */
  setPrepay(outTradeNo: string, prepayId: string, issuedAt: Date): Promise<void>;
  order(outTradeNo: string): Promise<PayOrder | null>;
  /**
   * Atomically: reads the order and its bill; asks `decidePayment`; on record-payment marks the
   * order paid with the transaction and the bill paid by it (a ride bill also leaves the rider's
   * unpaid bills); on refund-duplicate marks the order paid and writes a pending refund.
   */
  recordPayment(tx: PayTransaction, merchant: { mchId: string; appId: string }, now: Date): Promise<RecordPaymentOutcome>;
  /** Atomically: an open order -> closed (and no longer its bill's open order); false when it was not open. */
  closeOrder(outTradeNo: string, now: Date): Promise<boolean>;
  /** Open orders past `before` (their `expiresAt`), oldest first. */
  expiredOrders(before: Date, limit: number): Promise<PayOrder[]>;
  /** Refunds still owed (pending or sent), oldest first. */
  owedRefunds(limit: number): Promise<OwedRefund[]>;
  /** pending -> sent, or sent/pending -> refunded | failed; false when it was already settled. */
  markRefund(outRefundNo: string, status: 'sent' | 'refunded' | 'failed', now: Date): Promise<boolean>;
  refund(outRefundNo: string): Promise<OwedRefund | null>;
}
