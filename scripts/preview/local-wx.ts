/**
 * A `wx` for running the real pages outside WeChat against the real local host: `wx.request` goes
 * over HTTP to the host (with the phone's clock as `X-Nearby-Now`, so one clock rules both), the
 * device APIs (location, scan, navigation, storage) are played from the `device` state a test or
 * the preview sets. Used by `npm run preview` and the journey tests; never by the mini program.
 */
import { request as httpRequest } from 'node:http';

export interface Navigation {
  kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack';
  url: string;
}

/** What the "phone" answers: set by the caller between steps. */
export interface Device {
  /** Where the phone is; null plays a refused location. */
  position: { lat: number; lng: number } | null;
  /** The next wx.scanCode answers, first first; empty plays a cancelled scan. */
  scans: Array<{ result: string; path?: string }>;
  /** Every navigation the pages asked for, in order. */
  navigations: Navigation[];
  /** Every toast and modal text, in order. */
  toasts: string[];
  storage: Map<string, unknown>;
  /** wx.showModal answers "confirm" unless told otherwise. */
  modalConfirms: boolean;
  /** What wx.chooseLocation picks (null: the user cancels). */
  chosenPlace?: { lat: number; lng: number; name: string } | null;
  /** The entry scene (wx.getEnterOptionsSync): 1154 plays a page opened from Moments. */
  scene?: number;
  /** No network: every wx.request fails as WeChat's does offline (the pages' failed-load states). */
  offline?: boolean;
}

export interface LocalWx {
  wx: Record<string, unknown>;
  device: Device;
  /** Resolves once no request is in flight (and a few ticks passed for the pages' setData). */
  idle(): Promise<void>;
}

type Callbacks = { success?: (r: never) => void; fail?: (e: { errMsg: string }) => void; complete?: (r: unknown) => void };

/** POSTs JSON with node's http (jsdom's window has no fetch) and parses the JSON answer. */
export function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Calls success (or fail) and complete, as wx does, on a later tick. */
function answer(o: Callbacks | undefined, ok: boolean, result: Record<string, unknown>): void {
  setTimeout(() => {
    if (ok) o?.success?.(result as never);
    else o?.fail?.({ errMsg: String(result.errMsg) });
    o?.complete?.(result);
  }, 0);
}

