import { fakeDateOnly } from './device';
// The packageBill pages in each state, their services mocked.
jest.mock('../../miniprogram/services/bills', () => ({
  listBills: jest.fn(),
  refreshBill: jest.fn(),
  getBill: jest.fn(),
  billers: jest.fn(),
  accounts: jest.fn(),
  bindAccount: jest.fn(),
  unbindAccount: jest.fn(),
}));
jest.mock('../../miniprogram/services/location', () => ({ locate: jest.fn() }));
jest.mock('../../miniprogram/services/receipt', () => ({ receiptImage: jest.fn(), saveToAlbum: jest.fn(), shareImage: jest.fn() }));
jest.mock('../../miniprogram/services/pay', () => ({ payForBill: jest.fn() }));
jest.mock('../../miniprogram/services/subscribe', () => ({
  SUBSCRIBE_FOR: { billRemindMe: ['billDue'], billPaid: ['billDue'] },
  prefetchTemplates: jest.fn(() => Promise.resolve()),
  subscribeFor: jest.fn(() => Promise.resolve({ asked: true, results: {}, granted: true })),
}));
import { flush, loadPage, openPage, tap, texts, wxMock, type Rendered } from './harness';
import { rideBill, waterBill } from '../support/bill-views';

const bills = jest.requireMock('../../miniprogram/services/bills') as Record<
  'listBills' | 'refreshBill' | 'getBill' | 'billers' | 'accounts' | 'bindAccount' | 'unbindAccount',
  jest.Mock
>;
const location = jest.requireMock('../../miniprogram/services/location') as { locate: jest.Mock };
const receipt = jest.requireMock('../../miniprogram/services/receipt') as Record<'receiptImage' | 'saveToAlbum' | 'shareImage', jest.Mock>;
const pay = jest.requireMock('../../miniprogram/services/pay') as { payForBill: jest.Mock };
const subscribe = jest.requireMock('../../miniprogram/services/subscribe') as { subscribeFor: jest.Mock };

