/** Pure view logic shared by the ride pages: their addresses, clock and tariff labels. */
import { PAGES, PARKING_ZONE, pageUrl, yuan } from '../../shared/index';
import type { Tariff } from '../../shared/index';

/** Where a ride bill is paid (packageBill): `?billId=` from the summary, `?ride=unpaid` from the unlock refusal. */
export { billUrl, UNPAID_RIDE_BILL_URL } from '../../packageBill/lib/paths';
export const RIDING_PAGE = pageUrl(PAGES.riding);
export const SUMMARY_PAGE = pageUrl(PAGES.rideSummary);

/**
 * A running ride's clock, in words: "18:02" read like a time of day (six minutes past six).
 * @example clockLabel(3725) // => '1 小时 02 分 05 秒'
 * @example clockLabel(65) // => '1 分 05 秒'
 */
export function clockLabel(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} 小时 ${two(m)} 分 ${two(s % 60)} 秒` : `${m} 分 ${two(s % 60)} 秒`;
}

/**
 * A finished ride's duration in words.
 * @example durationLabel(3725) // => '1 小时 2 分 5 秒'
 */
export function durationLabel(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h > 0 ? `${h} 小时` : '', h > 0 || m > 0 ? `${m} 分` : '', `${s % 60} 秒`];
  return parts.filter(Boolean).join(' ');
}

/** The tariff in a few lines. */
export function tariffLines(t: Tariff): string[] {
  const minutes = (sec: number) => (sec % 60 === 0 ? `${sec / 60} 分钟` : `${sec} 秒`);
  const lines = [
    `${minutes(t.freeSec)}内免费`,
    `超过后按整段骑行计费：每 ${minutes(t.unitSec)} ${yuan(t.unitFeeFen)}（不足按一段计）`,
    `${PARKING_ZONE}外还车加收 ${yuan(t.parkingSurchargeFen)}`,
  ];
  if (t.dailyCapFen !== null) lines.push(`每 24 小时最多收取 ${yuan(t.dailyCapFen)}`);
  return lines;
}
