/**
 * Turns a page rendered by miniprogram-simulate into a standalone HTML file: the DOM as it is, the
 * WXSS as CSS with rpx converted at a 375 px wide screen, and WeChat's default styles of its
 * built-in components as far as they matter for layout (notably `style: v2`'s 184 px buttons).
 * An approximation of WeChat's renderer, and it says so. Pure.
 */

/** The preview's phone: an iPhone-sized screen 375 px wide, as WeChat's rpx assumes 750 rpx = screen width. */
export const SCREEN_WIDTH_PX = 375;
export const SCREEN_HEIGHT_PX = 812;

export const APPROXIMATION_NOTE =
  'Approximate preview: miniprogram-simulate DOM with WXSS translated to CSS (rpx at 375 px), drawn by a browser, not by WeChat. Maps, canvas and native components are placeholders; check in WeChat DevTools or on a phone before release.';

/**
 * rpx as px on a screen `widthPx` wide (750 rpx = the screen width).
 * @example rpxToPx('.a{padding:32rpx 1.5rpx}') // => '.a{padding:16px 0.75px}'
 */
export function rpxToPx(css: string, widthPx = SCREEN_WIDTH_PX): string {
  return css.replace(/(-?(?:\d+\.?\d*|\.\d+))rpx\b/g, (_, n: string) => `${Math.round(((Number(n) * widthPx) / 750) * 100) / 100}px`);
}

/**
 * vh as px of the page's window: WeChat's 100vh is the window under the navigation bar and above
 * the tab bar, not the browser's viewport (which also holds the preview's bars, and grows while a
 * full-page PNG is taken).
 * @example vhToPx('.map{height:50vh}', 700) // => '.map{height:350px}'
 */
export function vhToPx(css: string, windowHeightPx: number): string {
  return css.replace(/(-?(?:\d+\.?\d*|\.\d+))vh\b/g, (_, n: string) => `${Math.round(((Number(n) * windowHeightPx) / 100) * 100) / 100}px`);
}

/** The preview's bars, in px. */
export const NAV_BAR_PX = 44;
export const TAB_BAR_PX = 56;

/** WeChat's built-in components as HTML elements: defaults of the base library (style v2) that change layout. */
export const BUILTIN_CSS = `
page { display: block; min-height: 100%; }
wx-view, wx-scroll-view, wx-swiper, wx-form, wx-label, wx-cover-view, wx-movable-area, wx-picker, wx-navigator { display: block; }
wx-text, wx-rich-text { display: inline; white-space: pre-wrap; }
wx-block { display: contents; }
wx-scroll-view { overflow: auto; }
wx-scroll-view[scroll-x] { overflow-x: auto; white-space: nowrap; }
wx-image { display: inline-block; width: 320px; height: 240px; overflow: hidden; background-size: 100% 100%; background-repeat: no-repeat; }
wx-icon { display: inline-block; }
wx-input { display: block; height: 1.4rem; min-height: 1.4rem; overflow: hidden; text-overflow: clip; white-space: nowrap; }
wx-textarea { display: block; width: 300px; height: 150px; }
wx-map { display: block; position: relative; width: 300px; height: 225px; background: repeating-linear-gradient(0deg, #e7ecef 0 1px, #f1f4f6 1px 40px), repeating-linear-gradient(90deg, #e7ecef 0 1px, transparent 1px 40px); background-blend-mode: multiply; }
wx-map::before { content: '地图（预览不绘制）'; position: absolute; left: 8px; top: 8px; font-size: 11px; color: #8a8f99; }
wx-canvas { display: block; width: 300px; height: 150px; background: #eee; }
wx-button {
  position: relative; display: block; box-sizing: border-box; margin-left: auto; margin-right: auto;
  width: 184px; padding: 8px 24px; font-size: 17px; font-weight: 700; line-height: 1.41176471;
  text-align: center; border-radius: 8px; overflow: hidden; color: #000; background-color: #f2f2f2; cursor: pointer;
}
wx-button::after {
  content: ' '; width: 200%; height: 200%; position: absolute; top: 0; left: 0; box-sizing: border-box;
  border: 1px solid rgba(0, 0, 0, 0.2); transform: scale(0.5); transform-origin: 0 0; border-radius: 16px;
}
`;

