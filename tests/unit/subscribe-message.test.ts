import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DEFAULT_FIELD_MAPS,
  TEMPLATE_FACTS,
  TEMPLATE_KEYS,
  amountValue,
  billDueMessage,
  bookingConfirmedMessage,
  bookingReminderMessage,
  charCount,
  characterStringValue,
  dateValue,
  fieldProblem,
  parseFieldMap,
  phraseValue,
  templateDataProblems,
  thingValue,
  timeValue,
  truncateChars,
} from '../../shared/subscribe-message';

/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const LONG_STORE = '老王家手工水饺（上海市静安区南京西路一千八百八十八号静安嘉里中心旗舰店）';

describe('thing values (at most 20 characters)', () => {
  it('keeps a short Chinese name as it is', () => {
    expect(thingValue('老王家手工水饺')).toBe('老王家手工水饺');
  });

  it('cuts a long Chinese store name to 20 characters ending in an ellipsis', () => {
    const v = thingValue(LONG_STORE);
    expect(charCount(v)).toBe(20);
    expect(v).toBe('老王家手工水饺（上海市静安区南京西路一…');
    expect(fieldProblem('thing1', v)).toBeNull();
  });

  it('keeps a name of exactly 20 characters whole', () => {
    const twenty = '一二三四五六七八九十一二三四五六七八九十';
    expect(thingValue(twenty)).toBe(twenty);
  });

  it('counts characters, not bytes or UTF-16 units: 20 emoji fit, 21 are cut', () => {
    const twenty = '🍜'.repeat(20);
    expect(twenty.length).toBe(40);
    expect(thingValue(twenty)).toBe(twenty);
    expect(thingValue('🍜'.repeat(21))).toBe(`${'🍜'.repeat(19)}…`);
  });

  it('never cuts inside an emoji: no lone surrogate, no half of a joined emoji', () => {
    const family = '👨‍👩‍👧'; // 5 code points, one grapheme
    const v = thingValue(`${'饺'.repeat(16)}${family}店`);
    expect(v).toBe(`${'饺'.repeat(16)}…`);
    expect(v).not.toMatch(LONE_SURROGATE);
  });

  it('holds on any text: within 20 characters, no lone surrogate, unchanged when it fits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const v = thingValue(text);
        expect(charCount(v)).toBeLessThanOrEqual(20);
        expect(v).not.toMatch(LONE_SURROGATE);
        expect(fieldProblem('thing1', v)).toBeNull();
      }),
    );
  });

  it('turns line breaks and control characters into spaces, and nothing into "-"', () => {
    expect(thingValue('静安\n嘉里\t中心')).toBe('静安 嘉里 中心');
    expect(thingValue(' \n ')).toBe('-');
  });
});

describe('truncateChars', () => {
  it('cuts to the limit counting the ellipsis', () => {
    expect(truncateChars('abcdefghij', 5)).toBe('abcd…');
    expect(truncateChars('abcde', 5)).toBe('abcde');
  });
});

