import { expectRideBanner, flush, loadPage, openPage, tap, texts, wxMock } from './harness';

jest.mock('../../miniprogram/services/bookings', () => ({ staffStores: jest.fn() }));
jest.mock('../../miniprogram/services/rides', () => ({ currentRide: jest.fn(), cancelReservation: jest.fn() }));
const bookings = jest.requireMock('../../miniprogram/services/bookings') as { staffStores: jest.Mock };
const rides = jest.requireMock('../../miniprogram/services/rides') as { currentRide: jest.Mock; cancelReservation: jest.Mock };

let pageId: string;
beforeAll(() => {
  pageId = loadPage('pages/me/index');
});
beforeEach(() => {
  jest.clearAllMocks();
  bookings.staffStores.mockResolvedValue({ ok: true, data: { stores: [] } });
  rides.currentRide.mockResolvedValue({ ok: true, data: { ride: null } });
});

async function shownPage() {
  const page = await openPage(pageId);
  await page.instance.onShow();
  await flush();
  return page;
}

describe('the "me" page', () => {
  it('lists the bookings and ride entries for a customer, without the staff desk', async () => {
    const page = await shownPage();
    expect(texts(page, '.entry-title')).toEqual(['扫码用车', '行程', '我的预约', '生活缴费']);
  });

  it('adds the staff desk, naming the stores, for staff', async () => {
    bookings.staffStores.mockResolvedValue({
      ok: true,
      data: {
        stores: [
          { id: 'S001', name: '梧桐咖啡' },
          { id: 'S008', name: '麦香烘焙' },
        ],
      },
    });
    const page = await shownPage();
    expect(texts(page, '.entry-title')).toEqual(['扫码用车', '行程', '我的预约', '生活缴费', '店员工作台']);
    expect(texts(page, '.entry-staff .muted')[0]).toContain('梧桐咖啡、麦香烘焙');
  });

  it('keeps the customer entries when the server cannot be reached', async () => {
    bookings.staffStores.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器' } });
    const page = await shownPage();
    expect(texts(page, '.entry-title')).toEqual(['扫码用车', '行程', '我的预约', '生活缴费']);
  });

  it.each([
    ['.entry-bookings', '/packageBooking/pages/my-bookings/index'],
    ['.entry-bills', '/packageBill/pages/bills/index'],
    ['.entry-ride', '/packageRide/pages/unlock/index'],
    ['.entry-staff', '/packageBooking/pages/staff/index'],
  ])('tapping %s opens %s', async (selector, url) => {
    bookings.staffStores.mockResolvedValue({ ok: true, data: { stores: [{ id: 'S001', name: '梧桐咖啡' }] } });
    const page = await shownPage();
    await tap(page, selector);
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url });
  });

  it('shows the running ride, checked on every show, and leads back to it', async () => {
    rides.currentRide.mockResolvedValue({
      ok: true,
      data: { ride: { id: 'R1', bikeId: 'B0042', bikeCode: 'B0042', startAt: new Date(Date.now() - 5 * 60_000).toISOString(), status: 'active' } },
    });
    const page = await shownPage();
    await expectRideBanner(page, rides.currentRide, '单车 B0042 骑行中 · 已骑 5 分钟');
  });

  it('shows no banner when the server cannot be reached', async () => {
    rides.currentRide.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器' } });
    const page = await shownPage();
    expect(page.querySelectorAll('.ride-banner')).toHaveLength(0);
    expect(texts(page, '.entry-title')).toEqual(['扫码用车', '行程', '我的预约', '生活缴费']);
  });
});

describe('a reservation on "我的"', () => {
  const held = () => ({ bikeCode: 'B0042', until: new Date(Date.now() + 572_000).toISOString(), lat: 31.2304, lng: 121.4737 });

  it('counts down in minutes and seconds, leads to the bike and cancels', async () => {
    rides.currentRide.mockResolvedValue({ ok: true, data: { ride: null, reservation: held() } });
    rides.cancelReservation.mockResolvedValue({ ok: true, data: { reservation: null } });
    const page = await shownPage();
    expect(texts(page, '.hold-text')).toEqual(['已预约单车 B0042 · 还剩 9 分 32 秒']);
    await tap(page, '.hold-route');
    expect(wxMock().openLocation).toHaveBeenCalledWith(expect.objectContaining({ latitude: 31.2304, longitude: 121.4737, name: '单车 B0042' }));
    await tap(page, '.hold-cancel');
    expect(rides.cancelReservation).toHaveBeenCalledTimes(1);
    expect(page.querySelectorAll('.hold-banner')).toHaveLength(0);
    page.instance.onUnload();
  });

  it('shows no reservation banner once the hold has lapsed', async () => {
    rides.currentRide.mockResolvedValue({ ok: true, data: { ride: null, reservation: { ...held(), until: new Date(Date.now() - 1).toISOString() } } });
    const page = await shownPage();
    expect(page.querySelectorAll('.hold-banner')).toHaveLength(0);
  });
});
