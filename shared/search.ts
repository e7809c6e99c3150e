import type { Place } from './places';

/**
 * The form names, addresses and queries are compared in (geo.search): Unicode NFKC (full-width
 * "ＡＢＣ" is "ABC", "㈱" is "(株)"), lower case, every space removed.
 * @example searchKey('Ｍａｎ Coffee 咖啡') // => 'mancoffee咖啡'
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/**
 * What a place is found by: its name and (a store) its address, each in `searchKey` form, joined
 * by a line break. A query never holds a space once normalised, so it cannot match across the two.
 * @example placeSearchText({ kind: 'station', name: '福州路 停车点', ... }) // => '福州路停车点'
 */
export function placeSearchText(place: Place): string {
  switch (place.kind) {
    case 'store':
      return `${searchKey(place.name)}\n${searchKey(place.address)}`;
    case 'station':
      return searchKey(place.name);
    case 'bike':
      return '';
  }
}

/** Whether a place matches a query already in `searchKey` form: a plain substring, never a pattern. */
export function placeMatches(searchText: string, key: string): boolean {
  return key.length > 0 && searchText.includes(key);
}

/**
 * A query as the source of a regular expression that matches it literally (CloudBase's `db.RegExp`):
 * every character that means something in a pattern is escaped, so ".*" finds only ".*".
 * @example literalPattern('a.*') // => 'a\\.\\*'
 */
export function literalPattern(key: string): string {
  return key.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The order of a search without a position: by name, then id, comparing UTF-16 code units (as
 * SQLite's BINARY and MongoDB's default collation do for every character outside U+E000..U+FFFF).
 */
export function byNameThenId(a: { name: string; id: string }, b: { name: string; id: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * Every distinct piece of one or two characters (code points) of a text: what the embedded index
 * keeps so that the short queries of Chinese (咖啡, 药) are one index lookup; a longer query is the
 * intersection of its two-character pieces, then checked as a whole.
 * @example searchGrams('咖啡店') // => ['咖', '咖啡', '啡', '啡店', '店']
 */
export function searchGrams(text: string): string[] {
  const chars = Array.from(text);
  const grams = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\n') continue;
    grams.add(chars[i]);
    if (i + 1 < chars.length && chars[i + 1] !== '\n') grams.add(chars[i] + chars[i + 1]);
  }
  return [...grams];
}

/**
 * The pieces a query is looked up by: itself when it is one or two characters, else its distinct
 * two-character pieces (every match holds each of them).
 * @example queryGrams('晨光咖啡') // => ['晨光', '光咖', '咖啡']
 */
export function queryGrams(key: string): string[] {
  const chars = Array.from(key);
  if (chars.length <= 2) return [key];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  return [...grams];
}
