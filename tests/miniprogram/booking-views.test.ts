// The pure view modules of the booking pages.
import {
  bookingErrorText,
  confirmation,
  dayChips,
  hasOpenSlot,
  loadFailure,
  mineAt,
  slotGrid,
  slotState,
  storeCard,
  storeIdOf,
  storeShare,
  mineAfter,
  userDistance,
  withSlotAfter,
} from '../../miniprogram/packageBooking/pages/store/view';
import { bookingOfQuery, resultView } from '../../miniprogram/packageBooking/pages/booking-result/view';
import { bookingIdOf, bookingRow, bookingSections, codeShownAfter, messageFocus } from '../../miniprogram/packageBooking/pages/my-bookings/view';
import { checkInErrorText, checkedIn, codeComplete, dayBar, deskRow, typedCode } from '../../miniprogram/packageBooking/pages/staff/view';
import { CODE_LENGTH } from '../../shared/checkin-code';
import type { BookingView, SlotView, StoreView } from '../../shared/contract/bookings';

// Wednesday 25 November 2026, 18:40 in Shanghai.
const NOW = new Date('2026-11-25T10:40:00Z');
const DAYS = ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;
const slot = (hhmm: string, remaining: number, bookable = true, date = '2026-11-25'): SlotView => {
  const [h, m] = hhmm.split(':').map(Number);
  const end = `${String(h + (m === 30 ? 1 : 0)).padStart(2, '0')}:${m === 30 ? '00' : '30'}`;
  return { start: at(date, hhmm), end: at(date, end), capacity: 4, remaining, bookable };
};
const STORE: StoreView = {
  id: 'S001',
  name: '街角咖啡',
  address: '南京东路 1 号',
  lat: 31.23,
  lng: 121.47,
  category: 'coffee',
  timezone: 'Asia/Shanghai',
  openingHours: [{ day: 3, open: '18:00', close: '20:00' }],
  slot: { minutes: 30, capacity: 4 },
  open: true,
  nextChange: at('2026-11-25', '20:00'),
};
const booking = (over: Partial<BookingView>): BookingView => ({
  partySize: 1,
  id: 'bk',
  storeId: 'S001',
  start: at('2026-11-25', '19:00'),
  end: at('2026-11-25', '19:30'),
  status: 'pending',
  code: 'ABCD2345',
  ...over,
});
const DAY = [slot('18:00', 4, false), slot('18:30', 2, false), slot('19:00', 3), slot('19:30', 0)];

