/** Recent searches of the nearby page, kept on the phone only (wx storage; never sent anywhere). */
const KEY = 'nearby.recentSearches';

export function recentSearches(): string[] {
  try {
    const saved = wx.getStorageSync(KEY) as unknown;
    return Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string').slice(0, 8) : [];
  } catch {
    return [];
  }
}

export function saveRecentSearches(list: string[]): void {
  try {
    wx.setStorageSync(KEY, list);
  } catch {
    // A full or unavailable storage only loses the list.
  }
}
