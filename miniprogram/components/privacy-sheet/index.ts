import { attachPrivacySheet, settlePrivacy } from '../../services/privacy';
import { pageState } from '../../lib/page-state';

const AGREE_BUTTON_ID = 'agree-privacy';
const stateOf = pageState(() => ({ detach: null as (() => void) | null }));

/**
 * Asks for the privacy agreement when WeChat needs it (wx.onNeedPrivacyAuthorization). Put it on
 * every page that can call a private API: WeChat asks on whichever page calls.
 */
Component({
  options: { addGlobalClass: true },
  data: { visible: false, agreeId: AGREE_BUTTON_ID },
  lifetimes: {
    attached() {
      stateOf(this).detach = attachPrivacySheet((visible) => this.setData({ visible }));
    },
    detached() {
      const state = stateOf(this);
      if (state.detach) state.detach();
      state.detach = null;
    },
  },
  methods: {
    onAgree() {
      settlePrivacy(true, AGREE_BUTTON_ID);
      this.triggerEvent('agree');
    },
    onDecline() {
      settlePrivacy(false);
      this.triggerEvent('decline');
    },
    openContract() {
      wx.openPrivacyContract({});
    },
    noop() {},
  },
});
