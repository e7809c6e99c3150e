import fs from 'fs';
import path from 'path';
import { PAGES } from '../../shared/pages';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const project = JSON.parse(fs.readFileSync(path.resolve(ROOT, '../project.config.json'), 'utf8'));

const subpackagePages: string[] = appJson.subpackages.flatMap((p: { root: string; pages: string[] }) => p.pages.map((page) => `${p.root}/${page}`));

function sizeOf(dir: string, skip: (rel: string) => boolean, rel = ''): number {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).reduce((total, entry) => {
    const child = path.join(rel, entry.name);
    if (skip(child)) return total;
    return total + (entry.isDirectory() ? sizeOf(dir, skip, child) : fs.statSync(path.join(dir, child)).size);
  }, 0);
}

describe('the mini program layout', () => {
  it('gives every declared page its four files', () => {
    const missing = [...appJson.pages, ...subpackagePages].flatMap((page: string) =>
      ['ts', 'wxml', 'wxss', 'json'].map((ext) => `${page}.${ext}`).filter((file) => !fs.existsSync(path.join(ROOT, file))),
    );
    expect(missing).toEqual([]);
  });

  it('declares every page of shared/pages.ts (where messages, links and buttons go)', () => {
    expect([...appJson.pages, ...subpackagePages]).toEqual(expect.arrayContaining(Object.values(PAGES)));
  });

  it('opens on the nearby map, with both tabs in the main package', () => {
    expect(appJson.pages[0]).toBe('pages/nearby/index');
    expect(appJson.tabBar.list.map((t: { pagePath: string }) => t.pagePath)).toEqual(['pages/nearby/index', 'pages/me/index']);
    appJson.tabBar.list.forEach((t: { pagePath: string }) => expect(appJson.pages).toContain(t.pagePath));
  });

  it("gives each tab an icon and a selected icon: PNG files under 40 KB (WeChat's limit)", () => {
    for (const tab of appJson.tabBar.list as Array<{ iconPath: string; selectedIconPath: string }>) {
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        const file = path.join(ROOT, icon);
        expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
        expect(fs.statSync(file).size).toBeLessThan(40 * 1024);
      }
    }
  });

  it('keeps the booking and ride flows in subpackages, preloaded from the nearby page', () => {
    expect(appJson.subpackages.map((p: { root: string }) => p.root)).toEqual(['packageBooking', 'packageRide', 'packageBill']);
    expect(appJson.preloadRule['pages/nearby/index'].packages).toEqual(['packageBooking', 'packageRide']);
  });

  it('keeps the bill pages in a subpackage, preloaded where a payment starts (我的, unlock, the ride summary)', () => {
    expect(appJson.subpackages.find((p: { root: string }) => p.root === 'packageBill').pages).toEqual([
      'pages/bills/index',
      'pages/bill/index',
      'pages/accounts/index',
      'pages/records/index',
      'pages/receipt/index',
    ]);
    for (const from of ['pages/me/index', 'packageRide/pages/unlock/index', 'packageRide/pages/ride-summary/index']) {
      expect(appJson.preloadRule[from].packages).toEqual(['packageBill']);
    }
  });

  it('declares the location it uses, and nothing more', () => {
    expect(appJson.requiredPrivateInfos).toEqual(['getLocation', 'chooseLocation']);
    expect(appJson.permission['scope.userLocation'].desc).toBeTruthy();
    // A leftover of the 2023 privacy beta: the privacy sheet and onNeedPrivacyAuthorization do its job.
    expect('__usePrivacyCheck__' in appJson).toBe(false);
    expect(appJson.lazyCodeLoading).toBe('requiredComponents');
  });

  it('lets WeChat search index the map and the store pages only, as sitemap.json says', () => {
    const sitemap = JSON.parse(fs.readFileSync(path.join(ROOT, 'sitemap.json'), 'utf8'));
    expect(sitemap.rules).toEqual([
      { action: 'allow', page: 'pages/nearby/index' },
      { action: 'allow', page: 'packageBooking/pages/store/index' },
      { action: 'disallow', page: '*' },
    ]);
  });

  it("keeps the main package far under WeChat's 2 MB", () => {
    const isSubpackage = (rel: string) => appJson.subpackages.some((p: { root: string }) => rel === p.root);
    const isSource = (rel: string) => rel.endsWith('.d.ts') || rel === 'tsconfig.json';
    const bytes = sizeOf(ROOT, (rel) => isSubpackage(rel) || isSource(rel));
    expect(bytes).toBeLessThan(512 * 1024);
  });

  it('points DevTools at the mini program and the built functions, compiling TypeScript', () => {
    expect(project).toMatchObject({ miniprogramRoot: 'miniprogram/', cloudfunctionRoot: 'dist/functions/', compileType: 'miniprogram' });
    expect(project.setting.useCompilerPlugins).toEqual(['typescript']);
    // Domains are checked in the shared settings; local mode turns the check off in the git-ignored private file.
    expect(project.setting.urlCheck).toBe(true);
    const example = JSON.parse(fs.readFileSync(path.resolve(ROOT, '../project.private.config.example.json'), 'utf8'));
    expect(example.setting.urlCheck).toBe(false);
  });
});

describe('one word per idea on the place pages (issue 16)', () => {
  const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
  it('shares and books in the same words on the nearby sheet and the store page', () => {
    const pages = ['pages/nearby/index.wxml', 'pages/nearby/view.ts', 'packageBooking/pages/store/index.wxml', 'packageBooking/pages/store/index.json']
      .map(read)
      .join('\n');
    // The old variants are gone; the words come from shared/wording.ts PLACE_WORDS.
    expect(pages).not.toMatch(/>分享</);
    expect(pages).not.toMatch(/门店预约/);
    expect(JSON.parse(read('packageBooking/pages/store/index.json')).navigationBarTitleText).toBe('预约到店');
  });
});
