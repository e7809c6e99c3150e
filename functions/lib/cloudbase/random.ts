import { randomBytes } from 'node:crypto';
import type { RandomSource } from '../../../shared/checkin-code';

/** `node:crypto`: where ids and codes come from in the cloud. */
export const cryptoRandom: RandomSource = { bytes: (n) => randomBytes(n) };
