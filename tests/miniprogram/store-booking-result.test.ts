import { loadPage, openPage, tap, texts, wxMock } from './harness';
import { fakeDateOnly } from './device';

let pageId: string;
beforeAll(() => {
  fakeDateOnly(new Date('2026-11-25T04:00:00Z'));
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

  it("words the day in the store's zone, not the phone's (a phone in New York)", async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 2026-11-25T17:00Z: Wednesday 12:00 in New York, already Thursday 01:00 in Shanghai.
      jest.setSystemTime(new Date('2026-11-25T17:00:00Z'));
      const page = await openPage(pageId, { b: encodeURIComponent(JSON.stringify(booking)) });
      expect(texts(page, '.result-when')).toEqual(['今天 13:00–14:00']);
    } finally {
      process.env.TZ = tz;
      jest.setSystemTime(new Date('2026-11-25T04:00:00Z'));
    }
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
