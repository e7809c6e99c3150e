import { distanceLabel, radiusLabel } from '../../miniprogram/lib/distance-label';
import {
  SHARED_NOTICE,
  categoryChips,
  emptyText,
  itemOfMarker,
  placeMarkers,
  placeRow,
  placeSheet,
  placeUrl,
  sharePayload,
  sharedPlace,
} from '../../miniprogram/pages/nearby/view';
import { CATEGORIES } from '../../shared/city';
import type { NearbyItem } from '../../shared/contract/geo';
import { nearbyStore } from '../support/nearby-items';

// Wednesday 25 November 2026, 12:00 in Shanghai (04:00 UTC).
const NOON_SHANGHAI = new Date('2026-11-25T04:00:00Z');

describe('distanceLabel', () => {
  it.each([
    [0, '0 m'],
    [86.4, '86 m'],
    [348, '350 m'],
    [994, '990 m'],
    [995, '1.0 km'],
    [1234, '1.2 km'],
    [9949, '9.9 km'],
    [9950, '10 km'],
    [23456, '23 km'],
  ])('shows %d m as "%s"', (m, label) => expect(distanceLabel(m)).toBe(label));

  it('shows nothing for a distance that is not one', () => {
    expect(distanceLabel(NaN)).toBe('');
    expect(distanceLabel(-1)).toBe('');
  });

  it('never grows shorter as the distance grows', () => {
    const metres = (label: string) => (label.endsWith(' km') ? parseFloat(label) * 1000 : parseFloat(label));
    const wrong: string[] = [];
    let last = -1;
    for (let m = 0; m < 60000; m += 7) {
      const shown = metres(distanceLabel(m));
      // Never decreasing, and within 6 % (or half a metre) of the truth.
      if (shown < last || Math.abs(shown - m) > Math.max(0.5, m * 0.06)) wrong.push(`${m} m -> ${distanceLabel(m)}`);
      last = shown;
    }
    expect(wrong).toEqual([]);
  });

  it('says a radius in words', () => {
    expect(radiusLabel(3000)).toBe('3 公里');
    expect(radiusLabel(1500)).toBe('1.5 公里');
    expect(radiusLabel(500)).toBe('500 米');
  });
});

const STORE: NearbyItem = nearbyStore({ openingHours: [{ day: 3, open: '08:00', close: '21:00' }] });
const STATION: NearbyItem = {
  kind: 'station',
  id: 'P01',
  name: '人民广场停车点',
  lat: 31.23,
  lng: 121.47,
  distance: 1500,
  zone: { type: 'Polygon', coordinates: [] },
  bikesAvailable: 0,
};
const BIKE: NearbyItem = { kind: 'bike', id: 'B0007', code: 'B0007', lat: 31.2301, lng: 121.4731, distance: 42 };