const NOW = new Date('2026-11-20T02:00:00Z');
const WATER = waterBill();
const RIDE = rideBill();
const ok = <T>(data: T) => ({ ok: true, data });
const refused = (code: string, reason?: string) => ({ ok: false, error: { code, message: 'refused', ...(reason ? { reason } : {}) } });
const UNREACHABLE = { ok: false, error: { code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' } };

let billPage: string;
let billsPage: string;
let accountsPage: string;
let recordsPage: string;
let receiptPage: string;
beforeAll(() => {
  // The privacy sheet's .ts runs once under jest: the pages that hold it share one loaded copy.
  const shared = { 'privacy-sheet': loadPage('components/privacy-sheet/index') };
  recordsPage = loadPage('packageBill/pages/records/index');
  receiptPage = loadPage('packageBill/pages/receipt/index', shared);
  fakeDateOnly(NOW);
  billPage = loadPage('packageBill/pages/bill/index');
  billsPage = loadPage('packageBill/pages/bills/index');
  accountsPage = loadPage('packageBill/pages/accounts/index', shared);
});
afterAll(() => jest.useRealTimers());
beforeEach(() => jest.clearAllMocks());

describe('bill page', () => {
  /** Opens the page of `bill` and taps 立即支付, the payment ending in `outcome` (the test sets what refreshBill answers). */
  async function payOnPage(bill: { id: string }, outcome: object): Promise<Rendered> {
    pay.payForBill.mockResolvedValue(outcome);
    const page = await openPage(billPage, { billId: bill.id });
    await tap(page, '.pay-btn');
    await flush();
    return page;
  }

  it('an unpaid utility bill: amount as yuan, due date, 立即支付 and 到期提醒我 (asked in the tap)', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: WATER }));
    const page = await openPage(billPage, { billId: encodeURIComponent(WATER.id) });
    expect(bills.refreshBill).toHaveBeenCalledWith(WATER.id);
    expect(texts(page, '.bill-title')).toEqual(['水费 · 31000001']);
    expect(texts(page, '.period')).toEqual(['2026年10月']);
    expect(texts(page, '.amount')).toEqual(['¥42.80']);
    expect(texts(page, '.status')).toEqual(['待支付 · 11月25日到期']);
    expect(texts(page, '.pay-btn')).toEqual(['立即支付 ¥42.80']);
    await tap(page, '.remind-btn');
    expect(subscribe.subscribeFor).toHaveBeenCalledWith(['billDue']);
    await flush();
    expect(wxMock().showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已设置到期提醒' }));
  });

  it('pays: 确认中… while confirming, then the receipt', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: WATER }));
    let finish: (outcome: unknown) => void = () => {};
    pay.payForBill.mockImplementation((_id: string, hooks: { onConfirming: () => void; subscribeAfter: string[] }) => {
      expect(hooks.subscribeAfter).toEqual(['billDue']);
      hooks.onConfirming();
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const page = await openPage(billPage, { billId: WATER.id });
    await tap(page, '.pay-btn');
    expect(texts(page, '.confirming .title')).toEqual(['确认中…']);
    expect(page.querySelectorAll('.pay-btn')).toHaveLength(0);
    finish({ kind: 'paid', bill: { ...WATER, status: 'paid', paidAt: '2026-11-20T02:01:00.000Z' } });
    await flush();
    expect(texts(page, '.status')).toEqual(['已支付']);
    expect(texts(page, '.paid-at')).toEqual(['2026-11-20 10:01']);
    expect(page.querySelectorAll('.pay-btn')).toHaveLength(0);
    expect(page.querySelectorAll('.remind-btn')).toHaveLength(0);
    expect(texts(page, '.all-btn')).toEqual(['查看全部账单']);
  });

  it('a cancelled sheet leaves the bill payable with a plain note', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: WATER }));
    const page = await payOnPage(WATER, { kind: 'cancelled' });
    expect(texts(page, '.pay-notice .notice-text')).toEqual(['已取消支付，账单仍待支付']);
    expect(page.querySelectorAll('.pay-notice.notice-muted')).toHaveLength(1);
    expect(texts(page, '.pay-btn')).toEqual(['立即支付 ¥42.80']);
  });

  it('unconfirmed: says so, warns against paying twice, and asks again on 再次查询', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: WATER }));
    const page = await payOnPage(WATER, { kind: 'unconfirmed' });
    expect(texts(page, '.pay-notice .notice-text')[0]).toBe('暂未确认到账');
    expect(texts(page, '.pay-notice .note')[0]).toContain('请勿重复支付');
    expect(page.querySelectorAll('.pay-btn')).toHaveLength(0);
    bills.refreshBill.mockResolvedValue(ok({ bill: { ...WATER, status: 'paid' } }));
    await tap(page, '.retry-btn');
    await flush();
    expect(texts(page, '.status')).toEqual(['已支付']);
  });

  it('a bill paid meanwhile (ALREADY_PAID) reloads as the receipt', async () => {
    bills.refreshBill.mockResolvedValueOnce(ok({ bill: RIDE })).mockResolvedValueOnce(ok({ bill: { ...RIDE, status: 'paid' } }));
    const page = await payOnPage(RIDE, { kind: 'refused', error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'ALREADY_PAID' } });
    expect(texts(page, '.status')).toEqual(['已支付']);
    expect(texts(page, '.ride-on-btn')).toEqual(['继续用车']);
    // Opened from the ride summary (by id): a fresh unlock page, to scan the next bike.
    await tap(page, '.ride-on-btn');
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: '/packageRide/pages/unlock/index' });
    expect(wxMock().navigateBack).not.toHaveBeenCalled();
  });

  it('a refusal of pay is worded, and the bill stays payable', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: RIDE }));
    const page = await payOnPage(RIDE, { kind: 'refused', error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'PAYMENTS_UNAVAILABLE' } });
    expect(texts(page, '.pay-notice .notice-text')).toEqual(['在线支付暂未开通，请稍后再试']);
    expect(texts(page, '.pay-btn')).toEqual(['立即支付 ¥1.50']);
  });

  it('from the unlock refusal (?ride=unpaid): the oldest unpaid ride bill, or says there is none', async () => {
    bills.listBills.mockResolvedValue(ok({ bills: [RIDE, WATER] }));
    const page = await openPage(billPage, { ride: 'unpaid' });
    expect(bills.listBills).toHaveBeenCalledWith('unpaid');
    expect(texts(page, '.bill-title')).toEqual(['骑行费']);
    expect(page.querySelectorAll('.remind-btn')).toHaveLength(0);

    bills.listBills.mockResolvedValue(ok({ bills: [WATER] }));
    const none = await openPage(billPage, { ride: 'unpaid' });
    expect(texts(none, '.state-title')).toEqual(['没有待支付的骑行账单']);
    await tap(none, '.ride-on-btn');
    expect(wxMock().navigateBack).toHaveBeenCalled();
  });

  it('a bill not yours, or a broken link: 找不到这张账单 with the way to all bills', async () => {
    bills.refreshBill.mockResolvedValue(refused('NOT_FOUND'));
    const page = await openPage(billPage, { billId: 'UB:water:99999999:2026-10' });
    expect(texts(page, '.state-title')).toEqual(['找不到这张账单']);
    await tap(page, '.all-btn');
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: '/packageBill/pages/bills/index' });
    const broken = await openPage(billPage, {});
    expect(texts(broken, '.state-title')).toEqual(['找不到这张账单']);
  });

  it('no network: the reason and 重试', async () => {
    bills.refreshBill.mockResolvedValueOnce(UNREACHABLE).mockResolvedValueOnce(ok({ bill: WATER }));
    const page = await openPage(billPage, { billId: WATER.id });
    expect(texts(page, '.state-title')).toEqual(['账单没有加载出来']);
    expect(texts(page, '.error .muted')).toEqual(['无法连接服务器，请检查网络后重试']);
    await tap(page, '.retry-btn');
    await flush();
    expect(texts(page, '.amount')).toEqual(['¥42.80']);
  });
});

