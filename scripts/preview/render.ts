/**
 * Renders one page of the mini program in one state with miniprogram-simulate, against whatever
 * `wx` is installed (the preview's local one), and returns the pieces of its HTML file.
 * Needs a DOM (jsdom: jest's environment, or scripts/preview/register.cjs in plain node).
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { PreviewDocument, TabBarItem } from './html';

/** The few DOM shapes the preview touches (the root project compiles without lib.dom). */
export interface DomElement {
  outerHTML: string;
  textContent: string | null;
  className: string;
  ownerDocument: DomDocument;
  cloneNode(deep: boolean): DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: DomElement): void;
}
interface DomDocument {
  head: DomElement;
  createElement(tag: string): DomElement;
}
const doc = (): DomDocument => (globalThis as unknown as { document: DomDocument }).document;

/** miniprogram-simulate, untyped here: its typings pull in the mini program's globals (`require`, `wx`). */
interface Simulate {
  load(componentPath: string, options: { compiler: 'simulate'; rootPath: string }): string;
  render(id: string): unknown;
}
const simulate = require('miniprogram-simulate') as Simulate;

interface JComponent {
  register(definition: {
    id: string;
    tagName: string;
    properties: Record<string, StringConstructor>;
    template: string;
    options?: Record<string, unknown>;
  }): void;
}
// simulate registers WeChat's built-ins as bare slots: an input would show neither its value nor
// its placeholder, an image no picture. The preview draws them (tests keep the bare ones).
const jComponent = require('j-component') as JComponent;
jComponent.register({
  id: 'input',
  tagName: 'wx-input',
  properties: { value: String, placeholder: String },
  template: "<span style=\"color:{{value ? 'inherit' : '#9aa0a6'}}\">{{value || placeholder}}</span>",
});
jComponent.register({
  id: 'textarea',
  tagName: 'wx-textarea',
  properties: { value: String, placeholder: String },
  template: "<span style=\"color:{{value ? 'inherit' : '#9aa0a6'}}\">{{value || placeholder}}</span>",
});
jComponent.register({ id: 'image', tagName: 'wx-image', properties: { src: String, mode: String }, template: '<span data-src="{{src}}"></span>' });

/** The simulate internals the preview leans on: the WXSS compiler (class prefixes) and its rpx step. */
interface SimulateWxss {
  getContent(file: string): string;
  compile(wxss: string, options: { prefix: string }): string;
}
interface SimulateUtils {
  transformRpx(css: string): string;
}
const wxss = require('miniprogram-simulate/src/wxss') as SimulateWxss;
const utils = require('miniprogram-simulate/src/utils') as SimulateUtils;
// simulate writes "32rpx" as "32px"; keep rpx so html.ts converts it at the preview's screen width.
utils.transformRpx = (css: string) => css;

export interface AppJson {
  pages: string[];
  subpackages?: Array<{ root: string; pages: string[] }>;
  window?: { navigationBarTitleText?: string };
  tabBar?: { color: string; selectedColor: string; list: Array<{ pagePath: string; text: string; iconPath?: string; selectedIconPath?: string }> };
}

/** Every page of app.json, main package first: "pages/nearby/index", "packageBooking/pages/store/index", … */
export function allPages(app: AppJson): string[] {
  return [...app.pages, ...(app.subpackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
}

/** What a page exposes to the preview and the tests: its Component methods and data. */
export interface PageInstance {
  data: Record<string, unknown>;
  setData(data: Record<string, unknown>): void;
  [method: string]: unknown;
}

export interface RenderedPage {
  instance: PageInstance;
  dom: DomElement;
  querySelector(selector: string): { dom?: DomElement; dispatchEvent(name: string, detail?: unknown): void } | null;
  querySelectorAll(selector: string): Array<{ dom?: DomElement; dispatchEvent(name: string, detail?: unknown): void }>;
  detach(): void;
}

const loaded = new Map<string, string>();

/** Loads (once) and renders a page, attached, with `onLoad(query)` and `onShow()` run. */
export function openPage(root: string, page: string, query: Record<string, string> = {}): RenderedPage {
  let id = loaded.get(page);
  if (!id) {
    id = simulate.load(path.join(root, page), { compiler: 'simulate', rootPath: root });
    loaded.set(page, id);
  }
  const rendered = simulate.render(id) as RenderedPage & { attach(parent: DomElement): void };
  rendered.attach(doc().createElement('parent-wrapper'));
  const call = (name: string, ...args: unknown[]) => {
    const fn = rendered.instance[name];
    if (typeof fn === 'function') fn.apply(rendered.instance, args);
  };
  call('onLoad', query);
  call('onShow');
  return rendered;
}

/** The CSS of the page as loaded: app.wxss (as the page sees it) and what simulate inserted for the page and its components. */
function cssOf(root: string, page: string): string {
  const id = loaded.get(page);
  const inserted = id ? (doc().head.querySelector(`style[id="${id}"]`)?.textContent ?? '') : '';
  const appWxss = path.join(root, 'app.wxss');
  const app = existsSync(appWxss) ? wxss.compile(wxss.getContent(appWxss), { prefix: 'main' }) : '';
  return `${app}\n${inserted}`;
}

/** Images: the picture of a package path as a data URL (the HTML file lives elsewhere). */
function fillImages(dom: DomElement, root: string): void {
  const holders = dom.querySelectorAll('wx-image [data-src]');
  for (let i = 0; i < holders.length; i++) {
    const holder = holders[i];
    const src = holder.getAttribute('data-src') || '';
    const file = src.startsWith('/') ? path.join(root, src) : '';
    if (file && existsSync(file)) {
      const dataUrl = `data:image/png;base64,${readFileSync(file).toString('base64')}`;
      holder.setAttribute('style', `display:block;width:100%;height:100%;background:url(${dataUrl}) center/contain no-repeat`);
    }
  }
}

/** The pieces of the page's HTML file. */
export function documentOf(root: string, app: AppJson, page: string, rendered: RenderedPage, title: string): PreviewDocument {
  const json = JSON.parse(readFileSync(path.join(root, `${page}.json`), 'utf8')) as { navigationBarTitleText?: string };
  const dom = rendered.dom.cloneNode(true);
  fillImages(dom, root);
  const tab = app.tabBar;
  const onTab = tab?.list.some((t) => t.pagePath === page);
  const iconOf = (file?: string): string => {
    const full = file ? path.join(root, file) : '';
    return full && existsSync(full) ? `data:image/png;base64,${readFileSync(full).toString('base64')}` : '';
  };
  const items: TabBarItem[] = (tab?.list ?? []).map((t) => ({
    text: t.text,
    selected: t.pagePath === page,
    icon: iconOf(t.pagePath === page ? t.selectedIconPath || t.iconPath : t.iconPath),
  }));
  return {
    title,
    navTitle: json.navigationBarTitleText ?? app.window?.navigationBarTitleText ?? '',
    css: cssOf(root, page),
    bodyHtml: dom.outerHTML,
    tabBar: onTab && tab ? { items, color: tab.color, selectedColor: tab.selectedColor } : undefined,
  };
}
