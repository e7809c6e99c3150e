// The page preview (npm run preview) without a browser: pure CSS translation, the list of screens,
// and real HTML of real pages rendered against the real local host.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCloud, type TestCloud } from '../support/host';
import { APPROXIMATION_NOTE, NAV_BAR_PX, SCREEN_HEIGHT_PX, TAB_BAR_PX, pageDocument, rpxToPx, vhToPx } from '../../scripts/preview/html';
import { allPages, type AppJson } from '../../scripts/preview/render';
import { generatePreview, screensFor } from '../../scripts/preview/main';
import { postJson } from '../../scripts/preview/local-wx';
import { SCREENS, STAFF_STORE } from '../../scripts/preview/screens';
import { MINIPROGRAM_ROOT } from './harness';

const app = JSON.parse(readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as AppJson;

describe('WXSS to CSS', () => {
  it('converts rpx at a 375 px screen (750 rpx = the width), decimals and negatives too', () => {
    expect(rpxToPx('.a{padding:32rpx 1.5rpx;margin:-8rpx;width:750rpx}')).toBe('.a{padding:16px 0.75px;margin:-4px;width:375px}');
    expect(rpxToPx('.b{width:calc(100% - 48rpx)}')).toBe('.b{width:calc(100% - 24px)}');
    expect(rpxToPx('.c{width:100px}')).toBe('.c{width:100px}');
  });

  it("converts vh to the page's window: under the navigation bar, above the tab bar", () => {
    expect(vhToPx('.m{height:50vh;top:-10vh}', 700)).toBe('.m{height:350px;top:-70px}');
    const tabBar = { items: [{ text: '附近', icon: '', selected: true }], color: '#000', selectedColor: '#00f' };
    const withTab = pageDocument({ title: 't', navTitle: 'n', css: '.main--m{height:100vh}', bodyHtml: '', tabBar });
    expect(withTab).toContain(`.main--m{height:${SCREEN_HEIGHT_PX - NAV_BAR_PX - TAB_BAR_PX}px}`);
    expect(pageDocument({ title: 't', navTitle: 'n', css: '.main--m{height:100vh}', bodyHtml: '' })).toContain(
      `.main--m{height:${SCREEN_HEIGHT_PX - NAV_BAR_PX}px}`,
    );
  });

  it('writes a document that says it is an approximation, with WeChat default button width', () => {
    const html = pageDocument({ title: 't', navTitle: '门店', css: '.main--x{height:88rpx}', bodyHtml: '<main></main>' });
    expect(html).toContain(APPROXIMATION_NOTE);
    expect(html).toContain('近似预览');
    expect(html).toContain('.main--x{height:44px}');
    expect(html).toMatch(/wx-button \{[^}]*width: 184px/);
  });
});

describe('screens', () => {
  it('covers every page of app.json, named states first', () => {
    const screens = screensFor(app);
    expect(new Set(screens.map((s) => s.page))).toEqual(new Set(allPages(app)));
    expect(screens.slice(0, SCREENS.length).map((s) => s.state)).toEqual(SCREENS.filter((s) => allPages(app).includes(s.page)).map((s) => s.state));
  });

  it('adds a page it does not know in its default state', () => {
    const more: AppJson = { ...app, subpackages: [...(app.subpackages ?? []), { root: 'packageBills', pages: ['pages/bill/index'] }] };
    expect(screensFor(more).filter((s) => s.page === 'packageBills/pages/bill/index')).toEqual([{ page: 'packageBills/pages/bill/index', state: 'default' }]);
  });
});

/** A store's name as the host tells it (its today is the UTC date or the next). */
async function storeName(cloud: TestCloud, storeId: string): Promise<string> {
  const utcToday = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  for (const date of [utcToday, tomorrow]) {
    // jsdom has no fetch: node's http, as the preview's own wx.request.
    const answer = await postJson<{ ok: boolean; data: { store: { name: string } } }>(
      `${cloud.url}/functions/bookings`,
      { action: 'slots', storeId, date },
      { 'x-wx-openid': 'local-user' },
    );
    if (answer.ok) return answer.data.store.name;
  }
  throw new Error(`no slots answer for ${storeId}`);
}

describe('generatePreview against the local host', () => {
  let cloud: TestCloud;
  let out: string;
  beforeAll(async () => {
    cloud = await startCloud({ seed: 'demo' });
    out = mkdtempSync(path.join(tmpdir(), 'nearby-preview-'));
  });
  afterAll(async () => {
    await cloud?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('renders the store page with its real name and slots as HTML with CSS in px, and an index', async () => {
    const lines: string[] = [];
    const result = await generatePreview(cloud.url, {
      root: MINIPROGRAM_ROOT,
      outDir: out,
      png: false,
      only: 'store/index · slots',
      log: (l) => lines.push(l),
    });
    expect(result.files.map((f) => f.state)).toEqual(['slots']);
    expect(result.pngSkipped).toBe('--no-png');
    const html = readFileSync(path.join(out, result.files[0].html), 'utf8');
    expect(html).toContain(await storeName(cloud, STAFF_STORE));
    expect(html).not.toMatch(/\d rpx|\drpx/);
    expect(html).toContain('main--page');
    expect(html).toMatch(/\.main--card\{[^}]*border-radius/);
    expect(readdirSync(out).sort()).toEqual(['index.html', result.files[0].html]);
    expect(lines.join('\n')).toContain('Approximate preview');
  }, 30000);

  it('reports a state that cannot be drawn and still draws the others', async () => {
    const lines: string[] = [];
    const screens = [
      { page: 'packageBooking/pages/store/index', state: 'boom', setup: async () => Promise.reject(new Error('no demo data')) },
      { page: 'packageBooking/pages/store/index', state: 'missing', setup: async () => ({ id: 'S-GONE' }) },
    ];
    const result = await generatePreview(cloud.url, {
      root: MINIPROGRAM_ROOT,
      outDir: out,
      png: false,
      only: 'store/index',
      screens,
      log: (l) => lines.push(l),
    });
    expect(result.failed).toEqual([{ page: 'packageBooking/pages/store/index', state: 'boom', message: 'no demo data' }]);
    expect(result.files.map((f) => f.state)).toEqual(['missing']);
    expect(readFileSync(path.join(out, result.files[0].html), 'utf8')).toContain('找不到这家门店');
    expect(lines.join('\n')).toContain('FAILED');
  }, 30000);
});
