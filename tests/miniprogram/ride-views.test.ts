// The pure view modules of the ride pages, the tabs' ride banner, the location notice and the page state.
import { NOT_A_BIKE_QR, bikeCard, followUpLabel, typedCode, unlockEntry, unlockRefusal } from '../../miniprogram/packageRide/pages/unlock/view';
import { stationsOf, summaryUrl, zoneView } from '../../miniprogram/packageRide/pages/riding/view';
import { summaryView } from '../../miniprogram/packageRide/pages/ride-summary/view';
import { rideBanner } from '../../miniprogram/lib/ride-banner';
import { locationNotice, locationProblem } from '../../miniprogram/lib/location-notice';
import { pageState } from '../../miniprogram/lib/page-state';
import { ENTRIES, meEntries } from '../../miniprogram/pages/me/view';
import { DEFAULT_QR_BASE, qrPayload } from '../../shared/qr';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import type { NearbyItem } from '../../shared/contract/geo';
import type { AppError, ErrorCode } from '../../shared/result';
import { zoneAround } from '../support/ride-facts';

const BASE = DEFAULT_QR_BASE;
const camera = (text: string) => ({ q: encodeURIComponent(text), scancode_time: '1764050000' });

describe('the unlock view', () => {
  it("opens on the sticker's bike, the map's bike, or the scanner", () => {
    expect(unlockEntry(camera(qrPayload('B0042', BASE)), BASE)).toEqual({ kind: 'code', code: 'B0042' });
    expect(unlockEntry({ code: 'BIKE-001' }, BASE)).toEqual({ kind: 'code', code: 'BIKE-001' });
    expect(unlockEntry({}, BASE)).toEqual({ kind: 'scan' });
    expect(unlockEntry(undefined, BASE)).toEqual({ kind: 'scan' });
  });

  it("refuses a sticker of another site, a garbled q and a code that is not one, with the wording module's words", () => {
    for (const query of [camera('https://evil.example.com/b/B0042'), { q: '%E0%A4%A' }, { code: 'B 42' }, camera(`${BASE}`)]) {
      expect(unlockEntry(query, BASE)).toEqual({ kind: 'refused', text: NOT_A_BIKE_QR });
    }
    expect(NOT_A_BIKE_QR).toBe('这不是单车的二维码，请扫描车身上的二维码');
  });

  it('takes a typed code or a pasted sticker text', () => {
    expect(typedCode(' B0042 ', BASE)).toBe('B0042');
    expect(typedCode(`${BASE}B0042`, BASE)).toBe('B0042');
    expect(typedCode('', BASE)).toBeNull();
    expect(typedCode('B 0042', BASE)).toBeNull();
  });

  it('shows how far the rider stands, warns beyond the unlock distance, and says when there is no position', () => {
    const preview = { bike: { id: 'B0042', code: 'B0042', lat: 31.2304, lng: 121.4737, available: true }, tariff: DEFAULT_TARIFF, maxUnlockDistanceM: 100 };
    expect(bikeCard(preview, { lat: 31.2301, lng: 121.4737 })).toMatchObject({
      distanceText: '33 m',
      tooFar: false,
      locationMissing: false,
      bikeAvailable: true,
    });
    expect(bikeCard(preview, { lat: 31.2324, lng: 121.4737 })).toMatchObject({ distanceText: '220 m', tooFar: true });
    expect(bikeCard(preview, null)).toMatchObject({ distanceText: '', tooFar: false, locationMissing: true });
    expect(bikeCard(preview, null).tariff[0]).toBe('2 分钟内免费');
  });

  it('words each refusal once and offers the way on that fits it', () => {
    const refused = (reason: string, code: ErrorCode = 'FAILED_PRECONDITION'): AppError => ({ code, message: 'english detail', reason });
    expect(unlockRefusal(refused('TOO_FAR'), 230.4)).toEqual({
      text: '离车太远（约 230 米），请走到车旁 100 米内再开锁',
      followUp: 'retry',
    });
    expect(unlockRefusal(refused('ACTIVE_RIDE'), null).followUp).toBe('riding');
    expect(unlockRefusal(refused('UNPAID_BILL'), null).followUp).toBe('bills');
    expect(unlockRefusal(refused('LOCK_FAILED'), null).followUp).toBe('retry');
    const unavailable = unlockRefusal(refused('BIKE_UNAVAILABLE'), null);
    expect(unavailable.followUp).toBe('scan');
    expect(unavailable.text).not.toMatch(/B\d{4}/); // the card above already names the bike
    expect(unlockRefusal({ code: 'NOT_FOUND', message: 'bike not found' }, null)).toEqual({ text: '没有找到这辆单车，请核对车身编号', followUp: 'scan' });
    expect(unlockRefusal({ code: 'INTERNAL', message: 'boom' }, null)).toEqual({ text: '出了点问题，请稍后重试', followUp: 'retry' });
    expect(followUpLabel('riding')).toBe('查看当前骑行');
    expect(followUpLabel('location', '去设置开启')).toBe('去设置开启');
    expect(followUpLabel('')).toBe('');
  });
});

