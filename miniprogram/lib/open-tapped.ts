/** Opens the page a tapped row or button names in its `data-url` (nothing when it names none). */
export function openTapped(e: WechatMiniprogram.TouchEvent): void {
  const url = String(e.currentTarget.dataset.url || '');
  if (url) wx.navigateTo({ url });
}
