/**
 * Photo uploads on the local host (fault reports): what `wx.cloud.uploadFile` does in the cloud.
 * `POST /uploads` takes the image itself as the body (the mini program reads the chosen file and
 * sends its bytes), checks it is a JPEG, PNG, GIF or WebP by its first bytes and at most 5 MB, and
 * answers `{ ok: true, data: { fileId } }`, `fileId` being the URL that serves it back
 * (`GET /uploads/{id}`), which `rides.report` takes among its photos. Anything else is HTTP 400
 * with `INVALID_ARGUMENT` naming `file`. Kept in memory while the host runs (the oldest let go past
 * 100 MB): a developer's tool, not a store.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_PHOTO_BYTES } from '../../shared/ride';
import { fail } from '../../shared/result';

const KEEP_BYTES = 100 * 1024 * 1024;

/** The image type of these bytes by their signature, or null. */
export function imageTypeOf(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 6 && ['GIF87a', 'GIF89a'].includes(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

const EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' } as const;

export interface Uploads {
  /** Serves `POST /uploads` and `GET /uploads/{id}`; false when the path is not theirs. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
}

export function localUploads(): Uploads {
  const files = new Map<string, { type: string; bytes: Buffer }>();
  let kept = 0;
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const refuse = (res: ServerResponse, message: string) => answer(res, 400, fail('INVALID_ARGUMENT', `file: ${message}`));

  return {
    async serve(req, res, pathname) {
      if (pathname === '/uploads' && req.method === 'POST') {
        const bytes = await readAtMost(req, MAX_PHOTO_BYTES);
        if (bytes === null) return (refuse(res, 'must be at most 5 MB'), true);
        const type = imageTypeOf(bytes);
        if (type === null) return (refuse(res, 'must be a JPEG, PNG, GIF or WebP image'), true);
        const id = `${randomBytes(16).toString('hex')}.${EXTENSIONS[type]}`;
        files.set(id, { type, bytes });
        kept += bytes.length;
        for (const [old, file] of files) {
          if (kept <= KEEP_BYTES) break;
          files.delete(old);
          kept -= file.bytes.length;
        }
        return (answer(res, 200, { ok: true, data: { fileId: `http://127.0.0.1:${req.socket.localPort}/uploads/${id}` } }), true);
      }
      const one = /^\/uploads\/([0-9a-f]{32}\.(jpg|png|gif|webp))$/.exec(pathname);
      if (one && req.method === 'GET') {
        const file = files.get(one[1]);
        if (!file) return (answer(res, 404, fail('NOT_FOUND', 'no such upload')), true);
        res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length, 'cache-control': 'private, max-age=86400' });
        res.end(file.bytes);
        return true;
      }
      return false;
    },
  };
}

/** The body, or null once it passes `limit` bytes (the rest is drained, never buffered). */
function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) {
      req.resume();
      req.on('end', () => resolve(null));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
