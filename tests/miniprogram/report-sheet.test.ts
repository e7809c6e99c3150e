/** The fault report sheet, as the ride summary opens it: category, note, photos, then rides.report. */
import { flush, loadPage, openPage } from './harness';

jest.mock('../../miniprogram/services/rides', () => ({ reportFault: jest.fn() }));
jest.mock('../../miniprogram/services/photos', () => ({ choosePhotos: jest.fn(), uploadPhoto: jest.fn() }));
const rides = jest.requireMock('../../miniprogram/services/rides') as { reportFault: jest.Mock };
const photos = jest.requireMock('../../miniprogram/services/photos') as { choosePhotos: jest.Mock; uploadPhoto: jest.Mock };

let pageId: string;
beforeAll(() => {
  pageId = loadPage('packageRide/pages/ride-summary/index');
});
beforeEach(() => jest.clearAllMocks());

const QUERY = { rideId: 'R1', bikeCode: 'B0042', durationSec: '600', feeFen: '150', surchargeFen: '0', billId: 'RB1' };
type Node = { dom?: { textContent?: string | null }; dispatchEvent(name: string, detail?: unknown): void; querySelectorAll(s: string): Node[] };
const sheetOf = (page: Awaited<ReturnType<typeof openPage>>) => page.querySelector('#report') as unknown as Node;
const textsIn = (node: Node, selector: string) => node.querySelectorAll(selector).map((n) => (n.dom?.textContent || '').replace(/\s+/g, ' ').trim());
const tapIn = async (node: Node, selector: string, index = 0) => {
  node.querySelectorAll(selector)[index].dispatchEvent('tap');
  await flush();
  await flush();
};

it('files a report with a category, a note and a photo, and thanks the rider', async () => {
  const page = await openPage(pageId, QUERY);
  page.querySelectorAll('.report-btn')[0].dispatchEvent('tap');
  await flush();
  const sheet = sheetOf(page);
  expect(textsIn(sheet, '.report-title')).toEqual(['报修单车 B0042']);
  expect(textsIn(sheet, '.report-category')).toEqual(['刹车', '轮胎', '链条', '车锁', '二维码', '其他']);
  // Nothing chosen yet: the sheet asks for a category and sends nothing.
  await tapIn(sheet, '.report-submit');
  expect(textsIn(sheet, '.report-error')).toEqual(['请选择故障类型']);
  expect(rides.reportFault).not.toHaveBeenCalled();

  await tapIn(sheet, '.report-category', 0);
  sheet.querySelectorAll('.report-note')[0].dispatchEvent('input', { detail: { value: '前刹车没有反应' } });
  await flush();
  photos.choosePhotos.mockResolvedValue(['wxfile://tmp/1.jpg']);
  await tapIn(sheet, '.report-add');
  expect(photos.choosePhotos).toHaveBeenCalledWith(3);
  expect(sheet.querySelectorAll('.report-photo-img')).toHaveLength(1);
  photos.uploadPhoto.mockResolvedValue({ ok: true, data: { fileId: 'cloud://env/reports/1.jpg' } });
  rides.reportFault.mockResolvedValue({ ok: true, data: { report: { id: 'RP1', status: 'open' } } });
  await tapIn(sheet, '.report-submit');
  expect(rides.reportFault).toHaveBeenCalledWith({ bikeCode: 'B0042', category: 'brake', note: '前刹车没有反应', photos: ['cloud://env/reports/1.jpg'] });
  expect(textsIn(sheet, '.report-sent')).toEqual(['已收到你的报修，谢谢！我们会尽快处理']);
});

it('says a second report of the day in words, and offers at most 3 photos', async () => {
  const page = await openPage(pageId, QUERY);
  page.querySelectorAll('.report-btn')[0].dispatchEvent('tap');
  await flush();
  const sheet = sheetOf(page);
  photos.choosePhotos.mockResolvedValue(['a.jpg', 'b.jpg', 'c.jpg']);
  await tapIn(sheet, '.report-add');
  expect(sheet.querySelectorAll('.report-photo-img')).toHaveLength(3);
  expect(sheet.querySelectorAll('.report-add')).toHaveLength(0);
  await tapIn(sheet, '.report-photo-remove', 1);
  expect(sheet.querySelectorAll('.report-photo-img')).toHaveLength(2);
  photos.uploadPhoto.mockResolvedValue({ ok: true, data: { fileId: 'cloud://x.jpg' } });
  rides.reportFault.mockResolvedValue({ ok: false, error: { code: 'ALREADY_EXISTS', message: 'bikeCode: you already reported bike B0042 today' } });
  await tapIn(sheet, '.report-category', 3);
  await tapIn(sheet, '.report-submit');
  expect(textsIn(sheet, '.report-error')).toEqual(['今天你已经报修过这辆车了，谢谢']);
});
