/** What the store page shows, from the `slots` answer and the caller's own bookings: the card, the days, the slot grid, the confirmation. Pure. */
import {
  CATEGORIES,
  DISTANCE_FROM,
  PAGES,
  SLOT_NOTE,
  dayLabel,
  hoursLines,
  isActive,
  loadFailed,
  openStateWording,
  pageUrl,
  refusalText,
  slotStarted,
  timeRange,
} from '../../../shared/index';
import type { AppError, BookingView, CreateBookingResult, SlotView, SlotsResult, StoreView, Tone } from '../../../shared/index';

import { distanceLabel } from '../../../lib/distance-label';

export const NEARBY_PAGE = pageUrl(PAGES.nearby);
export const RESULT_PAGE = pageUrl(PAGES.bookingResult);
export const STORE_PAGE = pageUrl(PAGES.store);
export const SHARE_IMAGE = '/images/share-store.png';

export interface StoreCard {
  name: string;
  address: string;
  category: string;
  openText: string;
  openTone: Tone;
  hours: string[];
  /** '' when the store has none. */
  phone: string;
  photos: string[];
  services: string[];
}

export function storeCard(store: StoreView, now: Date): StoreCard {
  const open = openStateWording(store.open, store.nextChange, now);
  return {
    name: store.name,
    address: store.address,
    category: CATEGORIES[store.category] || store.category,
    openText: open.text,
    openTone: open.tone,
    hours: hoursLines(store.openingHours),
    phone: store.phone || '',
    photos: store.photos || [],
    services: store.services || [],
  };
}

/**
 * How far the store is from the user, said as from them ('' without a distance: never one from nowhere said).
 * @example userDistance(700.5) // => '距你 700 m'
 */
export function userDistance(distanceM: number | undefined): string {
  const text = distanceM === undefined ? '' : distanceLabel(distanceM);
  return text ? `${DISTANCE_FROM.user} ${text}` : '';
}

/**
 * What Moments (朋友圈) shares: the store page itself, by id (`onShareTimeline` takes a query, not a path).
 * @example storeTimeline('S001', '晨光咖啡') // => { title: '晨光咖啡 · 到店预约', query: 'id=S001', imageUrl: '/images/share-store.png' }
 */
export function storeTimeline(storeId: string, name: string | null): { title: string; query: string; imageUrl: string } {
  const share = storeShare(storeId, name);
  return { title: share.title, query: `id=${encodeURIComponent(storeId)}`, imageUrl: share.imageUrl };
}

/**
 * How a slot reads: `past` (started), `closed` (not bookable for another reason), `full`, `mine`
 * (the caller holds an active booking of it), `open`.
 */
export type SlotState = 'open' | 'full' | 'past' | 'closed' | 'mine';

export interface SlotRow {
  start: string;
  time: string;
  state: SlotState;
  note: string;
  /** What a screen reader says for the cell. */
  label: string;
}

export function slotState(s: SlotView, now: Date, isMine: boolean): SlotState {
  if (isMine) return 'mine';
  if (slotStarted(s.start, now)) return 'past';
  if (!s.bookable) return 'closed';
  return s.remaining === 0 ? 'full' : 'open';
}

/** What a slot's cell says: the places left when open, and beside the user's own booking while it can still be joined. */
function slotNote(s: SlotView, state: SlotState, now: Date): string {
  if (state === 'open') return SLOT_NOTE.left(s.remaining);
  if (state !== 'mine' || slotStarted(s.start, now)) return SLOT_NOTE[state];
  return `${SLOT_NOTE.mine} · ${s.remaining === 0 ? SLOT_NOTE.full : SLOT_NOTE.left(s.remaining)}`;
}

function slotRow(s: SlotView, state: SlotState, now: Date): SlotRow {
  const time = timeRange(s.start, s.end);
  const note = slotNote(s, state, now);
  return { start: s.start, time, state, note, label: `${time} ${note}` };
}

/** The starts (epoch ms: one instant may be written in two offsets) the caller holds an active booking of, at this store. */
export function mineAt(bookings: readonly BookingView[], storeId: string): Set<number> {
  return new Set(bookings.filter((b) => b.storeId === storeId && isActive(b.status)).map((b) => Date.parse(b.start)));
}

export interface SlotGrid {
  rows: SlotRow[];
  /** How many started slots are folded away (0 when shown or none). */
  foldedPast: number;
  /** "已过 21 个时段" with the way to show them, or '' when there is nothing to fold. */
  foldText: string;
  /** The start of the first slot that can be booked, or ''. */
  firstOpen: string;
  /** What the grid says when it has no row. */
  emptyText: string;
}

/**
 * The grid of one day: started slots folded away unless `showPast`, so the picker opens at the
 * first bookable one; the caller's own bookings marked.
 * @example slotGrid(answer.slots, now, new Set(), false).rows[0].state // => 'open' (past ones folded)
 */
