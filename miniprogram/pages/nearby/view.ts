/** What the nearby page shows, computed from `geo.nearby` items: rows, markers, sheet, texts. Pure. */
import { PARKING_ZONE, PLACE_WORDS, distanceM, hoursLines, loadFailed, openStateWording } from '../../shared/index';
import type { FoundItem, NearbyItem, Tone } from '../../shared/index';
import { distanceLabel, radiusLabel } from '../../lib/distance-label';

export type PlaceKind = NearbyItem['kind'];

export const KIND_TABS: ReadonlyArray<{ kind: PlaceKind; label: string }> = [
  { kind: 'store', label: '门店' },
  { kind: 'station', label: '停车点' },
  { kind: 'bike', label: '单车' },
];

const KIND_NOUN: Record<PlaceKind, string> = { store: '门店', station: '停车点', bike: '可用单车' };

/** One line of the list: only what the template binds (setData stays small). */
export interface PlaceRow {
  id: string;
  kind: PlaceKind;
  title: string;
  distance: string;
  /** Badge text and tone (a `tag-<tone>` class): 营业中 (success) / 已打烊 (muted) / 3 辆可用 (info). */
  badge: string;
  tone: Tone;
  /** Second line: next opening change, or the station's / bike's detail. */
  note: string;
}

export function placeRow(item: ShownItem, now: Date, distanceText?: string): PlaceRow {
  const distance = distanceText ?? (item.distance === undefined ? '' : distanceLabel(item.distance));
  switch (item.kind) {
    case 'store': {
      // The one wording of a store's state (shared/wording.ts): the store page reads the same.
      const label = openStateWording(item.open, item.nextChange, now);
      return { id: item.id, kind: item.kind, title: item.name, distance, badge: label.state, tone: label.tone, note: label.next };
    }
    case 'station':
      return {
        id: item.id,
        kind: item.kind,
        title: item.name,
        distance,
        badge: `${item.bikesAvailable} 辆可用`,
        tone: item.bikesAvailable > 0 ? 'info' : 'muted',
        note: '', // the name says 停车点 already
      };
    case 'bike':
      // The code is in the title once; the note says what the rider can do with it.
      return { id: item.id, kind: item.kind, title: `单车 ${item.code}`, distance, badge: '可骑行', tone: 'info', note: '到车旁扫码或点开锁骑行' };
  }
}

/** A <map> marker: numeric id (marker events carry only `markerId`), clustered. */
export interface PlaceMarker {
  id: number;
  latitude: number;
  longitude: number;
  iconPath: string;
  width: number;
  height: number;
  joinCluster: boolean;
  title: string;
}

const ICONS: Record<PlaceKind, string> = {
  store: '/images/marker-store.png',
  station: '/images/marker-station.png',
  bike: '/images/marker-bike.png',
};

/** Markers for the items; marker `i + 1` is `items[i]`, so `itemOfMarker` needs no map. */
export function placeMarkers(items: readonly ShownItem[]): PlaceMarker[] {
  return items.map((item, i) => ({
    id: i + 1,
    latitude: item.lat,
    longitude: item.lng,
    iconPath: ICONS[item.kind],
    width: 28,
    height: 28,
    joinCluster: true,
    title: item.kind === 'bike' ? item.code : item.name,
  }));
}

/** The item a marker stands for, or undefined for a cluster or a stale marker. */
export function itemOfMarker<T>(items: readonly T[], markerId: number): T | undefined {
  return Number.isInteger(markerId) && markerId >= 1 ? items[markerId - 1] : undefined;
}

/** Detail sheet of one place. */
export interface PlaceSheet {
  id: string;
  kind: PlaceKind;
  title: string;
  distance: string;
  address: string;
  state: string;
  tone: Tone;
  next: string;
  hours: string[];
  /** Main action: 预约 for stores, 扫码开锁 for bikes, none for stations. */
  action: '' | 'book' | 'unlock';
  actionLabel: string;
}

export function placeSheet(item: ShownItem, now: Date, distanceText?: string): PlaceSheet {
  const row = placeRow(item, now, distanceText);
  const base = { id: item.id, kind: item.kind, title: row.title, distance: row.distance, state: row.badge, tone: row.tone };
  switch (item.kind) {
    case 'store':
      return { ...base, address: item.address, next: row.note, hours: hoursLines(item.openingHours), action: 'book', actionLabel: PLACE_WORDS.book };
    case 'station':
      return { ...base, address: '', next: `还车时请停入${PARKING_ZONE}内`, hours: [], action: '', actionLabel: '' };
    case 'bike':
      return { ...base, address: '', next: '', hours: [], action: 'unlock', actionLabel: '开锁骑行' };
  }
}

/**
 * The failed load's title, saying what failed.
 * (loadFailed: "附近的" and the tab's noun, or the search results).
 */
export function failedTitle(kind: PlaceKind, searching: boolean): string {
  return loadFailed(searching ? '搜索结果' : `附近的${KIND_NOUN[kind]}`);
}