describe('the nearby view', () => {
  it('keeps list rows slim: what the row shows, nothing else', () => {
    expect(placeRow(STORE, NOON_SHANGHAI)).toEqual({
      id: 'S001',
      kind: 'store',
      title: '街角咖啡',
      distance: '350 m',
      badge: '营业中',
      tone: 'success',
      note: '21:00 打烊',
    });
    expect(placeRow(STATION, NOON_SHANGHAI)).toMatchObject({ title: '人民广场停车点', distance: '1.5 km', badge: '0 辆可用', tone: 'muted' });
    // The code once: "单车 B0007" is not followed by "编号 B0007".
    const bike = placeRow(BIKE, NOON_SHANGHAI);
    expect(bike).toMatchObject({ title: '单车 B0007', distance: '42 m' });
    expect(bike.note).not.toContain('B0007');
  });

  it('numbers markers from 1 and finds the item of a marker', () => {
    const items = [STORE, STATION, BIKE];
    const markers = placeMarkers(items);
    expect(markers.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(markers.every((m) => m.joinCluster)).toBe(true);
    expect(markers[2]).toMatchObject({ latitude: BIKE.lat, longitude: BIKE.lng, title: 'B0007', iconPath: '/images/marker-bike.png' });
    markers.forEach((m, i) => expect(itemOfMarker(items, m.id)).toBe(items[i]));
    expect(itemOfMarker(items, 0)).toBeUndefined();
    expect(itemOfMarker(items, 4)).toBeUndefined();
    expect(itemOfMarker(items, 1.5)).toBeUndefined();
  });

  it('leads a store to booking and a bike to unlocking, a station nowhere', () => {
    expect(placeUrl(placeSheet(STORE, NOON_SHANGHAI))).toBe('/packageBooking/pages/store/index?id=S001');
    expect(placeUrl(placeSheet(BIKE, NOON_SHANGHAI), BIKE.code)).toBe('/packageRide/pages/unlock/index?code=B0007');
    expect(placeUrl(placeSheet(STATION, NOON_SHANGHAI))).toBe('');
    expect(placeSheet(STORE, NOON_SHANGHAI)).toMatchObject({ address: '南京东路 1 号', hours: ['周一、周二 休息', '周三 08:00–21:00', '周四至周日 休息'] });
  });

  it('says what is missing in the empty state', () => {
    expect(emptyText('store', 3000, false)).toBe('附近 3 公里内没有门店');
    expect(emptyText('store', 3000, true)).toBe('附近 3 公里内没有符合条件的门店');
    expect(emptyText('station', 3000, false)).toBe('附近 3 公里内没有停车点');
    expect(emptyText('bike', 500, false)).toBe('附近 500 米内没有可用单车');
  });

  it('offers "all" and every known category as chips', () => {
    const chips = categoryChips(CATEGORIES);
    expect(chips[0]).toEqual({ value: '', label: '全部' });
    expect(chips.slice(1).map((c) => c.value)).toEqual(Object.keys(CATEGORIES));
  });
});

describe('shared links and share cards of the nearby tab', () => {
  it('reads a shared station, and tells a plain start from a broken link', () => {
    expect(sharedPlace({ kind: 'station', id: 'P01', lat: '31.230000', lng: '121.470000' })).toEqual({
      kind: 'station',
      id: 'P01',
      at: { lat: 31.23, lng: 121.47 },
    });
    expect(sharedPlace({ kind: 'station', id: 'P%2001', lat: '31.23', lng: '121.47' })).toBe('malformed');
    expect(sharedPlace(undefined)).toBeNull();
    expect(sharedPlace({})).toBeNull();
    for (const bad of [
      { kind: 'station', id: 'P01', lat: 'abc', lng: '121.47' },
      { kind: 'station', id: 'P01', lat: '91', lng: '121.47' },
      { kind: 'station', id: 'P01', lat: '', lng: '' },
      { kind: 'station', id: 'P01' },
      { kind: 'store', id: 'S001', lat: '31.23', lng: '121.47' },
      { kind: 'station', id: '', lat: '31.23', lng: '121.47' },
      { kind: 'station', id: '%E0%A4%A', lat: '31.23', lng: '121.47' },
    ]) {
      expect(sharedPlace(bad)).toBe('malformed');
    }
    expect(SHARED_NOTICE.missing).toContain('已不存在');
  });

  it('shares a station back to this tab, opened on it, and a store as its page, each with a card saying what it is', () => {
    const station = sharePayload(STATION);
    expect(station).toEqual({
      title: '停车点 · 人民广场停车点',
      path: '/pages/nearby/index?kind=station&id=P01&lat=31.230000&lng=121.470000',
      imageUrl: '/images/share-station.png',
    });
    // The link it shares opens the same station.
    const query = Object.fromEntries(new URLSearchParams(station.path.split('?')[1]));
    expect(sharedPlace(query)).toEqual({ kind: 'station', id: 'P01', at: { lat: STATION.lat, lng: STATION.lng } });
    expect(sharePayload(STORE)).toEqual({ title: '门店 · 街角咖啡', path: '/packageBooking/pages/store/index?id=S001', imageUrl: '/images/share-store.png' });
    expect(sharePayload(undefined)).toEqual({ title: '附近的门店、停车点和单车', path: '/pages/nearby/index' });
  });
});
