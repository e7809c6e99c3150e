// Tap targets of the nearby page are at least 44 px each way (88rpx on a 375 px screen: --tap),
// read from its own styles: the 门店 tab was 36 px wide and the sheet's 关闭 40 px.
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const wxss = fs.readFileSync(path.join(ROOT, 'pages/nearby/index.wxss'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const wxml = fs.readFileSync(path.join(ROOT, 'pages/nearby/index.wxml'), 'utf8');

/** The declarations of a class, from every rule whose selector list names it alone. */
function declarations(cls: string): string {
  const rules = [...wxss.matchAll(/([^{}]+)\{([^}]*)\}/g)];
  return rules
    .filter(([, selectors]) => selectors.split(',').some((s) => s.trim() === `.${cls}`))
    .map(([, , body]) => body)
    .join(';');
}

/** The first class of every non-button element that reacts to a tap. */
const tappable = [...wxml.matchAll(/<(view|text|image)\b[^>]*\bbindtap="[^"]+"[^>]*>/g)]
  .map(([tag]) => /class="([\w-]+)/.exec(tag)?.[1])
  .filter((cls): cls is string => cls !== undefined && cls !== 'sheet-mask' && cls !== 'ride-banner' && cls !== 'row');

describe('tap targets of the nearby page', () => {
  it('finds the tappable elements (the check is not vacuous)', () => {
    expect(tappable).toEqual(expect.arrayContaining(['tab', 'sheet-close', 'choose-place', 'search-cancel', 'chip']));
  });

  it.each(tappable)('.%s is at least 44 px high and wide', (cls) => {
    const body = declarations(cls);
    expect(body).toMatch(/min-height:\s*var\(--tap\)/);
    expect(body).toMatch(/min-width:\s*var\(--tap\)/);
  });
});
