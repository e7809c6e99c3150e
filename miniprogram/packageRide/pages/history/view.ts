/** What the 行程 page shows of each ended ride. Pure. */
import { PARKING_ZONE, yuan } from '../../../shared/index';
import type { HistoryRide } from '../../../shared/index';
import { billUrl, durationLabel } from '../../lib/ride-view';

export interface RideRow {
  id: string;
  date: string;
  bike: string;
  duration: string;
  fee: string;
  surcharge: string;
  billState: string;
  billTone: 'success' | 'warning' | 'muted';
  payUrl: string;
  markers: Array<{ id: number; latitude: number; longitude: number; width: number; height: number; callout: { content: string; display: 'ALWAYS' } }>;
  center: { lat: number; lng: number };
}

/**
 * A ride's local date and time (Asia/Shanghai, UTC+8 all year) from its ISO `endAt`.
 * @example rideWhen('2026-11-25T00:11:00.000Z', '2026-11-25T00:01:00.000Z') // => '11月25日 08:01–08:11'
 */
export function rideWhen(startAt: string, endAt: string): string {
  const local = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  const s = local(startAt);
  const e = local(endAt);
  return `${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日 ${s.slice(11, 16)}–${e.slice(0, 10) > s.slice(0, 10) ? '次日' : ''}${e.slice(11, 16)}`;
}

/** One row of the history. */
export function rideRow(r: HistoryRide): RideRow {
  const owed = r.billId !== null && r.billStatus === 'unpaid';
  return {
    id: r.id,
    date: rideWhen(r.startAt, r.endAt),
    bike: `单车 ${r.bikeCode}`,
    duration: durationLabel(r.durationSec),
    fee: r.feeFen > 0 ? yuan(r.feeFen) : '免费',
    surcharge: r.surchargeFen > 0 ? `含${PARKING_ZONE}外加收 ${yuan(r.surchargeFen)}` : '',
    billState: r.billId === null ? '无需支付' : r.billStatus === 'paid' ? '已支付' : '待支付',
    billTone: r.billId === null ? 'muted' : r.billStatus === 'paid' ? 'success' : 'warning',
    payUrl: owed && r.billId ? billUrl(r.billId) : '',
    markers: [
      { id: 1, latitude: r.from.lat, longitude: r.from.lng, width: 20, height: 28, callout: { content: '起', display: 'ALWAYS' } },
      { id: 2, latitude: r.to.lat, longitude: r.to.lng, width: 20, height: 28, callout: { content: '终', display: 'ALWAYS' } },
    ],
    center: { lat: (r.from.lat + r.to.lat) / 2, lng: (r.from.lng + r.to.lng) / 2 },
  };
}
