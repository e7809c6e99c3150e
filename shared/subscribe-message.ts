/**
 * Subscribe messages: what each of our templates says, within WeChat's field limits.
 * Pure: no wx, no I/O; time zones are arguments.
 *
 * A template's fields are named by WeChat's console (`{{thing1.DATA}}`, `{{time2.DATA}}`): the
 * keyword's prefix is its type, its number is the position in the template the operator picked.
 * Our builders speak of facts (`store`, `start`, `code`); a field map (configuration, see
 * `parseFieldMap` and docs/reminders.md) says which keyword each fact goes to, and the keyword's
 * type must accept the fact's kind. A fact the map leaves out is not sent.
 *
 * Limits (WeChat, "订阅消息参数值内容限制"): `thing` ≤ 20 characters, `character_string` ≤ 32
 * digits, letters or symbols, `phrase` ≤ 5 Chinese characters, `amount` a currency symbol and
 * ≤ 10 digits (decimals allowed), `time` 24-hour ("2019年10月1日 15:01" or dashes), `date` a
 * date ("2018-01-01"). No control characters anywhere. A value out of its limits makes the whole
 * send fail with 47003, so values are cut here, never on WeChat's side.
 */
import { TYPE_BILLER_NAME, type AccountType } from './bills';
import { PAGES } from './pages';
import { wallClock } from './time';

export const TEMPLATE_KEYS = ['bookingReminder', 'bookingConfirmed', 'billDue', 'bookingChanged', 'newBooking'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const isTemplateKey = (key: string): key is TemplateKey => (TEMPLATE_KEYS as readonly string[]).includes(key);

/** `data` as `subscribeMessage.send` takes it: `{ thing1: { value: '...' } }`. */
export type TemplateData = Record<string, { value: string }>;

/** A message ready for a messenger: which template, the page its tap opens (with query), the data. */
export interface SubscribeMessage {
  templateKey: TemplateKey;
  page: string;
  data: TemplateData;
}

// ---------------------------------------------------------------------------------------------
// Field values

export const THING_MAX_CHARS = 20;
export const CHARACTER_STRING_MAX_CHARS = 32;
export const PHRASE_MAX_CHARS = 5;
export const AMOUNT_MAX_DIGITS = 10;

const ELLIPSIS = '…';

/** Control characters, line and paragraph separators: WeChat refuses them; one space each run. */
const CONTROL_RUNS = /[\p{Cc}\u2028\u2029]+/gu;

type Segmenter = { segment(text: string): Iterable<{ segment: string }> };
type SegmenterConstructor = new (locale: string, options: { granularity: 'grapheme' }) => Segmenter;
// Not in the mini program's ES2020 lib, and absent from older runtimes: looked up, not assumed.
const SegmenterCtor = (Intl as unknown as { Segmenter?: SegmenterConstructor }).Segmenter;
const graphemeSegmenter: Segmenter | null = SegmenterCtor ? new SegmenterCtor('zh', { granularity: 'grapheme' }) : null;

/** User-perceived characters (a flag or a family emoji is one), so a cut never splits one. */
function graphemes(text: string): string[] {
  if (graphemeSegmenter) return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
  return Array.from(text);
}

/** Characters as WeChat's limits count them: code points (an emoji is one, never half a surrogate pair). */
export const charCount = (text: string): number => Array.from(text).length;

/**
 * The text cut to at most `maxChars` code points, ending in "…" when cut. Whole graphemes only:
 * an emoji sequence that would not fit whole is left out whole.
 * @example truncateChars('上海市静安区南京西路一千八百八十八号旗舰店', 10) // => '上海市静安区南京西…'
 */
export function truncateChars(text: string, maxChars: number): string {
  if (charCount(text) <= maxChars) return text;
  let kept = '';
  let count = 0;
  for (const g of graphemes(text)) {
    const n = charCount(g);
    if (count + n > maxChars - 1) break;
    kept += g;
    count += n;
  }
  return kept + ELLIPSIS;
}

const clean = (text: string): string => text.replace(CONTROL_RUNS, ' ').trim();

/**
 * A `thing` value: any text, at most 20 characters, cut with "…"; "-" for nothing (empty is 47003).
 * @example thingValue('老王家手工水饺（静安寺店）') // => '老王家手工水饺（静安寺店）'
 */
export function thingValue(text: string): string {
  const cleaned = clean(text);
  return cleaned === '' ? '-' : truncateChars(cleaned, THING_MAX_CHARS);
}

/**
 * A `time` value: the instant's wall clock in the zone, "YYYY-MM-DD HH:mm" (24-hour).
 * @example timeValue(new Date('2026-11-25T02:30:00Z'), 'Asia/Shanghai') // => '2026-11-25 10:30'
 */
export function timeValue(at: Date, timezone: string): string {
  if (!Number.isFinite(at.getTime())) throw new Error('timeValue: not a valid instant');
  const wall = wallClock(at, timezone);
  const hh = String(Math.floor(wall.minuteOfDay / 60)).padStart(2, '0');
  const mm = String(wall.minuteOfDay % 60).padStart(2, '0');
  return `${wall.date} ${hh}:${mm}`;
}

/**
 * A `date` value from a calendar date "YYYY-MM-DD" (a bill's due date has no time of day).
 * @example dateValue('2026-12-05') // => '2026-12-05'
 */
export function dateValue(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`dateValue: "${date}" is not YYYY-MM-DD`);
  return date;
}

