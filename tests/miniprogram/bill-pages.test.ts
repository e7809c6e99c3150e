import { fakeDateOnly } from './device';
// The packageBill pages in each state, their services mocked.
jest.mock('../../miniprogram/services/bills', () => ({
  listBills: jest.fn(),
  refreshBill: jest.fn(),
  accounts: jest.fn(),
  bindAccount: jest.fn(),
  unbindAccount: jest.fn(),
}));
jest.mock('../../miniprogram/services/pay', () => ({ payForBill: jest.fn() }));
jest.mock('../../miniprogram/services/subscribe', () => ({
  SUBSCRIBE_FOR: { billRemindMe: ['billDue'], billPaid: ['billDue'] },
  prefetchTemplates: jest.fn(() => Promise.resolve()),
  subscribeFor: jest.fn(() => Promise.resolve({ asked: true, results: {}, granted: true })),
}));
import { flush, loadPage, openPage, tap, texts, wxMock } from './harness';

const bills = jest.requireMock('../../miniprogram/services/bills') as Record<
  'listBills' | 'refreshBill' | 'accounts' | 'bindAccount' | 'unbindAccount',
  jest.Mock
>;
const pay = jest.requireMock('../../miniprogram/services/pay') as { payForBill: jest.Mock };
const subscribe = jest.requireMock('../../miniprogram/services/subscribe') as { subscribeFor: jest.Mock };

const NOW = new Date('2026-11-20T02:00:00Z');
const WATER = {
  id: 'UB:water:31000001:2026-10',
  type: 'water',
  accountNo: '31000001',
  period: '2026-10',
  amountFen: 4280,
  dueDate: '2026-11-25',
  status: 'unpaid',
};
const RIDE = { id: 'RB1', type: 'ride', amountFen: 150, status: 'unpaid', rideId: 'R1' };
const ok = <T>(data: T) => ({ ok: true, data });
const refused = (code: string, reason?: string) => ({ ok: false, error: { code, message: 'refused', ...(reason ? { reason } : {}) } });
const UNREACHABLE = { ok: false, error: { code: 'INTERNAL', message: '无法连接服务器，请检查网络后重试', reason: 'UNREACHABLE' } };

let billPage: string;
let billsPage: string;
let accountsPage: string;
beforeAll(() => {
  fakeDateOnly(NOW);
  billPage = loadPage('packageBill/pages/bill/index');
  billsPage = loadPage('packageBill/pages/bills/index');
  accountsPage = loadPage('packageBill/pages/accounts/index');
});
afterAll(() => jest.useRealTimers());
beforeEach(() => jest.clearAllMocks());

describe('bill page', () => {
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
    pay.payForBill.mockResolvedValue({ kind: 'cancelled' });
    const page = await openPage(billPage, { billId: WATER.id });
    await tap(page, '.pay-btn');
    await flush();
    expect(texts(page, '.pay-notice .notice-text')).toEqual(['已取消支付，账单仍待支付']);
    expect(page.querySelectorAll('.pay-notice.notice-muted')).toHaveLength(1);
    expect(texts(page, '.pay-btn')).toEqual(['立即支付 ¥42.80']);
  });

  it('unconfirmed: says so, warns against paying twice, and asks again on 再次查询', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: WATER }));
    pay.payForBill.mockResolvedValue({ kind: 'unconfirmed' });
    const page = await openPage(billPage, { billId: WATER.id });
    await tap(page, '.pay-btn');
    await flush();
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
    pay.payForBill.mockResolvedValue({ kind: 'refused', error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'ALREADY_PAID' } });
    const page = await openPage(billPage, { billId: RIDE.id });
    await tap(page, '.pay-btn');
    await flush();
    expect(texts(page, '.status')).toEqual(['已支付']);
    expect(texts(page, '.ride-on-btn')).toEqual(['继续用车']);
    // Opened from the ride summary (by id): a fresh unlock page, to scan the next bike.
    await tap(page, '.ride-on-btn');
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: '/packageRide/pages/unlock/index' });
    expect(wxMock().navigateBack).not.toHaveBeenCalled();
  });

  it('a refusal of pay is worded, and the bill stays payable', async () => {
    bills.refreshBill.mockResolvedValue(ok({ bill: RIDE }));
    pay.payForBill.mockResolvedValue({ kind: 'refused', error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'PAYMENTS_UNAVAILABLE' } });
    const page = await openPage(billPage, { billId: RIDE.id });
    await tap(page, '.pay-btn');
    await flush();
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

describe('accounts page', () => {
  const ACCOUNT = { accountType: 'water', accountNo: '31000001', holderName: '张*', boundAt: '2026-11-20T01:00:00Z' };

  async function fill(page: Awaited<ReturnType<typeof openPage>>, accountNo: string, holderName: string) {
    page.querySelector('.account-no')!.dispatchEvent('input', { detail: { value: accountNo } });
    page.querySelector('.holder-name')!.dispatchEvent('input', { detail: { value: holderName } });
    await flush();
  }

  it('lists bound accounts with masked names and binds a new one', async () => {
    bills.accounts.mockResolvedValueOnce(ok({ accounts: [] })).mockResolvedValueOnce(ok({ accounts: [ACCOUNT] }));
    bills.bindAccount.mockResolvedValue(ok({ account: ACCOUNT }));
    const page = await openPage(accountsPage, {});
    expect(texts(page, '.no-accounts')).toEqual(['还没有绑定户号']);
    expect(texts(page, '.hint')).toEqual(['水费户号为 8–12 位数字，见缴费单']);
    await fill(page, '3100 0001', '张三');
    await tap(page, '.bind-btn');
    await flush();
    expect(bills.bindAccount).toHaveBeenCalledWith({ accountType: 'water', accountNo: '31000001', holderName: '张三' });
    expect(texts(page, '.account-title')).toEqual(['水费 · 31000001']);
    expect(texts(page, '.holder')).toEqual(['户主 张*']);
  });

  it('checks the format before sending', async () => {
    bills.accounts.mockResolvedValue(ok({ accounts: [] }));
    const page = await openPage(accountsPage, {});
    await tap(page, '.type-chip', 1); // 电
    await fill(page, '31000001', '张三');
    await tap(page, '.bind-btn');
    expect(texts(page, '.form-error')).toEqual(['户号格式不正确：电费户号为 10 或 13 位数字，见缴费单']);
    expect(bills.bindAccount).not.toHaveBeenCalled();
  });

  it('words the refusals: one NOT_FOUND, then the rate limit', async () => {
    bills.accounts.mockResolvedValue(ok({ accounts: [] }));
    const page = await openPage(accountsPage, {});
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
      expect(o.content).toContain('水费 · 31000001');
      o.success({ confirm: true });
    });
    await tap(page, '.unbind-btn');
    await flush();
    expect(bills.unbindAccount).toHaveBeenCalledWith({ accountType: 'water', accountNo: '31000001' });
    expect(texts(page, '.no-accounts')).toEqual(['还没有绑定户号']);
  });
});
