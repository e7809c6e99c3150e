/** The user's position and the map apps: wx.getLocation, wx.openLocation, wx.openSetting. */
import type { LatLng } from '../shared/index';

export type LocateResult = { ok: true; position: LatLng } | { ok: false; reason: 'denied' | 'failed' };

// Refusals read "auth deny", "auth denied", "authorize no response", "privacy ... not authorized",
// "system permission denied": all mean "ask again through the settings", not "try later".
const REFUSED = /auth|den(y|ied)|privacy|permission/i;

/** The position in GCJ-02 (what <map> uses). Never rejects. */
export function locate(): Promise<LocateResult> {
  return new Promise((resolve) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ ok: true, position: { lat: res.latitude, lng: res.longitude } }),
      fail: (err) => resolve({ ok: false, reason: REFUSED.test((err && err.errMsg) || '') ? 'denied' : 'failed' }),
    });
  });
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

/** Opens the settings so a user who refused can allow the location; resolves to whether it is now allowed. */
export function reauthorizeLocation(): Promise<boolean> {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => resolve(res.authSetting['scope.userLocation'] === true),
      fail: () => resolve(false),
    });
  });
}