/**
 * An `amount` value from integer fen: "¥" and yuan with two decimals, at most 10 digits.
 * @example amountValue(1234) // => '¥12.34'
 */
export function amountValue(amountFen: number): string {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new Error(`amountValue: ${amountFen} is not a whole, non-negative number of fen`);
  const yuan = `${Math.floor(amountFen / 100)}.${String(amountFen % 100).padStart(2, '0')}`;
  if (yuan.replace('.', '').length > AMOUNT_MAX_DIGITS) throw new Error(`amountValue: ${amountFen} fen has more than ${AMOUNT_MAX_DIGITS} digits`);
  return `¥${yuan}`;
}

/**
 * A `character_string` value: digits, letters and ASCII symbols only (others dropped), at most 32.
 * @example characterStringValue('K7Q-2M9') // => 'K7Q-2M9'
 */
export function characterStringValue(text: string): string {
  const kept = text.replace(/[^\x21-\x7e]/g, '').slice(0, CHARACTER_STRING_MAX_CHARS);
  return kept === '' ? '-' : kept;
}

/**
 * A `phrase` value: 1 to 5 Chinese characters. Our phrases are constants, so another is a bug.
 * @example phraseValue('已确认') // => '已确认'
 */
export function phraseValue(text: string): string {
  if (!/^\p{Script=Han}{1,5}$/u.test(text)) throw new Error(`phraseValue: "${text}" is not 1 to ${PHRASE_MAX_CHARS} Chinese characters`);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Templates: their facts, the kinds of those facts, and the keyword types each kind may fill

export type FactKind = 'thing' | 'time' | 'date' | 'amount' | 'character_string' | 'phrase';

/** Which WeChat keyword types can show a fact of each kind (a `time` also reads as a `date` with a time). */
const KEYWORD_TYPES_FOR: Record<FactKind, readonly string[]> = {
  thing: ['thing'],
  time: ['time', 'date'],
  date: ['date'],
  amount: ['amount'],
  character_string: ['character_string'],
  phrase: ['phrase'],
};

/** The facts each template can carry, and their kinds. */
export const TEMPLATE_FACTS = {
  bookingReminder: { store: 'thing', start: 'time', code: 'character_string', note: 'thing' },
  bookingConfirmed: { store: 'thing', start: 'time', status: 'phrase', code: 'character_string' },
  billDue: { account: 'thing', amount: 'amount', due: 'date', note: 'thing' },
  bookingChanged: { store: 'thing', start: 'time', status: 'phrase', reason: 'thing' },
  newBooking: { store: 'thing', start: 'time', party: 'thing', contact: 'thing', note: 'thing' },
} as const satisfies Record<TemplateKey, Record<string, FactKind>>;

export type FactOf<K extends TemplateKey> = keyof (typeof TEMPLATE_FACTS)[K] & string;

/** Fact name -> WeChat keyword (`thing1`, `time2`, ...), for one template. */
export type FieldMap<K extends TemplateKey = TemplateKey> = Partial<Record<FactOf<K>, string>>;
export type FieldMaps = { [K in TemplateKey]: FieldMap<K> };

/**
 * Field maps for templates from WeChat's public library laid out in this order. Real templates
 * number their keywords as the operator picked them: set `WECHAT_TEMPLATE_<KEY>_FIELDS` from the
 * console's template details (docs/reminders.md).
 */
export const DEFAULT_FIELD_MAPS: FieldMaps = {
  bookingReminder: { store: 'thing1', start: 'time2', code: 'character_string3', note: 'thing4' },
  bookingConfirmed: { store: 'thing1', start: 'time2', status: 'phrase3', code: 'character_string4' },
  billDue: { account: 'thing1', amount: 'amount2', due: 'date3', note: 'thing4' },
  bookingChanged: { store: 'thing1', start: 'time2', status: 'phrase3', reason: 'thing4' },
  newBooking: { store: 'thing1', start: 'time2', party: 'thing3', contact: 'thing4', note: 'thing5' },
};

const KEYWORD = /^([a-z]+(?:_[a-z]+)*?)(\d+)$/;

/**
 * Reads a field map written `fact=keyword,...` (e.g. "store=thing1,start=time2"), checking every
 * fact belongs to the template, every keyword's type can show the fact, and no keyword is used twice.
 * @example parseFieldMap('billDue', 'account=thing1,amount=amount2,due=date3') // => { ok: true, map: { account: 'thing1', amount: 'amount2', due: 'date3' } }
 */
export function parseFieldMap<K extends TemplateKey>(key: K, text: string): { ok: true; map: FieldMap<K> } | { ok: false; message: string } {
  const facts: Record<string, FactKind> = TEMPLATE_FACTS[key];
  const map: Record<string, string> = {};
  const used = new Set<string>();
  const pairs = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (pairs.length === 0) return { ok: false, message: 'names no field (expected "fact=keyword,...")' };
  for (const pair of pairs) {
    const [fact, keyword, extra] = pair.split('=').map((s) => s.trim());
    if (!fact || !keyword || extra !== undefined) return { ok: false, message: `"${pair}" is not fact=keyword` };
    const kind = facts[fact];
    if (kind === undefined) return { ok: false, message: `"${fact}" is not a fact of ${key} (${Object.keys(facts).join(', ')})` };
    if (fact in map) return { ok: false, message: `"${fact}" is mapped twice` };
    const match = KEYWORD.exec(keyword);
    if (!match) return { ok: false, message: `"${keyword}" is not a WeChat keyword such as thing1` };
    if (!KEYWORD_TYPES_FOR[kind].includes(match[1])) return { ok: false, message: `"${fact}" is a ${kind} and cannot go in "${keyword}" (a ${match[1]})` };
    if (used.has(keyword)) return { ok: false, message: `"${keyword}" is used twice` };
    used.add(keyword);
    map[fact] = keyword;
  }
  return { ok: true, map: map as FieldMap<K> };
}

/** The formatted facts renamed to the template's keywords; facts the map leaves out are dropped. */
function templateData<K extends TemplateKey>(values: Record<FactOf<K>, string>, map: FieldMap<K>): TemplateData {
  const data: TemplateData = {};
  for (const fact of Object.keys(values) as FactOf<K>[]) {
    const keyword = map[fact];
    if (keyword !== undefined) data[keyword] = { value: values[fact] };
  }
  return data;
}

/**
 * Why WeChat would refuse a value in a keyword of its type (47003), or null when it fits. Types
 * we never send (`number`, `name`, ...) are only checked for emptiness and control characters.
 * @example fieldProblem('thing1', '一二三四五六七八九十一二三四五六七八九十一') // => 'thing1: 21 characters, more than 20'
 */
export function fieldProblem(keyword: string, value: unknown): string | null {
  if (typeof value !== 'string') return `${keyword}: value is not a string`;
  if (value.trim() === '') return `${keyword}: value is empty`;
  if (/[\p{Cc}\u2028\u2029]/u.test(value)) return `${keyword}: value has control characters`;
  const type = KEYWORD.exec(keyword)?.[1];
  const n = charCount(value);
  switch (type) {
    case 'thing':
      return n <= THING_MAX_CHARS ? null : `${keyword}: ${n} characters, more than ${THING_MAX_CHARS}`;
    case 'character_string':
      if (!/^[\x21-\x7e]+$/.test(value)) return `${keyword}: only digits, letters and symbols`;
      return n <= CHARACTER_STRING_MAX_CHARS ? null : `${keyword}: ${n} characters, more than ${CHARACTER_STRING_MAX_CHARS}`;
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value) ? null : `${keyword}: not 1 to ${PHRASE_MAX_CHARS} Chinese characters`;
    case 'amount': {
      const m = /^[¥￥$](\d+)(?:\.(\d+))?元?$/.exec(value);
      if (!m) return `${keyword}: not a currency symbol and a number`;
      return (m[1] + (m[2] ?? '')).length <= AMOUNT_MAX_DIGITS ? null : `${keyword}: more than ${AMOUNT_MAX_DIGITS} digits`;
    }
    case 'time':
      return /^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}(:\d{2})?$/.test(value) || /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/.test(value)
        ? null
        : `${keyword}: not a 24-hour time`;
    case 'date':
      return /^\d{4}[-/.]\d{2}[-/.]\d{2}( \d{2}:\d{2})?$/.test(value) || /^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/.test(value)
        ? null
        : `${keyword}: not a date`;
    default:
      return type === undefined ? `${keyword}: not a WeChat keyword such as thing1` : null;
  }
}

