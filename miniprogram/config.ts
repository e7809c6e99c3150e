/**
 * Which back end the mini program talks to: the one file to edit when switching.
 * - `local`: the local host of `npm start` (POST `${localUrl}/functions/{name}`), the caller sent as
 *   the `X-WX-OPENID` header. DevTools needs `setting.urlCheck: false` for http://127.0.0.1.
 * - `cloud`: CloudBase through `wx.cloud.callFunction` in the environment `envId`.
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

export const config: BackendConfig = {
  mode: 'local',
  localUrl: 'http://127.0.0.1:8787',
  localOpenid: 'local-user',
  envId: 'your-env-id',
  qrBase: 'https://nearby.example.com/b/',
};
