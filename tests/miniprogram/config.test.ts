import { config } from '../../miniprogram/config';
import { DEFAULT_QR_BASE, parseBikeQr } from '../../shared/qr';

describe('the mini program config', () => {
  it('reads the stickers that `npm run qr` prints by default', () => {
    expect(config.qrBase).toBe(DEFAULT_QR_BASE);
    expect(parseBikeQr(`${DEFAULT_QR_BASE}B0042`, config.qrBase)).toBe('B0042');
  });

  it('talks to the local host of `npm start` out of the box', () => {
    expect(config.mode).toBe('local');
    expect(config.localUrl).toBe('http://127.0.0.1:8787');
  });
});