/** Every field's problem, in the data's order; empty when WeChat would take the data. */
export const templateDataProblems = (data: TemplateData): string[] =>
  Object.entries(data).flatMap(([keyword, field]) => {
    const problem = fieldProblem(keyword, (field as { value?: unknown } | null)?.value);
    return problem === null ? [] : [problem];
  });

// ---------------------------------------------------------------------------------------------
// Pages a message opens (from a cold start: the query carries everything the page needs)

export const BOOKING_PAGE = PAGES.myBookings;
/** The bill page (shared/pages.ts). */
export const BILL_PAGE = PAGES.bill;

/** The staff desk: a `newBooking` message opens it on the booking's store and date. */
export const STAFF_PAGE = PAGES.staff;

/** @example staffPage('S001', '2026-11-25', 'bk_1') // => 'packageBooking/pages/staff/index?storeId=S001&date=2026-11-25&bookingId=bk_1' */
export const staffPage = (storeId: string, date: string, bookingId: string): string =>
  `${STAFF_PAGE}?storeId=${encodeURIComponent(storeId)}&date=${encodeURIComponent(date)}&bookingId=${encodeURIComponent(bookingId)}`;

/** @example bookingPage('b_1') // => 'packageBooking/pages/my-bookings/index?bookingId=b_1' */
export const bookingPage = (bookingId: string): string => `${BOOKING_PAGE}?bookingId=${encodeURIComponent(bookingId)}`;
/** @example billPage('bill_9') // => 'packageBill/pages/bill/index?billId=bill_9' */
export const billPage = (billId: string): string => `${BILL_PAGE}?billId=${encodeURIComponent(billId)}`;

