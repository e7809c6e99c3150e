import { loadPage, openPage, tap, texts, wxMock, flush } from './harness';

jest.mock('../../miniprogram/services/bookings', () => ({ staffStores: jest.fn() }));
const bookings = jest.requireMock('../../miniprogram/services/bookings') as { staffStores: jest.Mock };

let pageId: string;
beforeAll(() => {
  pageId = loadPage('pages/me/index');
});
beforeEach(() => {
  jest.clearAllMocks();
  bookings.staffStores.mockResolvedValue({ ok: true, data: { stores: [] } });
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
    expect(texts(page, '.entry-title')).toEqual(['我的预约', '扫码骑行', '当前骑行']);
  });

  it('adds the staff desk, naming the stores, for staff', async () => {
    bookings.staffStores.mockResolvedValue({ ok: true, data: { stores: [{ id: 'S001', name: '梧桐咖啡' }, { id: 'S008', name: '麦香烘焙' }] } });
    const page = await shownPage();
    expect(texts(page, '.entry-title')).toEqual(['我的预约', '扫码骑行', '当前骑行', '店员工作台']);
    expect(texts(page, '.entry-staff .muted')[0]).toContain('梧桐咖啡、麦香烘焙');
  });

  it('keeps the customer entries when the server cannot be reached', async () => {
    bookings.staffStores.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: '无法连接服务器' } });
    const page = await shownPage();
    expect(texts(page, '.entry-title')).toEqual(['我的预约', '扫码骑行', '当前骑行']);
  });

  it.each([
    ['.entry-bookings', '/packageBooking/pages/my-bookings/index'],
    ['.entry-ride', '/packageRide/pages/unlock/index'],
    ['.entry-riding', '/packageRide/pages/riding/index'],
    ['.entry-staff', '/packageBooking/pages/staff/index'],
  ])('tapping %s opens %s', async (selector, url) => {
    bookings.staffStores.mockResolvedValue({ ok: true, data: { stores: [{ id: 'S001', name: '梧桐咖啡' }] } });
    const page = await shownPage();
    await tap(page, selector);
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url });
  });
});
