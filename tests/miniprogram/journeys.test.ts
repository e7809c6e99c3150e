// Journeys from their real entry points, driving the real pages against a real local host: only
// the phone (location, permission, privacy, camera) is played (device.ts); requests go through the
// pages' own services to the host's functions over a fresh demo database.
import { type Answer, type Bike, type Station, bikesByAStation, dataOf, journeySuite } from '../support/journey';
import { flush, tap, texts, wxMock, type Rendered } from './harness';
import { hostCall, lastNavigation, playDevice, until, setNow, fakeDateOnly, openUrl } from './device';
import { CITY_CENTER } from '../../shared/city';
import { DEFAULT_QR_BASE, qrPayload } from '../../shared/qr';

const T0 = new Date('2026-11-25T01:00:00Z'); // 09:00 in Shanghai
const suite = journeySuite(T0, { fakeDateOnly, openUrl });
const { visit } = suite;

/** The privacy sheet of a page, as the user sees it. */
function privacySheet(page: Rendered): Rendered {
  const sheet = page.querySelector('#privacy') as unknown as Rendered | null;
  if (!sheet) throw new Error('the page carries no privacy sheet');
  return sheet;
}
const sheetShown = (page: Rendered) => privacySheet(page).querySelectorAll('.privacy-sheet').length === 1;