describe('bills page', () => {
  it('unpaid first with the total, then paid; a row opens its bill', async () => {
    bills.listBills.mockResolvedValue(
      ok({
        bills: [RIDE, WATER, { ...WATER, id: 'UB:water:31000001:2026-09', period: '2026-09', amountFen: 3960, status: 'paid', paidAt: '2026-10-01T00:00:00Z' }],
      }),
    );
    const page = await openPage(billsPage, {});
    expect(texts(page, '.summary')).toEqual(['待支付 2 笔，共 ¥44.30']);
    expect(texts(page, '.unpaid .bill-title')).toEqual(['骑行费', '水费 · 31000001']);
    expect(texts(page, '.unpaid .bill-status')).toEqual(['待支付', '待支付 · 11月25日到期']);
    expect(texts(page, '.paid .bill-amount')).toEqual(['¥39.60']);
    expect(texts(page, '.paid .bill-status')).toEqual(['已支付']);
    // The button and the page it opens in the same words (was 管理户号 / 户号管理).
    expect(texts(page, '.accounts-btn')).toEqual(['管理户号']);
    await tap(page, '.unpaid .bill-row', 1);
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageBill/pages/bill/index?billId=UB%3Awater%3A31000001%3A2026-10' });
  });

  it('empty: explains and leads to binding', async () => {
    bills.listBills.mockResolvedValue(ok({ bills: [] }));
    const page = await openPage(billsPage, {});
    expect(texts(page, '.empty .state-title')).toEqual(['还没有账单']);
    await tap(page, '.bind-btn');
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageBill/pages/accounts/index' });
  });

  it('error: the reason and 重试', async () => {
    bills.listBills.mockResolvedValue(UNREACHABLE);
    const page = await openPage(billsPage, {});
    expect(texts(page, '.state-title')).toEqual(['账单没有加载出来']);
    bills.listBills.mockResolvedValue(ok({ bills: [RIDE] }));
    await tap(page, '.retry-btn');
    await flush();
    expect(texts(page, '.unpaid .bill-title')).toEqual(['骑行费']);
  });
});

