/**
 * Check-in codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn from a
 * cryptographic random source given as an argument, so this module stays pure. 31^8 ≈ 8.5e11
 * codes: unguessable by trying, and never derived from an id or a counter.
 */

/** Digits and capitals without 0, 1, I, L, O. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

/** Where randomness comes from: `node:crypto` in the functions, a seeded one in tests. */
export interface RandomSource {
  /** `n` uniformly random bytes. */
  bytes(n: number): Uint8Array;
}

/**
 * `length` characters drawn uniformly from `alphabet`: bytes past the largest multiple of the
 * alphabet's size are thrown away, so no character is likelier than another.
 * @example randomString(cryptoSource, 'AB', 4) // => 'ABBA'
 */
export function randomString(random: RandomSource, alphabet: string, length: number): string {
  const n = alphabet.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * A fresh check-in code. Uniqueness is the store's job (a unique index, draw again on a clash).
 * @example newCheckInCode(cryptoSource) // => 'K7WQ3MXA'
 */
export function newCheckInCode(random: RandomSource): string {
  return randomString(random, CODE_ALPHABET, CODE_LENGTH);
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A booking id: `bk_` and 20 random base-36 characters (about 103 bits).
 * @example newBookingId(cryptoSource) // => 'bk_4f9x0c2m7q1r8s3t5v6w'
 */
export function newBookingId(random: RandomSource): string {
  return `bk_${randomString(random, ID_ALPHABET, 20)}`;
}

/**
 * A code as typed or scanned, normalised: trimmed and upper-cased; null if it cannot be a code.
 * @example normaliseCode(' k7wq3mxa ') // => 'K7WQ3MXA'
 */
export function normaliseCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  return isCheckInCode(code) ? code : null;
}

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

export function isCheckInCode(s: string): boolean {
  return CODE_PATTERN.test(s);
}
