/**
 * The bill page (pay and receipt in one): what a bill reads, which bill a query names, and what
 * each payment outcome shows. Pure.
 */
import {
  BILL_TYPE_NAME,
  CITY_UTC_OFFSET_MIN,
  PAY_TEXT,
  REMINDER_NOTE,
  billStatusWording,
  billTitle,
  paidAtText,
  periodText,
  refusalText,
  yuan,
} from '../../../shared/index';
import type { AppError, BillDetail, BillView, Tone } from '../../../shared/index';

/**
 * loading → unpaid → paying → confirming → paid (the receipt), or unconfirmed; missing: no such
 * bill of yours; none: no unpaid ride bill; error: could not load (retry).
 */
export type BillState = 'loading' | 'unpaid' | 'paying' | 'confirming' | 'unconfirmed' | 'paid' | 'missing' | 'none' | 'error';

export interface BillCard {
  title: string;
  typeName: string;
  period: string;
  amountText: string;
  statusText: string;
  tone: Tone;
  paidAt: string;
  /** The company (缴费单位); '' for a ride bill. */
  company: string;
  /** "户主 L****" (masked by the back end); '' when unknown. */
  holder: string;
  /** The household label of the account; ''. */
  label: string;
  /** WeChat Pay's transaction id once paid; ''. */
  transactionId: string;
  isRide: boolean;
  /** An unpaid utility bill not yet due: "到期前 3 天提醒我" (a bill-due subscribe message); '' otherwise. */
  remindText: string;
}

/** @example billCard({ id: 'RB1', type: 'ride', amountFen: 150, status: 'unpaid' }, '2026-11-25').amountText // => '¥1.50' */
export function billCard(bill: BillView & Partial<Pick<BillDetail, 'holderName'>>, today: string): BillCard {
  const status = billStatusWording(bill, today);
  return {
    title: billTitle(bill),
    typeName: BILL_TYPE_NAME[bill.type],
    period: bill.type === 'ride' ? '单车骑行' : periodText(bill.period),
    amountText: yuan(bill.amountFen),
    statusText: status.text,
    tone: status.tone,
    paidAt: paidAtText(bill.paidAt, CITY_UTC_OFFSET_MIN),
    company: bill.type === 'ride' ? '' : (bill.billerName ?? ''),
    holder: bill.holderName ? `户主 ${bill.holderName}` : '',
    label: bill.label ?? '',
    transactionId: bill.status === 'paid' ? (bill.transactionId ?? '') : '',
    isRide: bill.type === 'ride',
    remindText: bill.status === 'unpaid' && bill.type !== 'ride' && bill.dueDate && bill.dueDate >= today ? REMINDER_NOTE.billDue : '',
  };
}

/** Which bill the page is for: `?billId=` (a list, a message, the ride summary) or `?ride=unpaid` (the unlock refusal). */
export type BillTarget = { kind: 'bill'; billId: string } | { kind: 'ride' } | { kind: 'bad' };

export function billTarget(query: Record<string, string | undefined> | null | undefined): BillTarget {
  const q = query || {};
  let billId = q.billId || q.id || '';
  try {
    billId = decodeURIComponent(billId);
  } catch {
    return { kind: 'bad' };
  }
  if (billId) return { kind: 'bill', billId };
  if (q.ride === 'unpaid') return { kind: 'ride' };
  return { kind: 'bad' };
}

/** The rider's oldest unpaid ride bill, from `bills.list` (unpaid first, ride bills first). */
export function firstUnpaidRideBill(bills: readonly BillView[]): BillView | null {
  return bills.find((b) => b.type === 'ride' && b.status === 'unpaid') ?? null;
}

/** What a state says under the card. */
export interface PayNotice {
  state: BillState;
  notice: string;
  note: string;
  tone: Tone | '';
}

/** A refusal of `bills.pay` or `refresh` (ALREADY_PAID leads the page to reload: it is the receipt then). */
export function billRefusal(error: AppError): string {
  return refusalText(error, { subject: 'bill' });
}

/**
 * What a payment's end shows: paid is the receipt; cancelled goes back to unpaid with a plain
 * note (not an error); unconfirmed says to wait, not to pay twice.
 */
export function payOutcomeNotice(
  outcome: { kind: 'paid' } | { kind: 'cancelled' } | { kind: 'unconfirmed' } | { kind: 'refused'; error: AppError } | { kind: 'failed' },
): PayNotice {
  switch (outcome.kind) {
    case 'paid':
      return { state: 'paid', notice: '', note: '', tone: '' };
    case 'cancelled':
      return { state: 'unpaid', notice: PAY_TEXT.cancelled, note: '', tone: 'muted' };
    case 'unconfirmed':
      return { state: 'unconfirmed', notice: PAY_TEXT.unconfirmed, note: PAY_TEXT.unconfirmedNote, tone: 'warning' };
    case 'refused':
      return { state: 'unpaid', notice: billRefusal(outcome.error), note: '', tone: 'danger' };
    case 'failed':
      return { state: 'unpaid', notice: PAY_TEXT.failed, note: '', tone: 'danger' };
  }
}