describe('store view', () => {
  it('reads each slot as past, closed, full, open or mine', () => {
    expect(slotState(slot('18:30', 2, false), NOW, false)).toBe('past');
    expect(slotState(slot('19:00', 2, false), NOW, false)).toBe('closed');
    expect(slotState(slot('19:00', 0), NOW, false)).toBe('full');
    expect(slotState(slot('19:00', 1), NOW, false)).toBe('open');
    expect(slotState(slot('19:30', 0), NOW, true)).toBe('mine');
  });

  it('folds started slots away, so the grid opens at the first bookable one', () => {
    const grid = slotGrid(DAY, NOW, new Set(), false);
    expect(grid.rows.map((r) => [r.time, r.state, r.note])).toEqual([
      ['19:00–19:30', 'open', '余 3'],
      ['19:30–20:00', 'full', '已约满'],
    ]);
    expect(grid).toMatchObject({ foldedPast: 2, foldText: '已过 2 个时段 · 展开', firstOpen: at('2026-11-25', '19:00'), emptyText: '' });
    expect(slotGrid(DAY, NOW, new Set(), true)).toMatchObject({ foldedPast: 0, foldText: '收起已过的时段' });
    expect(slotGrid(DAY, NOW, new Set(), true).rows.map((r) => r.note)).toEqual(['已过', '已过', '余 3', '已约满']);
    expect(slotGrid(DAY.slice(0, 2), NOW, new Set(), false).emptyText).toBe('今天的时段都已过，请选择其他日期');
    expect(slotGrid([], NOW, new Set(), false).emptyText).toBe('当天不营业，没有可预约的时段');
    expect(slotGrid(DAY, NOW, new Set(), false).rows[0].label).toBe('19:00–19:30 余 3');
  });

  it("marks the caller's active bookings of this store, whatever offset they are written in", () => {
    const mine = mineAt(
      [
        booking({ start: '2026-11-25T11:30:00Z' }), // 19:30 in Shanghai, written in UTC
        booking({ start: at('2026-11-25', '19:00'), status: 'cancelled' }),
        booking({ start: at('2026-11-25', '18:00'), storeId: 'S002' }),
      ],
      'S001',
    );
    expect(slotGrid(DAY, NOW, mine, true).rows.map((r) => r.state)).toEqual(['past', 'past', 'open', 'mine']);
  });

  it("says the places left beside the caller's own booking while its slot has not started", () => {
    const mine = new Set([Date.parse(at('2026-11-25', '18:30')), Date.parse(at('2026-11-25', '19:00')), Date.parse(at('2026-11-25', '19:30'))]);
    expect(slotGrid(DAY, NOW, mine, true).rows.map((r) => r.note)).toEqual(['已过', '你已预约', '你已预约 · 余 3', '你已预约 · 已约满']);
  });

  it("takes create's answer into the day: its slot's places, the caller's slots here (started ones kept)", () => {
    const answer = { storeId: 'S001', date: '2026-11-25', timezone: 'Asia/Shanghai', days: DAYS, store: STORE, slots: DAY };
    // 19:00 had 3 left; the booking of a party of 2 leaves 1 (written in UTC: the same instant).
    const after = withSlotAfter(answer, { start: '2026-11-25T11:00:00Z', end: '2026-11-25T11:30:00Z', capacity: 4, remaining: 1 });
    expect(after.slots.map((s) => s.remaining)).toEqual([4, 2, 1, 0]);
    expect(withSlotAfter(answer, null)).toBe(answer);
    const before = new Set([Date.parse(at('2026-11-25', '18:00')), Date.parse(at('2026-11-26', '10:00'))]);
    const active = [
      { id: 'bk_1', storeId: 'S001', start: at('2026-11-25', '19:00'), end: at('2026-11-25', '19:30') },
      { id: 'bk_2', storeId: 'S002', start: at('2026-11-25', '19:30'), end: at('2026-11-25', '20:00') },
    ];
    // 18:00 has started (kept); 11-26 10:00 is no longer active (cancelled elsewhere): gone; 19:00 is new.
    expect([...mineAfter(before, active, 'S001', NOW)].sort()).toEqual([Date.parse(at('2026-11-25', '18:00')), Date.parse(at('2026-11-25', '19:00'))]);
  });

  it('says the distance as from the user, or nothing', () => {
    expect(userDistance(700.5)).toBe('距你 700 m');
    expect(userDistance(1234)).toBe('距你 1.2 km');
    expect(userDistance(undefined)).toBe('');
  });

  it('moves on to another day only when nothing is left to book', () => {
    expect(hasOpenSlot(DAY, NOW)).toBe(true);
    expect(hasOpenSlot([slot('18:00', 4, false), slot('19:30', 0)], NOW)).toBe(false);
  });

  it('asks with the store, the day (its date said too) and the time', () => {
    expect(confirmation({ store: STORE, days: DAYS }, { start: at('2026-11-25', '19:00'), time: '19:00–19:30' })).toEqual({
      start: at('2026-11-25', '19:00'),
      store: '街角咖啡',
      address: '南京东路 1 号',
      day: '今天（11月25日）',
      time: '19:00–19:30',
    });
    expect(confirmation({ store: STORE, days: DAYS }, { start: at('2026-11-28', '10:00'), time: '10:00–10:30' }).day).toBe('11-28 周六');
  });

  it('shows the store card and the days in the one wording', () => {
    expect(storeCard(STORE, NOW)).toMatchObject({
      openText: '营业中 · 20:00 打烊',
      openTone: 'success',
      category: '咖啡',
      hours: ['周一、周二 休息', '周三 18:00–20:00', '周四至周日 休息'],
    });
    expect(
      dayChips(DAYS)
        .map((d) => d.label)
        .slice(0, 3),
    ).toEqual(['今天', '明天', '11-27 周五']);
  });

  it('offers the map for a missing store and a retry for a fault', () => {
    expect(loadFailure({ code: 'NOT_FOUND', message: 'no store' })).toMatchObject({ title: '找不到这家门店', way: 'nearby' });
    expect(loadFailure(null)).toMatchObject({ title: '找不到这家门店', way: 'nearby' });
    expect(loadFailure({ code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' })).toEqual({
      title: '门店信息没有加载出来',
      text: '无法连接服务器，请检查网络后重试',
      way: 'retry',
    });
  });

  it('reads the store id of a link, encoded or not, and nothing from a broken one', () => {
    expect(storeIdOf({ id: 'S001' })).toBe('S001');
    expect(storeIdOf({ id: 'S%3A01' })).toBe('S:01');
    expect(storeIdOf({ id: '%E0%A4%A' })).toBe('');
    expect(storeIdOf(undefined)).toBe('');
  });

  it('shares a card that says what it is', () => {
    expect(storeShare('S 1', '街角咖啡')).toEqual({
      title: '街角咖啡 · 到店预约',
      path: '/packageBooking/pages/store/index?id=S%201',
      imageUrl: '/images/share-store.png',
    });
    expect(storeShare('S1', null).title).toBe('门店 · 到店预约');
  });

  it('words refusals through the wording module', () => {
    expect(bookingErrorText({ code: 'FAILED_PRECONDITION', message: 'x', reason: 'SLOT_FULL' })).toBe('这个时段刚刚约满了，请换一个时段');
  });
});

describe('booking result view', () => {
  it('says whether staff still have to confirm', () => {
    expect(resultView(booking({ storeName: '街角咖啡' }), NOW)).toMatchObject({
      title: '已提交，待门店确认',
      statusText: '待门店确认',
      tone: 'warning',
      storeName: '街角咖啡',
      code: 'ABCD2345',
    });
    expect(resultView(booking({ status: 'confirmed' }), NOW)).toMatchObject({ title: '预约成功', statusText: '已确认', tone: 'success' });
  });

  it('reads only a booking from the query', () => {
    expect(bookingOfQuery(encodeURIComponent(JSON.stringify(booking({}))))).toMatchObject({ code: 'ABCD2345' });
    expect(bookingOfQuery('garbage')).toBeNull();
    expect(bookingOfQuery(encodeURIComponent(JSON.stringify({ code: 'X' })))).toBeNull();
    expect(bookingOfQuery(undefined)).toBeNull();
  });
});

describe('my bookings view', () => {
  it('orders upcoming soonest first, then past latest first, each coloured', () => {
    const list = [
      booking({ id: 'old', start: at('2026-11-20', '10:00'), end: at('2026-11-20', '10:30'), status: 'checked_in' }),
      booking({ id: 'later', start: at('2026-11-27', '10:00'), end: at('2026-11-27', '10:30'), status: 'confirmed' }),
      booking({ id: 'soon', status: 'pending' }),
      booking({ id: 'older', start: at('2026-11-19', '10:00'), end: at('2026-11-19', '10:30'), status: 'cancelled' }),
    ];
    const { upcoming, past } = bookingSections(list, NOW);
    expect(upcoming.map((r) => [r.id, r.statusText, r.tone, r.canCancel])).toEqual([
      ['soon', '待门店确认', 'warning', true],
      ['later', '已确认', 'success', true],
    ]);
    expect(past.map((r) => [r.id, r.tone])).toEqual([
      ['old', 'info'],
      ['older', 'muted'],
    ]);
    expect(bookingRow(booking({ start: at('2026-11-25', '18:30'), end: at('2026-11-25', '19:00') }), NOW).canCancel).toBe(false);
  });

  it('keeps the open code open, else opens the first active one', () => {
    const rows = bookingSections([booking({ id: 'a' }), booking({ id: 'b', start: at('2026-11-26', '10:00'), end: at('2026-11-26', '10:30') })], NOW).upcoming;
    expect(codeShownAfter(rows, 'b')).toBe('b');
    expect(codeShownAfter(rows, 'gone')).toBe('a');
    expect(codeShownAfter([], 'a')).toBe('');
  });
});

describe('staff desk view', () => {
  it('forgives spaces, dashes and lower case in a typed code', () => {
    expect(typedCode(' abcd-2345 ')).toBe('ABCD2345');
    expect(codeComplete('ABCD2345')).toBe(CODE_LENGTH === 8);
    expect(codeComplete('ABCD234')).toBe(false);
  });

  it('keeps a row on one line: the time as one range, the short status, a colour', () => {
    expect(deskRow(booking({ start: at('2026-11-25', '19:30'), end: at('2026-11-25', '20:00') }))).toMatchObject({
      time: '19:30–20:00',
      statusText: '待确认',
      tone: 'warning',
      canConfirm: true,
    });
    expect(deskRow(booking({ status: 'checked_in' }))).toMatchObject({ statusText: '已到店', canConfirm: false });
  });

  it('says the day and the code checked in, and why one was refused', () => {
    expect(dayBar('2026-11-25', '2026-11-25')).toEqual({ dayText: '今天 11-25', prev: '2026-11-24', next: '2026-11-26' });
    expect(dayBar('2026-11-28', '2026-11-25').dayText).toBe('11-28 周六');
    expect(checkedIn(booking({})).text).toBe('核销成功：19:00–19:30 的预约（ABCD2345）');
    expect(checkInErrorText({ code: 'PERMISSION_DENIED', message: 'x', reason: 'WRONG_STORE' })).toBe('这不是本店的预约，请让顾客确认门店');
  });
});

describe('my bookings opened from a message (?bookingId=)', () => {
  const list = [
    booking({ id: 'up', status: 'confirmed' }),
    booking({ id: 'gone', status: 'cancelled', start: at('2026-11-26', '10:00'), end: at('2026-11-26', '10:30') }),
    booking({ id: 'done', status: 'checked_in', start: at('2026-11-24', '10:00'), end: at('2026-11-24', '10:30') }),
    booking({ id: 'over', status: 'confirmed', start: at('2026-11-23', '10:00'), end: at('2026-11-23', '10:30') }),
  ];
  const sections = () => bookingSections(list, NOW);

  it('reads the id as WeChat hands it (maybe still encoded), and nothing for no id', () => {
    expect(bookingIdOf({ bookingId: 'bk_1' })).toBe('bk_1');
    expect(bookingIdOf({ bookingId: 'bk%5F1' })).toBe('bk_1');
    expect(bookingIdOf({ bookingId: '%E0%A4%A' })).toBe('%E0%A4%A');
    expect(bookingIdOf({})).toBe('');
    expect(bookingIdOf(undefined)).toBe('');
    expect(messageFocus('', sections())).toBeNull();
  });

  it('an upcoming booking: highlighted and scrolled to, no notice', () => {
    expect(messageFocus('up', sections())).toEqual({ id: 'up', anchor: 'up-0', notice: null });
  });

  it('a cancelled booking says so and offers its store again', () => {
    const focus = messageFocus('gone', sections());
    expect(focus).toMatchObject({
      id: 'gone',
      // A cancelled booking is under 历史预约 even before its slot (latest first: the first there).
      anchor: 'past-0',
      notice: { kind: 'cancelled', title: '这个预约已取消', action: '重新预约', storeId: 'S001' },
    });
    expect(focus?.notice?.note).toContain('明天 10:00–10:30');
  });

  it('a checked-in or ended booking says so, without a button', () => {
    expect(messageFocus('done', sections())).toMatchObject({
      id: 'done',
      anchor: 'past-1',
      notice: { kind: 'ended', title: '这个预约已到店核销', action: '' },
    });
    expect(messageFocus('over', sections())).toMatchObject({
      id: 'over',
      anchor: 'past-2',
      notice: { kind: 'ended', title: '这个预约已结束', action: '' },
    });
  });

  it('a booking not in the list says so: the list is the way on, or with no list the empty state', () => {
    expect(messageFocus('nope', sections())).toMatchObject({ id: '', anchor: '', notice: { kind: 'missing', action: '去附近看看' } });
    expect(messageFocus('nope', { upcoming: [], past: [] })).toMatchObject({ notice: { kind: 'missing', action: '' } });
  });
});
