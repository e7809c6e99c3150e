/**
 * The one test phone: a `wx` for running the real pages outside WeChat against the real local host.
 * `wx.request` goes over HTTP to the host (with the phone's clock as `X-Nearby-Now`, so one clock
 * rules both); the device APIs (privacy agreement, location permission and position, camera,
 * subscribe messages, navigation, storage) are played from the `device` state with WeChat's
 * semantics, set by the caller between steps. `npm run preview` installs the whole `wx` (on a phone
 * that already agreed and allowed location); the journey tests (tests/miniprogram/device.ts) install
 * its device APIs into their jest mocks. Never used by the mini program. It lives here, not under
 * tests/, because the preview is plain node: tests may import scripts, scripts never import tests.
 */
import { request as httpRequest } from 'node:http';

export interface Navigation {
  kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack';
  url: string;
}

/** What the "phone" answers: set by the caller between steps. */
export interface Device {
  /** Where the phone stands (GCJ-02). */
  position: { lat: number; lng: number };
  /** The privacy agreement: WeChat asks through the app's listener until it is agreed. */
  privacyAgreed: boolean;
  /** scope.userLocation: undefined until the first prompt, then what the user chose (false: turned off). */
  locationScope: boolean | undefined;
  /** What the user answers WeChat's own location prompt. */
  allowLocationPrompt: boolean;
  /** What the user does on the settings page opened by wx.openSetting. */
  turnLocationOnInSettings: boolean;
  /** "Now" for the host (X-Nearby-Now); unset: the machine's clock. */
  now?: Date;
  /** The next wx.scanCode answers, first first; empty plays a cancelled scan. */
  scans: Array<{ result: string; path?: string }>;
  /** Subscribe messages: the main switch, and "always keep this choice" answers by template id. */
  subscriptions: { mainSwitch: boolean; itemSettings: Record<string, 'accept' | 'reject' | 'ban'> };
  /** What the user taps in WeChat's subscribe dialog for each template shown. */
  subscribeAnswer: 'accept' | 'reject';
  /**
   * WeChat's gesture rule: requestSubscribeMessage fails unless made while a tap's handler runs
   * (not after an await of a request). On: only taps made inside `gesture()` open the window.
   */
  tapGestureOnly: boolean;
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

/** A phone as WeChat hands it over on first launch (nothing agreed, nothing asked yet), with `start` on top. */
export function newDevice(start: Partial<Device> = {}): Device {
  return {
    position: { lat: 31.2304, lng: 121.4737 },
    privacyAgreed: false,
    locationScope: undefined,
    allowLocationPrompt: true,
    turnLocationOnInSettings: true,
    scans: [],
    subscriptions: { mainSwitch: true, itemSettings: {} },
    subscribeAnswer: 'accept',
    tapGestureOnly: false,
    navigations: [],
    toasts: [],
    storage: new Map(),
    modalConfirms: true,
    ...start,
  };
}

/** The device APIs: their answers come from the `device` state (the rest of `wx` is the screen's). */
export const DEVICE_APIS = [
  'request',
  'getLocation',
  'getSetting',
  'openSetting',
  'authorize',
  'onNeedPrivacyAuthorization',
  'getPrivacySetting',
  'requirePrivacyAuthorize',
  'scanCode',
  'requestSubscribeMessage',
] as const;

export interface LocalWx {
  wx: Record<string, unknown>;
  device: Device;
  /** Resolves once no request is in flight (and a few ticks passed for the pages' setData). */
  idle(): Promise<void>;
  /** Opens WeChat's tap-gesture window until the next macrotask (a tap's handler runs inside it). */
  gesture(): void;
}

type PrivacyResolve = (answer: { event: 'agree' | 'disagree'; buttonId?: string }) => void;
type Callbacks = {
  success?: (r: never) => void;
  fail?: (e: { errMsg: string; errno?: number; errCode?: number }) => void;
  complete?: (r: unknown) => void;
};

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
    else o?.fail?.({ ...result, errMsg: String(result.errMsg) });
    o?.complete?.(result);
  }, 0);
}

