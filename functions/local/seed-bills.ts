import type { ImportRow } from '../../shared/bills';
import type { BillStore } from '../lib/ports';

/**
 * The demo utility accounts (README lists them): what a local mini program binds and pays.
 * Bind with the number and the holder name; the bills are last month's (unpaid) and the month
 * before's (also unpaid, overdue), due on the 15th of the month after their period.
 */
export const DEMO_ACCOUNTS = [
  { accountType: 'water', accountNo: '31000001', holderName: '张三', amountsFen: [4280, 3960] },
  { accountType: 'electricity', accountNo: '3100000001', holderName: '张三', amountsFen: [15630, 12875] },
  { accountType: 'gas', accountNo: '31000002', holderName: 'Li Lei', amountsFen: [6200, 5840] },
] as const;

const month = (d: Date, add: number) => {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
};

export function demoBillRows(now: Date): ImportRow[] {
  return DEMO_ACCOUNTS.flatMap((a) =>
    a.amountsFen.map((amountFen, i) => ({
      accountType: a.accountType,
      accountNo: a.accountNo,
      holderName: a.holderName,
      period: month(now, -1 - i),
      amountFen,
      dueDate: `${month(now, -i)}-15`,
    })),
  );
}

/** Imports the demo bills (idempotent: the import deduplicates by type, number and period). */
export async function seedDemoBills(bills: BillStore, now: Date): Promise<number> {
  return (await bills.importBills(demoBillRows(now), now)).imported;
}
