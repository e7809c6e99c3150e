// Every page that can call a private API carries the privacy sheet: WeChat asks for consent on
// whichever page calls, so a cold start on that page (a sticker, a shared link) must be able to ask.
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const pages: string[] = [
  ...appJson.pages,
  ...appJson.subpackages.flatMap((p: { root: string; pages: string[] }) => p.pages.map((page) => `${p.root}/${page}`)),
];

/** WeChat's private APIs (the privacy guide's list, the ones a page of ours could reach). */
const PRIVATE_API =
  /\bwx\.(getLocation|getFuzzyLocation|chooseLocation|choosePoi|startLocationUpdate|startLocationUpdateBackground|onLocationChange|chooseAddress|chooseImage|chooseMedia|chooseVideo|chooseMessageFile|getUserProfile|getPhoneNumber|startRecord|getRecorderManager|createCameraContext|getWeRunData|chooseInvoice|chooseInvoiceTitle|getClipboardData|saveImageToPhotosAlbum|saveVideoToPhotosAlbum|openBluetoothAdapter|startWifi)\b/g;
const LOCATION_API = new Set([
  'getLocation',
  'getFuzzyLocation',
  'chooseLocation',
  'choosePoi',
  'startLocationUpdate',
  'startLocationUpdateBackground',
  'onLocationChange',
  'chooseAddress',
]);

const SERVICES = path.join(ROOT, 'services');

/**
 * The private APIs each top-level function of a service reaches, following calls inside the file:
 * a page importing `openRoute` (wx.openLocation) from services/location does not ask for consent;
 * one importing `locate` or `enableLocation` (wx.getLocation) does.
 */
function serviceFunctions(file: string): Map<string, Set<string>> {
  const source = fs.readFileSync(file, 'utf8');
  const decl = /^(?:export )?(?:async )?function (\w+)|^(?:export )?const (\w+) = /gm;
  const starts = [...source.matchAll(decl)].map((m) => ({ name: m[1] || m[2], at: m.index ?? 0 }));
  const bodies = new Map(starts.map((d, k) => [d.name, source.slice(d.at, k + 1 < starts.length ? starts[k + 1].at : source.length)]));
  const reached = new Map<string, Set<string>>();
  for (const [name, body] of bodies) reached.set(name, new Set([...body.matchAll(PRIVATE_API)].map((m) => m[1])));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, body] of bodies) {
      for (const [other, apis] of reached) {
        if (other === name || !new RegExp(`\\b${other}\\(`).test(body)) continue;
        const mine = reached.get(name)!;
        for (const api of apis) {
          if (mine.has(api)) continue;
          mine.add(api);
          changed = true;
        }
      }
    }
  }
  return reached;
}

/** The private APIs a page can reach: its own code, the modules it imports, the service functions it names. */
function privateApisOf(page: string): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(PRIVATE_API)) found.add(m[1]);
    for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s+'(\.[^']+)'/gm)) {
      if (m[1]) continue; // types only
      const target = path.resolve(path.dirname(file), m[3]);
      const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f));
      if (!resolved) continue; // shared/index is a bundle of pure code: no wx in it
      if (path.dirname(resolved) === SERVICES && !file.startsWith(SERVICES)) {
        const names = [...m[2].matchAll(/\b(\w+)\b(?:\s+as\s+\w+)?/g)].map((n) => n[1]).filter((n) => n !== 'type');
        const functions = serviceFunctions(resolved);
        for (const name of names) for (const api of functions.get(name) ?? []) found.add(api);
      } else {
        visit(resolved);
      }
    }
  };
  visit(path.join(ROOT, `${page}.ts`));
  return [...found].sort();
}

const reach = pages.map((page) => ({ page, apis: privateApisOf(page) }));

describe('the privacy sheet on every page that can call a private API', () => {
  it('finds the pages that reach a private API (the check below is not vacuous)', () => {
    const calling = reach.filter((r) => r.apis.length > 0).map((r) => r.page);
    expect(calling).toEqual(expect.arrayContaining(['pages/nearby/index', 'packageRide/pages/unlock/index', 'packageRide/pages/riding/index']));
  });

  it.each(reach.filter((r) => r.apis.length > 0).map((r) => [r.page, r.apis.join(', ')]))('%s (%s) declares and renders the privacy sheet', (page) => {
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, `${page}.json`), 'utf8'));
    expect(json.usingComponents?.['privacy-sheet']).toBe('/components/privacy-sheet/index');
    const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
    // At the top level, not under a wx:if: it must be there whatever state the page is in.
    expect(wxml).toMatch(/^<privacy-sheet[\s/>]/m);
  });

  it('declares in app.json exactly the location APIs the pages use', () => {
    const used = new Set(reach.flatMap((r) => r.apis).filter((api) => LOCATION_API.has(api)));
    expect([...appJson.requiredPrivateInfos].sort()).toEqual([...used].sort());
  });

  it('explains the location permission with riding named', () => {
    const desc: string = appJson.permission['scope.userLocation'].desc;
    expect(desc).toMatch(/骑行|开锁|还车/);
    expect([...desc].length).toBeLessThanOrEqual(30); // WeChat's limit for the purpose text
  });
});
