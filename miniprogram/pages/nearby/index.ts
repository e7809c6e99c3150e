import { CATEGORIES, CITY_CENTER, distanceM } from '../../shared/index';
import type { LatLng, NearbyItem } from '../../shared/index';
import { nearby } from '../../services/api';
import { enableLocation, locate, openRoute } from '../../services/location';
import type { LocateResult } from '../../services/location';
import { cancelReservation, currentRide, reserveBike } from '../../services/rides';
import { holdClock } from '../../lib/hold-clock';
import type { HoldClock } from '../../lib/hold-clock';
import type { HoldBanner } from '../../lib/ride-banner';
import { RESERVE_HINT, refusalText } from '../../shared/index';
import type { Reservation } from '../../shared/index';
import { scanBikeCode } from '../../services/scan';
import { locationNotice } from '../../lib/location-notice';
import { pageState } from '../../lib/page-state';
import { rideBanner } from '../../lib/ride-banner';
import type { RideBanner } from '../../lib/ride-banner';
import {
  KIND_TABS,
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
} from './view';
import type { PlaceKind, PlaceRow, PlaceSheet, SharedPlace } from './view';

const RADIUS_M = 3000;
const LIMIT = 50;
/** A map drag shorter than this does not refetch: the answer would hardly change. */
const REFETCH_AFTER_M = 300;
const REGION_DEBOUNCE_MS = 400;
const MAP_ID = 'nearby-map';
const UNLOCK_PAGE = '/packageRide/pages/unlock/index';

type Status = 'loading' | 'ready' | 'empty' | 'error';

/** What the page keeps out of `data`: the full items (the view gets slim rows) and the map. */
const stateOf = pageState(() => ({
  items: [] as NearbyItem[],
  query: CITY_CENTER as LatLng,
  seq: 0,
  regionTimer: null as number | null,
  map: null as WechatMiniprogram.MapContext | null,
  /** A shared station to open once its answer arrives. */
  shared: null as SharedPlace | null,
  clock: null as HoldClock | null,
}));

