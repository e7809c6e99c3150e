/** Why a page has no position, what it says, and what its button offers. Pure. */

/**
 * Why there is no position:
 * - `privacy`: the privacy agreement was declined; calling again asks again (the privacy sheet);
 * - `denied`: the location permission (scope.userLocation) is off; only the settings page turns it on;
 * - `off`: the phone's location service, or WeChat's system permission, is off;
 * - `failed`: anything else (no fix, timeout); try again.
 */
export type LocationProblem = 'privacy' | 'denied' | 'off' | 'failed';

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

export interface LocationNotice {
  text: string;
  /** The button: asks again (privacy sheet / permission prompt), or opens the settings for a turned-off permission. */
  action: string;
}

const WHY: Record<LocationProblem, string> = {
  privacy: '你还没有同意隐私保护指引，无法获取位置',
  denied: '定位权限已关闭',
  off: '手机定位服务未开启，请在系统设置中打开',
  failed: '暂时无法获取你的位置',
};

/**
 * @example locationNotice('denied', '正在显示市中心附近') // => { text: '定位权限已关闭，正在显示市中心附近', action: '去设置开启' }
 */
export function locationNotice(problem: LocationProblem, consequence: string): LocationNotice {
  const action = problem === 'denied' ? '去设置开启' : problem === 'privacy' ? '开启定位' : '重新定位';
  return { text: consequence ? `${WHY[problem]}，${consequence}` : WHY[problem], action };
}
