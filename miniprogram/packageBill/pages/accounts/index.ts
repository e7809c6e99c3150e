/** 户号管理: the bound accounts (holder names masked), bind with the holder's name, unbind. */
import { accounts, bindAccount, unbindAccount } from '../../../services/bills';
import { accountNoHint, refusalText } from '../../../shared/index';
import type { AccountType } from '../../../shared/index';
import { BILLS_PAGE } from '../../lib/paths';
import { TYPE_CHOICES, accountRows, bindFormProblem, bindRefusal, isAccountType, tidyForm, unbindQuestion } from './view';
import type { AccountRow } from './view';

Component({
  data: {
    state: 'loading' as 'loading' | 'list' | 'error',
    rows: [] as AccountRow[],
    choices: TYPE_CHOICES,
    type: 'water' as AccountType,
    hint: accountNoHint('water'),
    accountNo: '',
    holderName: '',
    binding: false,
    /** A refusal or a form problem, shown above 绑定. */
    formError: '',
    errorText: '',
  },
  methods: {
    onLoad() {
      this.load();
    },

    async load() {
      const res = await accounts();
      if (!res.ok) return this.setData({ state: 'error', errorText: refusalText(res.error) });
      this.setData({ state: 'list', rows: accountRows(res.data.accounts) });
    },

    onTypeTap(e: WechatMiniprogram.TouchEvent) {
      const type = String(e.currentTarget.dataset.type || '');
      if (isAccountType(type)) this.setData({ type, hint: accountNoHint(type), formError: '' });
    },

    onAccountNoInput(e: WechatMiniprogram.Input) {
      this.setData({ accountNo: e.detail.value, formError: '' });
    },

    onHolderInput(e: WechatMiniprogram.Input) {
      this.setData({ holderName: e.detail.value, formError: '' });
    },

    async onBind() {
      if (this.data.binding) return;
      const form = tidyForm(this.data);
      const problem = bindFormProblem(this.data.type, form.accountNo, form.holderName);
      if (problem) return this.setData({ formError: problem });
      this.setData({ binding: true, formError: '' });
      const res = await bindAccount({ accountType: this.data.type, ...form });
      if (!res.ok) return this.setData({ binding: false, formError: bindRefusal(res.error) });
      this.setData({ binding: false, accountNo: '', holderName: '' });
      wx.showToast({ title: '绑定成功', icon: 'success' });
      this.load();
    },

    onUnbind(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.rows.find((r) => r.key === e.currentTarget.dataset.key);
      if (!row) return;
      wx.showModal({
        ...unbindQuestion(row),
        confirmText: '解绑',
        confirmColor: '#c5221f',
        success: async (answer) => {
          if (!answer.confirm) return;
          const res = await unbindAccount({ accountType: row.type, accountNo: row.accountNo });
          if (!res.ok) return wx.showToast({ title: refusalText(res.error), icon: 'none' });
          this.load();
        },
      });
    },

    onBills() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: BILLS_PAGE }) });
    },

    onRetry() {
      this.setData({ state: 'loading' });
      this.load();
    },
  },
});
