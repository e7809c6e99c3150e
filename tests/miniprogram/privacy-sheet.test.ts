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

/** WeChat asks for consent (an API that needs it was called) and waits on the callback returned. */
async function ask(): Promise<jest.Mock> {
  const answer = jest.fn();
  privacyListener()(answer);
  await flush();
  return answer;
}

describe('the privacy sheet', () => {
  it('stays hidden until WeChat asks for consent, then agrees through the agree button', async () => {
    const sheet = await openPage(sheetId);
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);

    const resolve = await ask();
    expect(texts(sheet, '.privacy-title')).toEqual(['用户隐私保护提示']);

    sheet.querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await flush();
    expect(resolve).toHaveBeenCalledWith({ event: 'agree', buttonId: 'agree-privacy' });
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);
  });

  it('lets the user decline, so the location falls back instead of hanging', async () => {
    const sheet = await openPage(sheetId);
    const resolve = await ask();

    await tap(sheet, '.privacy-decline');
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
    expect(sheet.querySelectorAll('.privacy-sheet').length).toBe(0);
  });

  it('declines when no sheet is on screen, so the API fails instead of hanging', async () => {
    (await openPage(sheetId)).detach();
    const resolve = await ask();
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  });

  it('shows on a sheet that attaches right after the question (a page asking from onLoad on a cold start)', async () => {
    (await openPage(sheetId)).detach();
    const resolve = jest.fn();
    privacyListener()(resolve);
    const sheet = await openPage(sheetId);
    expect(texts(sheet, '.privacy-title')).toEqual(['用户隐私保护提示']);
    expect(resolve).not.toHaveBeenCalled();
    await tap(sheet, '.privacy-decline');
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  });

  it('asks again on the next question after a "disagree"', async () => {
    const sheet = await openPage(sheetId);
    const first = await ask();
    await tap(sheet, '.privacy-decline');
    expect(first).toHaveBeenCalledWith({ event: 'disagree' });

    const second = await ask();
    expect(texts(sheet, '.privacy-title')).toEqual(['用户隐私保护提示']);
    sheet.querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await flush();
    expect(second).toHaveBeenCalledWith({ event: 'agree', buttonId: 'agree-privacy' });
  });

  it('says what the location is for, riding included', async () => {
    const sheet = await openPage(sheetId);
    await ask();
    expect(texts(sheet, '.privacy-text')[0]).toMatch(/开锁、骑行和还车/);
    await tap(sheet, '.privacy-decline');
  });
});
