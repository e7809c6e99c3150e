/** What the ride summary shows, read from its query (the riding page passes the ended ride). Pure. */
import { yuan } from '../../../shared/index';
import { durationLabel } from '../../lib/ride-view';

export interface SummaryView {
  /** False when opened without a ride (a stale link): the page says so and leads home. */
  found: boolean;
  bikeCode: string;
  durationText: string;
  feeText: string;
  surchargeText: string;
  free: boolean;
  billId: string;
}

const text = (s: string | undefined) => {
  try {
    return decodeURIComponent(s || '');
  } catch {
    return s || '';
  }
};
const count = (s: string | undefined) => {
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
};

/**
 * A query that is missing or garbled reads as zeros, never as NaN.
 * @example summaryView({ bikeCode: 'B0042', durationSec: '600', feeFen: '150', surchargeFen: '0', billId: 'RB1' }).feeText // => '¥1.50'
 */
export function summaryView(query: Record<string, string | undefined> | null | undefined): SummaryView {
  const q = query || {};
  const feeFen = count(q.feeFen);
  const surchargeFen = count(q.surchargeFen);
  return {
    found: text(q.rideId) !== '',
    bikeCode: text(q.bikeCode),
    durationText: durationLabel(count(q.durationSec)),
    feeText: yuan(feeFen),
    surchargeText: surchargeFen > 0 ? yuan(surchargeFen) : '',
    free: feeFen === 0,
    billId: text(q.billId),
  };
}
