/** What the unlock page shows: where it was opened from, the bike card, refusals and their way on. Pure. */
import { bikeCodeFromQuery, distanceM, parseBikeQr } from '../../../shared/index';
import type { AppError, LatLng, PreviewBikeResult } from '../../../shared/index';
import { distanceLabel } from '../../../lib/distance-label';
import { tariffLines } from '../../lib/ride-view';

export type FollowUp = 'retry' | 'riding' | 'bills' | 'scan' | 'location' | '';

/** How the page was opened. */
export type UnlockEntry = { kind: 'code'; code: string } | { kind: 'scan' } | { kind: 'refused'; text: string };

export const NOT_A_BIKE_QR = '这不是单车的二维码。请扫描车身上的二维码，或输入车身上的编号';

/**
 * The sticker (`q`, the WeChat camera), a code from the map (`code`), or nothing (scan). A `q` or
 * `code` that holds no bike code is refused with a way on, never a blank page.
 * @example unlockEntry({ q: 'https%3A%2F%2Fnearby.example.com%2Fb%2FB0042' }, 'https://nearby.example.com/b/') // => { kind: 'code', code: 'B0042' }
 */
export function unlockEntry(query: Record<string, string | undefined> | null | undefined, qrBase: string): UnlockEntry {
  const code = bikeCodeFromQuery(query, qrBase);
  if (code) return { kind: 'code', code };
  if (query && ((query.q !== undefined && query.q !== '') || (query.code !== undefined && query.code !== ''))) {
    return { kind: 'refused', text: NOT_A_BIKE_QR };
  }
  return { kind: 'scan' };
}

/**
 * A code typed by hand: the printed code, or the whole sticker text; null when it is neither.
 * @example typedCode(' B0042 ', base) // => 'B0042'
 */
export function typedCode(text: string, qrBase: string): string | null {
  return parseBikeQr(text, qrBase);
}

export interface BikeCard {
  bikeAvailable: boolean;
  tariff: string[];
  maxDistanceM: number;
  distanceText: string;
  tooFar: boolean;
  locationMissing: boolean;
}

/** The bike card, from the preview and where the rider stands (null: no position). */
export function bikeCard(preview: PreviewBikeResult, position: LatLng | null): BikeCard {
  const { bike, tariff, maxUnlockDistanceM } = preview;
  const distance = position ? distanceM(position, bike) : null;
  return {
    bikeAvailable: bike.available,
    tariff: tariffLines(tariff),
    maxDistanceM: maxUnlockDistanceM,
    distanceText: distance === null ? '' : distanceLabel(distance),
    tooFar: distance !== null && distance > maxUnlockDistanceM,
    locationMissing: position === null,
  };
}

/** What the unlock page says for a refusal, and which button it offers. */
export function unlockRefusal(error: AppError, code: string, distanceM: number | null, maxDistanceM: number): { text: string; followUp: FollowUp } {
  switch (error.reason) {
    case 'TOO_FAR':
      return { text: `离车太远${distanceM === null ? '' : `（约 ${Math.round(distanceM)} 米）`}，请走到车旁 ${maxDistanceM} 米内再开锁`, followUp: 'retry' };
    case 'BIKE_UNAVAILABLE':
      return { text: `这辆车暂不可用（维修中或正被使用），请换一辆`, followUp: 'scan' };
    case 'ACTIVE_RIDE':
      return { text: '你有一段进行中的骑行，请先还车', followUp: 'riding' };
    case 'UNPAID_BILL':
      return { text: '你有未支付的骑行账单，支付后才能开始新的骑行', followUp: 'bills' };
    case 'LOCK_FAILED':
      return { text: '车锁没有响应，请重试或换一辆车', followUp: 'retry' };
  }
  if (error.code === 'NOT_FOUND') return { text: `没有找到编号为 ${code} 的单车，请核对车身编号`, followUp: 'scan' };
  if (error.code === 'INVALID_ARGUMENT') return { text: NOT_A_BIKE_QR, followUp: 'scan' };
  if (error.code === 'UNAUTHENTICATED') return { text: '请先登录微信后再开锁', followUp: '' };
  return { text: error.message, followUp: 'retry' };
}

const FOLLOW_UP_LABEL: Record<FollowUp, string> = {
  retry: '重试',
  scan: '重新扫码',
  riding: '查看当前骑行',
  bills: '去支付',
  location: '开启定位',
  '': '',
};

/** The label of a refusal's button. */
export function followUpLabel(followUp: FollowUp, locationAction = ''): string {
  return followUp === 'location' && locationAction ? locationAction : FOLLOW_UP_LABEL[followUp];
}
