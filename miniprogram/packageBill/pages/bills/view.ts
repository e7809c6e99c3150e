/** What the bills page lists: unpaid first (the back end's order kept), amounts as yuan. Pure. */
import { BIND_TEXT, billStatusWording, billTitle, periodText, yuan } from '../../../shared/index';
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

/** The unpaid bills of one household (by the label its accounts were bound with), or the rides. */
export interface BillGroup {
  label: string;
  rows: BillRow[];
}

export interface BillsView {
  unpaid: BillRow[];
  /** The unpaid bills by household, in the back end's order; ride bills first under 骑行. */
  groups: BillGroup[];
  paid: BillRow[];
  /** "待支付 2 笔，共 ¥201.10"; empty with nothing to pay. */
  summary: string;
  empty: boolean;
}

export function billRow(bill: BillView, today: string): BillRow {
  const status = billStatusWording(bill, today);
  return {
    id: bill.id,
    title: bill.billerName && bill.accountNo ? `${bill.billerName} · ${bill.accountNo}` : billTitle(bill),
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
  const groups = new Map<string, BillRow[]>();
  for (const b of unpaid) {
    const label = b.type === 'ride' ? '骑行' : b.label || BIND_TEXT.noLabel;
    groups.set(label, [...(groups.get(label) ?? []), billRow(b, today)]);
  }
  return {
    unpaid: unpaid.map((b) => billRow(b, today)),
    groups: [...groups].map(([label, rows]) => ({ label, rows })),
    paid: bills.filter((b) => b.status === 'paid').map((b) => billRow(b, today)),
    summary: unpaid.length ? `待支付 ${unpaid.length} 笔，共 ${yuan(totalFen)}` : '没有待支付的账单',
    empty: bills.length === 0,
  };
}
