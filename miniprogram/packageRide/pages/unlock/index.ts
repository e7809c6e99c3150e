/**
 * Unlock: reached from the WeChat camera (`q`: the sticker's URL), from the nearby map (`code`), or
 * with nothing (then it opens the scanner). Shows the bike, the tariff and how far the rider stands
 * from it; the unlock button starts the ride and moves on to the riding page.
 */
import { bikeCodeFromQuery, distanceM } from '../../../shared/index';
import type { LatLng } from '../../../shared/index';
import { locate, reauthorizeLocation } from '../../../services/location';
import { previewBike, unlockBike } from '../../../services/rides';
import { QR_BASE, scanBikeCode } from '../../../services/scan';
import { distanceLabel } from '../../../lib/distance-label';
import { BILL_PAGE, RIDING_PAGE, tariffLines, unlockRefusal, type FollowUp } from '../../lib/ride-view';

type State = 'scan' | 'loading' | 'ready' | 'error';

// Per page instance, outside `data`: the view does not need them.
const positions = new WeakMap<object, LatLng | null>();

Component({
  data: {
    state: 'loading' as State,
    code: '',
    bikeAvailable: true,
    tariff: [] as string[],
    distanceText: '',
    tooFar: false,
    maxDistanceM: 100,
    locationMissing: false,
    unlocking: false,
    errorText: '',
    followUp: '' as FollowUp,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const code = bikeCodeFromQuery(query, QR_BASE);
      if (code) this.show(code);
      else if (query && query.q) this.setData({ state: 'error', errorText: '这不是单车的二维码，请扫描车身上的二维码', followUp: 'scan' });
      else this.onScan();
    },

    async onScan() {
      this.setData({ state: 'scan', errorText: '', followUp: '' });
      const scan = await scanBikeCode();
      if (scan.ok) return this.show(scan.code);
      if (scan.reason === 'unreadable') this.setData({ state: 'error', errorText: '无法识别这个二维码，请扫描车身上的二维码', followUp: 'scan' });
    },

    async show(code: string) {
      this.setData({ state: 'loading', code, errorText: '', followUp: '' });
      const [preview, here] = await Promise.all([previewBike(code), locate()]);
      if (!preview.ok) {
        const { text, followUp } = unlockRefusal(preview.error, code, null);
        this.setData({ state: 'error', errorText: text, followUp });
        return;
      }
      const { bike, tariff, maxUnlockDistanceM } = preview.data;
      const position = here.ok ? here.position : null;
      positions.set(this, position);
      const distance = position ? distanceM(position, bike) : null;
      this.setData({
        state: 'ready',
        bikeAvailable: bike.available,
        tariff: tariffLines(tariff),
        maxDistanceM: maxUnlockDistanceM,
        distanceText: distance === null ? '' : distanceLabel(distance),
        tooFar: distance !== null && distance > maxUnlockDistanceM,
        locationMissing: position === null,
      });
    },

    async onUnlock() {
      if (this.data.unlocking) return;
      this.setData({ unlocking: true, errorText: '', followUp: '' });
      const here = await locate();
      if (!here.ok) {
        this.setData({ unlocking: false, locationMissing: true, errorText: '开锁需要你的位置：请允许定位后重试', followUp: 'location' });
        return;
      }
      positions.set(this, here.position);
      const res = await unlockBike(this.data.code, here.position);
      if (res.ok) {
        this.setData({ unlocking: false });
        wx.redirectTo({ url: `${RIDING_PAGE}?rideId=${encodeURIComponent(res.data.ride.id)}` });
        return;
      }
      const preview = await previewBike(this.data.code);
      const distance = preview.ok ? distanceM(here.position, preview.data.bike) : null;
      const { text, followUp } = unlockRefusal(res.error, this.data.code, distance);
      this.setData({ unlocking: false, errorText: text, followUp });
    },

    onFollowUp() {
      switch (this.data.followUp) {
        case 'retry':
          return this.onUnlock();
        case 'scan':
          return this.onScan();
        case 'riding':
          return wx.redirectTo({ url: RIDING_PAGE });
        case 'bills':
          return wx.navigateTo({ url: BILL_PAGE, fail: () => wx.showToast({ title: '账单支付即将上线', icon: 'none' }) });
        case 'location':
          return reauthorizeLocation().then((allowed) => {
            if (allowed) this.show(this.data.code);
          });
      }
    },
  },
});
