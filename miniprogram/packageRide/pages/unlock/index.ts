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
import { listBills } from '../../../services/bills';
import { QR_BASE, scanBikeCode } from '../../../services/scan';
import { locationNotice } from '../../../lib/location-notice';
import { pageState } from '../../../lib/page-state';
import { RIDING_PAGE, UNPAID_RIDE_BILL_URL } from '../../lib/ride-view';
import { NOT_A_BIKE_QR, bikeCard, blocksUnlock, followUpLabel, owedLine, typedCode, unlockEntry, unlockRefusal } from './view';
import type { FollowUp } from './view';
import { reportBehavior } from '../../lib/report-behavior';

type State = 'scan' | 'loading' | 'ready' | 'error';

const stateOf = pageState(() => ({ position: null as LatLng | null, typed: '' }));

Component({
  behaviors: [reportBehavior],
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
    /** A refusal that another tap cannot change (owing, riding, the bike unavailable): the button is off. */
    blocked: false,
    /** "待支付 ¥1.50" under the UNPAID_BILL refusal. */
    owedText: '',
    /** The position is being asked for, after the bike and the tariff are shown. */
    locating: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const entry = unlockEntry(query, QR_BASE);
      if (entry.kind === 'code') this.show(entry.code);
      else if (entry.kind === 'refused') this.refuse(entry.text, 'scan');
      else this.onScan();
    },

    refuse(text: string, followUp: FollowUp, state: State = 'error') {
      this.setData({
        state,
        errorText: text,
        followUp,
        followUpText: followUpLabel(followUp, this.data.locationAction),
        blocked: blocksUnlock(followUp),
        owedText: '',
      });
    },

    /** Back from paying (继续用车): the refusal it answered is gone once no ride bill is unpaid. */
    async onShow() {
      if (this.data.followUp !== 'bills') return;
      const unpaid = await listBills('unpaid');
      if (unpaid.ok && !unpaid.data.bills.some((b) => b.type === 'ride')) {
        this.setData({ errorText: '', followUp: '', followUpText: '', blocked: false, owedText: '' });
      }
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
      this.setData({ state: 'loading', code, errorText: '', followUp: '', followUpText: '', blocked: false, owedText: '' });
      // The bike and the tariff first: on a cold start from a sticker the privacy sheet that the
      // location request brings up must not cover a skeleton.
      const preview = await previewBike(code);
      if (!preview.ok) {
        const { text, followUp } = unlockRefusal(preview.error, null);
        this.refuse(text, followUp);
        return;
      }
      this.setData({ state: 'ready', ...bikeCard(preview.data, null), locationMissing: false, locating: true });
      this.showBike(await locate(), preview.data);
    },

    showBike(here: LocateResult, preview: PreviewBikeResult) {
      const position = here.ok ? here.position : null;
      stateOf(this).position = position;
      const notice = here.ok ? { text: '', action: '' } : locationNotice(here.reason, '开锁需要确认你在车旁');
      this.setData({ state: 'ready', locating: false, ...bikeCard(preview, position), locationText: notice.text, locationAction: notice.action });
    },

    async onUnlock() {
      if (this.data.unlocking || this.data.blocked) return;
      this.setData({ unlocking: true, errorText: '', followUp: '', followUpText: '' });
      const here = await locate();
      if (!here.ok) {
        // Said once, on the bike card, with its one button (not again in a refusal card).
        const notice = locationNotice(here.reason, '开锁需要确认你在车旁');
        this.setData({ unlocking: false, locationMissing: true, locationText: notice.text, locationAction: notice.action });
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
      if (res.error.reason === 'UNPAID_BILL') {
        const unpaid = await listBills('unpaid');
        const owedFen = unpaid.ok ? unpaid.data.bills.filter((b) => b.type === 'ride').reduce((sum, b) => sum + b.amountFen, 0) : 0;
        if (owedFen > 0) this.setData({ owedText: owedLine(owedFen) });
      }
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
