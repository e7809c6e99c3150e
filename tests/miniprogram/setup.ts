// wx.* mocks for page tests (jsdom + miniprogram-simulate). Every API a page or service may call is
// a jest.fn(); miniprogram-simulate adds its own mocks for the rest when it is first required,
// keeping these (it merges the `wx` it finds). Tests mock the services themselves (jest.mock) and
// assert on these only for view APIs: map context, navigation, toasts.

/** A fresh MapContext mock per wx.createMapContext call; find it in createMapContext.mock.results. */
function mapContext() {
  return {
    initMarkerCluster: jest.fn(),
    addMarkers: jest.fn(),
    removeMarkers: jest.fn(),
    moveToLocation: jest.fn(),
    includePoints: jest.fn(),
    getCenterLocation: jest.fn((o: { success?: (r: { latitude: number; longitude: number }) => void }) =>
      o.success?.({ latitude: 31.2304, longitude: 121.4737 }),
    ),
    getRegion: jest.fn(),
    getScale: jest.fn(),
    on: jest.fn(),
  };
}

const windowInfo = { pixelRatio: 2, screenWidth: 375, screenHeight: 812, windowWidth: 375, windowHeight: 724, statusBarHeight: 44 };

const wxMock = {
  getLocation: jest.fn(),
  openLocation: jest.fn(),
  openSetting: jest.fn(),
  getSetting: jest.fn(),
  authorize: jest.fn(),
  request: jest.fn(),
  cloud: { init: jest.fn(), callFunction: jest.fn() },
  createMapContext: jest.fn(() => mapContext()),
  showToast: jest.fn(),
  showModal: jest.fn(),
  showLoading: jest.fn(),
  hideLoading: jest.fn(),
  navigateTo: jest.fn(),
  redirectTo: jest.fn(),
  navigateBack: jest.fn(),
  switchTab: jest.fn(),
  reLaunch: jest.fn(),
  scanCode: jest.fn(),
  requestPayment: jest.fn(),
  requestSubscribeMessage: jest.fn(),
  pageScrollTo: jest.fn(),
  onNeedPrivacyAuthorization: jest.fn(),
  openPrivacyContract: jest.fn(),
  getPrivacySetting: jest.fn(),
  setStorageSync: jest.fn(),
  getStorageSync: jest.fn(),
  removeStorageSync: jest.fn(),
  setNavigationBarTitle: jest.fn(),
  stopPullDownRefresh: jest.fn(),
  vibrateShort: jest.fn(),
  makePhoneCall: jest.fn(),
  previewImage: jest.fn(),
  chooseLocation: jest.fn(),
  // A plain start (scene 1001); scene 1154 is a page opened from Moments.
  getEnterOptionsSync: jest.fn(() => ({ scene: 1001, path: '', query: {} })),
  getSystemInfoSync: jest.fn(() => ({ ...windowInfo, platform: 'devtools', SDKVersion: '3.6.0' })),
  getWindowInfo: jest.fn(() => windowInfo),
  // DevTools' build: config.ts picks local mode for `develop` only.
  getAccountInfoSync: jest.fn(() => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' } })),
  nextTick: jest.fn((fn: () => void) => setTimeout(fn, 0)),
};

const globals = globalThis as unknown as Record<string, unknown>;
globals.wx = wxMock;
// Pages reach the app through getApp(); App() and Page() are no-ops here (pages use Component()).
const app = { globalData: { lastPosition: null } };
globals.getApp = jest.fn(() => app);
globals.App = jest.fn();
globals.Page = jest.fn();
globals.getCurrentPages = jest.fn(() => []);

// Journey tests run the local host in this jsdom process, whose global lacks node's structuredClone
// (the outbox messenger copies messages with it): node's own, through v8's serializer.
if (typeof globals.structuredClone !== 'function') {
  const v8 = require('node:v8') as typeof import('node:v8');
  globals.structuredClone = <T>(value: T): T => v8.deserialize(v8.serialize(value)) as T;
}
