import { attachPrivacySheet, settlePrivacy } from '../../services/privacy';

const AGREE_BUTTON_ID = 'agree-privacy';

/** Asks for the privacy agreement when WeChat needs it (wx.onNeedPrivacyAuthorization). */
Component({
  options: { addGlobalClass: true },
  data: { visible: false, agreeId: AGREE_BUTTON_ID },
  lifetimes: {
    attached() {
      const detach = attachPrivacySheet((visible) => this.setData({ visible }));
      (this as unknown as { detachSheet: () => void }).detachSheet = detach;
    },
    detached() {
      const self = this as unknown as { detachSheet?: () => void };
      if (self.detachSheet) self.detachSheet();
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
  },
});
