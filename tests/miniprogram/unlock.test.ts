import { flush, loadPage, openPage, tap, texts, wxMock } from './harness';
import { DEFAULT_TARIFF } from '../../shared/tariff';

jest.mock('../../miniprogram/services/rides', () => ({ previewBike: jest.fn(), unlockBike: jest.fn() }));
jest.mock('../../miniprogram/services/location', () => ({
  locate: jest.fn(),
  enableLocation: jest.fn(),
  openRoute: jest.fn(),
  reauthorizeLocation: jest.fn(),
}));

jest.mock('../../miniprogram/services/bills', () => ({ listBills: jest.fn() }));
const bills = jest.requireMock('../../miniprogram/services/bills') as { listBills: jest.Mock };
const rides = jest.requireMock('../../miniprogram/services/rides') as { previewBike: jest.Mock; unlockBike: jest.Mock };
const location = jest.requireMock('../../miniprogram/services/location') as { locate: jest.Mock; enableLocation: jest.Mock; reauthorizeLocation: jest.Mock };

const BIKE = { id: 'B0042', code: 'B0042', lat: 31.2304, lng: 121.4737, available: true };
// About 33 m south of the bike.
const HERE = { lat: 31.2301, lng: 121.4737 };
const preview = (over: Partial<typeof BIKE> = {}) => ({ ok: true, data: { bike: { ...BIKE, ...over }, tariff: DEFAULT_TARIFF, maxUnlockDistanceM: 100 } });
const refusal = (code: string, reason?: string) => ({ ok: false, error: { code, message: 'refused', ...(reason ? { reason } : {}) } });
const cameraQuery = (text: string) => ({ q: encodeURIComponent(text), scancode_time: '1764050000' });

let pageId: string;
beforeAll(() => {
  pageId = loadPage('packageRide/pages/unlock/index');
});
beforeEach(() => {
  jest.clearAllMocks();
  rides.previewBike.mockResolvedValue(preview());
  location.locate.mockResolvedValue({ ok: true, position: HERE });
  bills.listBills.mockResolvedValue({ ok: true, data: { bills: [] } });
});

describe('opened by the WeChat camera', () => {
  it('reads the bike code from q and shows the bike, its distance and the tariff', async () => {
    const page = await openPage(pageId, cameraQuery('https://nearby.example.com/b/B0042'));
    expect(rides.previewBike).toHaveBeenCalledWith('B0042');
    expect(texts(page, '.bike-code')).toEqual(['单车 B0042']);
    expect(texts(page, '.bike-distance')).toEqual(['距你 33 m']);
    expect(texts(page, '.tariff-line')).toEqual(['2 分钟内免费', '超过后按整段骑行计费：每 30 分钟 ¥1.50（不足按一段计）', '停车区外还车加收 ¥5.00']);
    expect(texts(page, '.unlock-btn')).toEqual(['开锁骑行']);
  });

  it('says so for a QR code that is not a bike sticker, and asks nothing of the server', async () => {
    const page = await openPage(pageId, cameraQuery('https://evil.example.com/b/B0042'));
    expect(rides.previewBike).not.toHaveBeenCalled();
    expect(texts(page, '.error-text')).toEqual(['这不是单车的二维码，请扫描车身上的二维码']);
    expect(texts(page, '.follow-up')).toEqual(['重新扫码']);
  });

  it('warns when the rider stands too far away', async () => {
    location.locate.mockResolvedValue({ ok: true, position: { lat: 31.2324, lng: 121.4737 } });
    const page = await openPage(pageId, cameraQuery('https://nearby.example.com/b/B0042'));
    expect(texts(page, '.bike-distance.too-far')).toEqual(['距你 220 m，请走到 100 米内开锁']);
  });

  it('shows an unknown code as such', async () => {
    rides.previewBike.mockResolvedValue(refusal('NOT_FOUND'));
    const page = await openPage(pageId, cameraQuery('https://nearby.example.com/b/B9999'));
    expect(texts(page, '.error-text')).toEqual(['没有找到这辆单车，请核对车身编号']);
    expect(texts(page, '.home-btn')).toEqual(['回到附近地图']);
  });
});

