import QRCode from 'qrcode';

/**
 * The modules of a QR code as rows of booleans (true = dark), quiet zone not included: what a
 * page draws with <view> cells. Uses the `qrcode` package's public `QRCode.create` (the encoder; nothing is drawn),
 * bundled into the mini program through shared/miniprogram.ts from the package's browser build.
 * @example qrMatrix('K7WQ3MXA').length // => 21 (version 1)
 */
export function qrMatrix(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: level });
  const rows: boolean[][] = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(Boolean(modules.data[r * modules.size + c]));
    rows.push(row);
  }
  return rows;
}
