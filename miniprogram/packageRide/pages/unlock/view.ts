/** What the unlock page shows: where it was opened from, the bike card, refusals and their way on. Pure. */
import { bikeCodeFromQuery, distanceM, parseBikeQr, refusalText, yuan } from '../../../shared/index';
import type { AppError, LatLng, PreviewBikeResult } from '../../../shared/index';
import { distanceLabel } from '../../../lib/distance-label';
import { tariffLines } from '../../lib/ride-view';

export type FollowUp = 'retry' | 'riding' | 'bills' | 'scan' | 'location' | '';

/** How the page was opened. */
export type UnlockEntry = { kind: 'code'; code: string } | { kind: 'scan' } | { kind: 'refused'; text: string };

/** A `q` or scan that holds no bike code: the wording module's words for a malformed unlock. */
export const NOT_A_BIKE_QR = refusalText({ code: 'INVALID_ARGUMENT', message: '' }, { subject: 'unlock' });

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

/** The button each refusal offers (the words are the wording module's). */
const FOLLOW_UP_OF: Readonly<Record<string, FollowUp>> = {
  TOO_FAR: 'retry',
  LOCK_FAILED: 'retry',
  BIKE_UNAVAILABLE: 'scan',
  ACTIVE_RIDE: 'riding',
  UNPAID_BILL: 'bills',
  BIKE_RESERVED: 'scan',
  NOT_FOUND: 'scan',
  INVALID_ARGUMENT: 'scan',
  UNAUTHENTICATED: '',
};

/**
 * What the unlock page says for a refusal, and which button it offers. The bike's code is on the
 * card already, so the words say "这辆车" rather than repeat it.
 * @example unlockRefusal({ code: 'FAILED_PRECONDITION', message: '', reason: 'TOO_FAR' }, 230).text // => '离车太远（约 230 米），请走到车旁 100 米内再开锁'
 */
export function unlockRefusal(error: AppError, distanceM: number | null): { text: string; followUp: FollowUp } {
  const text = refusalText(error, { subject: 'unlock', distanceM });
  const followUp = FOLLOW_UP_OF[error.reason || ''] ?? FOLLOW_UP_OF[error.code] ?? 'retry';
  return { text, followUp };
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

/**
 * Whether a refusal leaves the unlock button off: tapping again cannot help when the rider owes,
 * already rides, or the bike is not to be had (retry and location refusals keep it on).
 */
export function blocksUnlock(followUp: FollowUp): boolean {
  return followUp === 'bills' || followUp === 'riding' || followUp === 'scan';
}

/**
 * The amount owed under the UNPAID_BILL refusal.
 * @example owedLine(150) // => '待支付 ¥1.50'
 */
export const owedLine = (fen: number): string => `待支付 ${yuan(fen)}`;
