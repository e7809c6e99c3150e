/** 缴费记录: the caller's paid bills by month of payment (city time), newest first. Pure. */
import { BILL_TYPE_NAME, CITY_UTC_OFFSET_MIN, paidAtText, periodText, yuan } from '../../../shared/index';
import type { BillView } from '../../../shared/index';
import { receiptUrl } from '../../lib/paths';

export interface RecordRow {
  id: string;
  /** The company ("上海燃气"), or 骑行费 for a ride. */
  company: string;
  /** "燃气费 · 2026年10月 · 我家". */
  detail: string;
  amountText: string;
  paidAt: string;
  transactionId: string;
  url: string;
}

export interface RecordMonth {
  /** "2026年11月". */
  month: string;
  /** "共 2 笔 ¥100.50". */
  total: string;
  rows: RecordRow[];
}

/**
 * @example recordMonths([{ id: 'B1', type: 'gas', billerName: '上海燃气', period: '2026-10', amountFen: 6200, status: 'paid', paidAt: '2026-11-02T01:00:00Z', transactionId: '42' }])[0].month // => '2026年11月'
 */
export function recordMonths(bills: readonly BillView[]): RecordMonth[] {
  const paid = bills.filter((b) => b.status === 'paid' && b.paidAt).sort((a, b) => (b.paidAt ?? '').localeCompare(a.paidAt ?? '') || a.id.localeCompare(b.id));
  const months = new Map<string, { fen: number; rows: RecordRow[] }>();
  for (const b of paid) {
    const local = paidAtText(b.paidAt, CITY_UTC_OFFSET_MIN);
    const month = `${local.slice(0, 4)}年${Number(local.slice(5, 7))}月`;
    const entry = months.get(month) ?? { fen: 0, rows: [] };
    entry.fen += b.amountFen;
    const parts = b.type === 'ride' ? ['单车骑行'] : [BILL_TYPE_NAME[b.type], periodText(b.period), b.label ?? ''];
    entry.rows.push({
      id: b.id,
      company: b.type === 'ride' ? BILL_TYPE_NAME.ride : (b.billerName ?? BILL_TYPE_NAME[b.type]),
      detail: parts.filter((p) => p).join(' · '),
      amountText: yuan(b.amountFen),
      paidAt: local,
      transactionId: b.transactionId ?? '—',
      url: receiptUrl(b.id),
    });
    months.set(month, entry);
  }
  return [...months].map(([month, { fen, rows }]) => ({ month, total: `共 ${rows.length} 笔 ${yuan(fen)}`, rows }));
}