const station = (id: string, lat: number, lng: number): NearbyItem => ({
  kind: 'station',
  id,
  name: `停车点 ${id}`,
  lat,
  lng,
  distance: 0,
  bikesAvailable: 1,
  zone: zoneAround(lat, lng, 0.0002),
});

describe('the riding view', () => {
  const here = { lat: 31.2304, lng: 121.4737 };

  it('draws every zone around, the nearest stronger and marked, with GeoJSON [lng, lat] turned into map points', () => {
    const stations = stationsOf([
      station('P01', 31.231, 121.4737),
      { kind: 'bike', id: 'B1', code: 'B1', lat: 0, lng: 0, distance: 1 },
      station('P02', 31.24, 121.48),
    ]);
    expect(stations.map((s) => s.id)).toEqual(['P01', 'P02']);
    const view = zoneView(stations, here, 2000);
    expect(view.polygons).toHaveLength(2);
    expect(view.polygons[0].points[0]).toEqual({ latitude: 31.231 - 0.0002, longitude: 121.4737 - 0.0002 });
    expect(view.polygons[0].strokeColor).not.toBe(view.polygons[1].strokeColor);
    expect(view.markers).toEqual([expect.objectContaining({ id: 1, latitude: 31.231, longitude: 121.4737, title: '停车点 P01' })]);
    expect(view.nearestText).toBe('停车点 P01 · 67 m');
  });

  it('says there is no station rather than leaving the line empty', () => {
    expect(zoneView([], here, 2000)).toEqual({ polygons: [], markers: [], nearestText: '附近 2 公里内没有停车点' });
  });

  it('hands the ended ride to the summary in its query, which reads it back', () => {
    const url = summaryUrl({ id: 'R 1', bikeCode: 'B0042', durationSec: 600, feeFen: 650, surchargeFen: 500, billId: null });
    expect(url).toBe('/packageRide/pages/ride-summary/index?rideId=R%201&bikeCode=B0042&durationSec=600&feeFen=650&surchargeFen=500&billId=');
    const query = Object.fromEntries(new URLSearchParams(url.split('?')[1]));
    expect(summaryView(query)).toEqual({
      found: true,
      bikeCode: 'B0042',
      durationText: '10 分 0 秒',
      feeText: '¥6.50',
      surchargeText: '¥5.00',
      free: false,
      billId: '',
    });
  });
});

