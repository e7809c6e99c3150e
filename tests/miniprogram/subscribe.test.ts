// The subscribe service and its pure plan: what one wx.requestSubscribeMessage call asks for, that
// the call happens before subscribeFor returns (WeChat refuses it after an await), and that the
// grant carries only our ids' answers. The network is mocked here; journeys do it on a real host.
import { flush, wxMock } from './harness';
import { MAX_TEMPLATES_PER_CALL, grantableResults, subscribePlan } from '../../miniprogram/lib/subscribe-plan';

jest.mock('../../miniprogram/services/api', () => ({ callFunction: jest.fn() }));
const api = jest.requireMock('../../miniprogram/services/api') as { callFunction: jest.Mock };

type Outcome = { asked: boolean; why?: string; results?: Record<string, string> | null; granted?: boolean };
const subscribe = require('../../miniprogram/services/subscribe') as {
  prefetchTemplates(): Promise<void>;
  subscribeFor(keys: readonly string[]): Promise<Outcome>;
  resetSubscribeCache(): void;
  SUBSCRIBE_FOR: Record<string, readonly string[]>;
};

const TEMPLATES = { bookingReminder: 'T-REMIND', bookingConfirmed: 'T-CONFIRM', billDue: 'T-BILL', bookingChanged: 'T-CHANGED', newBooking: 'T-NEW' };

function serve(templates: Record<string, string | null> = TEMPLATES) {
  api.callFunction.mockImplementation(async (_name: string, data: { action: string; results?: Record<string, string> }) => {
    if (data.action === 'templates') return { ok: true, data: { templates } };
    if (data.action === 'grant') return { ok: true, data: { quota: { bookingReminder: 1, bookingConfirmed: 1, billDue: 0 } } };
    return { ok: false, error: { code: 'NOT_FOUND', message: 'unknown' } };
  });
}
function setting(subscriptionsSetting: object | undefined) {
  wxMock().getSetting.mockImplementation((o: { withSubscriptions?: boolean; success(r: object): void }) =>
    o.success({ authSetting: {}, subscriptionsSetting: o.withSubscriptions ? subscriptionsSetting : undefined, errMsg: 'getSetting:ok' }),
  );
}
function answer(res: Record<string, string>) {
  wxMock().requestSubscribeMessage.mockImplementation((o: { tmplIds: string[]; success(r: object): void }) =>
    setTimeout(() => o.success({ errMsg: 'requestSubscribeMessage:ok', ...res }), 0),
  );
}
const grants = () => api.callFunction.mock.calls.filter((c) => c[1].action === 'grant').map((c) => c[1].results);

beforeEach(() => {
  jest.clearAllMocks();
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  subscribe.resetSubscribeCache();
  serve();
  setting({ mainSwitch: true });
});

describe('subscribePlan (pure)', () => {
  it('asks our ids in order, each once, at most three', () => {
    const plan = subscribePlan(['bookingReminder', 'bookingConfirmed', 'bookingReminder'], TEMPLATES, { mainSwitch: true });
    expect(plan).toEqual({ ask: true, tmplIds: ['T-REMIND', 'T-CONFIRM'], keyOf: { 'T-REMIND': 'bookingReminder', 'T-CONFIRM': 'bookingConfirmed' } });
    const all = subscribePlan(['billDue', 'bookingReminder', 'bookingConfirmed'], TEMPLATES, null);
    expect(all.ask && all.tmplIds).toEqual(['T-BILL', 'T-REMIND', 'T-CONFIRM']);
    expect(MAX_TEMPLATES_PER_CALL).toBe(3);
  });

  it('leaves out templates set to reject or ban, keeps "always accept" (each send needs a call)', () => {
    const plan = subscribePlan(['bookingReminder', 'bookingConfirmed', 'billDue'], TEMPLATES, {
      mainSwitch: true,
      itemSettings: { 'T-REMIND': 'reject', 'T-CONFIRM': 'accept', 'T-BILL': 'ban' },
    });
    expect(plan.ask && plan.tmplIds).toEqual(['T-CONFIRM']);
    expect(subscribePlan(['bookingReminder'], TEMPLATES, { mainSwitch: true, itemSettings: { 'T-REMIND': 'reject' } })).toEqual({
      ask: false,
      why: 'all-declined',
    });
  });

  it('makes no call with the main switch off, without templates, for an unconfigured key, or for nothing', () => {
    expect(subscribePlan(['bookingReminder'], TEMPLATES, { mainSwitch: false })).toEqual({ ask: false, why: 'main-switch-off' });
    expect(subscribePlan(['bookingReminder'], null, { mainSwitch: true })).toEqual({ ask: false, why: 'no-templates' });
    expect(subscribePlan(['billDue'], { ...TEMPLATES, billDue: null }, null)).toEqual({ ask: false, why: 'no-templates' });
    expect(subscribePlan([], TEMPLATES, null)).toEqual({ ask: false, why: 'nothing-asked' });
  });

  it('grants only our ids, and only when something was accepted', () => {
    expect(
      grantableResults({ errMsg: 'requestSubscribeMessage:ok', 'T-REMIND': 'accept', 'T-CONFIRM': 'reject', OTHER: 'accept' }, ['T-REMIND', 'T-CONFIRM']),
    ).toEqual({ 'T-REMIND': 'accept', 'T-CONFIRM': 'reject' });
    expect(grantableResults({ errMsg: 'requestSubscribeMessage:ok', 'T-REMIND': 'reject', 'T-CONFIRM': 'filter' }, ['T-REMIND', 'T-CONFIRM'])).toBeNull();
  });
});

