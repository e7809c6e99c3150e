/** The camera for bike QR codes (wx.scanCode), read with the one payload parser of shared/qr. */
import { config } from '../config';
import { parseBikeQr } from '../shared/index';

/** The payload prefix printed on the stickers (`qrBase` in config.ts, `NEARBY_QR_BASE` of `npm run qr`). */
export const QR_BASE = config.qrBase;

export type BikeScan = { ok: true; code: string } | { ok: false; reason: 'cancelled' | 'unreadable' | 'failed' };

/**
 * Opens the camera and resolves to the bike code of the sticker. A QR code of something else is
 * `unreadable`; backing out of the camera is `cancelled`. Never rejects.
 */
export function scanBikeCode(): Promise<BikeScan> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => {
        const code = parseBikeQr(res.result, QR_BASE);
        resolve(code ? { ok: true, code } : { ok: false, reason: 'unreadable' });
      },
      fail: (err) => resolve({ ok: false, reason: /cancel/i.test((err && err.errMsg) || '') ? 'cancelled' : 'failed' }),
    });
  });
}
