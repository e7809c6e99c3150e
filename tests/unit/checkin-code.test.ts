import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { CODE_ALPHABET, isCheckInCode, newBookingId, newCheckInCode, normaliseCode, randomString, type RandomSource } from '../../shared/checkin-code';
import { checkInCode } from '../../shared/contract/bookings';

const crypto: RandomSource = { bytes: (n) => randomBytes(n) };

it('makes 8-character codes from the alphabet without look-alikes', () => {
  for (let i = 0; i < 200; i++) {
    const code = newCheckInCode(crypto);
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(isCheckInCode(code)).toBe(true);
  }
  expect(CODE_ALPHABET).not.toMatch(/[01ILO]/);
});

it('draws every character of the alphabet about equally often (no modulo bias)', () => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 4000; i++) for (const c of newCheckInCode(crypto)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const expected = (4000 * 8) / CODE_ALPHABET.length;
  expect(counts.size).toBe(CODE_ALPHABET.length);
  for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
});

it('does not repeat across many draws, and is not sequential', () => {
  const codes = Array.from({ length: 5000 }, () => newCheckInCode(crypto));
  expect(new Set(codes).size).toBe(codes.length);
});

it('uses only what the random source gives, skipping biased bytes', () => {
  // 255 is past the largest multiple of 31 (248) and must be skipped.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
      let i = 0;
      const source: RandomSource = { bytes: (n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] % 248) };
      const s = randomString(source, CODE_ALPHABET, 8);
      expect(s).toHaveLength(8);
      expect(isCheckInCode(s)).toBe(true);
    }),
  );
  const skipping: RandomSource = { bytes: (n) => Uint8Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 255 : 0)) };
  expect(randomString(skipping, CODE_ALPHABET, 8)).toBe('22222222');
});

it('makes booking ids that are not codes and do not repeat', () => {
  const id = newBookingId(crypto);
  expect(id).toMatch(/^bk_[0-9a-z]{20}$/);
  expect(newBookingId(crypto)).not.toBe(id);
});

it('forgives spaces and lower case in a typed code, and refuses anything else', () => {
  expect(normaliseCode(' k7wq3mxa ')).toBe('K7WQ3MXA');
  expect(normaliseCode('K7WQ3MX0')).toBeNull();
  expect(checkInCode.safeParse(' k7wq3mxa').data).toBe('K7WQ3MXA');
  expect(checkInCode.safeParse('https://example.com/bike/B0001').success).toBe(false);
});
