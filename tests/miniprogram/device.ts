// Plays the phone for journey tests: only wx.* device APIs (location, permission, privacy, camera)
// are played, with WeChat's semantics (the preview's local wx has no privacy agreement or permission
// states); wx.request is the preview's, over HTTP to a real local host, so the pages' real services
// (api.ts, rides.ts, ...) run unchanged. Navigation is recorded by the jest mocks and can be followed.
import { loadPage, openPage, tap, wxMock, type Rendered } from './harness';
import { createLocalWx, postJson } from '../../scripts/preview/local-wx';

type PrivacyResolve = (answer: { event: 'agree' | 'disagree'; buttonId?: string }) => void;
type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string; errno?: number; errCode?: number }) => void; complete?: () => void };

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
  /** The text the camera reads next; null: the user backs out. */
  nextScan: string | null;
  /** "Now" for the host (X-Nearby-Now) and for the pages (the faked Date). */
  now: Date;
  /** Subscribe messages: the main switch, and "always keep this choice" answers by template id. */
  subscriptions: { mainSwitch: boolean; itemSettings: Record<string, 'accept' | 'reject' | 'ban'> };
  /** What the user taps in WeChat's subscribe dialog for each template shown. */
  subscribeAnswer: 'accept' | 'reject';
  /**
   * WeChat's gesture rule: requestSubscribeMessage fails unless made while a tap's handler runs
   * (not after an await of a request). On: only taps made with `userTap` open the window.
   */
  tapGestureOnly: boolean;
}

// The app's privacy listener, kept past jest.clearAllMocks() (which forgets mock calls, not implementations).
let privacyListener: ((resolve: PrivacyResolve) => void) | null = null;
wxMock().onNeedPrivacyAuthorization.mockImplementation((listener: (resolve: PrivacyResolve) => void) => {
  privacyListener = listener;
});

/**
 * POSTs an event to the host as `openid` at `now` (the preview's client: node's http, as jsdom has
 * no fetch). Name the answer's type where you can; the loose default serves a quick field read.
 */
// biome-ignore lint/suspicious/noExplicitAny: a test helper's default answer type
export function hostCall<T = any>(hostUrl: string, fn: string, event: unknown, as: { openid: string; now?: Date }): Promise<T> {
  return postJson<T>(`${hostUrl}/functions/${fn}`, event, { 'x-wx-openid': as.openid, ...(as.now ? { 'x-nearby-now': as.now.toISOString() } : {}) });
}

