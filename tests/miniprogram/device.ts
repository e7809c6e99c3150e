// Plays the phone for journey tests with the one test phone (scripts/preview/local-wx.ts, the
// preview's too): its device APIs (wx.request over HTTP to a real local host, so the pages' real
// services run unchanged; location, permission, privacy, camera, subscribe messages, with WeChat's
// semantics) are installed into the jest mocks of setup.ts, so tests can still count their calls.
// The view APIs (navigation, toasts) stay bare mocks: tests read them, and navigation is followed.
import { loadPage, openPage, tap, wxMock, type Rendered } from './harness';
import { createLocalWx, DEVICE_APIS, newDevice, postJson, type Device } from '../../scripts/preview/local-wx';

export type { Device };

// One phone for the file. The app registers its privacy listener once: the phone takes it from the
// start and keeps it past jest.clearAllMocks() (which forgets mock calls, not implementations); the
// other device APIs are played from the first playDevice on (a page test that only borrows
// fakeDateOnly keeps its bare mocks).
const phone = createLocalWx();
const mocks = wxMock() as Record<string, jest.Mock>;
function play(name: (typeof DEVICE_APIS)[number]): void {
  mocks[name] ??= jest.fn();
  mocks[name].mockImplementation(phone.wx[name] as (...args: unknown[]) => unknown);
}
play('onNeedPrivacyAuthorization');

/**
 * POSTs an event to the host as `openid` at `now` (the preview's client: node's http, as jsdom has
 * no fetch). Name the answer's type where you can; the loose default serves a quick field read.
 */
// biome-ignore lint/suspicious/noExplicitAny: a test helper's default answer type
export function hostCall<T = any>(hostUrl: string, fn: string, event: unknown, as: { openid: string; now?: Date }): Promise<T> {
  return postJson<T>(`${hostUrl}/functions/${fn}`, event, { 'x-wx-openid': as.openid, ...(as.now ? { 'x-nearby-now': as.now.toISOString() } : {}) });
}

/**
 * The phone, as WeChat hands it over on first launch (privacy not agreed, location never asked),
 * with `start` on top, talking to the local host at `hostUrl` as `openid`; returns its state to
 * change between steps.
 */
export function playDevice(hostUrl: string, openid: string, start: Partial<Device> = {}): Device {
  Object.assign(phone.device, newDevice({ now: new Date(), ...start }));
  for (const name of DEVICE_APIS) play(name);
  // The local host takes the caller from X-WX-OPENID: the api client sends config.localOpenid.
  const { config } = require('../../miniprogram/config') as { config: { mode: string; localUrl: string; localOpenid: string } };
  config.mode = 'local';
  config.localUrl = hostUrl;
  config.localOpenid = openid;
  return phone.device;
}

/** Taps as a user does, opening WeChat's gesture window for the handler (see `tapGestureOnly`). */
export async function userTap(page: Rendered, selector: string, index = 0): Promise<void> {
  phone.gesture();
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