const FRAME_CSS = `
html, body { margin: 0; padding: 0; }
body { width: ${SCREEN_WIDTH_PX}px; min-height: ${SCREEN_HEIGHT_PX}px; background: #f5f6f8; -webkit-font-smoothing: antialiased; font-family: -apple-system, BlinkMacSystemFont, 'PingFang SC', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', sans-serif; }
.preview-nav { position: sticky; top: 0; z-index: 1000; height: 44px; display: flex; align-items: center; justify-content: center; background: #fff; font-size: 17px; font-weight: 600; color: #000; border-bottom: 1px solid #eee; }
.preview-note { position: absolute; left: 4px; top: 2px; font-size: 9px; font-weight: 400; color: #b0b4ba; }
.preview-tabbar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; height: 56px; display: flex; background: #fff; border-top: 1px solid #eee; }
.preview-tab { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; font-size: 10px; gap: 2px; }
.preview-tab img { width: 24px; height: 24px; }
.preview-tab .preview-noicon { width: 24px; height: 24px; border: 1px dashed #d93025; box-sizing: border-box; }
.preview-body { position: relative; }
.preview-body.with-tabbar { padding-bottom: 56px; }
`;

export interface TabBarItem {
  text: string;
  /** A data: URL or path of the icon; '' when app.json names none (drawn as a dashed box). */
  icon: string;
  selected: boolean;
}

export interface PreviewDocument {
  /** File title, e.g. "packageBooking/pages/store/index · confirm". */
  title: string;
  /** The page's navigationBarTitleText. */
  navTitle: string;
  /** CSS of app.wxss, the page and its components, rpx still in it. */
  css: string;
  /** The page's DOM (outerHTML of the rendered root). */
  bodyHtml: string;
  tabBar?: { items: TabBarItem[]; color: string; selectedColor: string };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The whole HTML file of one page in one state. */
export function pageDocument(doc: PreviewDocument): string {
  const tab = doc.tabBar;
  const tabBar = tab
    ? `<nav class="preview-tabbar">${tab.items
        .map(
          (it) =>
            `<div class="preview-tab" style="color:${it.selected ? tab.selectedColor : tab.color}">${it.icon ? `<img src="${escapeHtml(it.icon)}" alt="">` : '<span class="preview-noicon"></span>'}<span>${escapeHtml(it.text)}</span></div>`,
        )
        .join('')}</nav>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=${SCREEN_WIDTH_PX}">
<meta name="description" content="${escapeHtml(APPROXIMATION_NOTE)}">
<title>${escapeHtml(doc.title)}</title>
<!-- ${APPROXIMATION_NOTE.replace(/--/g, '—')} -->
<style>${FRAME_CSS}${BUILTIN_CSS}</style>
<style>${vhToPx(rpxToPx(doc.css), SCREEN_HEIGHT_PX - NAV_BAR_PX - (tab ? TAB_BAR_PX : 0))}</style>
</head>
<body>
<header class="preview-nav"><span class="preview-note">近似预览</span>${escapeHtml(doc.navTitle)}</header>
<page class="preview-body${tab ? ' with-tabbar' : ''}">${doc.bodyHtml}</page>
${tabBar}
</body>
</html>
`;
}

/** The index page linking every state, with the note. */
export function indexDocument(entries: ReadonlyArray<{ file: string; title: string; png?: string }>): string {
  const rows = entries
    .map((e) => `<li><a href="${escapeHtml(e.file)}">${escapeHtml(e.title)}</a>${e.png ? ` · <a href="${escapeHtml(e.png)}">png</a>` : ''}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Nearby page preview</title></head>
<body style="font-family:sans-serif;max-width:760px;margin:24px auto">
<h1>Nearby page preview</h1>
<p><strong>${escapeHtml(APPROXIMATION_NOTE)}</strong></p>
<ul>
${rows}
</ul>
</body></html>
`;
}
