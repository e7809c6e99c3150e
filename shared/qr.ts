/**
 * Bike QR codes: one payload format, `base + code` (a plain URL, so that the WeChat camera opens
 * the unlock page with it in `query.q`), read back from `wx.scanCode`'s `result`, from a page's
 * `q` query, or typed by hand. Pure: no wx, no I/O.
 */

/** The payload prefix when `NEARBY_QR_BASE` is not set (a plain URL; the path ends with `/b/`). */
export const DEFAULT_QR_BASE = 'https://nearby.example.com/b/';

/**
 * What a bike code may be: 1 to 32 letters, digits, `-` or `_` (as the admin contract's
 * `bikeCode`): fleets print codes such as `BIKE-001`, and all of these are safe in a URL path.
 */
export const BIKE_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The text printed into a bike's QR code.
 * @example qrPayload('B0001') // => 'https://nearby.example.com/b/B0001'
 */
export function qrPayload(code: string, base: string = DEFAULT_QR_BASE): string {
  if (!BIKE_CODE.test(code)) throw new Error(`qrPayload: "${code}" is not a bike code`);
  return base + code;
}

/**
 * The bike code in a scanned text: a payload of `base` (its query and fragment ignored) or a bare
 * code; anything else (another site, another path, junk) is null.
 * @example parseBikeQr('https://nearby.example.com/b/B0001') // => 'B0001'
 * @example parseBikeQr('https://evil.example.com/b/B0001') // => null
 */
export function parseBikeQr(text: unknown, base: string = DEFAULT_QR_BASE): string | null {
  if (typeof text !== 'string') return null;
  const s = text.trim();
  if (s.length === 0 || s.length > 512) return null;
  if (BIKE_CODE.test(s)) return s;
  // Scheme and host are case-insensitive; the path is compared as printed.
  const head = base.replace(/^([a-z]+:\/\/[^/]+)/i, (m) => m.toLowerCase());
  const got = s.replace(/^([a-z]+:\/\/[^/]+)/i, (m) => m.toLowerCase());
  if (!got.startsWith(head)) return null;
  const code = got
    .slice(head.length)
    .replace(/[?#].*$/, '')
    .replace(/\/$/, '');
  return BIKE_CODE.test(code) ? code : null;
}

/**
 * The bike code a page was opened with: `q` (the URL-encoded payload the WeChat camera passes;
 * decoded once) or `code` (from the app's own navigation); null when neither holds one.
 * @example bikeCodeFromQuery({ q: 'https%3A%2F%2Fnearby.example.com%2Fb%2FB0001', scancode_time: '1700000000' }) // => 'B0001'
 */
export function bikeCodeFromQuery(query: Record<string, string | undefined> | null | undefined, base: string = DEFAULT_QR_BASE): string | null {
  if (!query) return null;
  if (typeof query.q === 'string' && query.q !== '') {
    let decoded: string;
    try {
      decoded = decodeURIComponent(query.q);
    } catch {
      return null;
    }
    return parseBikeQr(decoded, base);
  }
  if (typeof query.code === 'string' && BIKE_CODE.test(query.code)) return query.code;
  return null;
}
