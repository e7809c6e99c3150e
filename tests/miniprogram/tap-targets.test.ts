// Tap targets are at least 44 px each way (88rpx on a 375 px screen: --tap), read from each page's
// own styles: the nearby page's 门店 tab was 36 px wide and the sheet's 关闭 40 px; the store name
// in 我的预约 was 56×21 and the privacy sheet's 《隐私保护指引》 105×20 (issue 16).
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '../../miniprogram');

/** The styles and the first class of every non-button element that reacts to a tap, of one page or component. */
function targetsOf(page: string, leaveOut: string[] = []) {
  const wxss = fs.readFileSync(path.join(ROOT, `${page}.wxss`), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
  /** The declarations of a class, from every rule whose selector list names it alone. */
  const declarations = (cls: string): string =>
    [...wxss.matchAll(/([^{}]+)\{([^}]*)\}/g)]
      .filter(([, selectors]) => selectors.split(',').some((s) => s.trim() === `.${cls}`))
      .map(([, , body]) => body)
      .join(';');
  const tappable = [...wxml.matchAll(/<(view|text|image)\b[^>]*\bbindtap="[^"]+"[^>]*>/g)]
    .map(([tag]) => /class="([\w-]+)/.exec(tag)?.[1])
    .filter((cls): cls is string => cls !== undefined && !leaveOut.includes(cls));
  return { declarations, tappable };
}

describe.each([
  // The mask, the ride banner and the list rows are larger than 44 px by their content.
  { page: 'pages/nearby/index', leaveOut: ['sheet-mask', 'ride-banner', 'row'], found: ['tab', 'sheet-close', 'choose-place', 'search-cancel', 'chip'] },
  { page: 'packageBooking/pages/my-bookings/index', leaveOut: [], found: ['booking-store'] },
  { page: 'components/privacy-sheet/index', leaveOut: [], found: ['privacy-link'] },
])('tap targets of $page', ({ page, leaveOut, found }) => {
  const { declarations, tappable } = targetsOf(page, leaveOut);

  it('finds the tappable elements (the check is not vacuous)', () => {
    expect(tappable).toEqual(expect.arrayContaining(found));
  });

  it.each(tappable)('.%s is at least 44 px high and wide', (cls) => {
    const body = declarations(cls);
    expect(body).toMatch(/min-height:\s*var\(--tap\)/);
    expect(body).toMatch(/min-width:\s*var\(--tap\)/);
  });
});
