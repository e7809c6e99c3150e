import { CHECK_IN_OPENS_MIN, MAX_UPCOMING_BOOKINGS } from '../../shared/booking';
import { CODE_LENGTH } from '../../shared/checkin-code';
import { MAX_UNLOCK_DISTANCE_M } from '../../shared/ride';
import type { AppError } from '../../shared/result';
import { BOOKING_DAYS } from '../../shared/slots';
import {
  BOOKING_STATUS,
  HINTS,
  bookingOutcome,
  bookingStatus,
  dayLabel,
  hoursLines,
  hoursSpan,
  isoWeekdayName,
  noShowNotice,
  openStateWording,
  refusalText,
  slotText,
  timeRange,
  weekdayOf,
} from '../../shared/wording';

// Wednesday 25 November 2026, 12:00 in Shanghai (04:00 UTC).
const NOON_SHANGHAI = new Date('2026-11-25T04:00:00Z');
const refused = (reason: string, code: AppError['code'] = 'FAILED_PRECONDITION'): AppError => ({ code, message: 'english detail', reason });

describe('dates and weekdays (dayjs zh-cn)', () => {
  it('names every weekday of a week, Monday first', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(isoWeekdayName)).toEqual(['周一', '周二', '周三', '周四', '周五', '周六', '周日']);
    expect(weekdayOf('2026-11-28')).toBe('周六');
    expect(weekdayOf('2027-01-01')).toBe('周五');
  });

  it('says today, tomorrow, then the date with its weekday', () => {
    expect(dayLabel('2026-11-25', '2026-11-25')).toBe('今天');
    expect(dayLabel('2026-11-26', '2026-11-25')).toBe('明天');
    expect(dayLabel('2026-11-28', '2026-11-25')).toBe('11-28 周六');
    expect(dayLabel('2027-01-01', '2026-12-31')).toBe('明天');
    expect(dayLabel('2026-11-24', '2026-11-25')).toBe('11-24 周二');
  });

  it('words a slot, an end after midnight reading 次日', () => {
    expect(slotText('2026-11-25T10:00:00+08:00', '2026-11-25T11:00:00+08:00', '2026-11-25')).toBe('今天 10:00–11:00');
    expect(slotText('2026-11-28T10:00:00+08:00', '2026-11-28T11:00:00+08:00', '2026-11-25')).toBe('11-28 周六 10:00–11:00');
    expect(timeRange('2026-11-25T23:30:00+08:00', '2026-11-26T00:30:00+08:00')).toBe('23:30–次日00:30');
  });
});

describe('opening hours', () => {
  it('words one interval, overnight one way, a whole day as 全天', () => {
    expect(hoursSpan({ open: '08:00', close: '20:00' })).toBe('08:00–20:00');
    expect(hoursSpan({ open: '22:00', close: '02:00' })).toBe('22:00–次日02:00');
    expect(hoursSpan({ open: '00:00', close: '24:00' })).toBe('全天');
    expect(hoursSpan({ open: '09:00', close: '09:00' })).toBe('全天');
  });

  it('joins days with the same hours and names closed days', () => {
    const week = [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '21:00' }));
    expect(hoursLines([...week, { day: 6, open: '10:00', close: '22:00' }, { day: 7, open: '10:00', close: '22:00' }])).toEqual([
      '周一至周五 08:00–21:00',
      '周六、周日 10:00–22:00',
    ]);
    expect(
      hoursLines([
        { day: 1, open: '14:00', close: '18:00' },
        { day: 1, open: '09:00', close: '12:00' },
        { day: 5, open: '18:00', close: '02:00' },
      ]),
    ).toEqual(['周一 09:00–12:00，14:00–18:00', '周二至周四 休息', '周五 18:00–次日02:00', '周六、周日 休息']);
    expect(hoursLines([])).toEqual(['周一至周日 休息']);
  });
});

describe('open state', () => {
  it('says when an open store closes today, in one line', () => {
    expect(openStateWording(true, '2026-11-25T20:00:00+08:00', NOON_SHANGHAI)).toEqual({
      state: '营业中',
      next: '20:00 打烊',
      text: '营业中 · 20:00 打烊',
      tone: 'success',
    });
  });

  it('says tomorrow, the weekday within a week and the date beyond, counted in the store offset', () => {
    expect(openStateWording(false, '2026-11-26T08:30:00+08:00', NOON_SHANGHAI).text).toBe('已打烊 · 明天 08:30 营业');
    expect(openStateWording(false, '2026-11-28T10:00:00+08:00', NOON_SHANGHAI).next).toBe('周六 10:00 营业');
    expect(openStateWording(false, '2026-12-05T10:00:00+08:00', NOON_SHANGHAI).next).toBe('12-05 10:00 营业');
    // 00:30 on the 26th in Shanghai, still the 25th in UTC: 08:00 is today.
    expect(openStateWording(false, '2026-11-26T08:00:00+08:00', new Date('2026-11-25T16:30:00Z')).next).toBe('08:00 营业');
    expect(openStateWording(true, '2026-11-24T22:00:00-05:00', new Date('2026-11-25T01:00:00Z')).next).toBe('22:00 打烊');
  });

  it('words stores that never change', () => {
    expect(openStateWording(true, null, NOON_SHANGHAI).text).toBe('营业中 · 24 小时营业');
    expect(openStateWording(false, null, NOON_SHANGHAI)).toMatchObject({ state: '已打烊', text: '暂停营业', tone: 'muted' });
  });
});

