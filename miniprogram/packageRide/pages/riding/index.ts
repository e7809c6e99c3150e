/**
 * Riding: a live clock and fee estimate, the map with the parking zones around and the nearest
 * station, and the end button. Without a position it shows the clock and fee, says why there is
 * no map and offers to turn the location on. Outside every zone a sheet offers a route to the
 * nearest zone, ending here with the parking surcharge, or riding on.
 */
import { DEFAULT_TARIFF, PARKING_ZONE, loadFailed, refusalText, rideFeeFen, yuan } from '../../../shared/index';
import type { ActiveRide, LatLng, Tariff } from '../../../shared/index';
import { nearby } from '../../../services/api';
import { enableLocation, locate, openRoute } from '../../../services/location';
import type { LocateResult } from '../../../services/location';
import { currentRide, endRide, tariff as fetchTariff } from '../../../services/rides';
import { locationNotice } from '../../../lib/location-notice';
import { pageState } from '../../../lib/page-state';
import { clockLabel } from '../../lib/ride-view';
import { stationsOf, summaryUrl, zoneView } from './view';
import type { Station, StationMarker, ZonePolygon } from './view';
import { reportBehavior } from '../../lib/report-behavior';

type State = 'loading' | 'none' | 'riding' | 'error';

const ZONE_SEARCH_M = 2000;

/** Per page instance, outside `data`: the ride, the tariff, the timer, the last position, the nearest station. */
const stateOf = pageState(() => ({
  ride: null as ActiveRide | null,
  tariff: DEFAULT_TARIFF as Tariff,
  timer: null as ReturnType<typeof setInterval> | null,
  position: null as LatLng | null,
  nearest: null as Station | null,
}));

function stopClock(page: object): void {
  const state = stateOf(page);
  if (state.timer !== null) {
    clearInterval(state.timer);
    state.timer = null;
  }
}

Component({
  behaviors: [reportBehavior],
  data: {
    state: 'loading' as State,
    bikeCode: '',
    elapsedText: '0 分 00 秒',
    feeText: yuan(0),
    /** The map shows only around a real position: never at 0,0. */
    located: false,
    latitude: 0,
    longitude: 0,
    polygons: [] as ZonePolygon[],
    markers: [] as StationMarker[],
    nearestText: '',
    hasNearest: false,
    locationText: '',
    locationAction: '',
    ending: false,
    outside: false,
    outsideText: '',
    surchargeText: '',
    errorText: '',
    /** One wording per idea (shared/wording.ts). */
    words: { zone: PARKING_ZONE, failed: loadFailed('骑行信息') },
  },
  lifetimes: {
    detached() {
      stopClock(this);
    },
  },
  methods: {
    onLoad() {
      this.load();
    },
    onUnload() {
      stopClock(this);
    },

    async load() {
      this.setData({ state: 'loading', errorText: '' });
      const state = stateOf(this);
      const [current, tariff] = await Promise.all([currentRide(), fetchTariff()]);
      if (!current.ok) {
        this.setData({ state: 'error', errorText: refusalText(current.error, { subject: 'ride' }) });
        return;
      }
      if (!current.data.ride) {
        this.setData({ state: 'none' });
        return;
      }
      state.ride = current.data.ride;
      if (tariff.ok) state.tariff = tariff.data.tariff;
      this.setData({ state: 'riding', bikeCode: state.ride.bikeCode, surchargeText: yuan(state.tariff.parkingSurchargeFen) });
      this.tick();
      stopClock(this);
      state.timer = setInterval(() => this.tick(), 1000);
      await this.useLocation(await locate());
    },

    tick() {
      const state = stateOf(this);
      if (!state.ride) return;
      const sec = Math.max(0, Math.floor((Date.now() - Date.parse(state.ride.startAt)) / 1000));
      this.setData({ elapsedText: clockLabel(sec), feeText: yuan(rideFeeFen(sec, state.tariff)) });
    },

    /** A position shows the zones around; none says why and keeps the button to turn it on. */
    async useLocation(here: LocateResult) {
      if (here.ok) {
        this.setData({ locationText: '', locationAction: '' });
        await this.showZones(here.position);
        return;
      }
      const notice = locationNotice(here.reason, '地图和最近停车点暂不可用，还车时需要确认你的位置');
      this.setData({ locationText: notice.text, locationAction: notice.action });
    },

    async onEnableLocation() {
      await this.useLocation(await enableLocation());
    },

    /** The zones around as map polygons, and the nearest station marked. */
    async showZones(position: LatLng) {
      const state = stateOf(this);
      state.position = position;
      const res = await nearby({ kind: 'station', lat: position.lat, lng: position.lng, radius: ZONE_SEARCH_M, limit: 20 });
      const stations = res.ok ? stationsOf(res.data.items) : [];
      state.nearest = stations.length > 0 ? stations[0] : null;
      this.setData({
        located: true,
        hasNearest: state.nearest !== null,
        latitude: position.lat,
        longitude: position.lng,
        ...zoneView(stations, position, ZONE_SEARCH_M),
      });
    },

    async onEnd() {
      await this.finish(false);
    },

    async onEndWithSurcharge() {
      await this.finish(true);
    },

    async finish(acceptSurcharge: boolean) {
      const state = stateOf(this);
      if (!state.ride || this.data.ending) return;
      this.setData({ ending: true, errorText: '' });
      const here = await locate();
      if (!here.ok) {
        const notice = locationNotice(here.reason, `还车需要确认你在${PARKING_ZONE}内`);
        this.setData({ ending: false, outside: false, locationText: notice.text, locationAction: notice.action });
        return;
      }
      const res = await endRide(state.ride.id, here.position, acceptSurcharge);
      if (res.ok) {
        stopClock(this);
        this.setData({ ending: false, outside: false });
        wx.redirectTo({ url: summaryUrl(res.data.ride) });
        return;
      }
      if (res.error.reason === 'OUTSIDE_PARKING_ZONE') {
        const outsideText = refusalText(res.error, { surchargeFen: state.tariff.parkingSurchargeFen });
        this.setData({ ending: false, outside: true, outsideText, locationText: '', locationAction: '' });
        await this.showZones(here.position);
        return;
      }
      if (res.error.reason === 'RIDE_NOT_ACTIVE' || res.error.code === 'NOT_FOUND') {
        stopClock(this);
        this.setData({ ending: false, outside: false, state: 'none' });
        return;
      }
      this.setData({ ending: false, outside: false, errorText: refusalText(res.error, { subject: 'ride' }) });
    },

    onRouteToZone() {
      const nearest = stateOf(this).nearest;
      if (nearest) openRoute({ lat: nearest.lat, lng: nearest.lng, name: nearest.name });
    },

    onCloseOutside() {
      this.setData({ outside: false });
    },

    onScan() {
      wx.redirectTo({ url: '/packageRide/pages/unlock/index' });
    },

    onHome() {
      wx.switchTab({ url: '/pages/nearby/index' });
    },

    noop() {},
  },
});