describe('time values', () => {
  it('writes the store clock as YYYY-MM-DD HH:mm (24-hour)', () => {
    expect(timeValue(new Date('2026-11-25T12:05:00Z'), 'Asia/Shanghai')).toBe('2026-11-25 20:05');
    expect(timeValue(new Date('2026-11-25T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-26 00:30');
  });

  it('follows the store time zone, not the server', () => {
    expect(timeValue(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe('2026-07-01 14:00');
  });

  it('refuses an invalid instant as a bug', () => {
    expect(() => timeValue(new Date('nope'), 'Asia/Shanghai')).toThrow();
  });
});

describe('amount values', () => {
  it.each([
    [1234, '¥12.34'],
    [5, '¥0.05'],
    [100, '¥1.00'],
    [0, '¥0.00'],
    [9_999_999_999, '¥99999999.99'],
  ])('writes %i fen as %s', (fen, text) => {
    expect(amountValue(fen)).toBe(text);
    expect(fieldProblem('amount2', text)).toBeNull();
  });

  it('refuses fractions of a fen, negatives and more than 10 digits', () => {
    expect(() => amountValue(12.5)).toThrow();
    expect(() => amountValue(-1)).toThrow();
    expect(() => amountValue(10_000_000_000)).toThrow();
  });
});

describe('character_string and phrase values', () => {
  it('keeps digits, letters and symbols, at most 32', () => {
    expect(characterStringValue('K7Q-2M9')).toBe('K7Q-2M9');
    expect(characterStringValue('户号 3100-1234')).toBe('3100-1234');
    expect(characterStringValue('x'.repeat(40))).toHaveLength(32);
    expect(characterStringValue('签到码')).toBe('-');
  });

  it('takes 1 to 5 Chinese characters as a phrase and refuses others as a bug', () => {
    expect(phraseValue('已确认')).toBe('已确认');
    expect(() => phraseValue('已经确认了的')).toThrow();
    expect(() => phraseValue('OK')).toThrow();
  });

  it('passes a date through only as YYYY-MM-DD', () => {
    expect(dateValue('2026-12-05')).toBe('2026-12-05');
    expect(() => dateValue('2026/12/5')).toThrow();
  });
});

describe('fieldProblem (what WeChat refuses with 47003)', () => {
  it.each([
    ['thing1', '', /empty/],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', /21 characters/],
    ['thing1', '第一行\n第二行', /control/],
    ['character_string3', '签到码', /digits/],
    ['character_string3', 'x'.repeat(33), /33 characters/],
    ['phrase3', '已经确认了的', /Chinese/],
    ['amount2', '12.34', /currency/],
    ['amount2', '¥123456789.12', /10 digits/],
    ['time2', '2026-11-25T10:00', /time/],
    ['date3', 'tomorrow', /date/],
    ['thing', 'x', /keyword/],
  ])('refuses %s = %j', (keyword, value, why) => {
    expect(fieldProblem(keyword, value)).toMatch(why);
  });

  it.each([
    ['thing1', '老王家手工水饺'],
    ['time2', '2026-11-25 10:00'],
    ['time2', '15:01'],
    ['date3', '2026-12-05'],
    ['date3', '2019年10月1日'],
    ['amount2', '¥0.05'],
    ['phrase3', '待缴费'],
    ['character_string3', 'K7Q-2M9'],
    ['number4', '12'],
  ])('accepts %s = %j', (keyword, value) => {
    expect(fieldProblem(keyword, value)).toBeNull();
  });
});

describe('field maps', () => {
  it('reads fact=keyword pairs for a template', () => {
    expect(parseFieldMap('bookingReminder', 'store=thing3, start=date1,code=character_string2')).toEqual({
      ok: true,
      map: { store: 'thing3', start: 'date1', code: 'character_string2' },
    });
  });

  it.each([
    ['', /names no field/],
    ['store', /not fact=keyword/],
    ['shop=thing1', /"shop" is not a fact of bookingReminder/],
    ['store=time1', /"store" is a thing and cannot go in "time1"/],
    ['start=thing1', /start.*time.*cannot go in "thing1"/],
    ['store=thing1,note=thing1', /"thing1" is used twice/],
    ['store=thing1,store=thing2', /mapped twice/],
    ['store=thing', /not a WeChat keyword/],
  ])('refuses %j', (text, why) => {
    const parsed = parseFieldMap('bookingReminder', text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(why);
  });

  it('has default maps that name only facts of their template, each keyword of a fitting type', () => {
    for (const key of TEMPLATE_KEYS) {
      const text = Object.entries(DEFAULT_FIELD_MAPS[key])
        .map(([fact, kw]) => `${fact}=${kw}`)
        .join(',');
      expect(parseFieldMap(key, text)).toEqual({ ok: true, map: DEFAULT_FIELD_MAPS[key] });
      expect(Object.keys(DEFAULT_FIELD_MAPS[key]).sort()).toEqual(Object.keys(TEMPLATE_FACTS[key]).sort());
    }
  });
});

describe('the three messages', () => {
  const booking = { bookingId: 'bk 1/2', storeName: LONG_STORE, start: '2026-11-25T10:00:00+08:00', timezone: 'Asia/Shanghai', code: 'K7Q2M9' };

  it('builds the booking reminder within every limit, opening the booking', () => {
    const m = bookingReminderMessage(booking);
    expect(m).toEqual({
      templateKey: 'bookingReminder',
      page: 'packageBooking/pages/my-bookings/index?bookingId=bk%201%2F2',
      data: {
        thing1: { value: '老王家手工水饺（上海市静安区南京西路一…' },
        time2: { value: '2026-11-25 10:00' },
        character_string3: { value: 'K7Q2M9' },
        thing4: { value: '30分钟后开始，请凭签到码到店' },
      },
    });
    expect(templateDataProblems(m.data)).toEqual([]);
  });

  it('builds the confirmation with its phrase', () => {
    const m = bookingConfirmedMessage(booking);
    expect(m.data.phrase3).toEqual({ value: '已确认' });
    expect(m.page).toBe(bookingReminderMessage(booking).page);
    expect(templateDataProblems(m.data)).toEqual([]);
  });

  it('builds the bill reminder, keeping the tail of a long account number', () => {
    const m = billDueMessage({ billId: 'bill_9', accountType: 'electricity', accountNo: '310012345678901234567', amountFen: 12345, dueDate: '2026-12-05' });
    expect(m).toEqual({
      templateKey: 'billDue',
      page: 'packageBill/pages/bill/index?billId=bill_9',
      data: {
        thing1: { value: '电费 户号…45678901234567' },
        amount2: { value: '¥123.45' },
        date3: { value: '2026-12-05' },
        thing4: { value: '3天后到期，请及时缴费' },
      },
    });
    expect(charCount(m.data.thing1.value)).toBe(20);
    expect(templateDataProblems(m.data)).toEqual([]);
  });

  it('shows a short account number whole', () => {
    expect(billDueMessage({ billId: 'b', accountType: 'water', accountNo: '12345', amountFen: 1, dueDate: '2026-12-05' }).data.thing1.value).toBe(
      '水费 户号12345',
    );
  });

  it('puts each fact under the keyword the map gives, and leaves out the facts it omits', () => {
    const m = bookingReminderMessage(booking, { start: 'date5', store: 'thing2' });
    expect(m.data).toEqual({ date5: { value: '2026-11-25 10:00' }, thing2: { value: '老王家手工水饺（上海市静安区南京西路一…' } });
  });

  it('opens a booking page the mini program has (app.json)', () => {
    const app = JSON.parse(readFileSync(join(__dirname, '../../miniprogram/app.json'), 'utf8')) as { subpackages: { root: string; pages: string[] }[] };
    const pages = app.subpackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`));
    expect(pages).toContain(bookingReminderMessage(booking).page.split('?')[0]);
  });
});
