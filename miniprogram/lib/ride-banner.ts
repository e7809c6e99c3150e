/** The banner a tab shows while the user has a running ride: it leads back to the riding page. Pure. */
import type { ActiveRide } from '../shared/index';

export const RIDING_PAGE = '/packageRide/pages/riding/index';

export interface RideBanner {
  text: string;
  action: string;
  url: string;
}

/**
 * @example rideBanner({ bikeCode: 'B0042', startAt: '2026-11-25T08:00:00Z', ... }, new Date('2026-11-25T08:12:30Z'))
 * // => { text: '单车 B0042 骑行中 · 已骑 12 分钟', action: '返回骑行', url: '/packageRide/pages/riding/index' }
 */
export function rideBanner(ride: ActiveRide | null, now: Date): RideBanner | null {
  if (!ride) return null;
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(ride.startAt)) / 60000));
  const ridden = minutes < 1 ? '刚刚开始' : minutes < 60 ? `已骑 ${minutes} 分钟` : `已骑 ${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
  return { text: `单车 ${ride.bikeCode} 骑行中 · ${ridden}`, action: '返回骑行', url: RIDING_PAGE };
}
