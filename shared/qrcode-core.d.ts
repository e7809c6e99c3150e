// The pure encoder inside the `qrcode` package (no canvas, no DOM, no fs): what shared/qr.ts bundles.
declare module 'qrcode/lib/core/qrcode' {
  export function create(
    text: string,
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number },
  ): { version: number; modules: { size: number; data: Uint8Array | number[] } };
}
