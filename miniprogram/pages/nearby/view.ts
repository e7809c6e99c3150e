/** What the nearby page shows, computed from `geo.nearby` items: rows, markers, sheet, texts. Pure. */
import type { NearbyItem } from '../../shared/index';
import { distanceLabel, radiusLabel } from '../../lib/distance-label';
import { hoursLines, openStateLabel } from '../../lib/open-state-label';

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
  /** Badge text and tone: 营业中 (open) / 已打烊 (closed) / 3 辆可用 (info). */
  badge: string;
  tone: 'open' | 'closed' | 'info';
  /** Second line: next opening change, or the station's / bike's detail. */
  note: string;
}

export function placeRow(item: NearbyItem, now: Date): PlaceRow {
  const distance = distanceLabel(item.distance);
  switch (item.kind) {
    case 'store': {
      const label = openStateLabel(item.open, item.nextChange, now);
      return { id: item.id, kind: item.kind, title: item.name, distance, badge: label.state, tone: item.open ? 'open' : 'closed', note: label.next };
    }
    case 'station':
      return {
        id: item.id,
        kind: item.kind,
        title: item.name,
        distance,
        badge: `${item.bikesAvailable} 辆可用`,
        tone: item.bikesAvailable > 0 ? 'info' : 'closed',
        note: '停车点',
      };
    case 'bike':
      return { id: item.id, kind: item.kind, title: `单车 ${item.code}`, distance, badge: '可骑行', tone: 'info', note: `编号 ${item.code}` };
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
export function placeMarkers(items: readonly NearbyItem[]): PlaceMarker[] {
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
  tone: 'open' | 'closed' | 'info';
  next: string;
  hours: string[];
  /** Main action: 预约 for stores, 扫码开锁 for bikes, none for stations. */
  action: '' | 'book' | 'unlock';
  actionLabel: string;
}

export function placeSheet(item: NearbyItem, now: Date): PlaceSheet {
  const row = placeRow(item, now);
  const base = { id: item.id, kind: item.kind, title: row.title, distance: row.distance, state: row.badge, tone: row.tone };
  switch (item.kind) {
    case 'store':
      return { ...base, address: item.address, next: row.note, hours: hoursLines(item.openingHours), action: 'book', actionLabel: '预约到店' };
    case 'station':
      return { ...base, address: '', next: '请将单车停入停车点范围内', hours: [], action: '', actionLabel: '' };
    case 'bike':
      return { ...base, address: '', next: row.note, hours: [], action: 'unlock', actionLabel: '开锁骑行' };
  }
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