describe('subscribeFor', () => {
  it('calls wx.requestSubscribeMessage before it returns, then grants what was accepted', async () => {
    await subscribe.prefetchTemplates();
    answer({ 'T-REMIND': 'accept', 'T-CONFIRM': 'accept' });
    const pending = subscribe.subscribeFor(subscribe.SUBSCRIBE_FOR.booking);
    // Synchronous: the call is made inside the tap, before anything is awaited.
    expect(wxMock().requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wxMock().requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-REMIND', 'T-CONFIRM', 'T-CHANGED']);
    expect(grants()).toEqual([]);
    expect(await pending).toEqual({ asked: true, results: { 'T-REMIND': 'accept', 'T-CONFIRM': 'accept' }, granted: true });
    expect(grants()).toEqual([{ 'T-REMIND': 'accept', 'T-CONFIRM': 'accept' }]);
    // The settings are read again afterwards ("always keep this choice" may have changed).
    expect(wxMock().getSetting.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(wxMock().getSetting.mock.calls.every((c) => c[0].withSubscriptions === true)).toBe(true);
  });

  it('skips the call for a template set to reject, and entirely with the main switch off', async () => {
    setting({ mainSwitch: true, itemSettings: { 'T-REMIND': 'reject' } });
    await subscribe.prefetchTemplates();
    answer({ 'T-CONFIRM': 'accept' });
    await subscribe.subscribeFor(subscribe.SUBSCRIBE_FOR.booking);
    expect(wxMock().requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-CONFIRM', 'T-CHANGED']);

    setting({ mainSwitch: false });
    await subscribe.prefetchTemplates();
    wxMock().requestSubscribeMessage.mockClear();
    expect(await subscribe.subscribeFor(subscribe.SUBSCRIBE_FOR.booking)).toEqual({ asked: false, why: 'main-switch-off' });
    expect(wxMock().requestSubscribeMessage).not.toHaveBeenCalled();
  });

  it('without templates yet makes no call, fetches them, and asks at the next tap', async () => {
    answer({ 'T-BILL': 'accept' });
    expect(await subscribe.subscribeFor(['billDue'])).toEqual({ asked: false, why: 'no-templates' });
    expect(wxMock().requestSubscribeMessage).not.toHaveBeenCalled();
    await flush();
    await subscribe.subscribeFor(['billDue']);
    expect(wxMock().requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-BILL']);
  });

  it('never rejects: a refused dialog, a failing grant, a missing API', async () => {
    await subscribe.prefetchTemplates();
    wxMock().requestSubscribeMessage.mockImplementation((o: { fail(e: object): void }) =>
      o.fail({ errCode: 20004, errMsg: 'requestSubscribeMessage:fail The main switch is switched off' }),
    );
    const refused = await subscribe.subscribeFor(['bookingReminder']);
    expect(refused).toMatchObject({ asked: true, results: null, granted: false });
    expect(grants()).toEqual([]);

    setting({ mainSwitch: true });
    await subscribe.prefetchTemplates();
    answer({ 'T-REMIND': 'accept' });
    api.callFunction.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: 'down', reason: 'UNREACHABLE' } });
    expect(await subscribe.subscribeFor(['bookingReminder'])).toMatchObject({ asked: true, granted: false });

    wxMock().requestSubscribeMessage.mockImplementation(() => {
      throw new Error('not a function in this base library');
    });
    expect(await subscribe.subscribeFor(['bookingReminder'])).toMatchObject({ asked: true, granted: false });
  });

  it('a reject answer grants nothing', async () => {
    await subscribe.prefetchTemplates();
    answer({ 'T-REMIND': 'reject', 'T-CONFIRM': 'reject' });
    expect(await subscribe.subscribeFor(subscribe.SUBSCRIBE_FOR.booking)).toEqual({ asked: true, results: null, granted: false });
    expect(grants()).toEqual([]);
  });
});
