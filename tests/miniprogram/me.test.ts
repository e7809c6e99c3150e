import { loadPage, openPage, tap, texts, wxMock } from './harness';

let pageId: string;
beforeAll(() => {
  pageId = loadPage('pages/me/index');
});
beforeEach(() => jest.clearAllMocks());

describe('the "me" page', () => {
  it('lists the bookings, ride and staff entries', async () => {
    const page = await openPage(pageId);
    expect(texts(page, '.entry-title')).toEqual(['我的预约', '扫码骑行', '当前骑行', '店员工作台']);
  });

  it.each([
    ['.entry-bookings', '/packageBooking/pages/my-bookings/index'],
    ['.entry-ride', '/packageRide/pages/unlock/index'],
    ['.entry-riding', '/packageRide/pages/riding/index'],
    ['.entry-staff', '/packageBooking/pages/staff/index'],
  ])('tapping %s opens %s', async (selector, url) => {
    const page = await openPage(pageId);
    await tap(page, selector);
    expect(wxMock().navigateTo).toHaveBeenCalledWith({ url });
  });
});
