/** The one `node:crypto` random source (functions/lib/random.ts), under the name the CloudBase adapters import. */
export { cryptoRandom } from '../random';
