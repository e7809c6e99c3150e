// Draws the mini program's tab bar icons and share images from the SVG below into PNG files under
// miniprogram/images/ (WeChat's tab bar takes PNG/JPG only, 81 px recommended, < 40 KB each).
// Run after changing a drawing: `node scripts/mp-images.mjs` (needs Debian's `chromium`); the PNGs
// are committed, so nobody else needs a browser.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'miniprogram/images');
const GREY = '#5f6368'; // tab text colour of app.json: 6.3:1 on white
const BLUE = '#1a73e8';

// 24-unit drawings, stroked like the rest of the UI.
const PIN = (c) =>
  `<path d="M12 21.5s-6.5-6.2-6.5-11.2a6.5 6.5 0 0 1 13 0c0 5-6.5 11.2-6.5 11.2z" fill="none" stroke="${c}" stroke-width="1.9" stroke-linejoin="round"/><circle cx="12" cy="10.3" r="2.4" fill="${c}"/>`;
const PIN_ON = (c) =>
  `<path d="M12 21.5s-6.5-6.2-6.5-11.2a6.5 6.5 0 0 1 13 0c0 5-6.5 11.2-6.5 11.2z" fill="${c}" stroke="${c}" stroke-width="1.9" stroke-linejoin="round"/><circle cx="12" cy="10.3" r="2.4" fill="#fff"/>`;
const PERSON = (c) =>
  `<circle cx="12" cy="8" r="3.8" fill="none" stroke="${c}" stroke-width="1.9"/><path d="M4.5 20.5c.8-4 3.8-6 7.5-6s6.7 2 7.5 6" fill="none" stroke="${c}" stroke-width="1.9" stroke-linecap="round"/>`;
const PERSON_ON = (c) =>
  `<circle cx="12" cy="8" r="3.8" fill="${c}" stroke="${c}" stroke-width="1.9"/><path d="M4.5 20.5c.8-4 3.8-6 7.5-6s6.7 2 7.5 6z" fill="${c}" stroke="${c}" stroke-width="1.9" stroke-linejoin="round"/>`;

const icon = (body) => `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 24 24">${body}</svg>`;

/** A 5:4 share card (WeChat's share image ratio): a coloured field, a symbol and two lines. */
const card = (bg, symbol, title, note) => `
<svg xmlns="http://www.w3.org/2000/svg" width="500" height="400" viewBox="0 0 500 400">
  <rect width="500" height="400" fill="${bg}"/>
  <circle cx="250" cy="150" r="84" fill="#ffffff"/>
  ${symbol}
  <text x="250" y="305" text-anchor="middle" font-family="Noto Sans CJK SC, Noto Serif CJK SC, sans-serif" font-size="44" font-weight="700" fill="#ffffff">${title}</text>
  <text x="250" y="355" text-anchor="middle" font-family="Noto Sans CJK SC, Noto Serif CJK SC, sans-serif" font-size="28" fill="#ffffff" fill-opacity="0.9">${note}</text>
</svg>`;

const FILES = {
  'tab-nearby.png': icon(PIN(GREY)),
  'tab-nearby-active.png': icon(PIN_ON(BLUE)),
  'tab-me.png': icon(PERSON(GREY)),
  'tab-me-active.png': icon(PERSON_ON(BLUE)),
  'share-station.png': card(
    '#1a73e8',
    '<text x="250" y="188" text-anchor="middle" font-family="sans-serif" font-size="110" font-weight="700" fill="#1a73e8">P</text>',
    '停车点',
    '附近 · 还车点与可用单车',
  ),
  'share-store.png': card(
    '#1e8e3e',
    `<g transform="translate(190 90) scale(5)" fill="none" stroke="#1e8e3e" stroke-width="1.8" stroke-linejoin="round"><path d="M3 9l1.5-5h15L21 9"/><path d="M4 9v11h16V9"/><path d="M3 9h18"/><path d="M10 20v-6h4v6"/></g>`,
    '门店',
    '附近 · 营业时间与到店预约',
  ),
};

const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const [name, svg] of Object.entries(FILES)) {
    const width = Number(/width="(\d+)"/.exec(svg)[1]);
    const height = Number(/height="(\d+)"/.exec(svg)[1]);
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const file = path.join(OUT, name);
    await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width, height } });
    console.log(`${name}: ${fs.statSync(file).size} bytes`);
  }
} finally {
  await browser.close();
}
