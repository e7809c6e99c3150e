/**
 * Labels of a store's open state as the contract gives it (`open`, `nextChange` in the store's
 * offset). The wall clock is read from the ISO string itself, so no time-zone database is needed.
 */
export interface OpenStateLabel {
  /** 营业中 / 已打烊 */
  state: string;
  /** "21:00 打烊", "明天 08:00 营业", "周六 10:00 营业", or '' when nothing changes. */
  next: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const DAY_MS = 86400000;

/**
 * @example openStateLabel(true, '2026-11-25T21:00:00+08:00', new Date('2026-11-25T02:00:00Z'))
 * // => { state: '营业中', next: '21:00 打烊' }
 * @example openStateLabel(false, '2026-11-26T08:00:00+08:00', new Date('2026-11-25T14:00:00Z'))
 * // => { state: '已打烊', next: '明天 08:00 营业' }
 */
export function openStateLabel(open: boolean, nextChange: string | null, now: Date): OpenStateLabel {
  const state = open ? '营业中' : '已打烊';
  if (nextChange === null) return { state, next: open ? '24 小时营业' : '暂停营业' };
  const m = ISO.exec(nextChange);
  if (!m) return { state, next: '' };
  const offsetMin = m[6] === 'Z' ? 0 : (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  // Calendar days are counted in the store's offset: "today" is the store's today.
  const thenDay = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  const nowDay = Math.floor((now.getTime() + offsetMin * 60000) / DAY_MS);
  const days = thenDay - nowDay;
  const time = `${m[4]}:${m[5]}`;
  const action = open ? '打烊' : '营业';
  let when = '';
  if (days === 1) when = '明天 ';
  else if (days >= 2 && days < 7) when = `${WEEKDAYS[new Date(thenDay * DAY_MS).getUTCDay()]} `;
  else if (days >= 7) when = `${m[2]}-${m[3]} `;
  return { state, next: `${when}${time} ${action}` };
}

export interface WeeklyHours {
  day: number;
  open: string;
  close: string;
}

const DAY_NAMES = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/**
 * A week of opening hours in lines, consecutive days with the same hours joined.
 * @example hoursLines([{ day: 1, open: '08:00', close: '21:00' }, { day: 2, open: '08:00', close: '21:00' }])
 * // => ['周一至周二 08:00–21:00']
 */
export function hoursLines(hours: readonly WeeklyHours[]): string[] {
  const byDay: string[] = [];
  for (let d = 1; d <= 7; d++) {
    const spans = hours
      .filter((h) => h.day === d)
      .sort((a, b) => a.open.localeCompare(b.open))
      .map((h) => (h.open === h.close ? '全天' : `${h.open}–${h.close}${h.close <= h.open ? '（次日）' : ''}`));
    byDay[d] = spans.length ? spans.join('，') : '休息';
  }
  const lines: string[] = [];
  let start = 1;
  for (let d = 2; d <= 8; d++) {
    if (d === 8 || byDay[d] !== byDay[start]) {
      const end = d - 1;
      const days = start === end ? DAY_NAMES[start] : end === start + 1 ? `${DAY_NAMES[start]}、${DAY_NAMES[end]}` : `${DAY_NAMES[start]}至${DAY_NAMES[end]}`;
      lines.push(`${days} ${byDay[start]}`);
      start = d;
    }
  }
  return lines;
}
