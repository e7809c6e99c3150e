import { bikeCodeFromQuery, DEFAULT_QR_BASE, parseBikeQr, qrPayload } from '../../shared/qr';

describe('the QR payload', () => {
  it('is the base URL followed by the bike code', () => {
    expect(qrPayload('B0001')).toBe('https://nearby.example.com/b/B0001');
    expect(qrPayload('BIKE-001_a')).toBe('https://nearby.example.com/b/BIKE-001_a');
    expect(qrPayload('B0001', 'https://bikes.example.org/q/')).toBe('https://bikes.example.org/q/B0001');
  });
  it('refuses to encode something that is not a bike code', () => {
    expect(() => qrPayload('B 1')).toThrow();
  });
});

describe('reading a wx.scanCode result', () => {
  it('finds the code in a payload', () => {
    expect(parseBikeQr(qrPayload('B0042'))).toBe('B0042');
    expect(parseBikeQr(qrPayload('BIKE-042'))).toBe('BIKE-042');
  });
  it('takes a bare code typed or printed without the URL', () => {
    expect(parseBikeQr(' B0042 ')).toBe('B0042');
    expect(parseBikeQr('BIKE-001')).toBe('BIKE-001');
  });
  it('ignores a query, a fragment, a trailing slash and the case of the host', () => {
    expect(parseBikeQr('https://nearby.example.com/b/B0042?from=sticker')).toBe('B0042');
    expect(parseBikeQr('HTTPS://Nearby.Example.com/b/B0042/')).toBe('B0042');
    expect(parseBikeQr('https://nearby.example.com/b/B0042#x')).toBe('B0042');
  });
  it('honours a configured base', () => {
    expect(parseBikeQr('https://bikes.example.org/q/X9', 'https://bikes.example.org/q/')).toBe('X9');
    expect(parseBikeQr(qrPayload('X9'), 'https://bikes.example.org/q/')).toBeNull();
  });
  it.each([
    ['another site', 'https://evil.example.com/b/B0001'],
    ['another path', 'https://nearby.example.com/x/B0001'],
    ['a deeper path', 'https://nearby.example.com/b/B0001/extra'],
    ['no code', DEFAULT_QR_BASE],
    ['a code with spaces', 'https://nearby.example.com/b/B 1'],
    ['an empty text', ''],
    ['a WeChat pay code', 'wxp://f2f0abcdef'],
    ['a very long text', 'B'.repeat(600)],
    ['not a string', 42],
    ['undefined', undefined],
  ])('gives null for %s', (_, text) => {
    expect(parseBikeQr(text)).toBeNull();
  });
});

describe('reading the page query the WeChat camera passes', () => {
  const q = encodeURIComponent(qrPayload('B0007'));
  it('decodes q once and finds the code', () => {
    expect(bikeCodeFromQuery({ q, scancode_time: '1764000000' })).toBe('B0007');
  });
  it('does not decode twice: a doubly encoded q is junk', () => {
    expect(bikeCodeFromQuery({ q: encodeURIComponent(q) })).toBeNull();
  });
  it('takes a code passed by the app itself (from the map)', () => {
    expect(bikeCodeFromQuery({ code: 'B0007' })).toBe('B0007');
  });
  it('gives null for a missing query, a missing or empty q, and a broken escape', () => {
    expect(bikeCodeFromQuery(undefined)).toBeNull();
    expect(bikeCodeFromQuery({})).toBeNull();
    expect(bikeCodeFromQuery({ q: '' })).toBeNull();
    expect(bikeCodeFromQuery({ q: '%E0%A4%A' })).toBeNull();
    expect(bikeCodeFromQuery({ code: '../etc' })).toBeNull();
  });
});
