import type { BillView } from '../../../shared/bills';
import { billRefusals } from '../../../shared/bills';
import { ok, type Result } from '../../../shared/result';
import type { BillStore, RideStore, UserCall } from '../ports';
import { billView } from './bills';

/** What `bills.get` adds for a ride bill: which ride it is (API.md). */
export interface RideOfBill {
  bikeCode: string;
  startAt: string;
  endAt: string;
  durationSec: number;
  feeFen: number;
  surchargeFen: number;
}

export type BillDetail = BillView & Partial<RideOfBill>;

/**
 * `bills.get`: one of the caller's bills with everything `list` shows; a ride bill also says which
 * ride (bike, start, end, duration, fee and surcharge), so the bill page can show it.
 */
export async function getBill(
  deps: { bills: BillStore; rides: Pick<RideStore, 'get'> },
  p: { billId: string },
  call: UserCall,
): Promise<Result<{ bill: BillDetail }>> {
  const bill = await deps.bills.billOf(call.caller, p.billId);
  if (!bill) return billRefusals.notFound(p.billId);
  const view: BillDetail = billView(bill);
  if (bill.type === 'ride' && bill.rideId !== undefined) {
    const ride = await deps.rides.get(bill.rideId);
    if (ride && ride.status === 'ended') {
      Object.assign(view, {
        bikeCode: ride.bikeCode,
        startAt: ride.startAt!,
        endAt: ride.endAt!,
        durationSec: ride.durationSec!,
        feeFen: ride.feeFen!,
        surchargeFen: ride.surchargeFen!,
      });
    }
  }
  return ok({ bill: view });
}
