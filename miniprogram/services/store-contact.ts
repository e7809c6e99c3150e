/** Reaching a store: its phone (wx.makePhoneCall) and its photos full screen (wx.previewImage). */

/** Opens the phone's dialer on the number (WeChat asks the user first). Never rejects. */
export function callStore(phone: string): void {
  wx.makePhoneCall({ phoneNumber: phone.replace(/[\s-]/g, ''), fail: () => undefined });
}

/** Shows the photos full screen from `current` (https URLs and cloud:// file ids alike). */
export function previewPhotos(urls: string[], current: string): void {
  wx.previewImage({ urls, current, fail: () => undefined });
}