export function slotGrid(slots: readonly SlotView[], now: Date, mine: ReadonlySet<number>, showPast: boolean): SlotGrid {
  const all = slots.map((s) => slotRow(s, slotState(s, now, mine.has(Date.parse(s.start))), now));
  const past = all.filter((r) => r.state === 'past').length;
  const rows = showPast ? all : all.filter((r) => r.state !== 'past');
  const first = all.find((r) => r.state === 'open');
  let foldText = '';
  if (past > 0) foldText = showPast ? '收起已过的时段' : `已过 ${past} 个时段 · 展开`;
  let emptyText = '';
  if (rows.length === 0) emptyText = past > 0 ? '今天的时段都已过，请选择其他日期' : '当天不营业，没有可预约的时段';
  return { rows, foldedPast: showPast ? 0 : past, foldText, firstOpen: first ? first.start : '', emptyText };
}

export interface DayChip {
  date: string;
  label: string;
}

export const dayChips = (days: readonly string[]): DayChip[] => days.map((d) => ({ date: d, label: dayLabel(d, days[0]) }));

/** Whether a day's answer has a slot to book: the page moves on to the next day when not. */
export const hasOpenSlot = (slots: readonly SlotView[], now: Date): boolean => slots.some((s) => slotState(s, now, false) === 'open');

/** The confirmation sheet before booking. */
export interface Confirmation {
  start: string;
  store: string;
  address: string;
  day: string;
  time: string;
}

export function confirmation(answer: Pick<SlotsResult, 'store' | 'days'>, row: Pick<SlotRow, 'start' | 'time'>): Confirmation {
  const date = row.start.slice(0, 10);
  const day = dayLabel(date, answer.days[0]);
  // "今天" alone leaves the date unsaid: add it, as on a ticket.
  const full = day.length <= 2 ? `${day}（${date.slice(5).replace('-', '月')}日）` : day;
  return { start: row.start, store: answer.store.name, address: answer.store.address, day: full, time: row.time };
}

/** What the page shows when the store cannot be loaded: a missing store offers the map, a fault a retry. */
export interface LoadFailure {
  title: string;
  text: string;
  /** 'nearby': only the way to the map (retrying cannot help); 'retry': a retry and the map. */
  way: 'nearby' | 'retry';
}

export function loadFailure(error: AppError | null): LoadFailure {
  if (error === null || error.code === 'NOT_FOUND' || error.code === 'INVALID_ARGUMENT') {
    return {
      title: '找不到这家门店',
      text: error === null ? '链接里没有门店，去附近看看其他门店吧' : '它可能已经关闭或下线，去附近看看其他门店吧',
      way: 'nearby',
    };
  }
  return { title: loadFailed('门店信息'), text: error.reason === 'UNREACHABLE' ? error.message : '门店信息暂时打不开，请稍后重试', way: 'retry' };
}

/** The share card: a title that says what it is, the store's link, the store image. */
export function storeShare(storeId: string, name: string | null): { title: string; path: string; imageUrl: string } {
  return {
    title: name ? `${name} · 到店预约` : '门店 · 到店预约',
    path: `${STORE_PAGE}?id=${encodeURIComponent(storeId)}`,
    imageUrl: SHARE_IMAGE,
  };
}

/**
 * A store id from the page's query: WeChat hands it as written in the link (maybe still encoded).
 * @example storeIdOf({ id: 'S001' }) // => 'S001'
 */
export function storeIdOf(query: Record<string, string | undefined> | undefined): string {
  const raw = (query && query.id) || '';
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return '';
  }
}

/**
 * The day's answer with the booked slot's places as `create` counted them in its own step; the
 * other slots stay as last fetched (what a booking changes is its own slot).
 * @example withSlotAfter(answer, { start: '2026-11-25T19:00:00+08:00', end: '…', capacity: 4, remaining: 2 }).slots[0].remaining // => 2
 */
export function withSlotAfter(answer: SlotsResult, slot: CreateBookingResult['slot']): SlotsResult {
  if (slot === null) return answer;
  const at = Date.parse(slot.start);
  return { ...answer, slots: answer.slots.map((s) => (Date.parse(s.start) === at ? { ...s, capacity: slot.capacity, remaining: slot.remaining } : s)) };
}

/**
 * The caller's own slots at this store after a booking: the starts of `create`'s active bookings
 * here, and the ones already marked whose slot has started (an ended booking is no longer in
 * `active`, yet stays the caller's in the folded past).
 */
export function mineAfter(before: ReadonlySet<number>, active: CreateBookingResult['active'], storeId: string, now: Date): Set<number> {
  const started = [...before].filter((ms) => ms <= now.getTime());
  return new Set([...started, ...active.filter((b) => b.storeId === storeId).map((b) => Date.parse(b.start))]);
}

/** What a refused booking tells the customer. */
export const bookingErrorText = (error: AppError): string => refusalText(error, { subject: 'booking' });
