/**
 * Printable QR stickers for bikes: one SVG a bike (the QR code and the bike code under it) and one
 * PNG sheet of them all, the payload being `NEARBY_QR_BASE` + code (shared/qr.ts).
 *
 *   npm run qr -- --from B0001 --to B0200 [--out dist/stickers] [--base https://…/b/] [--columns 8]
 *   npm run qr -- --demo                      every bike of the demo city
 *   npm run qr -- --codes B0001,B0002         a list (or --codes-file codes.txt, one a line)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { BIKE_CODE, DEFAULT_QR_BASE, qrPayload } from '../shared/qr';
import { demoCity } from '../functions/local/demo-city';

/** The QR matrix of a payload: `dark[row][col]`. Error correction M survives a scratched sticker. */
export function qrMatrix(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => Boolean(modules.get(r, c))));
}

/** The text a QR matrix was made from, read back from qrcode's own segments. */
export function qrText(text: string): string {
  const { segments } = QRCode.create(text, { errorCorrectionLevel: 'M' }) as unknown as { segments: { data: Uint8Array | string }[] };
  return segments.map((s) => (typeof s.data === 'string' ? s.data : Buffer.from(s.data).toString('utf8'))).join('');
}

/**
 * The codes from `from` to `to`: the same letters, then numbers counted with their zero padding.
 * @example codeRange('B0009', 'B0011') // => ['B0009', 'B0010', 'B0011']
 */
export function codeRange(from: string, to: string): string[] {
  const a = /^([A-Za-z]*)(\d+)$/.exec(from);
  const b = /^([A-Za-z]*)(\d+)$/.exec(to);
  if (!a || !b || a[1] !== b[1]) throw new Error(`--from ${from} --to ${to}: give two codes of the same letters followed by digits, e.g. B0001 and B0200`);
  const [start, end, width] = [Number(a[2]), Number(b[2]), a[2].length];
  if (end < start) throw new Error(`--to ${to} comes before --from ${from}`);
  if (end - start >= 100000) throw new Error('at most 100000 stickers at once');
  return Array.from({ length: end - start + 1 }, (_, i) => `${a[1]}${String(start + i).padStart(width, '0')}`);
}

const QUIET = 4; // modules of white around a QR code, as the standard asks

