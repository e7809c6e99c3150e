/**
 * `npm run preview`: every page of the mini program in its main states, rendered with
 * miniprogram-simulate against a real local host seeded with the demo city, written as HTML under
 * dist/preview/ and, where a Chromium is installed, as PNG. An approximation of WeChat's renderer.
 *
 * Options: --out <dir> (dist/preview), --no-png, --only <substring of page/state>.
 * Chromium: $CHROMIUM_PATH, else /usr/bin/chromium or /usr/bin/chromium-browser (driven by puppeteer-core).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalWx, postJson } from './local-wx';
import { APPROXIMATION_NOTE, SCREEN_HEIGHT_PX, SCREEN_WIDTH_PX, indexDocument, pageDocument } from './html';
import { allPages, documentOf, openPage, type AppJson } from './render';
import { SCREENS, DEMO_USER, type Screen, type ScreenContext } from './screens';

export interface PreviewOptions {
  root: string;
  outDir: string;
  png: boolean;
  only?: string;
  log?: (line: string) => void;
  /** The named states (default: screens.ts's SCREENS). */
  screens?: readonly Screen[];
}

export interface PreviewResult {
  files: Array<{ page: string; state: string; html: string; png?: string }>;
  /** States that could not be drawn, with why. */
  failed: Array<{ page: string; state: string; message: string }>;
  pngSkipped: string;
}

/** The screens to draw: the named states, then the default state of every other page of app.json. */
export function screensFor(app: AppJson, named: readonly Screen[] = SCREENS): Screen[] {
  const pages = allPages(app);
  const known = named.filter((s) => pages.includes(s.page));
  const rest = pages.filter((p) => !known.some((s) => s.page === p)).map((page): Screen => ({ page, state: 'default' }));
  return [...known, ...rest];
}

const fileNameOf = (s: Screen): string => `${s.page.replace(/\/index$/, '').replace(/\//g, '_')}--${s.state}`;

/** A Chromium this machine has, or ''. */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? '';
}

/** Renders every screen against the local host at `hostUrl`; writes HTML (and PNGs). */
export async function generatePreview(hostUrl: string, options: PreviewOptions): Promise<PreviewResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const app = JSON.parse(readFileSync(path.join(options.root, 'app.json'), 'utf8')) as AppJson;
  const { config } = require(path.join(options.root, 'config')) as { config: { mode: string; localUrl: string; localOpenid: string } };
  // A phone whose user agreed to the privacy guide and allowed location (a screen may turn it off),
  // and declines subscribe dialogs (the staff desk shows no sends granted).
  const local = createLocalWx({ device: { privacyAgreed: true, locationScope: true, subscribeAnswer: 'reject' } });
  const globals = globalThis as unknown as Record<string, unknown>;
  globals.wx = Object.assign((globals.wx as object) ?? {}, local.wx);
  const appInstance: { globalData: { lastPosition: { lat: number; lng: number } | null } } = { globalData: { lastPosition: null } };
  globals.getApp = () => appInstance;
  globals.getCurrentPages = () => [];
  config.mode = 'local';
  config.localUrl = hostUrl;

  const ctx: ScreenContext = {
    device: local.device,
    idle: local.idle,
    actAs: (openid) => {
      config.localOpenid = openid;
    },
    call: (fn, event, openid) => postJson(`${hostUrl}/functions/${fn}`, event, { 'x-wx-openid': openid }),
  };

  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const result: PreviewResult = { files: [], failed: [], pngSkipped: '' };
  for (const screen of screensFor(app, options.screens)) {
    const title = `${screen.page} · ${screen.state}`;
    if (options.only && !title.includes(options.only)) continue;
    local.device.position = { lat: 31.2304, lng: 121.4737 };
    // Every screen starts cold: no position found by an earlier screen's page.
    appInstance.globalData.lastPosition = null;
    local.device.locationScope = true;
    local.device.scans = [];
    local.device.scene = 1001;
    local.device.offline = false;
    local.device.chosenPlace = null;
    ctx.actAs(screen.openid ?? DEMO_USER);
    try {
      const query = (await screen.setup?.(ctx)) ?? {};
      const page = openPage(options.root, screen.page, query);
      await local.idle();
      if (screen.act) await screen.act(page, ctx);
      await local.idle();
      const html = pageDocument(documentOf(options.root, app, screen.page, page, title));
      page.detach();
      const file = `${fileNameOf(screen)}.html`;
      writeFileSync(path.join(options.outDir, file), html);
      result.files.push({ page: screen.page, state: screen.state, html: file });
    } catch (err) {
      // One broken state must not hide the others: say which, go on, fail the run at the end.
      const message = err instanceof Error ? err.message : String(err);
      result.failed.push({ page: screen.page, state: screen.state, message });
      log(`preview: ${title} FAILED: ${message}`);
    }
  }

  if (options.png) {
    const chromium = findChromium();
    if (!chromium) result.pngSkipped = 'no Chromium found (set CHROMIUM_PATH): HTML only';
    else await screenshots(chromium, options.outDir, result);
  } else result.pngSkipped = '--no-png';

  writeFileSync(
    path.join(options.outDir, 'index.html'),
    indexDocument(result.files.map((f) => ({ file: f.html, png: f.png, title: `${f.page} · ${f.state}` }))),
  );
  if (result.failed.length) log(`preview: ${result.failed.length} state(s) FAILED: ${result.failed.map((f) => `${f.page} · ${f.state}`).join(', ')}`);
  log(
    `preview: ${result.files.length} page states in ${path.relative(process.cwd(), options.outDir) || '.'}/ (index.html)${result.pngSkipped ? `; PNG skipped: ${result.pngSkipped}` : ', with PNGs'}`,
  );
  log(`preview: ${APPROXIMATION_NOTE}`);
  return result;
}

async function screenshots(chromium: string, outDir: string, result: PreviewResult): Promise<void> {
  const puppeteer = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: SCREEN_WIDTH_PX, height: SCREEN_HEIGHT_PX, deviceScaleFactor: 2 });
    for (const f of result.files) {
      await tab.goto(`file://${path.resolve(outDir, f.html)}`, { waitUntil: 'load' });
      const png = f.html.replace(/\.html$/, '.png');
      await tab.screenshot({ path: path.join(outDir, png) as `${string}.png`, fullPage: true });
      f.png = png;
    }
  } finally {
    await browser.close();
  }
}
