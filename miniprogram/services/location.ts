/** The user's position and the map apps: wx.getLocation, wx.openLocation, wx.getSetting, wx.openSetting. */
import type { LatLng } from '../shared/index';

/**
 * Why there is no position:
 * - `privacy`: the privacy agreement was declined; calling again asks again (the privacy sheet);
 * - `denied`: the location permission (scope.userLocation) is off; only the settings page turns it on;
 * - `off`: the phone's location service, or WeChat's system permission, is off;
 * - `failed`: anything else (no fix, timeout); try again.
 */
export type LocationProblem = 'privacy' | 'denied' | 'off' | 'failed';
export type LocateResult = { ok: true; position: LatLng } | { ok: false; reason: LocationProblem };

/**
 * Sorts a getLocation failure. errno 104 is a declined privacy agreement, 103 a refused permission
 * (errMsg "auth deny" / "auth denied" / "authorize no response"); system switches read "system
 * permission denied" or "LOCATIONSWITCHOFF".
 * @example locationProblem({ errMsg: 'getLocation:fail privacy permission is not authorized', errno: 104 }) // => 'privacy'
 */
export function locationProblem(err: { errMsg?: string; errno?: number } | undefined): LocationProblem {
  const msg = (err && err.errMsg) || '';
  const errno = err && err.errno;
  if (errno === 104 || /privacy/i.test(msg)) return 'privacy';
  if (/system permission|switchoff|location service/i.test(msg)) return 'off';
  if (errno === 103 || /auth(orize)? ?(deny|denied|no response)/i.test(msg)) return 'denied';
  return 'failed';
}

/** The position in GCJ-02 (what <map> uses). Never rejects. */
export function locate(): Promise<LocateResult> {
  return new Promise((resolve) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ ok: true, position: { lat: res.latitude, lng: res.longitude } }),
      fail: (err) => resolve({ ok: false, reason: locationProblem(err as { errMsg?: string; errno?: number }) }),
    });
  });
}

/**
 * The "开启定位" button: opens the settings only when the location permission itself was turned off
 * (scope.userLocation === false); otherwise asks again, which shows the privacy sheet or WeChat's
 * permission prompt as needed. Resolves to the new attempt. Never rejects.
 */
export async function enableLocation(): Promise<LocateResult> {
  const scope = await new Promise<boolean | undefined>((resolve) => {
    wx.getSetting({
      success: (res) => resolve(res.authSetting['scope.userLocation']),
      fail: () => resolve(undefined),
    });
  });
  if (scope === false) {
    const allowed = await reauthorizeLocation();
    if (!allowed) return { ok: false, reason: 'denied' };
  }
  return locate();
}

export interface RouteTarget extends LatLng {
  name?: string;
  address?: string;
}

/** Opens the built-in map on a place; from there the user picks a navigation app for the route. */
export function openRoute(target: RouteTarget): void {
  wx.openLocation({
    latitude: target.lat,
    longitude: target.lng,
    name: target.name || '',
    address: target.address || '',
    scale: 16,
  });
}

/** Opens the settings so a user who turned the permission off can allow it; resolves to whether it is now allowed. */
export function reauthorizeLocation(): Promise<boolean> {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => resolve(res.authSetting['scope.userLocation'] === true),
      fail: () => resolve(false),
    });
  });
}
