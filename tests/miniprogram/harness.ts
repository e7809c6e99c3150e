// Helpers for page tests: load a page folder with miniprogram-simulate, render it, read what it shows.
import path from 'path';
import simulate from 'miniprogram-simulate';
import type { RootComponent } from 'miniprogram-simulate';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram');

/** A rendered page: query it, tap it, read `instance` and `data`; `detach()` it when done. */
export type Rendered = RootComponent<any, any, any>;

/**
 * Registers a page or component once per test file (its .ts runs once: jest caches modules), e.g.
 * `loadPage('pages/nearby/index')`. Call it in beforeAll, after jest.mock(...) of its services.
 */
export function loadPage(pagePath: string, usingComponents?: Record<string, string>): string {
  // `usingComponents` maps a tag to the id of a component loaded before: several pages of one file
  // can share it (its .ts runs once under jest, so a second load would not register it again).
  return simulate.load(path.join(MINIPROGRAM_ROOT, pagePath), {
    compiler: 'simulate',
    rootPath: MINIPROGRAM_ROOT,
    ...(usingComponents ? { usingComponents } : {}),
  });
}

/** Renders and attaches a loaded page; runs `onLoad(query)` when given, then lets promises settle. */
export async function openPage(id: string, query?: Record<string, string>): Promise<Rendered> {
  const page = simulate.render(id) as Rendered;
  const doc = (globalThis as unknown as { document: { createElement(tag: string): never } }).document;
  page.attach(doc.createElement('parent-wrapper'));
  if (query) page.instance.onLoad(query);
  await flush();
  await flush();
  return page;
}

/** Lets pending promises and simulated events (dispatched in a microtask) run. */
export const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Taps the element and waits for its handler. */
export async function tap(page: Rendered, selector: string, index = 0): Promise<void> {
  const node = page.querySelectorAll(selector)[index];
  if (!node) throw new Error(`nothing matches ${selector} (#${index})`);
  node.dispatchEvent('tap');
  await flush();
  await flush();
}

/** The visible texts of every element matching `selector`, whitespace collapsed. */
export function texts(page: Rendered, selector: string): string[] {
  return page.querySelectorAll(selector).map((node) => (node.dom?.textContent || '').replace(/\s+/g, ' ').trim());
}

/** The `wx` mock of tests/miniprogram/setup.ts (merged with miniprogram-simulate's own). */
export const wxMock = (): Record<string, jest.Mock> & { cloud: Record<string, jest.Mock> } =>
  (globalThis as unknown as { wx: Record<string, jest.Mock> & { cloud: Record<string, jest.Mock> } }).wx;

/**
 * The ride banner (one Behavior on the map and on 我的) as a page shows it: `banner` says the ride, a tap
 * leads to the riding page, and on the next show, once `currentRide` answers no ride, it is gone.
 */
export async function expectRideBanner(page: Rendered, currentRide: jest.Mock, banner: string): Promise<void> {
  expect(texts(page, '.ride-banner-text')).toEqual([banner]);
  await tap(page, '.ride-banner');
  expect(wxMock().navigateTo).toHaveBeenCalledWith({ url: '/packageRide/pages/riding/index' });

  currentRide.mockResolvedValue({ ok: true, data: { ride: null } });
  await page.instance.onShow();
  await flush();
  expect(page.querySelectorAll('.ride-banner')).toHaveLength(0);
}
