import { CATEGORIES, CITY_CENTER, DISTANCE_FROM, FIND_TEXT, PLACE_WORDS, distanceM } from '../../shared/index';
import type { LatLng } from '../../shared/index';
import { getPlace, nearby, search } from '../../services/api';
import { choosePlace, enableLocation, locate, openRoute } from '../../services/location';
import { recentSearches, saveRecentSearches } from '../../services/recent-searches';
import { openedFromMoments } from '../../services/scene';
import type { LocateResult } from '../../services/location';
import { currentRide, reserveBike } from '../../services/rides';
import { holdBehavior } from '../../lib/hold-behavior';
import { RESERVE_HINT, refusalText } from '../../shared/index';
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
  failedTitle,
  itemOfMarker,
  originDistance,
  placeMarkers,
  placeRow,
  placeSheet,
  placeUrl,
  sharePayload,
  sharedPlace,
  withRecent,
} from './view';
import type { Origin, PlaceKind, PlaceRow, PlaceSheet, ShownItem } from './view';

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
  items: [] as ShownItem[],
  query: CITY_CENTER as LatLng,
  /** Where distances are measured from (the user, a chosen place, or the labelled city centre). */
  origin: null as Origin | null,
  /** The place picked with 选择位置, while the page looks around it. */
  chosen: null as (LatLng & { name: string }) | null,
  /** The search whose results the page shows, or null for what is nearby. */
  searchQ: null as string | null,
  /** The place the open sheet shows (a shared station may lie outside the list). */
  sheetPlace: null as ShownItem | null,
  seq: 0,
  regionTimer: null as number | null,
  map: null as WechatMiniprogram.MapContext | null,
}));