describe('the ride summary view', () => {
  it('reads a free ride, and a garbled query as zeros, never NaN', () => {
    expect(summaryView({ bikeCode: 'B0042', durationSec: '90', feeFen: '0', surchargeFen: '0', billId: '' })).toMatchObject({
      free: true,
      surchargeText: '',
      durationText: '1 分 30 秒',
    });
    expect(summaryView({ rideId: 'R1', durationSec: 'x', feeFen: '-5', bikeCode: '%E0%A4%A' })).toEqual({
      found: true,
      bikeCode: '%E0%A4%A',
      durationText: '0 秒',
      feeText: '¥0.00',
      surchargeText: '',
      free: true,
      billId: '',
    });
    expect(summaryView(undefined)).toMatchObject({ found: false, feeText: '¥0.00' });
  });
});

describe('the ride banner of the tabs', () => {
  const ride = { id: 'R1', bikeId: 'B0042', bikeCode: 'B0042', startAt: '2026-11-25T08:00:00.000Z', status: 'active' as const };
  const at = (iso: string) => new Date(iso);

  it('shows nothing without a ride', () => {
    expect(rideBanner(null, at('2026-11-25T08:00:00Z'))).toBeNull();
  });

  it('names the bike and the time ridden, and leads back to the riding page', () => {
    expect(rideBanner(ride, at('2026-11-25T08:00:20Z'))).toEqual({
      text: '单车 B0042 骑行中 · 刚刚开始',
      action: '返回骑行',
      url: '/packageRide/pages/riding/index',
    });
    expect(rideBanner(ride, at('2026-11-25T08:12:59Z'))!.text).toBe('单车 B0042 骑行中 · 已骑 12 分钟');
    expect(rideBanner(ride, at('2026-11-25T09:05:00Z'))!.text).toBe('单车 B0042 骑行中 · 已骑 1 小时 5 分');
  });
});

describe('the location notice', () => {
  it("sorts WeChat's failures: privacy declined, permission off, system switch off, anything else", () => {
    expect(locationProblem({ errMsg: 'getLocation:fail privacy permission is not authorized', errno: 104 })).toBe('privacy');
    expect(locationProblem({ errMsg: 'getLocation:fail auth deny', errno: 103 })).toBe('denied');
    expect(locationProblem({ errMsg: 'getLocation:fail authorize no response' })).toBe('denied');
    expect(locationProblem({ errMsg: 'getLocation:fail system permission denied' })).toBe('off');
    expect(locationProblem({ errMsg: 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF' })).toBe('off');
    expect(locationProblem({ errMsg: 'getLocation:fail timeout' })).toBe('failed');
    expect(locationProblem(undefined)).toBe('failed');
  });

  it('sends only a turned-off permission to the settings; a declined agreement is simply asked again', () => {
    expect(locationNotice('denied', '正在显示市中心附近')).toEqual({ text: '定位权限已关闭，正在显示市中心附近', action: '去设置开启' });
    expect(locationNotice('privacy', '')).toEqual({ text: '你还没有同意隐私保护指引，无法获取位置', action: '开启定位' });
    expect(locationNotice('failed', 'x').action).toBe('重新定位');
    expect(locationNotice('off', 'x').action).toBe('重新定位');
  });
});

describe('the "me" entries', () => {
  it('leads to scanning first, then bookings, and adds the staff desk naming the stores for staff only', () => {
    expect(meEntries([]).map((e) => e.key)).toEqual(['ride', 'rides', 'bookings', 'bills']);
    const staff = meEntries(['梧桐咖啡', '麦香烘焙']);
    expect(staff.map((e) => e.key)).toEqual(['ride', 'rides', 'bookings', 'bills', 'staff']);
    expect(staff[4].note).toContain('梧桐咖啡、麦香烘焙');
    expect(ENTRIES).toHaveLength(4); // the list it started from is left alone
  });
});

describe('page state', () => {
  it('keeps one state per page, made on first use', () => {
    const stateOf = pageState(() => ({ seq: 0 }));
    const a = {};
    const b = {};
    stateOf(a).seq++;
    stateOf(a).seq++;
    expect(stateOf(a).seq).toBe(2);
    expect(stateOf(b).seq).toBe(0);
  });
});