async function agree(page: Rendered): Promise<void> {
  await until(() => sheetShown(page), 'the privacy sheet');
  privacySheet(page).querySelector('.privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
  await flush();
  await flush();
}

async function decline(page: Rendered): Promise<void> {
  await until(() => sheetShown(page), 'the privacy sheet');
  await tap(privacySheet(page), '.privacy-decline');
}

const taken = new Set<string>();

/** A free bike next to a station (a new one each call), from the demo city, asked of the host like any client would. */
async function bikeByAStation(): Promise<{ bike: Bike; station: Station }> {
  const { bikes, station } = await bikesByAStation(suite.cloud.url, 1, taken);
  return { bike: bikes[0], station };
}

describe("a commuter's first ride, from the sticker", () => {
  it('scans the sticker cold, agrees to privacy, unlocks, sees the ride from the map, parks in a zone and gets the summary', async () => {
    const { bike, station } = await bikeByAStation();
    const device = playDevice(suite.cloud.url, 'journey-commuter', { position: { lat: bike.lat, lng: bike.lng }, now: T0 });
    setNow(device, T0);

    // The WeChat camera opens the unlock page with the sticker's URL in `q`.
    const unlock = await visit(`/packageRide/pages/unlock/index?q=${encodeURIComponent(qrPayload(bike.code, DEFAULT_QR_BASE))}&scancode_time=1764032400`);
    await agree(unlock);
    await until(() => unlock.data.state === 'ready', 'the bike card');
    expect(texts(unlock, '.bike-code')).toEqual([`单车 ${bike.code}`]);
    expect(texts(unlock, '.bike-distance')).toEqual(['距你 0 m']);
    expect(texts(unlock, '.tariff-line')[0]).toBe('2 分钟内免费');
    expect(device.privacyAgreed).toBe(true);

    await tap(unlock, '.unlock-btn');
    await until(() => wxMock().redirectTo.mock.calls.length > 0, 'the riding page');
    const ridingUrl = lastNavigation('redirectTo');
    expect(ridingUrl).toMatch(/^\/packageRide\/pages\/riding\/index\?rideId=/);

    // Leaving for the map: the banner says the fee is running and leads back.
    setNow(device, new Date(T0.getTime() + 12 * 60_000));
    const map = await visit('/pages/nearby/index');
    await map.instance.onShow();
    await flush();
    expect(texts(map, '.ride-banner-text')).toEqual([`单车 ${bike.code} 骑行中 · 已骑 12 分钟`]);
    await tap(map, '.ride-banner');
    expect(lastNavigation('navigateTo')).toBe('/packageRide/pages/riding/index');

    const riding = await visit(ridingUrl);
    await until(() => riding.data.located === true, 'the zones around');
    expect(texts(riding, '.elapsed')).toEqual(['12 分 00 秒']);
    expect(texts(riding, '.nearest')[0]).toMatch(/^最近停车点：.+ · \d+ m$/);

    // Rides on for 31 minutes to the station, parks inside its zone.
    device.position = { lat: station.lat, lng: station.lng };
    setNow(device, new Date(T0.getTime() + 31 * 60_000));
    await tap(riding, '.end-btn');
    await until(() => wxMock().redirectTo.mock.calls.length > 1, 'the summary');
    const summaryUrl = lastNavigation('redirectTo');
    expect(summaryUrl).toMatch(/^\/packageRide\/pages\/ride-summary\/index\?/);

    const summary = await visit(summaryUrl);
    // The default tariff: 120 s free, then 150 fen per started 30 min of the whole ride.
    // 31 min = 2 started half-hours × 150 fen = 300 fen = ¥3.00.
    expect(texts(summary, '.duration')).toEqual(['31 分 0 秒']);
    expect(texts(summary, '.fee')).toEqual(['¥3.00']);
    expect(texts(summary, '.surcharge')).toEqual([]);
    expect(texts(summary, '.pay-btn')).toEqual(['去支付 ¥3.00']);

    // The host agrees: no ride left, and the banner is gone on the next show.
    const current = await hostCall<Answer<{ ride: unknown }>>(suite.cloud.url, 'rides', { action: 'current' }, { openid: 'journey-commuter' });
    expect(dataOf(current).ride).toBeNull();
    await map.instance.onShow();
    await flush();
    expect(map.querySelectorAll('.ride-banner')).toHaveLength(0);
  });

  it('parks outside every zone: the choice comes as a sheet, and "在此还车" ends with the surcharge', async () => {
    const { bike } = await bikeByAStation();
    const device = playDevice(suite.cloud.url, 'journey-outside', { position: { lat: bike.lat, lng: bike.lng }, privacyAgreed: true, locationScope: true });
    setNow(device, T0);
    const unlock = await visit(`/packageRide/pages/unlock/index?code=${bike.code}`);
    await until(() => unlock.data.state === 'ready', 'the bike card');
    await tap(unlock, '.unlock-btn');
    await until(() => wxMock().redirectTo.mock.calls.length > 0, 'the riding page');
    const riding = await visit(lastNavigation('redirectTo'));
    await until(() => riding.data.located === true, 'the map');

    // A field far from every station (the demo city's zones are small polygons around stations).
    device.position = { lat: CITY_CENTER.lat + 0.2, lng: CITY_CENTER.lng + 0.2 };
    setNow(device, new Date(T0.getTime() + 10 * 60_000));
    await tap(riding, '.end-btn');
    await until(() => riding.data.outside === true, 'the outside-zone sheet');
    expect(riding.querySelectorAll('.sheet.outside')).toHaveLength(1);
    expect(texts(riding, '.outside .title')).toEqual(['不在停车区内']);
    // The host's refusal worded by the same entry as the title (PARKING_ZONE; it said 停车点内).
    expect(texts(riding, '.outside-text')).toEqual(['这里不在停车区内，在此还车将加收 ¥5.00。可以骑到地图上的蓝色停车区再还车。']);
    // The default tariff's surcharge for parking outside every zone: 500 fen = ¥5.00.
    expect(texts(riding, '.surcharge-btn')).toEqual(['在此还车（加收 ¥5.00）']);
    expect(texts(riding, '.continue-btn')).toEqual(['继续骑行']);
    expect(wxMock().redirectTo).toHaveBeenCalledTimes(1);

    await tap(riding, '.surcharge-btn');
    await until(() => wxMock().redirectTo.mock.calls.length > 1, 'the summary');
    const summary = await visit(lastNavigation('redirectTo'));
    expect(texts(summary, '.surcharge')).toEqual(['其中停车区外还车加收¥5.00']);
  });

  it('meets a sticker of another site with a clear message, a way to scan again and a way home', async () => {
    playDevice(suite.cloud.url, 'journey-stranger', { privacyAgreed: true, locationScope: true });
    const unlock = await visit(`/packageRide/pages/unlock/index?q=${encodeURIComponent('https://evil.example.com/b/B0001')}`);
    expect(texts(unlock, '.error-text')).toEqual(['这不是单车的二维码，请扫描车身上的二维码']);
    expect(texts(unlock, '.follow-up')).toEqual(['重新扫码']);
    await tap(unlock, '.home-btn');
    expect(lastNavigation('switchTab')).toBe('/pages/nearby/index');
  });
});

describe('privacy refused, then agreed', () => {
  it('falls back to the city centre after "暂不同意", and the next tap asks again without opening the settings', async () => {
    const device = playDevice(suite.cloud.url, 'journey-private', { position: { lat: 31.22, lng: 121.45 } });
    setNow(device, T0);
    const map = await visit('/pages/nearby/index');
    await decline(map);
    await until(() => map.data.status === 'ready', 'the stores around the centre');
    expect(texts(map, '.notice-text')).toEqual(['你还没有同意隐私保护指引，无法获取位置，正在显示市中心附近']);
    expect(map.data.center).toEqual(CITY_CENTER);
    expect(texts(map, '.row-title').length).toBeGreaterThan(0);

    await tap(map, '.location-notice .btn');
    await agree(map);
    await until(() => map.data.noticeText === '', 'the notice to go');
    expect(map.data.center).toEqual(device.position);
    expect(wxMock().openSetting).not.toHaveBeenCalled();
    expect(device.privacyAgreed).toBe(true);
  });

  it('opens the settings for a location permission the user turned off, and only then', async () => {
    const device = playDevice(suite.cloud.url, 'journey-denied', { privacyAgreed: true, locationScope: false });
    setNow(device, T0);
    const map = await visit('/pages/nearby/index');
    await until(() => map.data.status === 'ready', 'the map');
    expect(texts(map, '.location-notice .btn')).toEqual(['去设置开启']);
    await tap(map, '.location-notice .btn');
    await until(() => map.data.noticeText === '', 'the notice to go');
    expect(wxMock().openSetting).toHaveBeenCalledTimes(1);
    expect(map.data.center).toEqual(device.position);
  });

  it('asks on the riding page too when it is the first page of the session, and shows the ride without a map when declined', async () => {
    const { bike } = await bikeByAStation();
    const starter = playDevice(suite.cloud.url, 'journey-cold-rider', { position: { lat: bike.lat, lng: bike.lng }, privacyAgreed: true, locationScope: true });
    setNow(starter, T0);
    const started = await hostCall<Answer<unknown>>(
      suite.cloud.url,
      'rides',
      { action: 'unlock', bikeCode: bike.code, lat: bike.lat, lng: bike.lng },
      { openid: 'journey-cold-rider', now: T0 },
    );
    expect(started.ok).toBe(true);

    // A new session (privacy not yet agreed) opens straight on the ride, e.g. from the banner of a shared phone.
    const device = playDevice(suite.cloud.url, 'journey-cold-rider', { position: { lat: bike.lat, lng: bike.lng } });
    setNow(device, new Date(T0.getTime() + 5 * 60_000));
    const riding = await visit('/packageRide/pages/riding/index');
    await decline(riding);
    await until(() => riding.data.locationText !== '', 'the location notice');
    expect(texts(riding, '.elapsed')).toEqual(['5 分 00 秒']);
    expect(riding.querySelectorAll('.map')).toHaveLength(0); // no map at 0,0
    expect(riding.querySelectorAll('.nearest')).toHaveLength(0); // no empty "最近停车点："
    expect(texts(riding, '.location-missing .btn')).toEqual(['开启定位']);

    await tap(riding, '.location-missing .btn');
    await agree(riding);
    await until(() => riding.data.located === true, 'the map');
    expect(texts(riding, '.nearest')[0]).toMatch(/^最近停车点：/);
    expect(wxMock().openSetting).not.toHaveBeenCalled();
  });
});

describe('a shared station, from a cold start', () => {
  it('opens the map on the station with its sheet, sharing it back the same way', async () => {
    const { station } = await bikeByAStation();
    playDevice(suite.cloud.url, 'journey-friend', { privacyAgreed: true, locationScope: true });
    const map = await visit(`/pages/nearby/index?kind=station&id=${station.id}&lat=${station.lat.toFixed(6)}&lng=${station.lng.toFixed(6)}`);
    await until(() => map.data.sheet !== null, 'the station sheet');
    expect(texts(map, '.sheet-title')).toEqual([station.name]);
    expect(map.data.kind).toBe('station');
    expect(map.instance.onShareAppMessage()).toEqual({
      title: `停车点 · ${station.name}`,
      path: `/pages/nearby/index?kind=station&id=${station.id}&lat=${station.lat.toFixed(6)}&lng=${station.lng.toFixed(6)}`,
      imageUrl: '/images/share-station.png',
    });
  });

  it('measures the shared station from the user, 700 m away, not from itself ("0 m")', async () => {
    const { station } = await bikeByAStation();
    // 700 m due south of the station, on the contract's sphere (1° of latitude = 111,195.08 m).
    const here = { lat: station.lat - 700 / 111195.08, lng: station.lng };
    playDevice(suite.cloud.url, 'journey-friend', { privacyAgreed: true, locationScope: true, position: here });
    const map = await visit(`/pages/nearby/index?kind=station&id=${station.id}&lat=${station.lat.toFixed(6)}&lng=${station.lng.toFixed(6)}`);
    await until(() => map.data.sheet !== null && map.data.status === 'ready', 'the station sheet');
    expect(texts(map, '.sheet-title')).toEqual([station.name]);
    expect(texts(map, '.sheet-distance')).toEqual(['700 m']);
  });

  it('says a station that is gone is gone, and shows the stations around instead', async () => {
    playDevice(suite.cloud.url, 'journey-friend', { privacyAgreed: true, locationScope: true });
    const map = await visit(`/pages/nearby/index?kind=station&id=P-GONE&lat=${CITY_CENTER.lat}&lng=${CITY_CENTER.lng}`);
    await until(() => map.data.status === 'ready', 'the stations around');
    expect(texts(map, '.notice-text')).toEqual(['分享的停车点已不存在，已为你显示附近的停车点']);
    expect(map.data.sheet).toBeNull();
    expect(texts(map, '.row-badge').every((badge) => /辆可用$/.test(badge))).toBe(true);
  });

  it('reads a broken link as such and still shows the map', async () => {
    playDevice(suite.cloud.url, 'journey-friend', { privacyAgreed: true, locationScope: true });
    const map = await visit('/pages/nearby/index?kind=station&id=P01&lat=north&lng=');
    await until(() => map.data.status === 'ready', 'the map');
    expect(texts(map, '.notice-text')).toEqual(['分享的链接无法识别，已为你显示附近的停车点']);
  });
});