it('opens the scanner when reached without a code, and shows the scanned bike', async () => {
  wxMock().scanCode.mockImplementation((o: { success: (r: { result: string }) => void }) => o.success({ result: 'https://nearby.example.com/b/B0042' }));
  const page = await openPage(pageId, {});
  expect(wxMock().scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
  expect(texts(page, '.bike-code')).toEqual(['单车 B0042']);
});

it('takes the code the nearby map passes', async () => {
  const page = await openPage(pageId, { code: 'B0042' });
  expect(rides.previewBike).toHaveBeenCalledWith('B0042');
  expect(texts(page, '.bike-code')).toEqual(['单车 B0042']);
});

describe('the unlock button', () => {
  it('starts the ride and moves on to the riding page', async () => {
    rides.unlockBike.mockResolvedValue({
      ok: true,
      data: { ride: { id: 'R1', bikeId: 'B0042', bikeCode: 'B0042', startAt: '2026-11-25T08:00:00.000Z', status: 'active' } },
    });
    const page = await openPage(pageId, { code: 'B0042' });
    await tap(page, '.unlock-btn');
    expect(rides.unlockBike).toHaveBeenCalledWith('B0042', HERE);
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: '/packageRide/pages/riding/index?rideId=R1' });
  });

  it.each([
    ['TOO_FAR', '离车太远（约 33 米），请走到车旁 100 米内再开锁', '重试'],
    ['BIKE_UNAVAILABLE', '这辆车暂不可用（维修中或正被使用），请换一辆', '重新扫码'],
    ['ACTIVE_RIDE', '你有一段进行中的骑行，请先还车', '查看当前骑行'],
    ['UNPAID_BILL', '你有未支付的骑行账单，支付后才能开始新的骑行', '去支付'],
    ['LOCK_FAILED', '车锁没有响应，请重试或换一辆车', '重试'],
  ])('explains %s and offers the way on', async (reason, message, button) => {
    rides.unlockBike.mockResolvedValue(refusal('FAILED_PRECONDITION', reason));
    const page = await openPage(pageId, { code: 'B0042' });
    await tap(page, '.unlock-btn');
    expect(texts(page, '.error-text')).toEqual([message]);
    expect(texts(page, '.follow-up')).toEqual([button]);
    expect(wxMock().redirectTo).not.toHaveBeenCalled();
  });

  it.each([
    ['owes a ride bill to that bill (去支付)', 'UNPAID_BILL', 'navigateTo', '/packageBill/pages/bill/index?ride=unpaid'],
    ['already rides to the riding page', 'ACTIVE_RIDE', 'redirectTo', '/packageRide/pages/riding/index'],
  ] as const)('leads a rider who %s', async (_, reason, move, url) => {
    rides.unlockBike.mockResolvedValue(refusal('FAILED_PRECONDITION', reason));
    const page = await openPage(pageId, { code: 'B0042' });
    await tap(page, '.unlock-btn');
    await tap(page, '.follow-up');
    expect(wxMock()[move]).toHaveBeenCalledWith({ url });
    expect(wxMock().showToast).not.toHaveBeenCalled();
  });

  it('asks again for a declined privacy agreement, without the settings page', async () => {
    const page = await openPage(pageId, { code: 'B0042' });
    location.locate.mockResolvedValue({ ok: false, reason: 'privacy' });
    await tap(page, '.unlock-btn');
    expect(rides.unlockBike).not.toHaveBeenCalled();

    expect(texts(page, '.enable-location')).toEqual(['开启定位']);
    location.enableLocation.mockResolvedValue({ ok: true, position: HERE });
    await tap(page, '.enable-location');
    expect(location.enableLocation).toHaveBeenCalledTimes(1);
    expect(location.reauthorizeLocation).not.toHaveBeenCalled();
    expect(texts(page, '.bike-distance')).toEqual(['距你 33 m']);
    expect(page.querySelectorAll('.location-missing')).toHaveLength(0);
    expect(page.querySelectorAll('.error')).toHaveLength(0);
  });

  it('offers the settings for a location permission the user turned off', async () => {
    location.locate.mockResolvedValue({ ok: false, reason: 'denied' });
    const page = await openPage(pageId, { code: 'B0042' });
    expect(texts(page, '.location-missing .notice-text')).toEqual(['定位权限已关闭，开锁需要确认你在车旁']);
    expect(texts(page, '.enable-location')).toEqual(['去设置开启']);
  });
});