Component({
  behaviors: [holdBehavior],
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
    reserveHint: RESERVE_HINT,
    reserving: false,
    status: 'loading' as Status,
    rows: [] as PlaceRow[],
    emptyText: '',
    errorText: '',
    failedTitle: '',
    sheet: null as PlaceSheet | null,
    /** Opened from Moments (scene 1154): read-only, no location, no ride. */
    moments: false,
    find: FIND_TEXT,
    words: PLACE_WORDS,
    /** The search box: its text, whether it has the focus (recent searches show), the results' heading. */
    searchText: '',
    searchFocus: false,
    searching: false,
    resultsTitle: '',
    recents: [] as string[],
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
      if (openedFromMoments()) this.openReadOnly(shared.id, shared.at);
      else this.openShared(shared.id, shared.at);
    },

    /** Moments' single-page mode: the station and the stations around it, no private API, no distances from anyone. */
    async openReadOnly(id: string, at: LatLng) {
      const state = stateOf(this);
      state.origin = null;
      state.query = at;
      this.setData({ moments: true, kind: 'station', center: at, status: 'loading' });
      const got = await getPlace({ kind: 'station', id });
      if (got.ok) this.showSheet(got.data.item, null);
      else if (got.error.code === 'NOT_FOUND') this.setData({ noticeText: SHARED_NOTICE.missing, noticeAction: '' });
      await this.load();
    },

    /**
     * A shared station: the map on it, the user located (the privacy sheet asks first when needed),
     * the station read by id with its distance from the user (none without a position: never "0 m"
     * from itself), and the stations around the user, or around it when there is no position.
     */
    async openShared(id: string, at: LatLng) {
      this.setData({ kind: 'station', center: at, status: 'loading' });
      const located = await locate();
      const state = stateOf(this);
      const user = located.ok ? located.position : null;
      if (user) getApp<{ globalData: { lastPosition: LatLng | null } }>().globalData.lastPosition = user;
      state.origin = user ? { at: user, label: '' } : null;
      state.query = user ?? at;
      const got = await getPlace({ kind: 'station', id, ...(user ? { lat: user.lat, lng: user.lng } : {}) });
      if (got.ok) this.showSheet(got.data.item, user);
      else if (got.error.code === 'NOT_FOUND') this.setData({ noticeText: SHARED_NOTICE.missing, noticeAction: '' });
      await this.load();
    },

    /** Checked on every show: a ride started or ended elsewhere shows or hides the banner. */
    async onShow() {
      if (this.data.moments || openedFromMoments()) return; // no caller in Moments' single-page mode
      const answer = await currentRide();
      this.setData({ banner: answer.ok ? rideBanner(answer.data.ride, new Date()) : null });
      this.showHold(answer.ok && !answer.data.ride ? answer.data.reservation || null : null);
    },

    onHide() {
      this.showHold(null);
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

    onReady() {
      this.mapContext();
    },

    onUnload() {
      const state = stateOf(this);
      this.stopHold();
      if (state.regionTimer !== null) clearTimeout(state.regionTimer);
      state.seq++; // answers still in flight are dropped
    },

    onShareAppMessage() {
      return sharePayload(this.sheetItem());
    },

    /** Moments (朋友圈): a station opens read-only on its own (scene 1154); otherwise the map. */
    onShareTimeline() {
      const payload = sharePayload(this.sheetItem());
      const [, query = ''] = payload.path.split('?');
      return { title: payload.title, query };
    },

    /** The user's position, or the city centre with a notice: the page never stays blank. */
    async locateThenLoad(keepNotice = false) {
      this.setData({ status: 'loading' });
      await this.useLocation(await locate(), keepNotice);
    },

    async useLocation(located: LocateResult, keepNotice = false) {
      const center = located.ok ? located.position : CITY_CENTER;
      if (located.ok) getApp<{ globalData: { lastPosition: LatLng | null } }>().globalData.lastPosition = center;
      const state = stateOf(this);
      state.chosen = null;
      state.query = center;
      // Without the user's position the distances are the city centre's, and say so.
      state.origin = located.ok ? { at: center, label: '' } : { at: CITY_CENTER, label: DISTANCE_FROM.city };
      const notice = located.ok ? { text: '', action: '' } : locationNotice(located.reason, '正在显示市中心附近');
      if (keepNotice && located.ok) this.setData({ center });
      else this.setData({ center, noticeText: notice.text, noticeAction: notice.action });
      await this.refresh();
    },

    /** What the list shows now: the search's results, or what is nearby. */
    refresh(): Promise<void> {
      const q = stateOf(this).searchQ;
      return q === null ? this.load() : this.runSearch(q);
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
        this.setData({ status: 'error', errorText: answer.error.message, failedTitle: failedTitle(kind, false) });
        return;
      }
      state.items = answer.data.items;
      const filtered = kind === 'store' && (category !== '' || openNow);
      this.showItems(emptyText(kind, RADIUS_M, filtered));
    },

    showItems(empty: string) {
      const state = stateOf(this);
      const now = new Date();
      this.setData({
        status: state.items.length ? 'ready' : 'empty',
        rows: state.items.map((item) => placeRow(item, now, originDistance(state.origin, state.query, item))),
        emptyText: empty,
      });
      this.drawMarkers();
    },

    /** A search of stores (or stations, on that tab) by name or address, nearest first from the origin. */
    async runSearch(q: string) {
      const state = stateOf(this);
      const seq = ++state.seq;
      const kind = this.data.kind === 'station' ? 'station' : 'store';
      state.searchQ = q;
      this.setData({ kind, status: 'loading', searching: true, searchFocus: false, searchText: q, resultsTitle: FIND_TEXT.results(q), rows: [] });
      const at = state.origin ? state.origin.at : null;
      const answer = await search({ q, kind, limit: LIMIT, ...(at ? { lat: at.lat, lng: at.lng } : {}) });
      if (seq !== state.seq) return;
      if (!answer.ok) {
        this.setData({ status: 'error', errorText: answer.error.message, failedTitle: failedTitle(kind, true) });
        return;
      }
      state.items = answer.data.items;
      // The origin is where the search measured from: its distances are the answer's own.
      if (at) state.query = at;
      this.showItems(kind === 'station' ? FIND_TEXT.noStations(q) : FIND_TEXT.noResults(q));
      const points = state.items.slice(0, 10).map((item) => ({ latitude: item.lat, longitude: item.lng }));
      const map = this.mapContext();
      if (points.length > 0 && typeof map.includePoints === 'function') map.includePoints({ points, padding: [40, 40, 40, 40] });
    },

    onSearchFocus() {
      this.setData({ searchFocus: true, recents: recentSearches() });
    },

    onSearchInput(e: WechatMiniprogram.Input) {
      this.setData({ searchText: e.detail.value });
    },

    onSearchConfirm(e: WechatMiniprogram.InputConfirm) {
      const q = String((e.detail && e.detail.value) ?? this.data.searchText).trim();
      if (q === '') return;
      if (q.length > 40) {
        wx.showToast({ title: FIND_TEXT.tooLong, icon: 'none' });
        return;
      }
      const recents = withRecent(recentSearches(), q);
      saveRecentSearches(recents);
      this.setData({ recents });
      this.runSearch(q);
    },

    onRecentTap(e: WechatMiniprogram.TouchEvent) {
      const q = String(e.currentTarget.dataset.q || '');
      if (q) this.onSearchConfirm({ detail: { value: q } } as WechatMiniprogram.InputConfirm);
    },

    onClearRecents() {
      saveRecentSearches([]);
      this.setData({ recents: [] });
    },

    /** 取消: back to what is nearby. */
    onSearchCancel() {
      const state = stateOf(this);
      const wasSearching = state.searchQ !== null;
      state.searchQ = null;
      this.setData({ searchText: '', searchFocus: false, searching: false, resultsTitle: '' });
      if (wasSearching) this.load();
    },

    /** 选择位置: look around another place; distances are then measured from it, and say so. */
    async onChooseTap() {
      const state = stateOf(this);
      const chosen = await choosePlace(state.origin ? state.origin.at : undefined);
      if (!chosen.ok) {
        if (chosen.reason !== 'cancelled') wx.showToast({ title: '没有选好位置，请再试一次', icon: 'none' });
        return;
      }
      const place = chosen.place;
      state.chosen = place;
      state.origin = { at: { lat: place.lat, lng: place.lng }, label: DISTANCE_FROM.chosen };
      state.query = state.origin.at;
      this.setData({ center: state.origin.at, noticeText: FIND_TEXT.chosen(place.name), noticeAction: FIND_TEXT.backToMe });
      await this.refresh();
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
      const state = stateOf(this);
      // Stores and stations can be searched; bikes have no names: the bike tab leaves the search.
      if (state.searchQ !== null && kind === 'bike') {
        state.searchQ = null;
        this.setData({ searchText: '', searching: false, resultsTitle: '' });
      }
      this.refresh();
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
      this.refresh();
    },

    /** Asks again (the privacy sheet or WeChat's prompt); the settings only for a turned-off permission. Also 回到我的位置 after 选择位置. */
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
      // Search results stay what was searched for; a drag does not replace them.
      if (state.searchQ !== null) return;
      if (distanceM(state.query, center) < REFETCH_AFTER_M) return;
      state.query = center;
      this.load();
    },

    onRowTap(e: WechatMiniprogram.TouchEvent) {
      const item = stateOf(this).items[Number(e.currentTarget.dataset.index)];
      if (item) this.showSheet(item);
    },

    onMarkerTap(e: { detail: { markerId: number } }) {
      const item = itemOfMarker(stateOf(this).items, Number(e.detail.markerId));
      if (item) this.showSheet(item);
    },

    /** The sheet of a place whose `distance` (if any) was measured from `measuredFrom` (the list's query by default). */
    showSheet(item: ShownItem, from?: LatLng | null) {
      const state = stateOf(this);
      const measuredFrom = from === undefined ? state.query : from;
      state.sheetPlace = item;
      // No origin (a shared station, no position): no distance at all rather than one from nowhere said.
      this.setData({ sheet: placeSheet(item, new Date(), originDistance(state.origin, measuredFrom, item)) });
    },

    onCloseSheet() {
      stateOf(this).sheetPlace = null;
      this.setData({ sheet: null });
    },

    sheetItem(): ShownItem | undefined {
      return this.data.sheet ? (stateOf(this).sheetPlace ?? undefined) : undefined;
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
