import { distanceLabel, radiusLabel } from '../../miniprogram/lib/distance-label';
import { hoursLines, openStateLabel } from '../../miniprogram/lib/open-state-label';
import { categoryChips, emptyText, itemOfMarker, placeMarkers, placeRow, placeSheet, placeUrl } from '../../miniprogram/pages/nearby/view';
import { CATEGORIES } from '../../shared/city';
import type { NearbyItem } from '../../shared/contract/geo';

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

describe('openStateLabel', () => {
  it('says when an open store closes today', () => {
    expect(openStateLabel(true, '2026-11-25T21:00:00+08:00', NOON_SHANGHAI)).toEqual({ state: '营业中', next: '21:00 打烊' });
  });

  it('says "tomorrow" for a closed store opening the next morning', () => {
    expect(openStateLabel(false, '2026-11-26T08:00:00+08:00', NOON_SHANGHAI)).toEqual({ state: '已打烊', next: '明天 08:00 营业' });
  });

  it("counts days in the store's offset, not in UTC", () => {
    const afterMidnight = new Date('2026-11-25T16:30:00Z'); // 00:30 on the 26th in Shanghai, still the 25th in UTC
    expect(openStateLabel(false, '2026-11-26T08:00:00+08:00', afterMidnight).next).toBe('08:00 营业');
    const lateEvening = new Date('2026-11-25T15:30:00Z'); // 23:30 on the 25th in Shanghai
    expect(openStateLabel(true, '2026-11-26T02:00:00+08:00', lateEvening).next).toBe('明天 02:00 打烊');
  });

  it('names the weekday for a later day of this week, and the date beyond', () => {
    expect(openStateLabel(false, '2026-11-28T10:00:00+08:00', NOON_SHANGHAI).next).toBe('周六 10:00 营业');
    expect(openStateLabel(false, '2026-12-05T10:00:00+08:00', NOON_SHANGHAI).next).toBe('12-05 10:00 营业');
  });

  it('reads the wall clock of other offsets too', () => {
    expect(openStateLabel(true, '2026-11-24T22:00:00-05:00', new Date('2026-11-25T01:00:00Z')).next).toBe('22:00 打烊');
    expect(openStateLabel(true, '2026-11-25T09:00:00Z', NOON_SHANGHAI).next).toBe('09:00 打烊');
  });

  it('handles stores that never change', () => {
    expect(openStateLabel(true, null, NOON_SHANGHAI)).toEqual({ state: '营业中', next: '24 小时营业' });
    expect(openStateLabel(false, null, NOON_SHANGHAI)).toEqual({ state: '已打烊', next: '暂停营业' });
  });
});

describe('hoursLines', () => {
  it('joins consecutive days with the same hours', () => {
    const week = [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '21:00' }));
    expect(hoursLines([...week, { day: 6, open: '10:00', close: '22:00' }, { day: 7, open: '10:00', close: '22:00' }])).toEqual([
      '周一至周五 08:00–21:00',
      '周六、周日 10:00–22:00',
    ]);
  });

  it('shows days off, split days and hours past midnight', () => {
    expect(
      hoursLines([
        { day: 1, open: '14:00', close: '18:00' },
        { day: 1, open: '09:00', close: '12:00' },
        { day: 5, open: '18:00', close: '02:00' },
      ]),
    ).toEqual(['周一 09:00–12:00，14:00–18:00', '周二至周四 休息', '周五 18:00–次日02:00', '周六、周日 休息']);
  });
});

const STORE: NearbyItem = {
  kind: 'store', id: 'S001', name: '街角咖啡', address: '南京东路 1 号', category: 'coffee', timezone: 'Asia/Shanghai',
  openingHours: [{ day: 3, open: '08:00', close: '21:00' }], slot: { minutes: 30, capacity: 4 },
  lat: 31.221, lng: 121.451, distance: 348, open: true, nextChange: '2026-11-25T21:00:00+08:00',
};
const STATION: NearbyItem = {
  kind: 'station', id: 'P01', name: '人民广场停车点', lat: 31.23, lng: 121.47, distance: 1500,
  zone: { type: 'Polygon', coordinates: [] }, bikesAvailable: 0,
};
const BIKE: NearbyItem = { kind: 'bike', id: 'B0007', code: 'B0007', lat: 31.2301, lng: 121.4731, distance: 42 };

describe('the nearby view', () => {
  it('keeps list rows slim: what the row shows, nothing else', () => {
    expect(placeRow(STORE, NOON_SHANGHAI)).toEqual({
      id: 'S001', kind: 'store', title: '街角咖啡', distance: '350 m', badge: '营业中', tone: 'open', note: '21:00 打烊',
    });
    expect(placeRow(STATION, NOON_SHANGHAI)).toMatchObject({ title: '人民广场停车点', distance: '1.5 km', badge: '0 辆可用', tone: 'closed' });
    expect(placeRow(BIKE, NOON_SHANGHAI)).toMatchObject({ title: '单车 B0007', distance: '42 m', note: '编号 B0007' });
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
