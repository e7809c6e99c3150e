// Lets plain node run the mini program's pages as miniprogram-simulate does under jest: TypeScript
// through esbuild, and a jsdom window as the global scope. Required before anything else.
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');
const { JSDOM } = require('jsdom');

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'inline' });
  module._compile(code, filename);
};
// A page is required by its path without extension ("…/store/index"): its index.ts must win over
// its index.json, as in jest's moduleFileExtensions.
for (const ext of ['.json', '.node']) {
  const loader = require.extensions[ext];
  delete require.extensions[ext];
  require.extensions[ext] = loader;
}

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true, url: 'http://localhost/' });
const win = dom.window;
globalThis.window = win;
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in globalThis) continue;
  try {
    globalThis[key] = win[key];
  } catch {
    // a read-only property of this realm
  }
}
// Node has Event classes of its own; the DOM must get jsdom's.
for (const key of ['Event', 'EventTarget', 'CustomEvent', 'UIEvent', 'MouseEvent', 'TouchEvent', 'KeyboardEvent', 'FocusEvent', 'InputEvent']) {
  if (win[key]) globalThis[key] = win[key];
}
globalThis.document = win.document;
