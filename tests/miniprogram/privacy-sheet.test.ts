import { flush, loadPage, openPage as open, tap, texts, wxMock } from './harness';

type PrivacyListener = (resolve: jest.Mock) => void;

let sheetId: string;
let listener: PrivacyListener;

beforeAll(() => {
  sheetId = loadPage('components/privacy-sheet/index');
});

// Sheets left attached would answer for the next test: detach each one after its test.
const attached: Array<{ detach(): void }> = [];
async function openPage(id: string) {
  const sheet = await open(id);
  attached.push(sheet);
  return sheet;
}
afterEach(() => attached.splice(0).forEach((sheet) => sheet.detach()));

/** The listener the privacy service gave wx.onNeedPrivacyAuthorization (registered once, on first use). */
function privacyListener(): PrivacyListener {
  const calls = wxMock().onNeedPrivacyAuthorization.mock.calls;
  if (calls.length) listener = calls[0][0];
  return listener;
}

describe('the privacy sheet', () => {
  it('stays hidden until WeChat asks for consent, then agrees through the agree button', async () => {
    const sheet = await openPage(sheetId);
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);

    const resolve = jest.fn();
    privacyListener()(resolve);
    await flush();
    expect(texts(sheet, '.privacy-title')).toEqual(['用户隐私保护提示']);

    sheet.querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await flush();
    expect(resolve).toHaveBeenCalledWith({ event: 'agree', buttonId: 'agree-privacy' });
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);
  });

  it('lets the user decline, so the location falls back instead of hanging', async () => {
    const sheet = await openPage(sheetId);
    const resolve = jest.fn();
    privacyListener()(resolve);
    await flush();

    await tap(sheet, '.privacy-decline');
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);
  });

  it('declines at once when no sheet is on screen', async () => {
    (await openPage(sheetId)).detach();
    const resolve = jest.fn();
    privacyListener()(resolve);
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  });
});
