import { config } from './config';
import { listenForPrivacyRequests } from './services/privacy';

export interface NearbyGlobalData {
  /** The last position the user shared (GCJ-02); pages reuse it instead of asking again. */
  lastPosition: { lat: number; lng: number } | null;
}

App<{ globalData: NearbyGlobalData }>({
  globalData: { lastPosition: null },
  onLaunch() {
    listenForPrivacyRequests();
    // Local mode never touches wx.cloud: a fresh clone runs in DevTools without a CloudBase account.
    if (config.mode === 'cloud') wx.cloud.init({ env: config.envId, traceUser: true });
  },
});
