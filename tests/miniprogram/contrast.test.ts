// The design system's text colours stay readable: WCAG AA (4.5:1) for every text/background pair
// the styles use, read from app.wxss itself so a changed colour is checked.
import fs from 'fs';
import path from 'path';

const wxss = fs.readFileSync(path.resolve(__dirname, '../../miniprogram/app.wxss'), 'utf8');
const vars = Object.fromEntries([...wxss.matchAll(/--(c-[\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
const colour = (name: string) => (name.startsWith('#') ? name : vars[name]);

/** Relative luminance of an sRGB colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(colour(a)), luminance(colour(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

// [text, background]: body text, secondary text, tags, notices, buttons, the ride banner.
const PAIRS: Array<[string, string]> = [
  ['c-text', 'c-card'],
  ['c-text', 'c-bg'],
  ['c-text-2', 'c-card'],
  ['c-text-2', 'c-bg'],
  ['c-text-2', 'c-skeleton'],
  ['c-text-3', 'c-card'],
  ['c-text-3', 'c-bg'],
  ['c-primary', 'c-card'],
  ['c-primary', 'c-primary-soft'],
  ['#ffffff', 'c-primary'],
  ['c-success', 'c-success-soft'],
  ['#ffffff', 'c-success'],
  ['c-warning', 'c-warning-soft'],
  ['c-danger', 'c-danger-soft'],
  ['c-danger', 'c-card'],
];

describe('the colours of app.wxss', () => {
  it('defines every colour the pairs name', () => {
    for (const [text, background] of PAIRS) {
      expect(colour(text)).toMatch(/^#[0-9a-f]{6}$/i);
      expect(colour(background)).toMatch(/^#[0-9a-f]{6}$/i);
    }
  });

  it.each(PAIRS)('%s on %s reads at 4.5:1 or more', (text, background) => {
    expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
  });
});
