/**
 * One wording per idea (issue 16): the variants a user met are gone from every page (wxml, ts,
 * json titles) and from shared/, and the kept words are written only in shared/wording.ts (pages
 * take them through page data).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The mini program's sources (not the bundle of shared/, not npm builds) and shared/. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return ['miniprogram/shared', 'miniprogram/miniprogram_npm', 'miniprogram/node_modules'].includes(rel) ? [] : sources(rel);
    return /\.(wxml|ts|json)$/.test(e.name) ? [rel] : [];
  });
}

const FILES = [...sources('miniprogram'), ...sources('shared')];

/** Files holding `text`, wording.ts included. */
const holding = (text: string) => FILES.filter((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').includes(text));

describe('one wording per idea (issue 16)', () => {
  it('scans the pages and shared/', () => {
    expect(FILES).toContain('miniprogram/packageBill/pages/accounts/index.json');
    expect(FILES).toContain('miniprogram/packageRide/pages/riding/index.wxml');
    expect(FILES).toContain('shared/wording.ts');
    expect(FILES.some((f) => f.startsWith('miniprogram/shared/'))).toBe(false);
  });

  it('the parking zone is 停车区 (a 停车点 is the station, never the zone)', () => {
    expect(holding('停车点内')).toEqual([]);
    expect(holding('停车点范围')).toEqual([]);
    expect(holding('停车区')).toEqual(['shared/wording.ts']);
  });

  it('the household accounts page is 管理户号, its title and the button that opens it', () => {
    expect(holding('户号管理')).toEqual([]);
    // The json title cannot read page data: it is the one other place the words are written.
    expect(holding('管理户号').sort()).toEqual(['miniprogram/packageBill/pages/accounts/index.json', 'shared/wording.ts']);
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram/packageBill/pages/accounts/index.json'), 'utf8'));
    expect(json.navigationBarTitleText).toBe('管理户号');
  });

  it('a failed load says what failed, in one wording (loadFailed)', () => {
    expect(holding('加载失败')).toEqual([]);
    expect(holding('没有加载出来')).toEqual(['shared/wording.ts']);
  });

  it('shares and books in one word each (PLACE_WORDS)', () => {
    expect(holding('门店预约')).toEqual([]);
    expect(holding('分享给朋友')).toEqual(['shared/wording.ts']);
  });
});
