import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { codeRange, parseArgs, qrMatrix, qrText, sheetLayout, writeStickers } from '../../scripts/qr-stickers';
import { parseBikeQr, qrPayload } from '../../shared/qr';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stickers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The dark modules an SVG sticker draws, read back from its path (`M{x} {y}h1v1h-1z` a module, 4 modules of quiet zone). */
function svgMatrix(svg: string, size: number): boolean[][] {
  const m = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) m[Number(y) - 4][Number(x) - 4] = true;
  return m;
}

it('counts a range of codes with their zero padding', () => {
  expect(codeRange('B0009', 'B0011')).toEqual(['B0009', 'B0010', 'B0011']);
  expect(() => codeRange('B0002', 'B0001')).toThrow(/before/);
  expect(() => codeRange('B0001', 'C0002')).toThrow(/same letters/);
});

it('reads the bikes from the command line: a range, a list, the demo city', () => {
  expect(parseArgs(['--from', 'B0001', '--to', 'B0003', '--out', 'x']).codes).toEqual(['B0001', 'B0002', 'B0003']);
  expect(parseArgs(['--codes', 'A1, A2']).codes).toEqual(['A1', 'A2']);
  expect(parseArgs(['--demo']).codes).toHaveLength(200);
  expect(() => parseArgs([])).toThrow(/which bikes/);
});

it('writes one SVG a bike and one PNG sheet, reporting progress, whose QR codes carry the payload back to the code', () => {
  const codes = ['B0001', 'B0002', 'B0150'];
  const progress: number[] = [];
  const { svgs, sheet } = writeStickers({ codes, outDir: dir, columns: 2, onProgress: (done) => progress.push(done) });
  expect(progress).toEqual([1, 2, 3, 4]);

  for (const [i, code] of codes.entries()) {
    expect(svgs[i]).toBe(join(dir, `${code}.svg`));
    const svg = readFileSync(svgs[i], 'utf8');
    expect(svg).toContain(`>${code}</text>`);
    const matrix = qrMatrix(qrPayload(code));
    // The sticker draws exactly the matrix of the payload, whose text parses back to the code.
    expect(svgMatrix(svg, matrix.length)).toEqual(matrix);
    expect(parseBikeQr(qrText(qrPayload(code)))).toBe(code);
  }

  expect(existsSync(sheet)).toBe(true);
  const png = PNG.sync.read(readFileSync(sheet));
  const layout = sheetLayout(
    codes.map((c) => qrMatrix(qrPayload(c))),
    2,
  );
  expect(png.width).toBe(2 * layout.cellW);
  expect(png.height).toBe(2 * layout.cellH);
  // Every module of the third sticker (second row, first column) is drawn where it belongs.
  const m = qrMatrix(qrPayload('B0150'));
  const offset = Math.floor((layout.qrPx - m.length * layout.scale) / 2);
  const darkAt = (r: number, c: number) => png.data[((layout.cellH + offset + r * layout.scale + 1) * png.width + offset + c * layout.scale + 1) * 4] === 0;
  expect(m.map((row, r) => row.map((_, c) => darkAt(r, c)))).toEqual(m);
});

it('refuses a code that cannot be a bike code', () => {
  expect(() => writeStickers({ codes: ['B 1'], outDir: dir })).toThrow(/not a bike code/);
});
