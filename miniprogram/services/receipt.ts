/**
 * A payment receipt as an image: drawn on an offscreen canvas (wx.createOffscreenCanvas), written
 * to a temporary file (wx.canvasToTempFilePath), then saved to the album (wx.saveImageToPhotosAlbum,
 * which asks for scope.writePhotosAlbum) or handed to WeChat's share sheet (wx.showShareImageMenu).
 */
export interface ReceiptLine {
  label: string;
  value: string;
}

const WIDTH = 600;
const LINE = 56;

/** Draws the receipt; the image's temporary path, or null when the canvas is not available. */
export function receiptImage(title: string, amountText: string, lines: readonly ReceiptLine[]): Promise<string | null> {
  return new Promise((resolve) => {
    if (typeof wx.createOffscreenCanvas !== 'function') return resolve(null);
    const height = 220 + lines.length * LINE + 60;
    const canvas = wx.createOffscreenCanvas({ type: '2d', width: WIDTH, height }) as unknown as WechatMiniprogram.Canvas;
    // The 2d context of a mini program canvas (the typings give `any`): the Canvas 2D API subset used here.
    const ctx = canvas.getContext('2d') as {
      fillStyle: string;
      font: string;
      fillRect(x: number, y: number, w: number, h: number): void;
      fillText(text: string, x: number, y: number): void;
    };
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, WIDTH, height);
    ctx.fillStyle = '#5f6368';
    ctx.font = '28px sans-serif';
    ctx.fillText(title, 40, 70);
    ctx.fillStyle = '#202124';
    ctx.font = 'bold 56px sans-serif';
    ctx.fillText(amountText, 40, 150);
    ctx.font = '26px sans-serif';
    lines.forEach((line, i) => {
      const y = 230 + i * LINE;
      ctx.fillStyle = '#5f6368';
      ctx.fillText(line.label, 40, y);
      ctx.fillStyle = '#202124';
      ctx.fillText(line.value, 200, y);
    });
    wx.canvasToTempFilePath({
      canvas,
      fileType: 'png',
      success: (res) => resolve(res.tempFilePath),
      fail: () => resolve(null),
    } as WechatMiniprogram.CanvasToTempFilePathOption);
  });
}

/** Saves an image to the album; false when refused or failed. */
export function saveToAlbum(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.saveImageToPhotosAlbum({ filePath: path, success: () => resolve(true), fail: () => resolve(false) });
  });
}

/** Opens WeChat's share sheet for an image (send to a chat, save, favourite). */
export function shareImage(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (typeof wx.showShareImageMenu !== 'function') return resolve(false);
    wx.showShareImageMenu({ path, success: () => resolve(true), fail: () => resolve(false) });
  });
}