// ---------------------------------------------------------------------------------------------
// The three messages

export interface BookingFacts {
  bookingId: string;
  storeName: string;
  /** The slot's start, ISO 8601 with an offset. */
  start: string;
  /** The store's IANA time zone: the time is written as the store's clock shows it. */
  timezone: string;
  code: string;
}

/** The store and the slot's start as the store's clock shows it: what every booking message opens with. */
const storeAndStart = (facts: BookingFacts) => ({ store: thingValue(facts.storeName), start: timeValue(new Date(facts.start), facts.timezone) });

/** A message of a template: its values laid into the keywords of the template's field map. */
function message<K extends TemplateKey>(templateKey: K, page: string, values: Record<FactOf<K>, string>, map: FieldMap<K>): SubscribeMessage {
  return { templateKey, page, data: templateData<K>(values, map) };
}

/** Minutes before the start at which the booking reminder goes (API.md, `reminders`). */
export const BOOKING_REMINDER_LEAD_MIN = 30;

/**
 * The reminder sent 30 minutes before a booking starts.
 * @example bookingReminderMessage({ bookingId: 'b1', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' }).data.time2 // => { value: '2026-11-25 10:00' }
 */
export function bookingReminderMessage(facts: BookingFacts, map: FieldMap<'bookingReminder'> = DEFAULT_FIELD_MAPS.bookingReminder): SubscribeMessage {
  const values = {
    ...storeAndStart(facts),
    code: characterStringValue(facts.code),
    note: thingValue(`${BOOKING_REMINDER_LEAD_MIN}分钟后开始，请凭签到码到店`),
  };
  return message('bookingReminder', bookingPage(facts.bookingId), values, map);
}

