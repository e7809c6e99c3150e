/**
 * Riding: a live clock and fee estimate, the map with the parking zones around and the nearest
 * station, and the end button. Outside every zone it offers a route to the nearest zone or ending
 * here with the parking surcharge.
 */
import { DEFAULT_TARIFF, distanceM, rideFeeFen, yuan } from '../../../shared/index';
import type { ActiveRide, LatLng, NearbyItem, Tariff } from '../../../shared/index';
import { nearby } from '../../../services/api';
import { locate, openRoute } from '../../../services/location';
import { currentRide, endRide, tariff as fetchTariff } from '../../../services/rides';
import { distanceLabel } from '../../../lib/distance-label';
import { clockLabel, SUMMARY_PAGE } from '../../lib/ride-view';

type State = 'loading' | 'none' | 'riding' | 'error';
type Station = Extract<NearbyItem, { kind: 'station' }>;

/** Per page instance, outside `data`: the ride, the tariff, the timer, the last position, the nearest station. */
interface Live {
  ride: ActiveRide | null;
  tariff: Tariff;
  timer: ReturnType<typeof setInterval> | null;
  position: LatLng | null;
  nearest: Station | null;
}
const lives = new WeakMap<object, Live>();

/** `<map polygons>` and `<map markers>` items (the typings declare no type for them). */
interface ZonePolygon {
  points: { latitude: number; longitude: number }[];
  strokeWidth: number;
  strokeColor: string;
  fillColor: string;
  zIndex: number;
}
interface StationMarker {
  id: number;
  latitude: number;
  longitude: number;
  title: string;
  width: number;
  height: number;
  iconPath: string;
}
const ZONE_SEARCH_M = 2000;

function liveOf(page: object): Live {
  let live = lives.get(page);
  if (!live) {
    live = { ride: null, tariff: DEFAULT_TARIFF, timer: null, position: null, nearest: null };
    lives.set(page, live);
  }
  return live;
}

function stopClock(page: object): void {
  const live = lives.get(page);
  if (live && live.timer !== null) {
    clearInterval(live.timer);
    live.timer = null;
  }
}

Component({
  data: {
    state: 'loading' as State,
    bikeCode: '',
    elapsedText: '00:00',
    feeText: yuan(0),
    latitude: 0,
    longitude: 0,
    polygons: [] as ZonePolygon[],
    markers: [] as StationMarker[],
    nearestText: '',
    ending: false,
    outside: false,
    surchargeText: '',
    errorText: '',
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
      const live = liveOf(this);
      const [current, tariff] = await Promise.all([currentRide(), fetchTariff()]);
      if (!current.ok) {
        this.setData({ state: 'error', errorText: current.error.message });
        return;
      }
      if (!current.data.ride) {
        this.setData({ state: 'none' });
        return;
      }
      live.ride = current.data.ride;
      if (tariff.ok) live.tariff = tariff.data.tariff;
      this.setData({ state: 'riding', bikeCode: live.ride.bikeCode, surchargeText: yuan(live.tariff.parkingSurchargeFen) });
      this.tick();
      stopClock(this);
      live.timer = setInterval(() => this.tick(), 1000);
      const here = await locate();
      if (here.ok) await this.showZones(here.position);
    },

    tick() {
      const live = liveOf(this);
      if (!live.ride) return;
      const sec = Math.max(0, Math.floor((Date.now() - Date.parse(live.ride.startAt)) / 1000));
      this.setData({ elapsedText: clockLabel(sec), feeText: yuan(rideFeeFen(sec, live.tariff)) });
    },

    /** The zones around as map polygons, and the nearest station marked. */
    async showZones(position: LatLng) {
      const live = liveOf(this);
      live.position = position;
      const res = await nearby({ kind: 'station', lat: position.lat, lng: position.lng, radius: ZONE_SEARCH_M, limit: 20 });
      const stations = res.ok ? (res.data.items.filter((i) => i.kind === 'station') as Station[]) : [];
      live.nearest = stations.length > 0 ? stations[0] : null;
      const nearest = live.nearest;
      this.setData({
        latitude: position.lat,
        longitude: position.lng,
        polygons: stations.map((s) => ({
          points: s.zone.coordinates[0].map(([lng, lat]) => ({ latitude: lat, longitude: lng })),
          strokeWidth: 2,
          strokeColor: s === nearest ? '#1a73e8' : '#1a73e888',
          fillColor: s === nearest ? '#1a73e833' : '#1a73e818',
          zIndex: 1,
        })),
        markers: nearest
          ? [{ id: 1, latitude: nearest.lat, longitude: nearest.lng, title: nearest.name, width: 28, height: 28, iconPath: '/images/marker-station.png' }]
          : [],
        nearestText: nearest ? `${nearest.name} · ${distanceLabel(distanceM(position, nearest))}` : '附近 2 公里内没有停车点',
      });
    },

    async onEnd() {
      await this.finish(false);
    },

    async onEndWithSurcharge() {
      await this.finish(true);
    },

    async finish(acceptSurcharge: boolean) {
      const live = liveOf(this);
      if (!live.ride || this.data.ending) return;
      this.setData({ ending: true, errorText: '' });
      const here = await locate();
      if (!here.ok) {
        this.setData({ ending: false, errorText: '还车需要你的位置：请允许定位后重试' });
        return;
      }
      const res = await endRide(live.ride.id, here.position, acceptSurcharge);
      if (res.ok) {
        stopClock(this);
        const r = res.data.ride;
        const query = [
          `rideId=${encodeURIComponent(r.id)}`,
          `bikeCode=${encodeURIComponent(r.bikeCode)}`,
          `durationSec=${r.durationSec}`,
          `feeFen=${r.feeFen}`,
          `surchargeFen=${r.surchargeFen}`,
          `billId=${encodeURIComponent(r.billId ?? '')}`,
        ].join('&');
        this.setData({ ending: false, outside: false });
        wx.redirectTo({ url: `${SUMMARY_PAGE}?${query}` });
        return;
      }
      if (res.error.reason === 'OUTSIDE_PARKING_ZONE') {
        this.setData({ ending: false, outside: true });
        await this.showZones(here.position);
        return;
      }
      if (res.error.reason === 'RIDE_NOT_ACTIVE' || res.error.code === 'NOT_FOUND') {
        stopClock(this);
        this.setData({ ending: false, state: 'none' });
        return;
      }
      this.setData({ ending: false, errorText: res.error.message });
    },

    onRouteToZone() {
      const nearest = liveOf(this).nearest;
      if (nearest) openRoute({ lat: nearest.lat, lng: nearest.lng, name: nearest.name });
    },

    onCloseOutside() {
      this.setData({ outside: false });
    },

    onScan() {
      wx.redirectTo({ url: '/packageRide/pages/unlock/index' });
    },
  },
});
