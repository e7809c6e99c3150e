/** What the bills page lists: unpaid first (the back end's order kept), amounts as yuan. Pure. */
import { billStatusWording, billTitle, periodText, yuan } from '../../../shared/index';
import type { BillView, Tone } from '../../../shared/index';
import { billUrl } from '../../lib/paths';

export interface BillRow {
  id: string;
  title: string;
  /** "2026年10月", or the ride bill's note. */
  detail: string;
  amountText: string;
  statusText: string;
  tone: Tone;
  url: string;
}

export interface BillsView {
  unpaid: BillRow[];
  paid: BillRow[];
  /** "待支付 2 笔，共 ¥201.10"; empty with nothing to pay. */
  summary: string;
  empty: boolean;
}

export function billRow(bill: BillView, today: string): BillRow {
  const status = billStatusWording(bill, today);
  return {
    id: bill.id,
    title: billTitle(bill),
    detail: bill.type === 'ride' ? '单车骑行' : periodText(bill.period),
    amountText: yuan(bill.amountFen),
    statusText: status.text,
    tone: status.tone,
    url: billUrl(bill.id),
  };
}

/**
 * @example billsView([{ id: 'RB1', type: 'ride', amountFen: 150, status: 'unpaid' }], '2026-11-25').summary // => '待支付 1 笔，共 ¥1.50'
 */
export function billsView(bills: readonly BillView[], today: string): BillsView {
  const unpaid = bills.filter((b) => b.status === 'unpaid');
  const totalFen = unpaid.reduce((sum, b) => sum + b.amountFen, 0);
  return {
    unpaid: unpaid.map((b) => billRow(b, today)),
    paid: bills.filter((b) => b.status === 'paid').map((b) => billRow(b, today)),
    summary: unpaid.length ? `待支付 ${unpaid.length} 笔，共 ${yuan(totalFen)}` : '没有待支付的账单',
    empty: bills.length === 0,
  };
}
