/** The banner a tab shows while the user has a running ride: it leads back to the riding page. Pure. */
import type { ActiveRide, Reservation } from '../shared/index';
import { holdBannerText, PAGES, pageUrl } from '../shared/index';

export const RIDING_PAGE = pageUrl(PAGES.riding);

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

/** The banner of a reservation: the bike, the time left (a countdown), a way there and a cancel. */
export interface HoldBanner {
  bikeCode: string;
  text: string;
  lat: number;
  lng: number;
}

/**
 * Null once the hold has lapsed (the server frees the bike by its time alone).
 * @example holdBanner({ bikeCode: 'B0042', until: '2026-11-25T00:10:00Z', lat: 31.23, lng: 121.47 }, new Date('2026-11-25T00:00:28Z')).text
 * // => '已预约单车 B0042 · 还剩 9 分 32 秒'
 */
export function holdBanner(reservation: Reservation | null, now: Date): HoldBanner | null {
  if (!reservation || Date.parse(reservation.until) <= now.getTime()) return null;
  return { bikeCode: reservation.bikeCode, text: holdBannerText(reservation.bikeCode, reservation.until, now), lat: reservation.lat, lng: reservation.lng };
}
