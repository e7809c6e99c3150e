/**
 * The one wording of the mini program: dates, weekdays, opening hours, a store's open state,
 * booking statuses and every refusal a caller can meet. Pages never spell these themselves, so
 * a store reads the same on the map, its page and in 我的预约. Pure; the numbers come from the
 * rules that enforce them; weekday and date names from dayjs's zh-cn locale.
 *
 * Times are ISO strings written in the store's offset ("2026-11-25T21:00:00+08:00"): their wall
 * clock is read from the string itself, so no time-zone database is needed on the phone.
 */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { CHECK_IN_OPENS_MIN, MAX_UPCOMING_BOOKINGS, type BookingStatus } from './booking';
import { CODE_LENGTH } from './checkin-code';
import { durationMin, type OpeningHours } from './hours';
import type { AppError } from './result';
import { MAX_LAPSES_A_DAY, MAX_RESERVE_DISTANCE_M, MAX_UNLOCK_DISTANCE_M, RESERVATION_MINUTES, type ReportCategory } from './ride';
import { BOOKING_DAYS, addDays, storeToday } from './slots';
import { BIND_FAILURE_LIMIT, TYPE_BILLER_NAME, type AccountType, type BillType } from './bills';
import { BILL_REMINDER_DAYS_BEFORE, BOOKING_REMINDER_LEAD_MIN } from './subscribe-message';
import { yuan } from './tariff';

const zh = (date: string) => dayjs(date).locale('zh-cn');

/** "HH:mm" of an ISO time written in the store's offset. */
export const clockOf = (iso: string): string => iso.slice(11, 16);
/** "YYYY-MM-DD" of an ISO time written in the store's offset. */
export const dateOf = (iso: string): string => iso.slice(0, 10);

/**
 * The short weekday name of a calendar date.
 * @example weekdayOf('2026-11-28') // => '周六'
 */
export const weekdayOf = (date: string): string => zh(date).format('ddd');

/** A Monday, to name ISO weekdays from. */
const A_MONDAY = '2024-01-01';

/**
 * The short name of an ISO weekday (1 = Monday … 7 = Sunday).
 * @example isoWeekdayName(7) // => '周日'
 */
export const isoWeekdayName = (day: number): string => zh(addDays(A_MONDAY, day - 1)).format('ddd');

/**
 * A date relative to `today`: 今天, 明天, or "11-28 周六".
 * @example dayLabel('2026-11-26', '2026-11-25') // => '明天'
 * @example dayLabel('2026-11-28', '2026-11-25') // => '11-28 周六'
 */
export function dayLabel(date: string, today: string): string {
  if (date === today) return '今天';
  if (date === addDays(today, 1)) return '明天';
  return zh(date).format('MM-DD ddd');
}

/**
 * A slot or booking: "今天 10:00–11:00", "11-28 周六 10:00–11:00".
 * @example slotText('2026-11-25T10:00:00+08:00', '2026-11-25T11:00:00+08:00', '2026-11-25') // => '今天 10:00–11:00'
 */
export function slotText(start: string, end: string, today: string): string {
  return `${dayLabel(dateOf(start), today)} ${timeRange(start, end)}`;
}

/**
 * The store's calendar date at `now`, read in the offset a time of that store is written in
 * ("+08:00"; "Z" is UTC): the store's today whatever the phone's zone.
 * @example storeDate('2026-11-26T10:00:00+08:00', new Date('2026-11-25T16:30:00Z')) // => '2026-11-26'
 */
export function storeDate(iso: string, now: Date): string {
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso);
  return storeToday(now, m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0);
}

/**
 * A check-in code as the staff desk lists it: the first 2 characters, the rest hidden (the code is
 * the customer's to show at the counter, not for every staff phone to read out).
 * @example maskedCode('ABCD2345') // => 'AB••••••'
 */
export const maskedCode = (code: string): string => code.slice(0, 2) + '•'.repeat(Math.max(0, code.length - 2));

/** The staff desk opened by someone who is no store's staff: what it says, and the way on. */
export const NOT_STAFF_PAGE = { title: '你还不是任何门店的店员', note: '请联系管理员把你加为门店店员', action: '去附近看看' } as const;

