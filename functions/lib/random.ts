import { randomBytes } from 'node:crypto';
import type { RandomSource } from '../../shared/checkin-code';

/**
 * `node:crypto` as the `random` port: where ids and codes come from in the functions. Use cases
 * take it from `Ports`, never from `node:crypto`, so tests can draw from a seeded source.
 */
export const cryptoRandom: RandomSource = { bytes: (n) => randomBytes(n) };
