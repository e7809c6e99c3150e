/** What a page says when it has no position, and what its button offers. Pure. */
import type { LocationProblem } from '../services/location';

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