/** A booking's slot against its store's today: "今天 10:00–11:00" in the store's zone, not the phone's. */
export const bookingWhen = (b: { start: string; end: string }, now: Date): string => slotText(b.start, b.end, storeDate(b.start, now));

/**
 * Start and end of a slot; an end on a later day reads "次日".
 * @example timeRange('2026-11-25T23:30:00+08:00', '2026-11-26T00:30:00+08:00') // => '23:30–次日00:30'
 */
export function timeRange(start: string, end: string): string {
  return `${clockOf(start)}–${dateOf(end) > dateOf(start) ? '次日' : ''}${clockOf(end)}`;
}

/**
 * One opening interval: "08:00–20:00", overnight "22:00–次日02:00", a whole day "全天".
 * @example hoursSpan({ day: 5, open: '22:00', close: '02:00' }) // => '22:00–次日02:00'
 */
export function hoursSpan(h: Pick<OpeningHours, 'open' | 'close'>): string {
  const minutes = durationMin({ day: 1, open: h.open, close: h.close });
  if (minutes >= 1440) return '全天';
  return `${h.open}–${h.close <= h.open ? '次日' : ''}${h.close}`;
}

/**
 * A week of opening hours in lines, Monday first, days with the same hours joined:
 * "周一至周五 08:00–20:00", "周六、周日 10:00–次日02:00", "周二 休息".
 * @example hoursLines([{ day: 1, open: '08:00', close: '21:00' }, { day: 2, open: '08:00', close: '21:00' }])
 * // => ['周一、周二 08:00–21:00', '周三至周日 休息']
 */