export function createLocalWx(options: { now?: () => Date; windowWidth?: number } = {}): LocalWx {
  const now = options.now ?? (() => new Date());
  const device: Device = { position: { lat: 31.2304, lng: 121.4737 }, scans: [], navigations: [], toasts: [], storage: new Map(), modalConfirms: true };
  let inFlight = 0;
  const windowInfo = {
    pixelRatio: 2,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: options.windowWidth ?? 375,
    windowHeight: 724,
    statusBarHeight: 44,
    safeArea: { top: 44, bottom: 778, left: 0, right: 375, width: 375, height: 734 },
  };

  function request(o: { url: string; method?: string; data?: unknown; header?: Record<string, string> } & Callbacks) {
    if (device.offline) {
      answer(o, false, { errMsg: 'request:fail offline' });
      return { abort: () => undefined };
    }
    inFlight++;
    const body = JSON.stringify(o.data ?? {});
    const req = httpRequest(
      o.url,
      { method: o.method || 'GET', headers: { ...o.header, 'content-length': Buffer.byteLength(body), 'x-nearby-now': now().toISOString() } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          inFlight--;
          const text = Buffer.concat(chunks).toString('utf8');
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // wx.request leaves a body that is not JSON as a string
          }
          answer(o, true, { statusCode: res.statusCode, data, header: res.headers });
        });
      },
    );
    req.on('error', (e) => {
      inFlight--;
      answer(o, false, { errMsg: `request:fail ${e.message}` });
    });
    req.end(body);
    return { abort: () => req.destroy() };
  }

  const navigate = (kind: Navigation['kind']) => (o: { url?: string; delta?: number } & Callbacks) => {
    device.navigations.push({ kind, url: o.url ?? `-${o.delta ?? 1}` });
    answer(o, true, { errMsg: `${kind}:ok` });
  };

  const mapContext = () => {
    const noop = (o?: Callbacks) => answer(o, true, { errMsg: 'ok' });
    return {
      initMarkerCluster: noop,
      addMarkers: noop,
      removeMarkers: noop,
      moveToLocation: noop,
      includePoints: noop,
      on: () => {},
      getCenterLocation: (o: Callbacks) => answer(o, true, { latitude: device.position?.lat ?? 31.2304, longitude: device.position?.lng ?? 121.4737 }),
      getRegion: noop,
      getScale: noop,
    };
  };

  const wx: Record<string, unknown> = {
    request,
    getLocation: (o: Callbacks) => {
      const p = device.position;
      if (p) answer(o, true, { latitude: p.lat, longitude: p.lng, accuracy: 15, errMsg: 'getLocation:ok' });
      else answer(o, false, { errMsg: 'getLocation:fail auth deny' });
    },
    getSetting: (o: Callbacks) => answer(o, true, { authSetting: { 'scope.userLocation': device.position !== null } }),
    authorize: (o: Callbacks) => answer(o, device.position !== null, { errMsg: device.position ? 'authorize:ok' : 'authorize:fail auth deny' }),
    openSetting: (o: Callbacks) => answer(o, true, { authSetting: { 'scope.userLocation': device.position !== null } }),
    getPrivacySetting: (o: Callbacks) => answer(o, true, { needAuthorization: false, privacyContractName: '《附近隐私保护指引》' }),
    onNeedPrivacyAuthorization: () => {},
    requirePrivacyAuthorize: (o: Callbacks) => answer(o, true, { errMsg: 'requirePrivacyAuthorize:ok' }),
    openPrivacyContract: (o: Callbacks) => answer(o, true, {}),
    openLocation: (o: Callbacks) => answer(o, true, {}),
    chooseLocation: (o: Callbacks) => {
      const p = device.chosenPlace;
      if (p) answer(o, true, { latitude: p.lat, longitude: p.lng, name: p.name, address: '', errMsg: 'chooseLocation:ok' });
      else answer(o, false, { errMsg: 'chooseLocation:fail cancel' });
    },
    getEnterOptionsSync: () => ({ scene: device.scene ?? 1001, path: '', query: {} }),
    makePhoneCall: (o: Callbacks) => answer(o, true, {}),
    previewImage: (o: Callbacks) => answer(o, true, {}),
    scanCode: (o: Callbacks) => {
      const next = device.scans.shift();
      if (next) answer(o, true, { result: next.result, path: next.path ?? '', scanType: 'QR_CODE', errMsg: 'scanCode:ok' });
      else answer(o, false, { errMsg: 'scanCode:fail cancel' });
    },
    createMapContext: mapContext,
    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    switchTab: navigate('switchTab'),
    reLaunch: navigate('reLaunch'),
    navigateBack: navigate('navigateBack'),
    showToast: (o: { title?: string } & Callbacks) => {
      device.toasts.push(String(o.title ?? ''));
      answer(o, true, {});
    },
    showModal: (o: { title?: string; content?: string } & Callbacks) => {
      device.toasts.push([o.title, o.content].filter(Boolean).join(' '));
      answer(o, true, { confirm: device.modalConfirms, cancel: !device.modalConfirms });
    },
    showLoading: (o?: Callbacks) => answer(o, true, {}),
    hideLoading: (o?: Callbacks) => answer(o, true, {}),
    stopPullDownRefresh: (o?: Callbacks) => answer(o, true, {}),
    setNavigationBarTitle: (o?: Callbacks) => answer(o, true, {}),
    pageScrollTo: (o?: Callbacks) => answer(o, true, {}),
    vibrateShort: (o?: Callbacks) => answer(o, true, {}),
    requestSubscribeMessage: (o: Callbacks) => answer(o, true, {}),
    requestPayment: (o: Callbacks) => answer(o, false, { errMsg: 'requestPayment:fail not in WeChat' }),
    setStorageSync: (key: string, value: unknown) => void device.storage.set(key, value),
    getStorageSync: (key: string) => (device.storage.has(key) ? device.storage.get(key) : ''),
    removeStorageSync: (key: string) => void device.storage.delete(key),
    getSystemInfoSync: () => ({ ...windowInfo, platform: 'devtools', SDKVersion: '3.6.0' }),
    getWindowInfo: () => windowInfo,
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion: 'develop', version: '' } }),
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    cloud: {
      init: () => {},
      callFunction: (o: Callbacks) => answer(o, false, { errMsg: 'cloud.callFunction:fail the preview talks to the local host' }),
    },
  };

  return {
    wx,
    device,
    async idle() {
      // A page may chain requests: wait until none is in flight over a few ticks in a row.
      for (let quiet = 0; quiet < 4; ) {
        await tick();
        quiet = inFlight === 0 ? quiet + 1 : 0;
      }
    },
  };
}
