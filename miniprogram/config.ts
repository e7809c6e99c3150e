/**
 * Which back end the mini program talks to, and the release settings: the ONE place to edit.
 *
 * The build decides the mode by itself (`wx.getAccountInfoSync().miniProgram.envVersion`):
 * - `develop` (DevTools, a developer's preview): `local`, the host of `npm start`
 *   (POST `${localUrl}/functions/{name}`, the caller sent as the `X-WX-OPENID` header);
 * - `trial` and `release`: `cloud`, CloudBase through `wx.cloud.callFunction` in `RELEASE.envId`.
 *
 * Before a release, change `RELEASE` below (see README "Releasing the mini program").
 */
export interface BackendConfig {
  mode: 'local' | 'cloud';
  localUrl: string;
  /** The caller the local host sees; try `local-staff` for the staff desk, `local-admin` for admin. */
  localOpenid: string;
  /** CloudBase environment id (cloud mode only). */
  envId: string;
  /** The payload prefix printed on the bike stickers: keep it equal to `NEARBY_QR_BASE` of `npm run qr`. */
  qrBase: string;
}

/** What a release needs: your CloudBase environment and the domain printed on your stickers. */
export const RELEASE = {
  /** `cloudbaserc.json` `envId`; the functions must be deployed there. */
  envId: 'your-env-id',
  /**
   * The sticker URL prefix (`NEARBY_QR_BASE` of `npm run qr`). For the WeChat camera to open the
   * unlock page, register it under 开发管理 → 扫普通链接二维码打开小程序, page
   * `packageRide/pages/unlock/index`.
   */
  qrBase: 'https://nearby.example.com/b/',
} as const;

/** The local host of `npm start` (develop builds only). A phone preview needs the machine's LAN address. */
export const LOCAL = {
  url: 'http://127.0.0.1:8787',
  openid: 'local-user',
} as const;

export type EnvVersion = 'develop' | 'trial' | 'release';

/** Local mode only for a developer's build: a trial or release build never calls 127.0.0.1. */
export function backendFor(envVersion: EnvVersion): BackendConfig {
  return {
    mode: envVersion === 'develop' ? 'local' : 'cloud',
    localUrl: LOCAL.url,
    localOpenid: LOCAL.openid,
    envId: RELEASE.envId,
    qrBase: RELEASE.qrBase,
  };
}

/** The running build's version; `release` when the API is missing, so an unknown host never goes local. */
export function currentEnvVersion(): EnvVersion {
  try {
    const version = wx.getAccountInfoSync().miniProgram.envVersion;
    return version === 'develop' || version === 'trial' ? version : 'release';
  } catch {
    return 'release';
  }
}

export const config: BackendConfig = backendFor(currentEnvVersion());