/** The phone, playing every device API against `host` (a local host URL). */
export function playDevice(hostUrl: string, openid: string, start: Partial<Device> = {}): Device {
  const device: Device = {
    position: { lat: 31.2304, lng: 121.4737 },
    privacyAgreed: false,
    locationScope: undefined,
    allowLocationPrompt: true,
    turnLocationOnInSettings: true,
    nextScan: null,
    now: new Date(),
    subscriptions: { mainSwitch: true, itemSettings: {} },
    subscribeAnswer: 'accept',
    tapGestureOnly: false,
    ...start,
  };
  const wx = wxMock();

  /** The app's privacy listener, as WeChat calls it: the page's sheet answers through `resolve`. */
  const askPrivacy = (): Promise<boolean> =>
    new Promise((resolve) => {
      if (!privacyListener) return resolve(false); // nobody listens: WeChat's own popup, declined
      privacyListener((answer) => {
        if (answer.event === 'agree') device.privacyAgreed = true;
        resolve(answer.event === 'agree');
      });
    });

  wx.getLocation.mockImplementation(async (o: Callbacks<{ latitude: number; longitude: number }>) => {
    if (!device.privacyAgreed && !(await askPrivacy())) {
      o.fail?.({ errMsg: 'getLocation:fail privacy permission is not authorized', errno: 104 });
      return;
    }
    if (device.locationScope === undefined) device.locationScope = device.allowLocationPrompt;
    if (device.locationScope === false) {
      o.fail?.({ errMsg: 'getLocation:fail auth deny', errno: 103 });
      return;
    }
    o.success?.({ latitude: device.position.lat, longitude: device.position.lng });
  });
  wx.getSetting.mockImplementation(
    (o: Callbacks<{ authSetting: Record<string, boolean>; subscriptionsSetting?: object }> & { withSubscriptions?: boolean }) => {
      const authSetting: Record<string, boolean> = device.locationScope === undefined ? {} : { 'scope.userLocation': device.locationScope };
      // itemSettings lists only the templates answered with "always keep this choice" (WeChat's rule).
      const subscriptionsSetting = o.withSubscriptions
        ? { mainSwitch: device.subscriptions.mainSwitch, itemSettings: { ...device.subscriptions.itemSettings } }
        : undefined;
      o.success?.({ authSetting, ...(subscriptionsSetting ? { subscriptionsSetting } : {}) });
    },
  );
  // The subscribe dialog: off with the main switch (20004); a kept answer is given without a dialog.
  wx.requestSubscribeMessage.mockImplementation((o: Callbacks<Record<string, string>> & { tmplIds: string[] }) => {
    if (device.tapGestureOnly && !gestureOpen) {
      o.fail?.({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
      return;
    }
    if (!device.subscriptions.mainSwitch) {
      o.fail?.({ errMsg: 'requestSubscribeMessage:fail The main switch is switched off', errCode: 20004 });
      return;
    }
    const answer: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    for (const id of o.tmplIds) answer[id] = device.subscriptions.itemSettings[id] ?? device.subscribeAnswer;
    setTimeout(() => o.success?.(answer), 0);
  });
  // The settings page lists only permissions the user was asked for: a declined privacy agreement is not there.
  wx.openSetting.mockImplementation((o: Callbacks<{ authSetting: Record<string, boolean> }>) => {
    if (device.locationScope !== undefined && device.turnLocationOnInSettings) device.locationScope = true;
    const authSetting: Record<string, boolean> = device.locationScope === undefined ? {} : { 'scope.userLocation': device.locationScope };
    o.success?.({ authSetting });
  });
  wx.scanCode.mockImplementation((o: Callbacks<{ result: string }>) => {
    const text = device.nextScan;
    if (text === null) o.fail?.({ errMsg: 'scanCode:fail cancel' });
    else o.success?.({ result: text });
  });
  // wx.request is the preview's (scripts/preview/local-wx.ts): HTTP to the host, the phone's clock as X-Nearby-Now.
  const local = createLocalWx({ now: () => device.now });
  wx.request.mockImplementation(local.wx.request as (o: unknown) => unknown);
  // The local host takes the caller from X-WX-OPENID: the api client sends config.localOpenid.
  const { config } = require('../../miniprogram/config') as { config: { mode: string; localUrl: string; localOpenid: string } };
  config.mode = 'local';
  config.localUrl = hostUrl;
  config.localOpenid = openid;
  return device;
}

// A tap's gesture lasts while its handler runs: simulate dispatches in a microtask, so the window
// closes at the next macrotask, before any request's answer can arrive.
let gestureOpen = false;

/** Taps as a user does, opening WeChat's gesture window for the handler (see `tapGestureOnly`). */
export async function userTap(page: Rendered, selector: string, index = 0): Promise<void> {
  gestureOpen = true;
  setTimeout(() => {
    gestureOpen = false;
  }, 0);
  await tap(page, selector, index);
}

const loaded = new Map<string, string>();
let sharedComponents: Record<string, string> | null = null;

/** Opens a page by its URL ("/packageRide/pages/unlock/index?q=..."), as WeChat would: query decoded once by the caller. */
export async function openUrl(url: string): Promise<Rendered> {
  const [path, search = ''] = url.replace(/^\//, '').split('?');
  // Components (the privacy sheet, the check-in QR) are loaded once and shared by every page of the file.
  if (!sharedComponents) {
    sharedComponents = {
      'privacy-sheet': loadPage('components/privacy-sheet/index'),
      'checkin-qr': loadPage('packageBooking/components/checkin-qr/index'),
      'report-sheet': loadPage('packageRide/components/report-sheet/index'),
    };
  }
  let id = loaded.get(path);
  if (!id) {
    id = loadPage(path, sharedComponents);
    loaded.set(path, id);
  }
  // WeChat hands a page its query values as they were written in the URL (still encoded).
  const query: Record<string, string> = {};
  for (const pair of search.split('&').filter(Boolean)) {
    const i = pair.indexOf('=');
    query[i < 0 ? pair : pair.slice(0, i)] = i < 0 ? '' : pair.slice(i + 1);
  }
  return openPage(id, query);
}

/** The URL of the last navigation of `kind` (navigateTo, redirectTo, switchTab, reLaunch). */
export function lastNavigation(kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch'): string {
  const calls = wxMock()[kind].mock.calls;
  if (!calls.length) throw new Error(`no ${kind} yet`);
  return (calls[calls.length - 1][0] as { url: string }).url;
}

/** Waits until `check` holds (pages settle over several requests to the host). */
export async function until(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Fakes Date alone (the pages' clocks and the host's X-Nearby-Now); timers, sockets and the host's own clocks stay real. */
export function fakeDateOnly(now: Date | number): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'setImmediate',
      'clearImmediate',
      'nextTick',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
}

/** Moves the phone's clock and the process's Date together. */
export function setNow(device: Device, at: Date): void {
  device.now = at;
  jest.setSystemTime(at);
}
