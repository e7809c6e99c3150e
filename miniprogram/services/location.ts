/** The user's position and the map apps: wx.getLocation, wx.openLocation, wx.getSetting, wx.openSetting. */
import type { LatLng } from '../shared/index';
import { locationProblem } from '../lib/location-notice';
import type { LocationProblem } from '../lib/location-notice';

export type { LocationProblem };
export type LocateResult = { ok: true; position: LatLng } | { ok: false; reason: LocationProblem };

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

export type ChooseResult = { ok: true; place: LatLng & { name: string } } | { ok: false; reason: 'cancelled' | LocationProblem };

/**
 * 选择位置: WeChat's place picker (wx.chooseLocation, declared in app.json's requiredPrivateInfos;
 * the privacy sheet asks first when the agreement is not given yet). GCJ-02, as <map>. Never rejects.
 */
export function choosePlace(around?: LatLng): Promise<ChooseResult> {
  return new Promise((resolve) => {
    wx.chooseLocation({
      ...(around ? { latitude: around.lat, longitude: around.lng } : {}),
      success: (res) => resolve({ ok: true, place: { lat: res.latitude, lng: res.longitude, name: res.name || res.address || '所选位置' } }),
      fail: (err) => {
        const e = err as { errMsg?: string; errno?: number };
        resolve({ ok: false, reason: /cancel/i.test(e.errMsg || '') ? 'cancelled' : locationProblem(e) });
      },
    });
  });
}
