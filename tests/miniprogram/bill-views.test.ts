// The bill pages' pure view modules and the bill wording, without a renderer.
import { billsView } from '../../miniprogram/packageBill/pages/bills/view';
import {
  bindDoneText,
  bindFormProblem,
  bindRefusal,
  cityChoices,
  cityNear,
  companyChoices,
  households,
  tidyForm,
  unbindQuestion,
  TYPE_CHOICES,
} from '../../miniprogram/packageBill/pages/accounts/view';
import { recordMonths } from '../../miniprogram/packageBill/pages/records/view';
import { receiptView } from '../../miniprogram/packageBill/pages/receipt/view';
import { billCard, billTarget, firstUnpaidRideBill, payOutcomeNotice } from '../../miniprogram/packageBill/pages/bill/view';
import { billUrl, UNPAID_RIDE_BILL_URL } from '../../miniprogram/packageBill/lib/paths';
import { accountNoHint, billStatusWording, paidAtText, periodText } from '../../shared/wording';
import { BIND_FAILURE_LIMIT, type BillView } from '../../shared/bills';
import { rideBill, waterBill } from '../support/bill-views';

const TODAY = '2026-11-20';
const water = waterBill;
const ride = rideBill;

describe('paths', () => {
  it('opens a bill by id, and the unpaid ride bill without one', () => {
    expect(billUrl('UB:water:31000001:2026-10')).toBe('/packageBill/pages/bill/index?billId=UB%3Awater%3A31000001%3A2026-10');
    expect(UNPAID_RIDE_BILL_URL).toBe('/packageBill/pages/bill/index?ride=unpaid');
  });
});

describe('bill wording', () => {
  it('periods read as months, ranges too', () => {
    expect(periodText('2026-10')).toBe('2026年10月');
    expect(periodText('2026-09/2026-10')).toBe('2026年9–10月');
    expect(periodText('2025-12/2026-01')).toBe('2025年12月–2026年1月');
    expect(periodText(undefined)).toBe('');
  });

  it('a status says due, overdue, ride (due at once) or paid', () => {
    expect(billStatusWording(water(), TODAY)).toMatchObject({ text: '待支付 · 11月25日到期', tone: 'warning' });
    expect(billStatusWording(water({ dueDate: '2026-11-20' }), TODAY).tone).toBe('warning'); // due today is not overdue
    expect(billStatusWording(water({ dueDate: '2026-11-15' }), TODAY)).toMatchObject({ text: '已逾期 · 11月15日到期', tone: 'danger' });
    expect(billStatusWording(ride(), TODAY)).toMatchObject({ text: '待支付', tone: 'warning' });
    expect(billStatusWording(water({ status: 'paid' }), TODAY)).toMatchObject({ text: '已支付', tone: 'success' });
  });

  it('hints come from the format rule', () => {
    expect(accountNoHint('electricity')).toBe('电费户号见缴费单，4–32 位字母、数字或 -');
    expect(accountNoHint({ accountNoHint: '水费账单右上角“户号”，8 位数字' })).toBe('水费账单右上角“户号”，8 位数字');
  });

  it('a paid time reads in the city zone', () => {
    expect(paidAtText('2026-11-25T16:30:00.000Z', 480)).toBe('2026-11-26 00:30');
    expect(paidAtText('junk', 480)).toBe('');
  });
});

describe('bills view', () => {
  it('keeps the back end order, sums what is unpaid, and shows amounts as yuan', () => {
    const view = billsView(
      [
        ride(),
        water(),
        water({ id: 'UB:gas:31000002:2026-10', type: 'gas', accountNo: '31000002', amountFen: 6200, status: 'paid', paidAt: '2026-11-02T01:00:00Z' }),
      ],
      TODAY,
    );
    expect(view.unpaid.map((r) => [r.title, r.detail, r.amountText, r.statusText])).toEqual([
      ['骑行费', '单车骑行', '¥1.50', '待支付'],
      ['水费 · 31000001', '2026年10月', '¥42.80', '待支付 · 11月25日到期'],
    ]);
    expect(view.paid.map((r) => [r.title, r.statusText, r.tone])).toEqual([['燃气费 · 31000002', '已支付', 'success']]);
    expect(view.summary).toBe('待支付 2 笔，共 ¥44.30');
    expect(view.unpaid[1].url).toBe('/packageBill/pages/bill/index?billId=UB%3Awater%3A31000001%3A2026-10');
    expect(view.empty).toBe(false);
  });

  it('says when nothing is owed, and when there is nothing at all', () => {
    expect(billsView([water({ status: 'paid' })], TODAY).summary).toBe('没有待支付的账单');
    expect(billsView([], TODAY).empty).toBe(true);
  });
});