export function createLocalWx(options: { device?: Partial<Device>; windowWidth?: number } = {}): LocalWx {
  const device = newDevice(options.device);
  const now = () => device.now ?? new Date();
  let inFlight = 0;
  // The app's one privacy listener (services/privacy.ts registers it once, at launch).
  let privacyListener: ((resolve: PrivacyResolve) => void) | null = null;
  // A tap's gesture lasts while its handler runs: simulate dispatches in a microtask, so the window
  // closes at the next macrotask, before any request's answer can arrive.
  let gestureOpen = false;
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
      getCenterLocation: (o: Callbacks) => answer(o, true, { latitude: device.position.lat, longitude: device.position.lng }),
      getRegion: noop,
      getScale: noop,
    };
  };

  /** The app's privacy listener, as WeChat calls it: the page's sheet answers through `resolve`. */
  const askPrivacy = (): Promise<boolean> =>
    new Promise((resolve) => {
      if (!privacyListener) return resolve(false); // nobody listens: WeChat's own popup, declined
      privacyListener((reply) => {
        if (reply.event === 'agree') device.privacyAgreed = true;
        resolve(reply.event === 'agree');
      });
    });
  /** Privacy first (errno 104), then WeChat's one location prompt, then the kept choice (errno 103). */
  const locationAllowed = async (api: string): Promise<{ ok: true } | { ok: false; errMsg: string; errno: number }> => {
    if (!device.privacyAgreed && !(await askPrivacy())) return { ok: false, errMsg: `${api}:fail privacy permission is not authorized`, errno: 104 };
    if (device.locationScope === undefined) device.locationScope = device.allowLocationPrompt;
    return device.locationScope ? { ok: true } : { ok: false, errMsg: `${api}:fail auth deny`, errno: 103 };
  };
  // The settings page lists only permissions the user was asked for: a declined privacy agreement is not there.
  const authSetting = (): Record<string, boolean> => (device.locationScope === undefined ? {} : { 'scope.userLocation': device.locationScope });

  const wx: Record<string, unknown> = {
    request,
    getLocation: async (o: Callbacks) => {
      const allowed = await locationAllowed('getLocation');
      if (!allowed.ok) answer(o, false, allowed);
      else answer(o, true, { latitude: device.position.lat, longitude: device.position.lng, accuracy: 15, errMsg: 'getLocation:ok' });
    },
    getSetting: (o: Callbacks & { withSubscriptions?: boolean }) =>
      // itemSettings lists only the templates answered with "always keep this choice" (WeChat's rule).
      answer(o, true, {
        authSetting: authSetting(),
        ...(o.withSubscriptions
          ? { subscriptionsSetting: { mainSwitch: device.subscriptions.mainSwitch, itemSettings: { ...device.subscriptions.itemSettings } } }
          : {}),
      }),
    authorize: async (o: Callbacks) => {
      const allowed = await locationAllowed('authorize');
      answer(o, allowed.ok, allowed.ok ? { errMsg: 'authorize:ok' } : allowed);
    },
    openSetting: (o: Callbacks) => {
      if (device.locationScope !== undefined && device.turnLocationOnInSettings) device.locationScope = true;
      answer(o, true, { authSetting: authSetting() });
    },
    getPrivacySetting: (o: Callbacks) => answer(o, true, { needAuthorization: !device.privacyAgreed, privacyContractName: '《附近隐私保护指引》' }),
    onNeedPrivacyAuthorization: (listener: (resolve: PrivacyResolve) => void) => {
      privacyListener = listener;
    },
    requirePrivacyAuthorize: async (o: Callbacks) => {
      const agreed = device.privacyAgreed || (await askPrivacy());
      answer(o, agreed, { errMsg: agreed ? 'requirePrivacyAuthorize:ok' : 'requirePrivacyAuthorize:fail privacy permission is not authorized' });
    },
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
    // The subscribe dialog: off with the main switch (20004); a kept answer is given without a dialog.
    requestSubscribeMessage: (o: Callbacks & { tmplIds: string[] }) => {
      if (device.tapGestureOnly && !gestureOpen) {
        answer(o, false, { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
        return;
      }
      if (!device.subscriptions.mainSwitch) {
        answer(o, false, { errMsg: 'requestSubscribeMessage:fail The main switch is switched off', errCode: 20004 });
        return;
      }
      const reply: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of o.tmplIds) reply[id] = device.subscriptions.itemSettings[id] ?? device.subscribeAnswer;
      answer(o, true, reply);
    },
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
    gesture() {
      gestureOpen = true;
      setTimeout(() => {
        gestureOpen = false;
      }, 0);
    },
    async idle() {
      // A page may chain requests: wait until none is in flight over a few ticks in a row.
      for (let quiet = 0; quiet < 4; ) {
        await tick();
        quiet = inFlight === 0 ? quiet + 1 : 0;
      }
    },
  };
}
