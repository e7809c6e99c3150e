/** How the page was entered (wx.getEnterOptionsSync). */

/** Scene 1154: a page opened from Moments (朋友圈) in single-page mode: no login, no private API; read-only. */
export const MOMENTS_SCENE = 1154;

export function openedFromMoments(): boolean {
  try {
    return typeof wx.getEnterOptionsSync === 'function' && wx.getEnterOptionsSync().scene === MOMENTS_SCENE;
  } catch {
    return false;
  }
}