/** The empty state's sentence. */
export function emptyText(kind: PlaceKind, radiusM: number, filtered: boolean): string {
  const noun = filtered && kind === 'store' ? '符合条件的门店' : KIND_NOUN[kind];
  return `附近 ${radiusLabel(radiusM)}内没有${noun}`;
}

/** Category chips: "全部" first, then the known categories. */
export function categoryChips(categories: Record<string, string>): Array<{ value: string; label: string }> {
  return [{ value: '', label: '全部' }, ...Object.keys(categories).map((value) => ({ value, label: categories[value] }))];
}

/** Where a place's page lives, or '' if it has none. */
export function placeUrl(sheet: Pick<PlaceSheet, 'action' | 'id'>, code?: string): string {
  if (sheet.action === 'book') return `/packageBooking/pages/store/index?id=${encodeURIComponent(sheet.id)}`;
  if (sheet.action === 'unlock') return `/packageRide/pages/unlock/index?code=${encodeURIComponent(code || sheet.id)}`;
  return '';
}

/** A place shared as a link to the nearby tab: `?kind=station&id=P01&lat=31.23&lng=121.47`. */
export interface SharedPlace {
  kind: 'station';
  id: string;
  at: { lat: number; lng: number };
}

const PLACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The place a shared link opens, `null` for a plain start (no `id`), `'malformed'` for a link
 * whose id or position cannot be read (the page says so and shows what is around).
 * @example sharedPlace({ kind: 'station', id: 'P01', lat: '31.23', lng: '121.47' }) // => { kind: 'station', id: 'P01', at: { lat: 31.23, lng: 121.47 } }
 */
export function sharedPlace(query: Record<string, string | undefined> | null | undefined): SharedPlace | null | 'malformed' {
  if (!query || query.id === undefined) return null;
  const lat = Number(query.lat);
  const lng = Number(query.lng);
  const id = decodeOnce(query.id);
  if (query.kind !== 'station' || !PLACE_ID.test(id) || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180) || query.lat === '' || query.lng === '') {
    return 'malformed';
  }
  return { kind: 'station', id, at: { lat, lng } };
}

function decodeOnce(s: string | undefined): string {
  try {
    return decodeURIComponent(s || '');
  } catch {
    return '';
  }
}

/** What a shared link that could not be followed says; the page then shows the places around. */
export const SHARED_NOTICE = {
  malformed: '分享的链接无法识别，已为你显示附近的停车点',
  missing: '分享的停车点已不存在，已为你显示附近的停车点',
} as const;

export interface SharePayload {
  title: string;
  path: string;
  /** A 5:4 card; WeChat shows a screenshot of the page when it is left out. */
  imageUrl?: string;
}

/**
 * What the share button sends: a store shares its page, a station a link back to this tab opened
 * on it; titles say what the card is. Anything else shares the map.
 */
export function sharePayload(item: ShownItem | undefined): SharePayload {
  if (item && item.kind === 'store') {
    return { title: `门店 · ${item.name}`, path: `/packageBooking/pages/store/index?id=${encodeURIComponent(item.id)}`, imageUrl: '/images/share-store.png' };
  }
  if (item && item.kind === 'station') {
    const path = `/pages/nearby/index?kind=station&id=${encodeURIComponent(item.id)}&lat=${item.lat.toFixed(6)}&lng=${item.lng.toFixed(6)}`;
    return { title: `停车点 · ${item.name}`, path, imageUrl: '/images/share-station.png' };
  }
  return { title: '附近的门店、停车点和单车', path: '/pages/nearby/index' };
}

/**
 * Where the distances on the page are measured from: the user (no label), the place they chose
 * (选择位置), or the city centre when there is no position (labelled: never read as the user's own).
 */
export interface Origin {
  at: { lat: number; lng: number };
  /** '' for the user; else what the distance label starts with (DISTANCE_FROM). */
  label: string;
}

/** A place of a search or get answer: `distance` only when a position was sent. */
export type ShownItem = NearbyItem | FoundItem;

/**
 * The distance text of an item from the origin: the server's distance when it measured from the
 * origin itself, else measured here with the contract's formula; labelled when not from the user.
 * @example originDistance({ at: CITY_CENTER, label: '距市中心' }, CITY_CENTER, { ...item, distance: 380 }) // => '距市中心 380 m'
 */
export function originDistance(origin: Origin | null, query: { lat: number; lng: number } | null, item: ShownItem): string {
  if (origin === null) return '';
  const same = query !== null && query.lat === origin.at.lat && query.lng === origin.at.lng;
  const metres = same && item.distance !== undefined ? item.distance : distanceM(origin.at, item);
  const text = distanceLabel(metres);
  return origin.label && text ? `${origin.label} ${text}` : text;
}

/** Recent searches, newest first, each once, at most `max`. */
export function withRecent(list: readonly string[], q: string, max = 8): string[] {
  return [q, ...list.filter((x) => x !== q)].slice(0, max);
}