describe('accounts page: the bind flow and the households', () => {
  const BILLERS = [
    { id: 'sh-water', name: '上海城投水务', type: 'water', city: '上海', accountNoHint: '水费账单右上角“户号”，8 位数字' },
    { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海', accountNoHint: '燃气账单左上角“用户编号”' },
    { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海', accountNoHint: '燃气卡背面的“客户号”' },
    { id: 'bj-water', name: '北京自来水', type: 'water', city: '北京' },
  ];
  const ACCOUNT = {
    billerId: 'sh-gas-dz',
    billerName: '上海大众燃气',
    type: 'gas',
    accountType: 'gas',
    accountNo: 'DZ-2100301',
    holderName: '王*',
    label: '父母家',
    boundAt: '2026-11-20T01:00:00Z',
  };
  beforeEach(() => {
    bills.billers.mockResolvedValue(ok({ billers: BILLERS }));
    location.locate.mockResolvedValue({ ok: false, reason: 'denied' });
  });

  async function fill(page: Awaited<ReturnType<typeof openPage>>, accountNo: string, holderName: string) {
    page.querySelector('.account-no')!.dispatchEvent('input', { detail: { value: accountNo } });
    page.querySelector('.holder-name')!.dispatchEvent('input', { detail: { value: holderName } });
    await flush();
  }

  it('opened cold with location refused: the first city, its water company and hint; choosing 北京 by position when allowed', async () => {
    bills.accounts.mockResolvedValue(ok({ accounts: [] }));
    const page = await openPage(accountsPage, {});
    expect(texts(page, '.no-accounts')).toEqual(['还没有绑定户号']);
    expect(texts(page, '.city-chip .chip-on')).toEqual(['上海']);
    expect(texts(page, '.company-row')).toEqual(['上海城投水务✓']);
    expect(texts(page, '.hint')).toEqual(['水费账单右上角“户号”，8 位数字']);
    expect(texts(page, '.city-note')).toEqual(['未开启定位，请手动选择城市']);
    location.locate.mockResolvedValue({ ok: true, position: { lat: 39.95, lng: 116.35 } });
    const located = await openPage(accountsPage, {});
    expect(texts(located, '.city-chip .chip-on')).toEqual(['北京']);
    expect(texts(located, '.company-row')).toEqual(['北京自来水✓']);
    expect(texts(located, '.hint')).toEqual(['户号见缴费单，4–32 位字母、数字或 -']);
  });

  it('city → type → company → number with its hint → holder → label: binds, and the account shows under its household', async () => {
    bills.accounts.mockResolvedValueOnce(ok({ accounts: [] })).mockResolvedValueOnce(ok({ accounts: [ACCOUNT] }));
    bills.bindAccount.mockResolvedValue(ok({ account: ACCOUNT, alreadyBound: false }));
    const page = await openPage(accountsPage, {});
    await tap(page, '.types .type-chip', 2); // 燃气
    expect(texts(page, '.company-row')).toEqual(['上海燃气✓', '上海大众燃气']);
    await tap(page, '.company-row', 1);
    expect(texts(page, '.hint')).toEqual(['燃气卡背面的“客户号”']);
    await fill(page, 'dz-2100 301', '王芳');
    await tap(page, '.label-chip', 1); // 父母家
    await tap(page, '.bind-btn');
    await flush();
    expect(bills.bindAccount).toHaveBeenCalledWith({ billerId: 'sh-gas-dz', accountNo: 'DZ-2100301', holderName: '王芳', label: '父母家' });
    expect(texts(page, '.bind-done')).toEqual(['绑定成功']);
    expect(texts(page, '.household-label')).toEqual(['父母家']);
    expect(texts(page, '.account-title')).toEqual(['上海大众燃气 · DZ-2100301']);
    expect(texts(page, '.holder')).toEqual(['燃气 · 户主 王*']);
  });

  it('says 已绑定 when the account was already bound', async () => {
    bills.accounts.mockResolvedValue(ok({ accounts: [ACCOUNT] }));
    bills.bindAccount.mockResolvedValue(ok({ account: ACCOUNT, alreadyBound: true }));
    const page = await openPage(accountsPage, {});
    await tap(page, '.types .type-chip', 2);
    await tap(page, '.company-row', 1);
    await fill(page, 'DZ-2100301', '王芳');
    await tap(page, '.bind-btn');
    await flush();
    expect(texts(page, '.bind-done')).toEqual(['已绑定']);
    expect(wxMock().showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已绑定' }));
  });

  it('checks the number before sending, and words the refusals: one NOT_FOUND, then the rate limit', async () => {
    bills.accounts.mockResolvedValue(ok({ accounts: [] }));
    const page = await openPage(accountsPage, {});
    await fill(page, '310', '张三');
    await tap(page, '.bind-btn');
    expect(texts(page, '.form-error')).toEqual(['户号格式不正确：水费账单右上角“户号”，8 位数字']);
    expect(bills.bindAccount).not.toHaveBeenCalled();
    await fill(page, '31000001', '李四');
    bills.bindAccount.mockResolvedValue(refused('NOT_FOUND'));
    await tap(page, '.bind-btn');
    await flush();
    expect(texts(page, '.form-error')).toEqual(['户号或户主姓名不正确，请核对缴费单上的信息']);
    bills.bindAccount.mockResolvedValue(refused('RESOURCE_EXHAUSTED', 'TOO_MANY_BINDS'));
    await tap(page, '.bind-btn');
    await flush();
    expect(texts(page, '.form-error')).toEqual(['一小时内绑定失败已达 5 次，请一小时后再试']);
  });

  it('unbinds after a confirmation, and not without it', async () => {
    bills.accounts.mockResolvedValueOnce(ok({ accounts: [ACCOUNT] })).mockResolvedValue(ok({ accounts: [] }));
    bills.unbindAccount.mockResolvedValue(ok({}));
    const page = await openPage(accountsPage, {});
    wxMock().showModal.mockImplementationOnce((o: { success: (r: { confirm: boolean }) => void }) => o.success({ confirm: false }));
    await tap(page, '.unbind-btn');
    expect(bills.unbindAccount).not.toHaveBeenCalled();
    wxMock().showModal.mockImplementationOnce((o: { content: string; success: (r: { confirm: boolean }) => void }) => {
      expect(o.content).toContain('上海大众燃气 · DZ-2100301');
      o.success({ confirm: true });
    });
    await tap(page, '.unbind-btn');
    await flush();
    expect(bills.unbindAccount).toHaveBeenCalledWith({ billerId: 'sh-gas-dz', accountNo: 'DZ-2100301' });
    expect(texts(page, '.no-accounts')).toEqual(['还没有绑定户号']);
  });
});

describe('payment records and the receipt', () => {
  const PAID = {
    ...WATER,
    billerId: 'sh-water',
    billerName: '上海城投水务',
    label: '我家',
    status: 'paid',
    paidAt: '2026-11-02T01:00:00Z',
    transactionId: '4200001234',
  };

  it('缴费记录 lists paid bills by month; a tap opens the receipt', async () => {
    bills.listBills.mockResolvedValue(ok({ bills: [PAID] }));
    const page = await openPage(recordsPage, {});
    expect(bills.listBills).toHaveBeenCalledWith('paid');
    expect(texts(page, '.month-title')).toEqual(['2026年11月']);
    expect(texts(page, '.record-company')).toEqual(['上海城投水务']);
    expect(texts(page, '.record-amount')).toEqual(['¥42.80']);
    expect(texts(page, '.small')).toEqual(['2026-11-02 09:00 · 交易单号 4200001234']);
    await tap(page, '.record-row');
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: `/packageBill/pages/receipt/index?billId=${encodeURIComponent(PAID.id)}` });
  });

  it('缴费记录 with nothing paid yet says so', async () => {
    bills.listBills.mockResolvedValue(ok({ bills: [] }));
    const page = await openPage(recordsPage, {});
    expect(texts(page, '.state-title')).toEqual(['还没有缴费记录']);
  });

  it('the receipt: saved to the album as an image, or shared', async () => {
    bills.getBill.mockResolvedValue(ok({ bill: { ...PAID, holderName: '张*' } }));
    receipt.receiptImage.mockResolvedValue('wxfile://receipt.png');
    receipt.saveToAlbum.mockResolvedValue(true);
    receipt.shareImage.mockResolvedValue(true);
    const page = await openPage(receiptPage, { billId: encodeURIComponent(PAID.id) });
    expect(texts(page, '.amount')).toEqual(['¥42.80']);
    expect(texts(page, '.line .value')).toEqual(['上海城投水务', '水费', '31000001', '张*', '2026年10月', '微信支付', '2026-11-02 09:00', '4200001234']);
    await tap(page, '.save-btn');
    await flush();
    expect(receipt.saveToAlbum).toHaveBeenCalledWith('wxfile://receipt.png');
    expect(wxMock().showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存到相册' }));
    await tap(page, '.share-btn');
    await flush();
    expect(receipt.shareImage).toHaveBeenCalledWith('wxfile://receipt.png');
    expect(receipt.receiptImage).toHaveBeenCalledTimes(1); // drawn once
  });

  it('the receipt of an unpaid bill, or of a bill not yours, says so', async () => {
    bills.getBill.mockResolvedValue(ok({ bill: WATER }));
    expect(texts(await openPage(receiptPage, { billId: WATER.id }), '.state-title')).toEqual(['这张账单还没有支付']);
    bills.getBill.mockResolvedValue(refused('NOT_FOUND'));
    expect(texts(await openPage(receiptPage, { billId: WATER.id }), '.state-title')).toEqual(['找不到这张账单']);
  });
});