export function hoursLines(hours: readonly OpeningHours[]): string[] {
  const byDay: string[] = [];
  for (let d = 1; d <= 7; d++) {
    const spans = hours
      .filter((h) => h.day === d)
      .sort((a, b) => a.open.localeCompare(b.open))
      .map(hoursSpan);
    byDay[d] = spans.length ? spans.join('，') : '休息';
  }
  const lines: string[] = [];
  let start = 1;
  for (let d = 2; d <= 8; d++) {
    if (d === 8 || byDay[d] !== byDay[start]) {
      const end = d - 1;
      const first = isoWeekdayName(start);
      const days = start === end ? first : end === start + 1 ? `${first}、${isoWeekdayName(end)}` : `${first}至${isoWeekdayName(end)}`;
      lines.push(`${days} ${byDay[start]}`);
      start = d;
    }
  }
  return lines;
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const DAY_MS = 86_400_000;

/** A colour of a status, named as app.wxss's tag classes (`tag-success`, …): the words say the state too. */
export type Tone = 'success' | 'warning' | 'danger' | 'muted' | 'info';

/** A store's open state in words. */
export interface OpenStateWording {
  /** 营业中 / 已打烊 */
  state: string;
  /** "20:00 打烊", "明天 08:30 营业", "周六 10:00 营业", "12-05 10:00 营业", "24 小时营业", "暂停营业". */
  next: string;
  /** The two in one line: "营业中 · 20:00 打烊", "已打烊 · 明天 08:30 营业", "暂停营业". */
  text: string;
  tone: 'success' | 'muted';
}

/**
 * A store's open state as the contract gives it (`open`, `nextChange` in the store's offset).
 * Days are counted in the store's offset: "today" is the store's today.
 * @example openStateWording(true, '2026-11-25T20:00:00+08:00', new Date('2026-11-25T04:00:00Z')).text // => '营业中 · 20:00 打烊'
 * @example openStateWording(false, '2026-11-26T08:30:00+08:00', new Date('2026-11-25T14:00:00Z')).text // => '已打烊 · 明天 08:30 营业'
 */
export function openStateWording(open: boolean, nextChange: string | null, now: Date): OpenStateWording {
  const state = open ? '营业中' : '已打烊';
  const tone = open ? 'success' : 'muted';
  if (nextChange === null)
    return open ? { state, next: '24 小时营业', text: '营业中 · 24 小时营业', tone } : { state, next: '暂停营业', text: '暂停营业', tone };
  const m = ISO.exec(nextChange);
  if (!m) return { state, next: '', text: state, tone };
  const offsetMin = m[3] === 'Z' ? 0 : (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 60 + Number(m[6]));
  const storeToday = new Date(now.getTime() + offsetMin * 60_000).toISOString().slice(0, 10);
  const days = Math.round((Date.parse(`${m[1]}T00:00:00Z`) - Date.parse(`${storeToday}T00:00:00Z`)) / DAY_MS);
  let when = '';
  if (days === 1) when = '明天 ';
  else if (days >= 2 && days < 7) when = `${weekdayOf(m[1])} `;
  else if (days >= 7 || days < 0) when = `${zh(m[1]).format('MM-DD')} `;
  const next = `${when}${m[2]} ${open ? '打烊' : '营业'}`;
  return { state, next, text: `${state} · ${next}`, tone };
}

/** A booking status: `text` for the customer, `short` where room is scarce (the staff rows), a colour. */
export interface StatusWording {
  text: string;
  short: string;
  tone: Tone;
}

export const BOOKING_STATUS: Readonly<Record<BookingStatus, StatusWording>> = {
  pending: { text: '待门店确认', short: '待确认', tone: 'warning' },
  confirmed: { text: '已确认', short: '已确认', tone: 'success' },
  checked_in: { text: '已到店', short: '已到店', tone: 'info' },
  cancelled: { text: '已取消', short: '已取消', tone: 'muted' },
  rejected: { text: '门店已拒绝', short: '已拒绝', tone: 'danger' },
  no_show: { text: '未到店', short: '未到店', tone: 'muted' },
};

/** The wording of a status, a status unknown to this build reading as itself. */
export function bookingStatus(status: string): StatusWording {
  return (BOOKING_STATUS as Record<string, StatusWording | undefined>)[status] || { text: status, short: status, tone: 'muted' };
}

/** What a booking's result tells the customer about staff. */
export function bookingOutcome(status: BookingStatus): { title: string; note: string } {
  if (status === 'pending') return { title: '已提交，待门店确认', note: '门店确认后预约生效，可在「我的预约」查看状态' };
  if (status === 'confirmed') return { title: '预约成功', note: '门店已确认，请按时到店' };
  return { title: bookingStatus(status).text, note: '' };
}

/** Reasons staff pick from to turn a booking down (at most 50 characters each, as `reject` takes). */
export const REJECT_REASONS = ['设备故障，暂停服务', '临时闭店', '该时段人数已满', '人手不足', '门店包场活动'] as const;

/** The desk's status filter: all, or one status group. */
export const DESK_FILTERS = [
  { key: 'all', label: '全部' },
  { key: 'pending', label: '待确认' },
  { key: 'confirmed', label: '已确认' },
  { key: 'checked_in', label: '已到店' },
  { key: 'closed', label: '取消/拒绝/未到' },
] as const;

/**
 * What the store page says when the customer's no-shows stop them booking, before they try (the
 * time on the phone's clock of China, `offsetMin` east of UTC).
 * @example noShowNotice('2026-12-05T03:00:00.000Z', 3) // => '近 30 天内 3 次预约未到店，12-05 11:00 后才能再预约'
 */
export function noShowNotice(until: string, count: number, offsetMin = 480): string {
  const local = new Date(Date.parse(until) + offsetMin * 60_000).toISOString();
  return `近 30 天内 ${count} 次预约未到店，${local.slice(5, 10)} ${local.slice(11, 16)} 后才能再预约`;
}

/** Sentences the pages show that carry a rule's number. */
export const HINTS = {
  checkIn: `到店后向店员出示核销码（开始前 ${CHECK_IN_OPENS_MIN} 分钟起可核销）`,
  bookingLimit: `每人最多同时有 ${MAX_UPCOMING_BOOKINGS} 个待到店的预约`,
  bookingDays: `可预约今天起 ${BOOKING_DAYS} 天内的时段`,
  unlockDistance: `请走到车旁 ${MAX_UNLOCK_DISTANCE_M} 米内扫码开锁`,
  codeInput: `输入 ${CODE_LENGTH} 位核销码`,
} as const;

/**
 * Reminders (subscribe messages): what a page says next to the tap that asks WeChat's dialog, so
 * the dialog is expected; the numbers are the reminders timer's.
 */
export const REMINDER_NOTE = {
  booking: `确认后可选择接收提醒：门店确认或无法接待时、开始前 ${BOOKING_REMINDER_LEAD_MIN} 分钟`,
  billDue: `到期前 ${BILL_REMINDER_DAYS_BEFORE} 天提醒我`,
} as const;

/**
 * What a page opened from a message (`?bookingId=`) says when that booking is not simply upcoming.
 * Each has a way on: the list below it, and a button.
 */
export const MESSAGE_TARGET = {
  cancelled: { title: '这个预约已取消', note: '如需到店，请重新预约', action: '重新预约' },
  ended: { title: '这个预约已结束', note: '', action: '' },
  checkedIn: { title: '这个预约已到店核销', note: '', action: '' },
  missing: { title: '找不到这个预约', note: '它可能不属于当前微信账号', list: '下面是你的全部预约', action: '去附近看看' },
} as const;

/** What a slot reads in the picker. */
export const SLOT_NOTE = {
  past: '已过',
  full: '已约满',
  closed: '不可约',
  mine: '你已预约',
  left: (remaining: number) => `余 ${remaining}`,
} as const;

/** Why a tap on a slot that cannot be booked does not open the confirmation (said as a toast). */
export const SLOT_WHY = {
  past: '这个时段已开始，请选择其他时段',
  full: '这个时段已约满，请选择其他时段',
  closed: '这个时段不接受预约，请选择其他时段',
} as const;

/** What a refusal is about: it decides the words of NOT_FOUND and INVALID_ARGUMENT. */
export type RefusalSubject = 'booking' | 'cancel' | 'confirm' | 'checkIn' | 'store' | 'unlock' | 'ride' | 'bind' | 'bill' | 'reserve' | 'report';

export interface RefusalContext {
  subject?: RefusalSubject;
  /** The bike's code, for unlock refusals. */
  bikeCode?: string;
  /** How far the rider stands from the bike, for TOO_FAR. */
  distanceM?: number | null;
  /** The surcharge of parking outside a zone, for OUTSIDE_PARKING_ZONE. */
  surchargeFen?: number;
}

/** Reasons whose words need no context. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  // bookings.create
  TOO_MANY_BOOKINGS: `你已有 ${MAX_UPCOMING_BOOKINGS} 个待到店的预约，请先完成或取消后再约`,
  SLOT_FULL: '这个时段刚刚约满了，请换一个时段',
  ALREADY_BOOKED: '你已经预约了这个时段',
  OUTSIDE_HOURS: '这个时段不在营业时间内',
  OFF_GRID: '这个时段不在门店的时段表上，请重新选择',
  SLOT_STARTED: '这个时段已经开始，不能再预约',
  TOO_FAR_AHEAD: `只能预约今天起 ${BOOKING_DAYS} 天内的时段`,
  // bookings.cancel / confirm / checkIn
  STARTED: '时段已开始，不能取消了',
  NOT_OWNER: '这不是你的预约',
  ALREADY_CONFIRMED: '这条预约已经确认过了',
  TOO_EARLY: `还没到核销时间：开始前 ${CHECK_IN_OPENS_MIN} 分钟起才能核销`,
  TOO_LATE: '这个预约的时段已经结束',
  ALREADY_CHECKED_IN: '这个预约已经到店核销过了',
  CANCELLED: '这个预约已经取消了',
  REJECTED: '门店已拒绝这个预约',
  NO_SHOW: '这个预约已标记为未到店',
  NOT_ENDED: '时段结束后才能标记未到店',
  NO_SHOWS: '近 30 天内 3 次预约未到店，暂时不能预约',
  PARTY_TOO_LARGE: '人数超过了这个时段的容量',
  NOT_STAFF: '你不是这家门店的店员',
  WRONG_STORE: '这不是本店的预约，请让顾客确认门店',
  // rides
  ACTIVE_RIDE: '你有一段进行中的骑行，请先还车',
  UNPAID_BILL: '你有未支付的骑行账单，支付后才能开始新的骑行',
  LOCK_FAILED: '车锁没有响应，请重试或换一辆车',
  RIDE_NOT_ACTIVE: '这段骑行已经结束了',
  BIKE_RESERVED: '这辆车已被其他人预约，请换一辆',
  TOO_MANY_RESERVATIONS: `今天已有 ${MAX_LAPSES_A_DAY} 次预约超时未用车，明天再来预约吧`,
  // bills
  TOO_MANY_BINDS: `一小时内绑定失败已达 ${BIND_FAILURE_LIMIT} 次，请一小时后再试`,
  ALREADY_PAID: '这张账单已经支付过了',
  NOT_PAYABLE: '这张账单暂不支持在线支付，请到营业厅缴纳',
  PAYMENTS_UNAVAILABLE: '在线支付暂未开通，请稍后再试',
  PAY_FAILED: '微信支付暂时没有受理，请稍后重试',
  // the phone could not reach the service (services/api.ts)
  UNREACHABLE: '无法连接服务器，请检查网络后重试',
};

const NOT_FOUND_TEXT: Readonly<Record<RefusalSubject, string>> = {
  booking: '找不到这家门店，它可能已经关闭',
  store: '找不到这家门店，它可能已经关闭',
  cancel: '找不到这条预约',
  confirm: '找不到这条预约',
  checkIn: '没有找到这个核销码对应的预约',
  unlock: '没有找到这辆单车，请核对车身编号',
  reserve: '没有找到这辆单车',
  report: '没有找到这辆单车，请核对车身编号',
  ride: '找不到这段骑行',
  bind: '户号或户主姓名不正确，请核对缴费单上的信息',
  bill: '找不到这张账单，它可能属于已解绑的户号',
};

/**
 * The area a bike is returned in (the blue area on the map): 停车区, on every page and refusal.
 * A 停车点 is the station itself, a place on the map, never the zone (issue 16: the refusal said the zone with it).
 */
export const PARKING_ZONE = '停车区';

/**
 * The words for a refused call: by its reason first, then by its code and what it was about.
 * @example refusalText({ code: 'FAILED_PRECONDITION', message: '…', reason: 'TOO_MANY_BOOKINGS' }) // => '你已有 5 个待到店的预约，请先完成或取消后再约'
 */
export function refusalText(error: AppError, ctx: RefusalContext = {}): string {
  const subject = ctx.subject;
  switch (error.reason) {
    case 'TOO_FAR': {
      const d = ctx.distanceM;
      if (subject === 'reserve') return `离车太远，只能预约 ${MAX_RESERVE_DISTANCE_M} 米内的单车`;
      return `离车太远${typeof d === 'number' && Number.isFinite(d) ? `（约 ${Math.round(d)} 米）` : ''}，请走到车旁 ${MAX_UNLOCK_DISTANCE_M} 米内再开锁`;
    }
    case 'BIKE_UNAVAILABLE':
      return `${ctx.bikeCode ? `单车 ${ctx.bikeCode} ` : '这辆车'}暂不可用（维修中或正被使用），请换一辆`;
    case 'OUTSIDE_PARKING_ZONE':
      return `这里不在${PARKING_ZONE}内${ctx.surchargeFen ? `，在此还车将加收 ${yuan(ctx.surchargeFen)}` : ''}`;
    case 'TOO_LATE':
      return subject === 'confirm' ? '这个时段已经结束，不能再确认' : subject === 'checkIn' ? '这个预约的时段已经结束，不能核销' : REASON_TEXT.TOO_LATE;
  }
  const byReason = error.reason ? REASON_TEXT[error.reason] : undefined;
  if (byReason) return byReason;
  switch (error.code) {
    case 'NOT_FOUND':
      return subject ? NOT_FOUND_TEXT[subject] : '要找的内容不存在或已删除';
    case 'ALREADY_EXISTS':
      if (subject === 'reserve') return '你已预约了一辆车，请先取消再预约';
      if (subject === 'report') return '今天你已经报修过这辆车了，谢谢';
      return subject === 'booking' ? REASON_TEXT.ALREADY_BOOKED : '已经存在，不用重复提交';
    case 'UNAUTHENTICATED':
      return '请先登录微信后再试';
    case 'PERMISSION_DENIED':
      return subject === 'checkIn' || subject === 'confirm' ? REASON_TEXT.NOT_STAFF : '你没有权限这样做';
    case 'INVALID_ARGUMENT':
      if (subject === 'checkIn') return `这不是预约核销码：核销码是 ${CODE_LENGTH} 位字母和数字`;
      if (subject === 'unlock') return '这不是单车的二维码，请扫描车身上的二维码';
      if (subject === 'bind') return '户号格式不正确，请核对缴费单上的户号';
      // The booking sheet's own fields (the contract names the field first).
      if (/^contact\.phone:/.test(error.message)) return '请填写 11 位手机号（联系人和手机需一起填写）';
      if (/^contact\.name:/.test(error.message)) return '请填写联系人称呼（最多 20 个字）';
      if (/^note:/.test(error.message)) return '备注最多 100 个字';
      return '提交的内容有误，请返回重试';
    case 'RESOURCE_EXHAUSTED':
      return '操作太频繁，请稍后再试';
  }
  return '出了点问题，请稍后重试';
}

// ---------------------------------------------------------------------------------------------
// Bills (the packageBill pages, the ride summary's and the unlock refusal's "去支付")

/** What each kind of bill is called. */
export const BILL_TYPE_NAME: Readonly<Record<BillType, string>> = { ...TYPE_BILLER_NAME, ride: '骑行费' };
/** What each utility is called on the bind form. */
export const ACCOUNT_TYPE_NAME: Readonly<Record<AccountType, string>> = { water: '水', electricity: '电', gas: '燃气' };

/**
 * The bind form's hint for an account number: the company's own (where it is printed), else what
 * any number looks like.
 * @example accountNoHint({ accountNoHint: '见账单右上角“户号”，8 位数字' }) // => '见账单右上角“户号”，8 位数字'
 * @example accountNoHint('electricity') // => '电费户号见缴费单，4–32 位字母、数字或 -'
 */
export function accountNoHint(biller: { accountNoHint?: string } | AccountType): string {
  if (typeof biller !== 'string') return biller.accountNoHint ?? '户号见缴费单，4–32 位字母、数字或 -';
  return `${BILL_TYPE_NAME[biller]}户号见缴费单，4–32 位字母、数字或 -`;
}

/** The bind flow and the households (packageBill/pages/accounts). */
export const BIND_TEXT = {
  bound: '绑定成功',
  /** A repeated bind: the account was already the caller's, nothing changed. */
  alreadyBound: '已绑定',
  noLabel: '未分组',
  noCompany: '这个城市暂未开通该类缴费',
  labels: ['我家', '父母家', '租的房子'] as readonly string[],
  locating: '正在定位…',
  located: '已按当前位置选择城市',
  locationOff: '未开启定位，请手动选择城市',
};

/** A bill period: "2026-10" → "2026年10月", "2026-09/2026-10" → "2026年9–10月". */
export function periodText(period: string | undefined): string {
  if (!period) return '';
  const [from, to] = period.split('/');
  const month = (p: string) => Number(p.slice(5, 7));
  if (!to) return `${from.slice(0, 4)}年${month(from)}月`;
  if (to.slice(0, 4) === from.slice(0, 4)) return `${from.slice(0, 4)}年${month(from)}–${month(to)}月`;
  return `${from.slice(0, 4)}年${month(from)}月–${to.slice(0, 4)}年${month(to)}月`;
}

/** A bill's title: "水费 · 31000001", "骑行费". */
export function billTitle(bill: { type: BillType; accountNo?: string }): string {
  return bill.type === 'ride' || !bill.accountNo ? BILL_TYPE_NAME[bill.type] : `${BILL_TYPE_NAME[bill.type]} · ${bill.accountNo}`;
}

/**
 * A bill's status in words and colour, with its due date against `today` ("YYYY-MM-DD" in the
 * city's zone): a ride bill is due at once, a utility bill by its due date, overdue after it.
 * @example billStatusWording({ status: 'unpaid', type: 'water', dueDate: '2026-11-15' }, '2026-11-20').text // => '已逾期 · 11月15日到期'
 */
export function billStatusWording(
  bill: { status: 'unpaid' | 'paid'; type: BillType; dueDate?: string; paidAt?: string },
  today: string,
): StatusWording & { due: string } {
  if (bill.status === 'paid') return { text: '已支付', short: '已支付', tone: 'success', due: '' };
  if (bill.type === 'ride' || !bill.dueDate) return { text: '待支付', short: '待支付', tone: 'warning', due: '' };
  const due = `${Number(bill.dueDate.slice(5, 7))}月${Number(bill.dueDate.slice(8, 10))}日到期`;
  if (bill.dueDate < today) return { text: `已逾期 · ${due}`, short: '已逾期', tone: 'danger', due };
  return { text: `待支付 · ${due}`, short: '待支付', tone: 'warning', due };
}

/** Where a payment stands on the bill page. */
export const PAY_TEXT = {
  paying: '正在调起微信支付…',
  confirming: '确认中…',
  confirmingNote: '微信支付已完成，正在等待支付结果',
  unconfirmed: '暂未确认到账',
  unconfirmedNote: '如已付款，结果会在几分钟内更新，请勿重复支付；可稍后在「生活缴费」查看',
  cancelled: '已取消支付，账单仍待支付',
  paid: '已支付',
  failed: '支付没有完成，请稍后重试',
} as const;

/**
 * A time as the receipt shows it, in the city's offset: "2026-11-25 09:30".
 * @example paidAtText('2026-11-25T01:30:00.000Z', 480) // => '2026-11-25 09:30'
 */
export function paidAtText(iso: string | undefined, offsetMin: number): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const local = new Date(t + offsetMin * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** Finding a place (the nearby page's search box and 选择位置; issue 16). */
export const FIND_TEXT = {
  placeholder: '搜索门店名称或地址',
  recent: '最近搜索',
  clearRecent: '清除',
  cancel: '取消',
  choose: '选择位置',
  backToMe: '回到我的位置',
  /** The results line: `搜索“咖啡”的结果`. */
  results: (q: string) => `搜索“${q}”的结果`,
  noResults: (q: string) => `没有找到与“${q}”相关的门店`,
  noStations: (q: string) => `没有找到与“${q}”相关的停车点`,
  chosen: (name: string) => `正在显示“${name}”附近，距离从该位置算起`,
  tooLong: '搜索内容最多 40 个字',
} as const;

/** Where a distance is measured from when it is not from the user (it says so: never "380 m" from somewhere unsaid). */
export const DISTANCE_FROM = {
  city: '距市中心',
  chosen: '距所选位置',
  /** The store page's distance, from the located user (a shared link opens there first). */
  user: '距你',
} as const;

/** The store page's details and its Moments (朋友圈) read-only view. */
export const STORE_TEXT = {
  call: '电话',
  photos: '门店照片',
  services: '门店服务',
  /** In Moments' single-page mode: WeChat's own bar below offers 前往小程序. */
  momentsNote: '在朋友圈中只能浏览门店信息。预约到店请点击下方“前往小程序”。',
} as const;

/** One word per idea across the nearby sheet and the store page (issue 16: each had two wordings; the old ones are gone, tests/miniprogram/wording-usage.test.ts). */
export const PLACE_WORDS = {
  share: '分享给朋友',
  book: '预约到店',
} as const;

/** The household accounts page and the button that opens it, in the same words (issue 16: the title said it the other way round). */
export const MANAGE_ACCOUNTS = '管理户号';

/**
 * A page's failed load, in one wording that says what failed (issue 16: some pages said only that the load failed).
 * @example loadFailed('账单') // => '账单没有加载出来'
 */
export const loadFailed = (what: string): string => `${what}没有加载出来`;

// ---------------------------------------------------------------------------------------------
// Reservations, fault reports, the ride history (issue 17)

/** What each fault category is called on the report sheet. */
export const REPORT_CATEGORY_NAME: Readonly<Record<ReportCategory, string>> = {
  brake: '刹车',
  tyre: '轮胎',
  chain: '链条',
  lock: '车锁',
  qrcode: '二维码',
  other: '其他',
};

/**
 * The time left of a reservation, in words (a countdown, never read as a time of day).
 * @example holdLeft('2026-11-25T00:10:00Z', new Date('2026-11-25T00:00:28Z')) // => '9 分 32 秒'
 */
export function holdLeft(until: string, now: Date): string {
  const s = Math.max(0, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
  return `${Math.floor(s / 60)} 分 ${String(s % 60).padStart(2, '0')} 秒`;
}

/** The reservation banner's line. */
export const holdBannerText = (bikeCode: string, until: string, now: Date): string => `已预约单车 ${bikeCode} · 还剩 ${holdLeft(until, now)}`;

/** What the bike sheet says of reserving. */
export const RESERVE_HINT = `免费保留 ${RESERVATION_MINUTES} 分钟，${MAX_RESERVE_DISTANCE_M} 米内可约`;
