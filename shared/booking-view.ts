/** How the booking pages word times and hours (pure; the times are ISO strings in the store's offset). */
import type { OpeningHours } from './hours';
import { addDays, isoWeekdayOf } from './slots';

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** "HH:mm" of an ISO time written in the store's offset (no time-zone arithmetic needed). */
export const clockOf = (iso: string): string => iso.slice(11, 16);
/** "YYYY-MM-DD" of an ISO time written in the store's offset. */
export const dateOf = (iso: string): string => iso.slice(0, 10);

/**
 * A date's label relative to `today`: 今天, 明天, or "11-28 周六".
 * @example dayLabel('2026-11-26', '2026-11-25') // => '明天'
 */
export function dayLabel(date: string, today: string): string {
  if (date === today) return '今天';
  if (date === addDays(today, 1)) return '明天';
  return `${date.slice(5)} ${WEEKDAYS[isoWeekdayOf(date)]}`;
}

/**
 * Opening hours as lines, one per interval, Monday first: "周一 09:00–21:00", "周五 22:00–次日02:00".
 * @example hoursLines([{ day: 1, open: '09:00', close: '17:00' }]) // => ['周一 09:00–17:00']
 */
export function hoursLines(hours: readonly OpeningHours[]): string[] {
  return [...hours]
    .sort((a, b) => a.day - b.day || a.open.localeCompare(b.open))
    .map((h) => (h.open === h.close ? `${WEEKDAYS[h.day]} 全天` : `${WEEKDAYS[h.day]} ${h.open}–${h.close < h.open ? '次日' : ''}${h.close}`));
}

/** "11-28 周六 10:00–11:00" for a booking. */
export function slotText(start: string, end: string, today: string): string {
  return `${dayLabel(dateOf(start), today)} ${clockOf(start)}–${clockOf(end)}`;
}