/** One sticker: the QR code (in module units, crisp at any print size) and the bike code under it. */
export function stickerSvg(code: string, base: string = DEFAULT_QR_BASE): string {
  const m = qrMatrix(qrPayload(code, base));
  const size = m.length + 2 * QUIET;
  const textH = 6;
  let path = '';
  m.forEach((row, r) => row.forEach((dark, c) => dark && (path += `M${c + QUIET} ${r + QUIET}h1v1h-1z`)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size + textH}" width="${size * 8}" height="${(size + textH) * 8}" shape-rendering="crispEdges">`,
    `<rect width="${size}" height="${size + textH}" fill="#fff"/>`,
    `<path d="${path}" fill="#000"/>`,
    `<text x="${size / 2}" y="${size + 3}" font-family="Helvetica, Arial, sans-serif" font-size="4" font-weight="bold" text-anchor="middle">${code}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

// A 5x7 bitmap font (columns, lowest bit on top) for the codes on the PNG sheet: digits and capitals.
const FONT: Record<string, number[]> = {
  '0': [0x3e, 0x51, 0x49, 0x45, 0x3e],
  '1': [0x00, 0x42, 0x7f, 0x40, 0x00],
  '2': [0x72, 0x49, 0x49, 0x49, 0x46],
  '3': [0x21, 0x41, 0x49, 0x4d, 0x33],
  '4': [0x18, 0x14, 0x12, 0x7f, 0x10],
  '5': [0x27, 0x45, 0x45, 0x45, 0x39],
  '6': [0x3c, 0x4a, 0x49, 0x49, 0x31],
  '7': [0x41, 0x21, 0x11, 0x09, 0x07],
  '8': [0x36, 0x49, 0x49, 0x49, 0x36],
  '9': [0x46, 0x49, 0x49, 0x29, 0x1e],
  A: [0x7c, 0x12, 0x11, 0x12, 0x7c],
  B: [0x7f, 0x49, 0x49, 0x49, 0x36],
  C: [0x3e, 0x41, 0x41, 0x41, 0x22],
  D: [0x7f, 0x41, 0x41, 0x41, 0x3e],
  E: [0x7f, 0x49, 0x49, 0x49, 0x41],
  F: [0x7f, 0x09, 0x09, 0x09, 0x01],
  G: [0x3e, 0x41, 0x41, 0x51, 0x73],
  H: [0x7f, 0x08, 0x08, 0x08, 0x7f],
  I: [0x00, 0x41, 0x7f, 0x41, 0x00],
  J: [0x20, 0x40, 0x41, 0x3f, 0x01],
  K: [0x7f, 0x08, 0x14, 0x22, 0x41],
  L: [0x7f, 0x40, 0x40, 0x40, 0x40],
  M: [0x7f, 0x02, 0x1c, 0x02, 0x7f],
  N: [0x7f, 0x04, 0x08, 0x10, 0x7f],
  O: [0x3e, 0x41, 0x41, 0x41, 0x3e],
  P: [0x7f, 0x09, 0x09, 0x09, 0x06],
  Q: [0x3e, 0x41, 0x51, 0x21, 0x5e],
  R: [0x7f, 0x09, 0x19, 0x29, 0x46],
  S: [0x26, 0x49, 0x49, 0x49, 0x32],
  T: [0x03, 0x01, 0x7f, 0x01, 0x03],
  U: [0x3f, 0x40, 0x40, 0x40, 0x3f],
  V: [0x1f, 0x20, 0x40, 0x20, 0x1f],
  W: [0x3f, 0x40, 0x38, 0x40, 0x3f],
  X: [0x63, 0x14, 0x08, 0x14, 0x63],
  Y: [0x03, 0x04, 0x78, 0x04, 0x03],
  Z: [0x61, 0x59, 0x49, 0x4d, 0x43],
};

export interface SheetLayout {
  /** Pixels per QR module. */
  scale: number;
  columns: number;
  /** Side of the square QR area of a cell (quiet zone included), and the cell's full height. */
  qrPx: number;
  cellW: number;
  cellH: number;
}

/** Where each sticker goes on the sheet; every cell fits the largest QR code of the batch. */
export function sheetLayout(matrices: boolean[][][], columns: number, scale = 4): SheetLayout {
  const modules = Math.max(...matrices.map((m) => m.length)) + 2 * QUIET;
  const qrPx = modules * scale;
  return { scale, columns: Math.min(columns, matrices.length), qrPx, cellW: qrPx, cellH: qrPx + 30 };
}

/** One PNG sheet of stickers, drawn module by module (no canvas needed). */
export function sheetPng(codes: string[], base: string = DEFAULT_QR_BASE, columns = 8): { png: Buffer; layout: SheetLayout } {
  const matrices = codes.map((code) => qrMatrix(qrPayload(code, base)));
  const layout = sheetLayout(matrices, columns);
  const rows = Math.ceil(codes.length / layout.columns);
  const png = new PNG({ width: layout.columns * layout.cellW, height: rows * layout.cellH, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data.fill(255);
  // pngjs keeps RGBA in `data` whatever it writes: set all three colour channels.
  const fill = (x: number, y: number, w: number, h: number) => {
    for (let yy = y; yy < y + h; yy++) {
      for (let xx = x; xx < x + w; xx++) {
        const i = (yy * png.width + xx) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
      }
    }
  };
  codes.forEach((code, n) => {
    const x0 = (n % layout.columns) * layout.cellW;
    const y0 = Math.floor(n / layout.columns) * layout.cellH;
    const m = matrices[n];
    const offset = Math.floor((layout.qrPx - m.length * layout.scale) / 2);
    m.forEach((row, r) => row.forEach((dark, c) => dark && fill(x0 + offset + c * layout.scale, y0 + offset + r * layout.scale, layout.scale, layout.scale)));
    // The code under the QR, 3 px a font dot, centred.
    const dot = 3;
    const text = code.toUpperCase();
    const textW = text.length * 6 * dot - dot;
    let x = x0 + Math.max(0, Math.floor((layout.cellW - textW) / 2));
    const y = y0 + layout.qrPx + 2;
    for (const ch of text) {
      (FONT[ch] ?? []).forEach((col, cx) => {
        for (let cy = 0; cy < 7; cy++) if (col & (1 << cy)) fill(x + cx * dot, y + cy * dot, dot, dot);
      });
      x += 6 * dot;
    }
  });
  return { png: PNG.sync.write(png, { colorType: 0 }), layout };
}

export interface StickerRun {
  codes: string[];
  outDir: string;
  base?: string;
  columns?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Writes `<code>.svg` for every code and `sheet.png`; returns the paths written. */
export function writeStickers(run: StickerRun): { svgs: string[]; sheet: string } {
  const base = run.base ?? DEFAULT_QR_BASE;
  const bad = run.codes.find((c) => !BIKE_CODE.test(c));
  if (bad !== undefined) throw new Error(`"${bad}" is not a bike code (1 to 32 letters or digits)`);
  mkdirSync(run.outDir, { recursive: true });
  const svgs: string[] = [];
  // The sheet counts as one more step than the stickers.
  const total = run.codes.length + 1;
  run.codes.forEach((code, i) => {
    const path = join(run.outDir, `${code}.svg`);
    writeFileSync(path, stickerSvg(code, base));
    svgs.push(path);
    run.onProgress?.(i + 1, total);
  });
  const sheet = join(run.outDir, 'sheet.png');
  writeFileSync(sheet, sheetPng(run.codes, base, run.columns).png);
  run.onProgress?.(total, total);
  return { svgs, sheet };
}

/** A progress bar on a terminal, a line per tenth otherwise (CI logs). */
function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const share = done / total;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(`\rstickers [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`stickers ${done}/${total} (${Math.round(share * 100)}%)\n`);
      }
    }
  };
}