describe('a code typed by hand', () => {
  it('opens the bike of a typed code when the camera cannot read the sticker', async () => {
    wxMock().scanCode.mockImplementation((o: { fail: (e: { errMsg: string }) => void }) => o.fail({ errMsg: 'scanCode:fail cancel' }));
    const page = await openPage(pageId, {});
    expect(page.querySelectorAll('.code-input')).toHaveLength(1);
    page.instance.onCodeInput({ detail: { value: ' B0042 ' } });
    await tap(page, '.code-btn');
    expect(rides.previewBike).toHaveBeenCalledWith('B0042');
    expect(texts(page, '.bike-code')).toEqual(['单车 B0042']);
  });

  it('says what a code looks like when the typed text is none', async () => {
    wxMock().scanCode.mockImplementation((o: { fail: (e: { errMsg: string }) => void }) => o.fail({ errMsg: 'scanCode:fail cancel' }));
    const page = await openPage(pageId, {});
    page.instance.onCodeInput({ detail: { value: 'B 42' } });
    await tap(page, '.code-btn');
    expect(rides.previewBike).not.toHaveBeenCalled();
    expect(texts(page, '.error-text')).toEqual(['请输入车身二维码下方的编号，例如 B0042']);
  });
});

/** Whether the unlock button is off: simulate renders no `disabled` attribute, so its binding's data. */
const unlockDisabled = (page: Awaited<ReturnType<typeof openPage>>) => String(!page.data.bikeAvailable || page.data.unlocking || page.data.blocked);
const UNPAID_RIDE_BILL = { id: 'RB1', type: 'ride', amountFen: 150, status: 'unpaid', rideId: 'R0' };

describe('the defects of issue 17', () => {
  it('says how much is owed, turns 开锁骑行 off, and clears the refusal once the bill is paid (onShow after 继续用车)', async () => {
    rides.unlockBike.mockResolvedValue(refusal('FAILED_PRECONDITION', 'UNPAID_BILL'));
    bills.listBills.mockResolvedValue({ ok: true, data: { bills: [UNPAID_RIDE_BILL] } });
    const page = await openPage(pageId, { code: 'B0042' });
    expect(unlockDisabled(page)).toBe('false');
    await tap(page, '.unlock-btn');
    expect(texts(page, '.error-text')).toEqual(['你有未支付的骑行账单，支付后才能开始新的骑行']);
    expect(texts(page, '.owed')).toEqual(['待支付 ¥1.50']);
    expect(unlockDisabled(page)).toBe('true');
    await tap(page, '.unlock-btn');
    expect(rides.unlockBike).toHaveBeenCalledTimes(1);
    // Paid on the bill page; 继续用车 comes back here.
    bills.listBills.mockResolvedValue({ ok: true, data: { bills: [] } });
    await page.instance.onShow();
    await flush();
    expect(page.querySelectorAll('.error')).toHaveLength(0);
    expect(unlockDisabled(page)).toBe('false');
  });

  it('keeps 开锁骑行 on for a refusal another tap can mend (too far, the lock)', async () => {
    rides.unlockBike.mockResolvedValue(refusal('FAILED_PRECONDITION', 'LOCK_FAILED'));
    const page = await openPage(pageId, { code: 'B0042' });
    await tap(page, '.unlock-btn');
    expect(unlockDisabled(page)).toBe('false');
  });

  it('shows the bike and the tariff before it asks for the location (a sticker cold start)', async () => {
    let answer: (v: unknown) => void = () => {};
    location.locate.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const page = await openPage(pageId, cameraQuery('https://nearby.example.com/b/B0042'));
    expect(texts(page, '.bike-code')).toEqual(['单车 B0042']);
    expect(texts(page, '.tariff-line')).toHaveLength(3);
    expect(texts(page, '.locating')).toEqual(['正在确认你的位置…']);
    answer({ ok: true, position: HERE });
    await flush();
    expect(texts(page, '.bike-distance')).toEqual(['距你 33 m']);
    expect(page.querySelectorAll('.locating')).toHaveLength(0);
  });

  it('says a turned-off location once, with one 去设置开启, when 开锁骑行 is tapped', async () => {
    location.locate.mockResolvedValue({ ok: false, reason: 'denied' });
    const page = await openPage(pageId, { code: 'B0042' });
    await tap(page, '.unlock-btn');
    const all = texts(page, '.unlock');
    expect(all.join(' ').split('定位权限已关闭').length - 1).toBe(1);
    expect(all.join(' ').split('去设置开启').length - 1).toBe(1);
  });
});
