/**
 * Fault-report photos: chosen with `wx.chooseMedia` (a private API: the page shows the privacy
 * sheet) and uploaded to cloud storage, or locally to the host.
 */
import { config } from '../config';
import type { Result } from '../shared/index';

/** Up to `count` photos from the camera or the album; [] when the user cancels. */
export function choosePhotos(count: number): Promise<string[]> {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles.map((f) => f.tempFilePath)),
      fail: () => resolve([]),
    });
  });
}

/**
 * Uploads a photo chosen with `wx.chooseMedia`: to cloud storage with `wx.cloud.uploadFile` (a
 * `cloud://` file id), or locally to the host's `POST /uploads` (its bytes as the body; the host
 * checks type and size and answers the URL that serves it back).
 */
export function uploadPhoto(tempFilePath: string): Promise<Result<{ fileId: string }>> {
  const failed = (message: string): Result<{ fileId: string }> => ({ ok: false, error: { code: 'INTERNAL', message } });
  if (config.mode === 'cloud') {
    const ext = (/\.(\w+)$/.exec(tempFilePath) || ['', 'jpg'])[1];
    return new Promise((resolve) => {
      wx.cloud.uploadFile({
        cloudPath: `reports/${Date.now()}-${Math.random().toString(36).slice(2, 10)}.${ext}`,
        filePath: tempFilePath,
        success: (res) => resolve({ ok: true, data: { fileId: res.fileID } }),
        fail: (err) => resolve(failed((err && err.errMsg) || 'upload failed')),
      });
    });
  }
  return new Promise((resolve) => {
    let bytes: ArrayBuffer;
    try {
      bytes = wx.getFileSystemManager().readFileSync(tempFilePath) as ArrayBuffer;
    } catch {
      resolve(failed('cannot read the photo'));
      return;
    }
    wx.request({
      url: `${config.localUrl}/uploads`,
      method: 'POST',
      data: bytes,
      header: { 'content-type': 'application/octet-stream', 'X-WX-OPENID': config.localOpenid },
      success: (res) => {
        const body = res.data as Result<{ fileId: string }>;
        resolve(body && typeof body === 'object' && 'ok' in body ? body : failed('bad answer'));
      },
      fail: (err) => resolve(failed((err && err.errMsg) || 'upload failed')),
    });
  });
}
