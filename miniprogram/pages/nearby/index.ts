import { CATEGORIES, CITY_CENTER, distanceM } from '../../shared/index';
import type { LatLng, NearbyItem } from '../../shared/index';
import { nearby } from '../../services/api';
import { locate, openRoute, reauthorizeLocation } from '../../services/location';
import { KIND_TABS, categoryChips, emptyText, itemOfMarker, placeMarkers, placeRow, placeSheet, placeUrl } from './view';
import type { PlaceKind, PlaceRow, PlaceSheet } from './view';

const RADIUS_M = 3000;
const LIMIT = 50;
/** A map drag shorter than this does not refetch: the answer would hardly change. */
const REFETCH_AFTER_M = 300;
const REGION_DEBOUNCE_MS = 400;
const MAP_ID = 'nearby-map';

type Status = 'loading' | 'ready' | 'empty' | 'error';
type LocationNotice = '' | 'denied' | 'failed';

/** What the page keeps out of `data`: the full items (the view gets slim rows) and the map. */
interface PageState {
  items: NearbyItem[];
  query: LatLng;
  seq: number;
  regionTimer: number | null;
  map: WechatMiniprogram.MapContext | null;
}

const states = new WeakMap<object, PageState>();
function stateOf(page: object): PageState {
  let state = states.get(page);
  if (!state) {
    state = { items: [], query: CITY_CENTER, seq: 0, regionTimer: null, map: null };
    states.set(page, state);
  }
  return state;
}

const NOTICE_TEXT: Record<LocationNotice, string> = {
  '': '',
  denied: '未获得定位权限，正在显示市中心附近',
  failed: '暂时无法定位，正在显示市中心附近',
};

Component({
  data: {
    tabs: KIND_TABS,
    kind: 'store' as PlaceKind,
    chips: categoryChips(CATEGORIES),
    category: '',
    openNow: false,
    center: CITY_CENTER,
    scale: 15,
    notice: '' as LocationNotice,
    noticeText: '',
    status: 'loading' as Status,
    rows: [] as PlaceRow[],
    emptyText: '',
    errorText: '',
    sheet: null as PlaceSheet | null,
  },
  methods: {
    onLoad() {
      this.locateThenLoad();
    },

    onReady() {
      this.mapContext();
    },

    onUnload() {
      const state = stateOf(this);
      if (state.regionTimer !== null) clearTimeout(state.regionTimer);
      state.seq++; // answers still in flight are dropped
    },

    onShareAppMessage() {
      const sheet = this.data.sheet;
      if (sheet && sheet.kind === 'store') {
        return { title: sheet.title, path: `/packageBooking/pages/store/index?id=${encodeURIComponent(sheet.id)}` };
      }
      return { title: '附近的门店、停车点和单车', path: '/pages/nearby/index' };
    },

    /** The user's position, or the city centre with a notice: the page never stays blank. */
    async locateThenLoad() {
      this.setData({ status: 'loading' });
      const located = await locate();
      const center = located.ok ? located.position : CITY_CENTER;
      const notice: LocationNotice = located.ok ? '' : located.reason;
      if (located.ok) getApp<{ globalData: { lastPosition: LatLng | null } }>().globalData.lastPosition = center;
      stateOf(this).query = center;
      this.setData({ center, notice, noticeText: NOTICE_TEXT[notice] });
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
      const filtered = kind === 'store' && (category !== '' || openNow);
      this.setData({
        status: state.items.length ? 'ready' : 'empty',
        rows: state.items.map((item) => placeRow(item, now)),
        emptyText: emptyText(kind, RADIUS_M, filtered),
      });
      this.drawMarkers();
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

    /** Refused: open the settings and try again if allowed; failed: just try again. */
    async onRetryLocate() {
      if (this.data.notice === 'denied') {
        const allowed = await reauthorizeLocation();
        if (!allowed) return;
      }
      await this.locateThenLoad();
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