Component({
  data: {
    tabs: KIND_TABS,
    kind: 'store' as PlaceKind,
    chips: categoryChips(CATEGORIES),
    category: '',
    openNow: false,
    center: CITY_CENTER,
    scale: 15,
    /** The location notice: '' when located; its button asks again or opens the settings. */
    noticeText: '',
    noticeAction: '',
    banner: null as RideBanner | null,
    /** The rider's reservation (a countdown), when not riding. */
    hold: null as HoldBanner | null,
    reserveHint: RESERVE_HINT,
    reserving: false,
    status: 'loading' as Status,
    rows: [] as PlaceRow[],
    emptyText: '',
    errorText: '',
    sheet: null as PlaceSheet | null,
  },
  methods: {
    /** A plain start locates; a shared station opens on that station (`?kind=station&id=&lat=&lng=`). */
    onLoad(query?: Record<string, string | undefined>) {
      const shared = sharedPlace(query);
      if (shared === null) {
        this.locateThenLoad();
        return;
      }
      if (shared === 'malformed') {
        this.setData({ kind: 'station', noticeText: SHARED_NOTICE.malformed, noticeAction: '' });
        this.locateThenLoad(true);
        return;
      }
      const state = stateOf(this);
      state.shared = shared;
      state.query = shared.at;
      this.setData({ kind: 'station', center: shared.at });
      this.load();
    },

    /** Checked on every show: a ride started or ended elsewhere shows or hides the banner. */
    async onShow() {
      const answer = await currentRide();
      this.setData({ banner: answer.ok ? rideBanner(answer.data.ride, new Date()) : null });
      this.showHold(answer.ok && !answer.data.ride ? answer.data.reservation || null : null);
    },

    onHide() {
      this.showHold(null);
    },

    showHold(reservation: Reservation | null) {
      const state = stateOf(this);
      if (!state.clock) state.clock = holdClock((hold) => this.setData({ hold }));
      state.clock.show(reservation);
    },

    /** Holds the sheet's bike for 10 minutes (the banner counts down; the bike leaves others' maps). */
    async onReserve() {
      const item = this.sheetItem();
      if (!item || item.kind !== 'bike' || this.data.reserving) return;
      this.setData({ reserving: true });
      const here = await locate();
      if (!here.ok) {
        this.setData({ reserving: false });
        wx.showToast({ title: '预约需要确认你的位置', icon: 'none' });
        return;
      }
      const answer = await reserveBike(item.code, here.position);
      this.setData({ reserving: false });
      if (!answer.ok) {
        wx.showToast({ title: refusalText(answer.error, { subject: 'reserve', bikeCode: item.code }), icon: 'none' });
        return;
      }
      this.setData({ sheet: null });
      this.showHold(answer.data.reservation);
    },

    onHoldRoute() {
      const hold = this.data.hold;
      if (hold) openRoute({ lat: hold.lat, lng: hold.lng, name: `单车 ${hold.bikeCode}` });
    },

    async onHoldCancel() {
      const answer = await cancelReservation();
      if (answer.ok) this.showHold(null);
    },

    onReady() {
      this.mapContext();
    },

    onUnload() {
      const state = stateOf(this);
      if (state.clock) state.clock.stop();
      if (state.regionTimer !== null) clearTimeout(state.regionTimer);
      state.seq++; // answers still in flight are dropped
    },

    onShareAppMessage() {
      return sharePayload(this.sheetItem());
    },

    /** The user's position, or the city centre with a notice: the page never stays blank. */
    async locateThenLoad(keepNotice = false) {
      this.setData({ status: 'loading' });
      await this.useLocation(await locate(), keepNotice);
    },

    async useLocation(located: LocateResult, keepNotice = false) {
      const center = located.ok ? located.position : CITY_CENTER;
      if (located.ok) getApp<{ globalData: { lastPosition: LatLng | null } }>().globalData.lastPosition = center;
      stateOf(this).query = center;
      const notice = located.ok ? { text: '', action: '' } : locationNotice(located.reason, '正在显示市中心附近');
      if (keepNotice && located.ok) this.setData({ center });
      else this.setData({ center, noticeText: notice.text, noticeAction: notice.action });
      await this.load();
    },

    async load() {
      const state = stateOf(this);
      const seq = ++state.seq;
      const { kind, category, openNow } = this.data;
      this.setData({ status: 'loading' });
      const filters = kind === 'store' ? { ...(category ? { category } : {}), ...(openNow ? { openNow: true } : {}) } : {};
      const answer = await nearby({ lat: state.query.lat, lng: state.query.lng, kind, radius: RADIUS_M, limit: LIMIT, ...filters });
      if (seq !== state.seq) return; // a newer query (another tab, a map drag) owns the view
      if (!answer.ok) {
        this.setData({ status: 'error', errorText: answer.error.message });
        return;
      }
      state.items = answer.data.items;
      const now = new Date();
      this.openShared();
      const filtered = kind === 'store' && (category !== '' || openNow);
      this.setData({
        status: state.items.length ? 'ready' : 'empty',
        rows: state.items.map((item) => placeRow(item, now)),
        emptyText: emptyText(kind, RADIUS_M, filtered),
      });
      this.drawMarkers();
    },

    /** Opens the shared station's sheet once, or says it is gone and leaves the stations around. */
    openShared() {
      const state = stateOf(this);
      const shared = state.shared;
      if (!shared) return;
      state.shared = null;
      const item = state.items.find((i) => i.kind === shared.kind && i.id === shared.id);
      if (item) this.setData({ sheet: placeSheet(item, new Date()) });
      else this.setData({ noticeText: SHARED_NOTICE.missing, noticeAction: '' });
    },

    mapContext(): WechatMiniprogram.MapContext {
      const state = stateOf(this);
      if (!state.map) {
        state.map = wx.createMapContext(MAP_ID, this);
        if (typeof state.map.initMarkerCluster === 'function') {
          state.map.initMarkerCluster({ enableDefaultStyle: true, zoomOnClick: true, gridSize: 60 });
        }
      }
      return state.map;
    },

    drawMarkers() {
      const markers = placeMarkers(stateOf(this).items);
      // addMarkers (not the `markers` attribute) is what clusters, and keeps markers out of setData.
      this.mapContext().addMarkers({ markers, clear: true });
    },

    onKindTap(e: WechatMiniprogram.TouchEvent) {
      const kind = e.currentTarget.dataset.kind as PlaceKind;
      if (kind === this.data.kind) return;
      this.setData({ kind, rows: [], sheet: null });
      this.load();
    },

    onCategoryTap(e: WechatMiniprogram.TouchEvent) {
      const category = String(e.currentTarget.dataset.value || '');
      if (category === this.data.category) return;
      this.setData({ category, rows: [] });
      this.load();
    },

    onOpenNowTap() {
      this.setData({ openNow: !this.data.openNow, rows: [] });
      this.load();
    },

    onRetry() {
      this.load();
    },

    /** Asks again (the privacy sheet or WeChat's prompt); the settings only for a turned-off permission. */
    async onRetryLocate() {
      await this.useLocation(await enableLocation());
    },

    /** 扫码用车: the camera first; the unlock page opens with the code, or says what was wrong. */
    async onScanTap() {
      const scan = await scanBikeCode();
      if (scan.ok) {
        wx.navigateTo({ url: `${UNLOCK_PAGE}?code=${encodeURIComponent(scan.code)}` });
        return;
      }
      if (scan.reason === 'unreadable') wx.showToast({ title: '这不是单车的二维码，请扫描车身上的二维码', icon: 'none', duration: 2500 });
      else if (scan.reason === 'failed') wx.navigateTo({ url: UNLOCK_PAGE }); // the unlock page scans and types codes itself
    },

    onBannerTap() {
      const banner = this.data.banner;
      if (banner) wx.navigateTo({ url: banner.url });
    },

    onRegionChange(e: { type?: string; detail?: { type?: string; causedBy?: string; centerLocation?: { latitude: number; longitude: number } } }) {
      const detail = e.detail || {};
      const type = e.type === 'end' || detail.type === 'end' ? 'end' : 'begin';
      // `update` is our own setData moving the map, not the user.
      if (type !== 'end' || detail.causedBy === 'update') return;
      const state = stateOf(this);
      if (state.regionTimer !== null) clearTimeout(state.regionTimer);
      state.regionTimer = setTimeout(() => {
        state.regionTimer = null;
        if (detail.centerLocation) this.moveQuery({ lat: detail.centerLocation.latitude, lng: detail.centerLocation.longitude });
        else this.mapContext().getCenterLocation({ success: (c) => this.moveQuery({ lat: c.latitude, lng: c.longitude }) });
      }, REGION_DEBOUNCE_MS) as unknown as number;
    },

    moveQuery(center: LatLng) {
      const state = stateOf(this);
      if (distanceM(state.query, center) < REFETCH_AFTER_M) return;
      state.query = center;
      this.load();
    },

    onRowTap(e: WechatMiniprogram.TouchEvent) {
      const item = stateOf(this).items[Number(e.currentTarget.dataset.index)];
      if (item) this.setData({ sheet: placeSheet(item, new Date()) });
    },

    onMarkerTap(e: { detail: { markerId: number } }) {
      const item = itemOfMarker(stateOf(this).items, Number(e.detail.markerId));
      if (item) this.setData({ sheet: placeSheet(item, new Date()) });
    },

    onCloseSheet() {
      this.setData({ sheet: null });
    },

    sheetItem(): NearbyItem | undefined {
      const sheet = this.data.sheet;
      return sheet ? stateOf(this).items.find((item) => item.id === sheet.id && item.kind === sheet.kind) : undefined;
    },

    onRoute() {
      const item = this.sheetItem();
      if (!item) return;
      openRoute({
        lat: item.lat,
        lng: item.lng,
        name: item.kind === 'bike' ? `单车 ${item.code}` : item.name,
        address: item.kind === 'store' ? item.address : '',
      });
    },

    onSheetAction() {
      const sheet = this.data.sheet;
      const item = this.sheetItem();
      if (!sheet || !item) return;
      const url = placeUrl(sheet, item.kind === 'bike' ? item.code : undefined);
      if (url) wx.navigateTo({ url });
    },

    noop() {},
  },
});
