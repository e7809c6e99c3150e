import { loadPage, openPage, tap, texts, wxMock } from './harness';

let pageId: string;
beforeAll(() => {
  jest.useFakeTimers({
    now: new Date('2026-11-25T04:00:00Z'),
    doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
  });
  pageId = loadPage('packageBooking/pages/booking-result/index');
});
afterAll(() => jest.useRealTimers());
beforeEach(() => jest.clearAllMocks());

const booking = {
  id: 'bk_1',
  storeId: 'S001',
  storeName: '街角咖啡',
  start: '2026-11-26T13:00:00+08:00',
  end: '2026-11-26T14:00:00+08:00',
  status: 'pending',
  code: 'ABCD2345',
};

describe('the booking result', () => {
  it('shows where and when, and the check-in code as a QR code', async () => {
    const page = await openPage(pageId, { b: encodeURIComponent(JSON.stringify(booking)) });
    expect(texts(page, '.result-store')).toEqual(['街角咖啡']);
    expect(texts(page, '.result-when')).toEqual(['明天 13:00–14:00']);
    const qr = page.querySelector('.code-qr') as unknown as typeof page;
    expect(texts(qr, '.qr-code')).toEqual(['ABCD2345']);
    expect(qr.querySelectorAll('.qr-row')).toHaveLength(21);
  });

  it('leads to My bookings', async () => {
    const page = await openPage(pageId, { b: encodeURIComponent(JSON.stringify(booking)) });
    await tap(page, '.mine');
    expect(wxMock().redirectTo).toHaveBeenCalledWith({ url: '/packageBooking/pages/my-bookings/index' });
  });

  it('says so when it was opened without a booking', async () => {
    const page = await openPage(pageId, { b: 'garbage' });
    expect(texts(page, '.state-title')).toEqual(['没有找到这条预约']);
  });
});