describe('booking statuses', () => {
  it('tells the customer a pending booking waits for the store, staff in short, each with a colour', () => {
    expect(bookingStatus('pending')).toEqual({ text: '待门店确认', short: '待确认', tone: 'warning' });
    // Six statuses, five colours: cancelled and no-show both read muted (their words tell them apart).
    expect(new Set(Object.values(BOOKING_STATUS).map((s) => s.tone)).size).toBe(5);
    expect(new Set(Object.values(BOOKING_STATUS).map((s) => s.short)).size).toBe(6);
    for (const s of Object.values(BOOKING_STATUS)) expect(s.short.length).toBeLessThanOrEqual(3);
    expect(bookingStatus('archived')).toEqual({ text: 'archived', short: 'archived', tone: 'muted' });
  });

  it('says whether staff still have to confirm', () => {
    expect(bookingOutcome('pending').title).toContain('待门店确认');
    expect(bookingOutcome('confirmed').title).toBe('预约成功');
  });
});

describe('refusals', () => {
  const reasons = [
    'TOO_MANY_BOOKINGS',
    'SLOT_FULL',
    'ALREADY_BOOKED',
    'OUTSIDE_HOURS',
    'OFF_GRID',
    'SLOT_STARTED',
    'TOO_FAR_AHEAD',
    'TOO_EARLY',
    'TOO_LATE',
    'ALREADY_CHECKED_IN',
    'ALREADY_CONFIRMED',
    'CANCELLED',
    'STARTED',
    'NOT_OWNER',
    'NOT_STAFF',
    'WRONG_STORE',
    'BIKE_UNAVAILABLE',
    'TOO_FAR',
    'ACTIVE_RIDE',
    'UNPAID_BILL',
    'LOCK_FAILED',
    'RIDE_NOT_ACTIVE',
    'OUTSIDE_PARKING_ZONE',
    'UNREACHABLE',
  ];

  it('words every reason in Chinese, never the English detail', () => {
    const texts = reasons.map((r) => refusalText(refused(r)));
    for (const t of texts) {
      expect(t).not.toContain('english');
      expect(t).toMatch(/[\u4e00-\u9fff]/);
    }
    // Each reason has its own words.
    expect(new Set(texts).size).toBe(reasons.length);
  });

  it('takes its numbers from the rules that enforce them', () => {
    expect(refusalText(refused('TOO_MANY_BOOKINGS', 'RESOURCE_EXHAUSTED'))).toContain(`${MAX_UPCOMING_BOOKINGS} 个`);
    expect(refusalText(refused('TOO_EARLY'))).toContain(`${CHECK_IN_OPENS_MIN} 分钟`);
    expect(refusalText(refused('TOO_FAR_AHEAD'))).toContain(`${BOOKING_DAYS} 天`);
    expect(refusalText(refused('TOO_FAR'), { distanceM: 240.4 })).toBe(`离车太远（约 240 米），请走到车旁 ${MAX_UNLOCK_DISTANCE_M} 米内再开锁`);
    expect(refusalText({ code: 'INVALID_ARGUMENT', message: 'x' }, { subject: 'checkIn' })).toContain(`${CODE_LENGTH} 位`);
    expect(HINTS.checkIn).toContain(`${CHECK_IN_OPENS_MIN} 分钟`);
  });

  it('uses the context: the bike, the surcharge, what was not found', () => {
    expect(refusalText(refused('BIKE_UNAVAILABLE'), { bikeCode: 'B0192' })).toBe('单车 B0192 暂不可用（维修中或正被使用），请换一辆');
    expect(refusalText(refused('OUTSIDE_PARKING_ZONE'), { surchargeFen: 500 })).toContain('¥5.00');
    expect(refusalText({ code: 'NOT_FOUND', message: 'x' }, { subject: 'store' })).toContain('找不到这家门店');
    expect(refusalText({ code: 'NOT_FOUND', message: 'x' }, { subject: 'checkIn' })).toBe('没有找到这个核销码对应的预约');
    expect(refusalText(refused('TOO_LATE'), { subject: 'checkIn' })).toContain('不能核销');
    expect(refusalText({ code: 'INTERNAL', message: 'boom at line 3' })).toBe('出了点问题，请稍后重试');
  });
});

describe('issue 19 wording', () => {
  it('words the no-show block with the time it ends, on the clock of China', () => {
    expect(noShowNotice('2026-12-05T03:00:00.000Z', 3)).toBe('近 30 天内 3 次预约未到店，12-05 11:00 后才能再预约');
  });
  it('names the booking sheet field that was refused', () => {
    const invalid = (message: string) => refusalText({ code: 'INVALID_ARGUMENT', message }, { subject: 'booking' });
    expect(invalid('contact.phone: must be a mainland mobile number (11 digits starting 1)')).toBe('请填写 11 位手机号（联系人和手机需一起填写）');
    expect(invalid('contact.name: must be at most 20 characters')).toBe('请填写联系人称呼（最多 20 个字）');
    expect(invalid('note: must be at most 100 characters')).toBe('备注最多 100 个字');
    expect(refusalText({ code: 'FAILED_PRECONDITION', message: 'x', reason: 'NO_SHOWS' }, { subject: 'booking' })).toBe(
      '近 30 天内 3 次预约未到店，暂时不能预约',
    );
    expect(bookingStatus('rejected')).toEqual({ text: '门店已拒绝', short: '已拒绝', tone: 'danger' });
    expect(bookingStatus('no_show').text).toBe('未到店');
  });
});