export function parseArgs(argv: string[]): { codes: string[]; outDir: string; base: string; columns: number } {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    if (arg === '--demo') opts.set('demo', '1');
    else if (i + 1 < argv.length) opts.set(arg.slice(2), argv[++i]);
    else throw new Error(`${arg} needs a value`);
  }
  let codes: string[];
  if (opts.has('demo')) codes = demoCity().places.flatMap((p) => (p.kind === 'bike' ? [p.code] : []));
  else if (opts.has('codes'))
    codes = opts
      .get('codes')!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else if (opts.has('codes-file'))
    codes = readFileSync(opts.get('codes-file')!, 'utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  else if (opts.has('from') && opts.has('to')) codes = codeRange(opts.get('from')!, opts.get('to')!);
  else throw new Error('say which bikes: --from B0001 --to B0200, --demo, --codes B0001,B0002 or --codes-file FILE');
  if (codes.length === 0) throw new Error('no bike codes given');
  const columns = Number(opts.get('columns') ?? 8);
  if (!Number.isInteger(columns) || columns < 1 || columns > 50) throw new Error('--columns must be 1..50');
  return { codes, outDir: opts.get('out') ?? 'dist/stickers', base: opts.get('base') ?? process.env.NEARBY_QR_BASE ?? DEFAULT_QR_BASE, columns };
}

if (process.argv[1] && /qr-stickers\.(js|ts)$/.test(process.argv[1])) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const { svgs, sheet } = writeStickers({ ...args, onProgress: progressPrinter() });
    console.log(`qr: ${svgs.length} stickers in ${args.outDir} (payload ${qrPayload(args.codes[0], args.base)}), sheet ${sheet}`);
  } catch (err) {
    console.error(`qr: ${(err as Error).message}`);
    process.exit(2);
  }
}
