/** Bills as the bills functions answer them (BillView), for page and view tests. */
import type { BillView } from '../../shared/bills';

/** Household water bill of account 31000001 for October 2026: 42.80 yuan, due 25 November, unpaid. */
export const waterBill = (over: Partial<BillView> = {}): BillView => ({
  id: 'UB:water:31000001:2026-10',
  type: 'water',
  accountNo: '31000001',
  period: '2026-10',
  amountFen: 4280,
  dueDate: '2026-11-25',
  status: 'unpaid',
  ...over,
});

/** The ride bill RB1 of ride R1: 1.50 yuan, unpaid. */
export const rideBill = (over: Partial<BillView> = {}): BillView => ({ id: 'RB1', type: 'ride', amountFen: 150, status: 'unpaid', rideId: 'R1', ...over });