describe('accounts view', () => {
  const account = (over: object) => ({
    billerId: 'sh-gas',
    billerName: '上海燃气',
    type: 'gas' as const,
    accountType: 'gas' as const,
    accountNo: '31000002',
    holderName: 'L****',
    label: null as string | null,
    boundAt: '2026-11-20T01:00:00Z',
    ...over,
  });
  it('groups the accounts by household, labelled ones first, each row with its company, number and masked holder', () => {
    const groups = households([
      account({ label: null, billerId: 'sh-water', billerName: '上海城投水务', type: 'water', accountType: 'water', accountNo: '31000001', holderName: '张*' }),
      account({ label: '父母家' }),
      account({ label: '我家', billerId: 'sh-gas-dz', billerName: '上海大众燃气', accountNo: 'DZ-2100301', holderName: '王*' }),
      account({
        label: '父母家',
        billerId: 'sh-power',
        billerName: '国网上海市电力公司',
        type: 'electricity',
        accountType: 'electricity',
        accountNo: '3100000001',
      }),
    ]);
    expect(groups.map((g) => [g.label, g.rows.map((r) => r.title)])).toEqual([
      ['父母家', ['上海燃气 · 31000002', '国网上海市电力公司 · 3100000001']],
      ['我家', ['上海大众燃气 · DZ-2100301']],
      ['未分组', ['上海城投水务 · 31000001']],
    ]);
    expect(groups[0].rows[0]).toEqual({
      key: 'sh-gas:31000002',
      billerId: 'sh-gas',
      accountNo: '31000002',
      title: '上海燃气 · 31000002',
      holder: '燃气 · 户主 L****',
    });
    expect(TYPE_CHOICES.map((c) => c.label)).toEqual(['水', '电', '燃气']);
  });

  it('offers the cities of the billers, the one near the user, and the companies of a city and type', () => {
    const billers = [
      { id: 'sh-gas', name: '上海燃气', type: 'gas' as const, city: '上海' },
      { id: 'bj-water', name: '北京自来水', type: 'water' as const, city: '北京' },
      { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas' as const, city: '上海', accountNoHint: '燃气卡背面' },
    ];
    expect(cityChoices(billers)).toEqual(['上海', '北京']);
    expect(cityNear({ lat: 31.19, lng: 121.44 }, ['北京', '上海'])).toBe('上海');
    expect(cityNear({ lat: 39.95, lng: 116.3 }, ['北京', '上海'])).toBe('北京');
    expect(cityNear({ lat: 23.13, lng: 113.26 }, ['北京', '上海'])).toBeNull(); // 广州: far from both
    expect(companyChoices(billers, '上海', 'gas')).toEqual([
      { id: 'sh-gas', name: '上海燃气' },
      { id: 'sh-gas-dz', name: '上海大众燃气' },
    ]);
    expect(companyChoices(billers, '北京', 'gas')).toEqual([]);
  });

  it('checks the form before sending: a company, a number of any biller’s shape, a holder, a label of at most 10', () => {
    const dz = { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas' as const, city: '上海', accountNoHint: '燃气卡背面的“客户号”' };
    expect(bindFormProblem(undefined, '31000001', '张三', '')).toBe('请选择缴费单位');
    expect(bindFormProblem(dz, '', '张三', '')).toBe('请输入户号');
    expect(bindFormProblem(dz, 'DZ_1', '张三', '')).toBe('户号格式不正确：燃气卡背面的“客户号”');
    expect(bindFormProblem(dz, 'DZ-2100301', '', '')).toBe('请输入户主姓名');
    expect(bindFormProblem(dz, 'DZ-2100301', '王芳', '我们一家人住的那套房子')).toBe('家庭标签最多 10 个字');
    expect(bindFormProblem(dz, 'DZ-2100301', '王芳', '我家')).toBe('');
    expect(tidyForm({ accountNo: ' dz-2100 301 ', holderName: ' 张三 ', label: ' 我家 ' })).toEqual({
      accountNo: 'DZ-2100301',
      holderName: '张三',
      label: '我家',
    });
    expect([bindDoneText(false), bindDoneText(true)]).toEqual(['绑定成功', '已绑定']);
  });

  it('words refusals: one NOT_FOUND for a wrong name or number, the rate limit with its number', () => {
    expect(bindRefusal({ code: 'NOT_FOUND', message: 'no account of that type and number with that holder name' })).toBe(
      '户号或户主姓名不正确，请核对缴费单上的信息',
    );
    expect(bindRefusal({ code: 'RESOURCE_EXHAUSTED', message: '…', reason: 'TOO_MANY_BINDS' })).toBe(
      `一小时内绑定失败已达 ${BIND_FAILURE_LIMIT} 次，请一小时后再试`,
    );
    expect(bindRefusal({ code: 'INVALID_ARGUMENT', message: 'accountNo: …' })).toBe('户号格式不正确，请核对缴费单上的户号');
    expect(bindRefusal({ code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' })).toBe('无法连接服务器，请检查网络后重试');
    expect(unbindQuestion({ title: '水费 · 31000001' }).content).toContain('水费 · 31000001');
  });
});

describe('bill view', () => {
  it('reads which bill a query names', () => {
    expect(billTarget({ billId: 'UB%3Awater%3A31000001%3A2026-10' })).toEqual({ kind: 'bill', billId: 'UB:water:31000001:2026-10' });
    expect(billTarget({ ride: 'unpaid' })).toEqual({ kind: 'ride' });
    expect(billTarget({})).toEqual({ kind: 'bad' });
    expect(billTarget({ billId: '%E0%A4%A' })).toEqual({ kind: 'bad' });
    expect(billTarget(undefined)).toEqual({ kind: 'bad' });
  });

  it('finds the oldest unpaid ride bill', () => {
    expect(firstUnpaidRideBill([water(), ride({ id: 'RB2', status: 'paid' }), ride({ id: 'RB3' })])?.id).toBe('RB3');
    expect(firstUnpaidRideBill([water()])).toBeNull();
  });

  it('cards: amount, status, the receipt time, and 提醒我 only for a utility bill not yet due', () => {
    expect(billCard(water(), TODAY)).toMatchObject({
      title: '水费 · 31000001',
      period: '2026年10月',
      amountText: '¥42.80',
      remindText: '到期前 3 天提醒我',
      isRide: false,
    });
    expect(billCard(water({ dueDate: '2026-11-15' }), TODAY).remindText).toBe('');
    expect(billCard(ride(), TODAY)).toMatchObject({ title: '骑行费', remindText: '', isRide: true });
    expect(billCard(ride({ status: 'paid', paidAt: '2026-11-25T01:30:00.000Z' }), TODAY)).toMatchObject({
      statusText: '已支付',
      paidAt: '2026-11-25 09:30',
      remindText: '',
    });
  });

  it('a cancelled sheet is not an error; unconfirmed says not to pay twice; refusals in words', () => {
    expect(payOutcomeNotice({ kind: 'cancelled' })).toMatchObject({ state: 'unpaid', notice: '已取消支付，账单仍待支付', tone: 'muted' });
    expect(payOutcomeNotice({ kind: 'unconfirmed' })).toMatchObject({ state: 'unconfirmed', notice: '暂未确认到账' });
    expect(payOutcomeNotice({ kind: 'unconfirmed' }).note).toContain('请勿重复支付');
    expect(payOutcomeNotice({ kind: 'refused', error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'PAYMENTS_UNAVAILABLE' } })).toMatchObject({
      state: 'unpaid',
      notice: '在线支付暂未开通，请稍后再试',
      tone: 'danger',
    });
    expect(payOutcomeNotice({ kind: 'refused', error: { code: 'NOT_FOUND', message: '…' } }).notice).toBe('找不到这张账单，它可能属于已解绑的户号');
    expect(payOutcomeNotice({ kind: 'failed' })).toMatchObject({ state: 'unpaid', tone: 'danger' });
    expect(payOutcomeNotice({ kind: 'paid' }).state).toBe('paid');
  });
});

describe('payment records and the receipt', () => {
  const paid = (id: string, paidAt: string, over: Partial<BillView> = {}): BillView =>
    water({ id, status: 'paid', paidAt, transactionId: `42000${id}`, billerId: 'sh-water', billerName: '上海城投水务', label: '我家', ...over });
  it('lists paid bills by month of payment in the city’s time, newest first, each with company, period, amount, paid at and transaction id', () => {
    const months = recordMonths([
      paid('a', '2026-10-31T15:30:00Z'), // 2026-10-31 23:30 in Shanghai
      paid('b', '2026-10-31T16:30:00Z', { amountFen: 1000 }), // 2026-11-01 00:30
      ride({ id: 'r', status: 'paid', paidAt: '2026-11-05T02:00:00Z', transactionId: '42000r' }),
      water({ id: 'u' }), // unpaid: not a record
    ]);
    expect(months.map((m) => [m.month, m.total, m.rows.map((r) => r.id)])).toEqual([
      ['2026年11月', '共 2 笔 ¥11.50', ['r', 'b']],
      ['2026年10月', '共 1 笔 ¥42.80', ['a']],
    ]);
    expect(months[1].rows[0]).toEqual({
      id: 'a',
      company: '上海城投水务',
      detail: '水费 · 2026年10月 · 我家',
      amountText: '¥42.80',
      paidAt: '2026-10-31 23:30',
      transactionId: '42000a',
      url: '/packageBill/pages/receipt/index?billId=a',
    });
    expect(months[0].rows[0]).toMatchObject({ company: '骑行费', detail: '单车骑行' });
  });

  it('the receipt lists the company, the account, the holder masked, the period, the payment and its transaction', () => {
    const receipt = receiptView({ ...paid('a', '2026-11-02T01:00:00Z'), holderName: '张*' });
    expect(receipt).toEqual({
      title: '缴费凭证',
      amountText: '¥42.80',
      lines: [
        { label: '缴费单位', value: '上海城投水务' },
        { label: '缴费类型', value: '水费' },
        { label: '户号', value: '31000001' },
        { label: '户主', value: '张*' },
        { label: '账期', value: '2026年10月' },
        { label: '支付方式', value: '微信支付' },
        { label: '支付时间', value: '2026-11-02 09:00' },
        { label: '交易单号', value: '42000a' },
      ],
    });
  });
});
