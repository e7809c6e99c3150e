import type { Biller, ImportRow } from '../../shared/bills';
import type { BillStore } from '../lib/ports';

/**
 * The demo city's utility companies (缴费单位): one water and one power company, and two gas
 * companies, so that the bind flow's company choice shows. Each has its own account-number format
 * and a hint of where the number is printed.
 */
export const DEMO_BILLERS: Biller[] = [
  { id: 'sh-water', name: '上海城投水务', type: 'water', city: '上海', accountNoPattern: '\\d{8}', accountNoHint: '水费账单右上角“户号”，8 位数字' },
  {
    id: 'sh-power',
    name: '国网上海市电力公司',
    type: 'electricity',
    city: '上海',
    accountNoPattern: '\\d{10}|\\d{13}',
    accountNoHint: '电费通知单上的“户号”，10 或 13 位数字',
  },
  { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海', accountNoPattern: '\\d{8,12}', accountNoHint: '燃气账单左上角“用户编号”，8–12 位数字' },
  {
    id: 'sh-gas-dz',
    name: '上海大众燃气',
    type: 'gas',
    city: '上海',
    accountNoPattern: 'DZ-\\d{7}',
    accountNoHint: '燃气卡背面的“客户号”，如 DZ-2100301',
  },
];

/**
 * The demo utility accounts (README lists them): what a local mini program binds and pays.
 * Bind with the company, the number and the holder name; the bills are last month's (unpaid) and
 * the month before's (also unpaid, overdue), due on the 15th of the month after their period.
 */
export const DEMO_ACCOUNTS = [
  { billerId: 'sh-water', accountType: 'water', accountNo: '31000001', holderName: '张三', amountsFen: [4280, 3960] },
  { billerId: 'sh-power', accountType: 'electricity', accountNo: '3100000001', holderName: '张三', amountsFen: [15630, 12875] },
  { billerId: 'sh-gas', accountType: 'gas', accountNo: '31000002', holderName: 'Li Lei', amountsFen: [6200, 5840] },
  { billerId: 'sh-gas-dz', accountType: 'gas', accountNo: 'DZ-2100301', holderName: '王芳', amountsFen: [3850, 4120] },
] as const;

const month = (d: Date, add: number) => {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
};

export function demoBillRows(now: Date): ImportRow[] {
  return DEMO_ACCOUNTS.flatMap((a) =>
    a.amountsFen.map((amountFen, i) => ({
      billerId: a.billerId,
      accountType: a.accountType,
      accountNo: a.accountNo,
      holderName: a.holderName,
      period: month(now, -1 - i),
      amountFen,
      dueDate: `${month(now, -i)}-15`,
    })),
  );
}

/** Writes the demo companies and imports the demo bills (idempotent: the import deduplicates by biller, number and period). */
export async function seedDemoBills(bills: BillStore, now: Date): Promise<number> {
  await bills.upsertBillers(DEMO_BILLERS, now);
  return (await bills.importBills(demoBillRows(now), now)).imported;
}
