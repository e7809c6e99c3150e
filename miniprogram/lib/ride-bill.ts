/** What a ride bill says of its ride (the bill page): date, bike, duration, fee and surcharge. Pure. */
import { PARKING_ZONE, yuan, type BillDetail } from '../shared/index';

/** The ride fields `bills.get` gives a ride bill. */
export type RideOfBill = Required<Pick<BillDetail, 'bikeCode' | 'startAt' | 'endAt' | 'durationSec' | 'feeFen' | 'surchargeFen'>>;

export interface RideLine {
  label: string;
  value: string;
}

/** A time's Asia/Shanghai wall clock (UTC+8 all year). */
const local = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString();

/**
 * @example rideLines({ bikeCode: 'B0042', startAt: '2026-11-25T00:01:00Z', endAt: '2026-11-25T00:11:00Z', durationSec: 600, feeFen: 150, surchargeFen: 0 })[0]
 * // => { label: '骑行时间', value: '11月25日 08:01–08:11' }
 */
export function rideLines(r: RideOfBill): RideLine[] {
  const s = local(r.startAt);
  const e = local(r.endAt);
  const when = `${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日 ${s.slice(11, 16)}–${e.slice(0, 10) > s.slice(0, 10) ? '次日' : ''}${e.slice(11, 16)}`;
  const sec = Math.max(0, Math.floor(r.durationSec));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const duration = [h > 0 ? `${h} 小时` : '', h > 0 || m > 0 ? `${m} 分` : '', `${sec % 60} 秒`].filter(Boolean).join(' ');
  const lines = [
    { label: '骑行时间', value: when },
    { label: '单车', value: r.bikeCode },
    { label: '骑行时长', value: duration },
    { label: '骑行费', value: yuan(r.feeFen - r.surchargeFen) },
  ];
  if (r.surchargeFen > 0) lines.push({ label: `${PARKING_ZONE}外加收`, value: yuan(r.surchargeFen) });
  return lines;
}