/**
 * The message sent when staff confirm a booking.
 * @example bookingConfirmedMessage({ bookingId: 'b1', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' }).data.phrase3 // => { value: '已确认' }
 */
export function bookingConfirmedMessage(facts: BookingFacts, map: FieldMap<'bookingConfirmed'> = DEFAULT_FIELD_MAPS.bookingConfirmed): SubscribeMessage {
  const values = {
    ...storeAndStart(facts),
    status: phraseValue('已确认'),
    code: characterStringValue(facts.code),
  };
  return message('bookingConfirmed', bookingPage(facts.bookingId), values, map);
}

/**
 * The message sent to the customer when staff reject the booking: the store, the time, and why.
 * @example bookingChangedMessage({ bookingId: 'b1', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9', reason: '设备检修' }).data.thing4 // => { value: '设备检修' }
 */
export function bookingChangedMessage(
  facts: BookingFacts & { reason: string },
  map: FieldMap<'bookingChanged'> = DEFAULT_FIELD_MAPS.bookingChanged,
): SubscribeMessage {
  const values = {
    ...storeAndStart(facts),
    status: phraseValue('门店已拒绝'),
    reason: thingValue(facts.reason),
  };
  return message('bookingChanged', bookingPage(facts.bookingId), values, map);
}

/**
 * The message sent to each staff member of the store when a booking waits for their confirmation.
 * The contact's name only (the phone is on the desk, a tap away).
 * @example newBookingMessage({ bookingId: 'b1', storeId: 'S1', slotDate: '2026-11-25', storeName: '静安店', start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9', partySize: 3, contactName: '李雷' }).data.thing3 // => { value: '3人' }
 */
export function newBookingMessage(
  facts: BookingFacts & { storeId: string; slotDate: string; partySize: number; contactName: string | null },
  map: FieldMap<'newBooking'> = DEFAULT_FIELD_MAPS.newBooking,
): SubscribeMessage {
  const values = {
    ...storeAndStart(facts),
    party: thingValue(`${facts.partySize}人`),
    contact: thingValue(facts.contactName ?? '未留联系人'),
    note: thingValue('新预约待确认，请在预约台处理'),
  };
  return message('newBooking', staffPage(facts.storeId, facts.slotDate, facts.bookingId), values, map);
}

export interface BillFacts {
  billId: string;
  accountType: AccountType;
  accountNo: string;
  amountFen: number;
  /** "YYYY-MM-DD", the utility's due date. */
  dueDate: string;
  /** "YYYY-MM-DD", the day the reminder goes (Asia/Shanghai): the note counts the days from it (a bill reminded late says so). */
  today?: string;
}

/** The note of a bill reminder: days left, due today, or days overdue (a bill imported or bound late). */
function billDueNote(dueDate: string, today: string | undefined): string {
  const days =
    today === undefined ? BILL_REMINDER_DAYS_BEFORE : Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days > 0) return `${days}天后到期，请及时缴费`;
  if (days === 0) return '今天到期，请及时缴费';
  return `已逾期${-days}天，请尽快缴费`;
}

/** Days before the due date on which the bill reminder goes (Asia/Shanghai calendar days). */
export const BILL_REMINDER_DAYS_BEFORE = 3;

/**
 * The reminder sent three days before a bill is due. The account number keeps its tail when cut:
 * that is the part people recognise.
 * @example billDueMessage({ billId: 'bill_1', accountType: 'electricity', accountNo: '3100123456', amountFen: 12345, dueDate: '2026-12-05' }).data.amount2 // => { value: '¥123.45' }
 */
export function billDueMessage(facts: BillFacts, map: FieldMap<'billDue'> = DEFAULT_FIELD_MAPS.billDue): SubscribeMessage {
  const label = `${TYPE_BILLER_NAME[facts.accountType]} 户号`;
  const room = THING_MAX_CHARS - charCount(label);
  const accountNo = clean(facts.accountNo);
  const shownNo =
    charCount(accountNo) <= room
      ? accountNo
      : ELLIPSIS +
        Array.from(accountNo)
          .slice(-(room - 1))
          .join('');
  const values = {
    account: thingValue(label + shownNo),
    amount: amountValue(facts.amountFen),
    due: dateValue(facts.dueDate),
    note: thingValue(billDueNote(facts.dueDate, facts.today)),
  };
  return message('billDue', billPage(facts.billId), values, map);
}
