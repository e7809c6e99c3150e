// WeChat DevTools compiles WXML and WXSS with wcc and wcsc, stricter than the page tests' parser:
// run the official compilers (the miniprogram-compiler package) over the whole mini program.
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { wxmlToJs, wxssToJs } from 'miniprogram-compiler';
import { MINIPROGRAM_ROOT } from './harness';

describe('the official WXML and WXSS compilers', () => {
  it('compile every template and style of the mini program', () => {
    expect(() => wxmlToJs(MINIPROGRAM_ROOT)).not.toThrow();
    expect(() => wxssToJs(MINIPROGRAM_ROOT)).not.toThrow();
  });

  it('refuse a broken template, so the check above means something', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxml-'));
    writeFileSync(path.join(dir, 'broken.wxml'), '<view wx:if="{{open}}">x</vie>');
    expect(() => wxmlToJs(dir)).toThrow(/broken\.wxml/);
  });
});
