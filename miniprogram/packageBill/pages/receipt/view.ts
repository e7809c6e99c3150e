/** The receipt of a paid bill: what it lists, in order. Pure. */
import { BILL_TYPE_NAME, CITY_UTC_OFFSET_MIN, paidAtText, periodText, yuan } from '../../../shared/index';
import type { BillDetail } from '../../../shared/index';

export interface ReceiptView {
  title: string;
  amountText: string;
  lines: { label: string; value: string }[];
}

/**
 * @example receiptView({ id: 'B1', type: 'gas', billerName: '上海燃气', accountNo: '31000002', period: '2026-10', amountFen: 6200, status: 'paid', paidAt: '2026-11-02T01:00:00Z', transactionId: '42' }).lines[0] // => { label: '缴费单位', value: '上海燃气' }
 */
export function receiptView(bill: BillDetail): ReceiptView {
  const lines: { label: string; value: string }[] = [];
  if (bill.type === 'ride') lines.push({ label: '项目', value: '单车骑行费' });
  else {
    lines.push({ label: '缴费单位', value: bill.billerName ?? BILL_TYPE_NAME[bill.type] });
    lines.push({ label: '缴费类型', value: BILL_TYPE_NAME[bill.type] });
    if (bill.accountNo) lines.push({ label: '户号', value: bill.accountNo });
    if (bill.holderName) lines.push({ label: '户主', value: bill.holderName });
    if (bill.period) lines.push({ label: '账期', value: periodText(bill.period) });
  }
  lines.push({ label: '支付方式', value: '微信支付' });
  if (bill.paidAt) lines.push({ label: '支付时间', value: paidAtText(bill.paidAt, CITY_UTC_OFFSET_MIN) });
  lines.push({ label: '交易单号', value: bill.transactionId ?? '—' });
  return { title: '缴费凭证', amountText: yuan(bill.amountFen), lines };
}
