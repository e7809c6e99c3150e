// services/pay.ts: the order, WeChat's sheet (cloud) or the sandbox (local), then polling refresh.
jest.mock('../../miniprogram/services/bills', () => ({ payBill: jest.fn(), refreshBill: jest.fn() }));
jest.mock('../../miniprogram/services/subscribe', () => ({ subscribeFor: jest.fn(() => Promise.resolve({ asked: false, why: 'no-templates' })) }));
import { wxMock } from './harness';

const bills = jest.requireMock('../../miniprogram/services/bills') as { payBill: jest.Mock; refreshBill: jest.Mock };
const subscribe = jest.requireMock('../../miniprogram/services/subscribe') as { subscribeFor: jest.Mock };
type Outcome = { kind: string; bill?: { status: string }; error?: { reason?: string }; detail?: string };
const { payForBill } = require('../../miniprogram/services/pay') as { payForBill: (billId: string, hooks?: object) => Promise<Outcome> };
const { config } = require('../../miniprogram/config') as { config: { mode: string; localUrl: string; localOpenid: string } };

const PAYMENT = { timeStamp: '1764032400', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2ln' };
const bill = (status: 'paid' | 'unpaid') => ({ ok: true, data: { bill: { id: 'RB1', type: 'ride', amountFen: 150, status } } });
const NO_WAIT = [0, 0, 0];

beforeEach(() => {
  jest.clearAllMocks();
  config.mode = 'cloud';
  bills.payBill.mockResolvedValue({ ok: true, data: { outTradeNo: 'P0123', payment: PAYMENT } });
});

describe("cloud mode: WeChat Pay's sheet", () => {
  it("passes the back end's arguments, asks the subscribe prompt inside the success callback, then confirms by refresh", async () => {
    let subscribedInCallback = false;
    wxMock().requestPayment.mockImplementation((o: { success: () => void }) => {
      o.success();
      subscribedInCallback = subscribe.subscribeFor.mock.calls.length === 1;
    });
    bills.refreshBill.mockResolvedValueOnce(bill('unpaid')).mockResolvedValueOnce(bill('paid'));
    const confirming = jest.fn();
    const outcome = await payForBill('RB1', { onConfirming: confirming, subscribeAfter: ['billDue'], pollDelaysMs: NO_WAIT });
    expect(wxMock().requestPayment).toHaveBeenCalledWith(expect.objectContaining(PAYMENT));
    expect(subscribedInCallback).toBe(true);
    expect(subscribe.subscribeFor).toHaveBeenCalledWith(['billDue']);
    expect(confirming).toHaveBeenCalledTimes(1);
    expect(bills.refreshBill).toHaveBeenCalledTimes(2);
    expect(outcome).toEqual({ kind: 'paid', bill: bill('paid').data.bill });
  });

  it('a cancelled sheet is "cancelled", with no poll and no prompt', async () => {
    wxMock().requestPayment.mockImplementation((o: { fail: (e: { errMsg: string }) => void }) => o.fail({ errMsg: 'requestPayment:fail cancel' }));
    const outcome = await payForBill('RB1', { subscribeAfter: ['billDue'], pollDelaysMs: NO_WAIT });
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(bills.refreshBill).not.toHaveBeenCalled();
    expect(subscribe.subscribeFor).not.toHaveBeenCalled();
  });

  it('another failure of the sheet is "failed"', async () => {
    wxMock().requestPayment.mockImplementation((o: { fail: (e: { errMsg: string }) => void }) => o.fail({ errMsg: 'requestPayment:fail no permission' }));
    expect(await payForBill('RB1', { pollDelaysMs: NO_WAIT })).toEqual({ kind: 'failed', detail: 'requestPayment:fail no permission' });
  });

  it('stays "unconfirmed" when refresh never reads paid within the polls', async () => {
    wxMock().requestPayment.mockImplementation((o: { success: () => void }) => o.success());
    bills.refreshBill.mockResolvedValue(bill('unpaid'));
    expect(await payForBill('RB1', { pollDelaysMs: NO_WAIT })).toEqual({ kind: 'unconfirmed' });
    expect(bills.refreshBill).toHaveBeenCalledTimes(NO_WAIT.length);
  });

  it('a refused order never opens the sheet', async () => {
    bills.payBill.mockResolvedValue({ ok: false, error: { code: 'FAILED_PRECONDITION', message: '…', reason: 'ALREADY_PAID' } });
    const outcome = await payForBill('RB1', { pollDelaysMs: NO_WAIT });
    expect(outcome).toMatchObject({ kind: 'refused', error: { reason: 'ALREADY_PAID' } });
    expect(wxMock().requestPayment).not.toHaveBeenCalled();
  });
});

describe('local mode: the sandbox pays', () => {
  beforeEach(() => {
    config.mode = 'local';
    config.localUrl = 'http://127.0.0.1:9';
    config.localOpenid = 'local-user';
  });

  it('POSTs /sandbox/pay/{outTradeNo} instead of the sheet, then confirms', async () => {
    wxMock().request.mockImplementation((o: { success: (r: { statusCode: number; data: unknown }) => void }) => o.success({ statusCode: 204, data: '' }));
    bills.refreshBill.mockResolvedValue(bill('paid'));
    const outcome = await payForBill('RB1', { pollDelaysMs: NO_WAIT });
    expect(wxMock().request).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://127.0.0.1:9/sandbox/pay/P0123', method: 'POST' }));
    expect(wxMock().requestPayment).not.toHaveBeenCalled();
    expect(outcome.kind).toBe('paid');
  });

  it('a sandbox refusal (409) is a failure, not a payment', async () => {
    wxMock().request.mockImplementation((o: { success: (r: { statusCode: number; data: unknown }) => void }) =>
      o.success({ statusCode: 409, data: { ok: false } }),
    );
    const outcome = await payForBill('RB1', { pollDelaysMs: NO_WAIT });
    expect(outcome.kind).toBe('failed');
    expect(bills.refreshBill).not.toHaveBeenCalled();
  });
});
