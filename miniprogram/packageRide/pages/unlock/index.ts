/**
 * Unlock: reached from the WeChat camera (`q`: the sticker's URL), from the map (`code`), or with
 * nothing (then it opens the scanner; a code can be typed too). Shows the bike, the tariff and how
 * far the rider stands from it; the unlock button starts the ride and moves on to the riding page.
 */
import { distanceM } from '../../../shared/index';
import type { LatLng, PreviewBikeResult } from '../../../shared/index';
import { enableLocation, locate } from '../../../services/location';
import type { LocateResult } from '../../../services/location';
import { previewBike, unlockBike } from '../../../services/rides';
import { QR_BASE, scanBikeCode } from '../../../services/scan';
import { locationNotice } from '../../../lib/location-notice';
import { pageState } from '../../../lib/page-state';
import { RIDING_PAGE, UNPAID_RIDE_BILL_URL } from '../../lib/ride-view';
import { NOT_A_BIKE_QR, bikeCard, followUpLabel, typedCode, unlockEntry, unlockRefusal } from './view';
import type { FollowUp } from './view';

type State = 'scan' | 'loading' | 'ready' | 'error';

const stateOf = pageState(() => ({ position: null as LatLng | null, typed: '' }));

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
    locationText: '',
    locationAction: '',
    unlocking: false,
    errorText: '',
    followUp: '' as FollowUp,
    followUpText: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const entry = unlockEntry(query, QR_BASE);
      if (entry.kind === 'code') this.show(entry.code);
      else if (entry.kind === 'refused') this.refuse(entry.text, 'scan');
      else this.onScan();
    },

    refuse(text: string, followUp: FollowUp, state: State = 'error') {
      this.setData({ state, errorText: text, followUp, followUpText: followUpLabel(followUp, this.data.locationAction) });
    },

    async onScan() {
      this.setData({ state: 'scan', errorText: '', followUp: '', followUpText: '' });
      const scan = await scanBikeCode();
      if (scan.ok) return this.show(scan.code);
      if (scan.reason === 'unreadable') this.refuse(NOT_A_BIKE_QR, 'scan', 'scan');
      // cancelled or failed: the scan state stays, with the scan button and the code field
    },

    onCodeInput(e: WechatMiniprogram.Input) {
      stateOf(this).typed = e.detail.value;
    },

    onCodeConfirm() {
      const code = typedCode(stateOf(this).typed, QR_BASE);
      if (code) this.show(code);
      else this.refuse('请输入车身二维码下方的编号，例如 B0042', '', 'scan');
    },

    async show(code: string) {
      this.setData({ state: 'loading', code, errorText: '', followUp: '', followUpText: '' });
      const [preview, here] = await Promise.all([previewBike(code), locate()]);
      if (!preview.ok) {
        const { text, followUp } = unlockRefusal(preview.error, null);
        this.refuse(text, followUp);
        return;
      }
      this.showBike(here, preview.data);
    },

    showBike(here: LocateResult, preview: PreviewBikeResult) {
      const position = here.ok ? here.position : null;
      stateOf(this).position = position;
      const notice = here.ok ? { text: '', action: '' } : locationNotice(here.reason, '开锁需要确认你在车旁');
      this.setData({ state: 'ready', ...bikeCard(preview, position), locationText: notice.text, locationAction: notice.action });
    },

    async onUnlock() {
      if (this.data.unlocking) return;
      this.setData({ unlocking: true, errorText: '', followUp: '', followUpText: '' });
      const here = await locate();
      if (!here.ok) {
        const notice = locationNotice(here.reason, '开锁需要确认你在车旁');
        this.setData({ unlocking: false, locationMissing: true, locationText: notice.text, locationAction: notice.action });
        this.refuse(notice.text, 'location', 'ready');
        return;
      }
      stateOf(this).position = here.position;
      const res = await unlockBike(this.data.code, here.position);
      if (res.ok) {
        this.setData({ unlocking: false });
        wx.redirectTo({ url: `${RIDING_PAGE}?rideId=${encodeURIComponent(res.data.ride.id)}` });
        return;
      }
      const preview = await previewBike(this.data.code);
      const distance = preview.ok ? distanceM(here.position, preview.data.bike) : null;
      const { text, followUp } = unlockRefusal(res.error, distance);
      this.setData({ unlocking: false });
      this.refuse(text, followUp, 'ready');
    },

    /** Asks again for the position (privacy sheet or prompt; the settings only for a turned-off permission). */
    async onEnableLocation() {
      const here = await enableLocation();
      const preview = await previewBike(this.data.code);
      if (preview.ok) this.showBike(here, preview.data);
      this.setData({ errorText: '', followUp: '', followUpText: '' });
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
          return wx.navigateTo({ url: UNPAID_RIDE_BILL_URL });
        case 'location':
          return this.onEnableLocation();
      }
    },

    /** The way home from any refusal: a cold start from a sticker has no page to go back to. */
    onHome() {
      wx.switchTab({ url: '/pages/nearby/index' });
    },
  },
});
