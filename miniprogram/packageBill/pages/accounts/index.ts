/**
 * The household accounts page (MANAGE_ACCOUNTS): the bind flow (city from location, changeable → type → company → number with its hint →
 * holder check → household label) and the bound accounts grouped by household.
 */
import { accounts, billers, bindAccount, unbindAccount } from '../../../services/bills';
import { locate } from '../../../services/location';
import { BIND_TEXT, loadFailed, refusalText } from '../../../shared/index';
import type { AccountType, BillerView } from '../../../shared/index';
import { pageState } from '../../../lib/page-state';
import { BILLS_PAGE } from '../../lib/paths';
import {
  TYPE_CHOICES,
  bindDoneText,
  bindFormProblem,
  bindRefusal,
  cityChoices,
  cityNear,
  companyChoices,
  households,
  isAccountType,
  numberHint,
  tidyForm,
  unbindQuestion,
} from './view';
import type { CompanyChoice, Household } from './view';

const stateOf = pageState(() => ({ billers: [] as BillerView[] }));

Component({
  data: {
    state: 'loading' as 'loading' | 'list' | 'error',
    groups: [] as Household[],
    cities: [] as string[],
    city: '',
    cityNote: '',
    choices: TYPE_CHOICES,
    type: 'water' as AccountType,
    companies: [] as CompanyChoice[],
    billerId: '',
    hint: '',
    accountNo: '',
    holderName: '',
    labels: BIND_TEXT.labels,
    label: '',
    binding: false,
    /** A refusal or a form problem, shown above 绑定. */
    formError: '',
    /** 绑定成功 / 已绑定, shown under the form. */
    done: '',
    noCompany: BIND_TEXT.noCompany,
    errorText: '',
    failedTitle: loadFailed('户号'),
  },
  methods: {
    onLoad() {
      this.load();
    },

    async load() {
      const [list, mine] = await Promise.all([billers(), accounts()]);
      if (!list.ok) return this.setData({ state: 'error', errorText: refusalText(list.error) });
      if (!mine.ok) return this.setData({ state: 'error', errorText: refusalText(mine.error) });
      stateOf(this).billers = list.data.billers;
      const cities = cityChoices(list.data.billers);
      const city = this.data.city && cities.includes(this.data.city) ? this.data.city : (cities[0] ?? '');
      this.setData({ state: 'list', groups: households(mine.data.accounts), cities });
      this.choose(city, this.data.type);
      if (!this.data.cityNote) this.locateCity(cities);
    },

    /** The city from the position; refused or far from every city: the choice stays as it is. */
    async locateCity(cities: string[]) {
      this.setData({ cityNote: BIND_TEXT.locating });
      const here = await locate();
      const near = here.ok ? cityNear(here.position, cities) : null;
      if (near) this.choose(near, this.data.type);
      this.setData({ cityNote: near ? BIND_TEXT.located : BIND_TEXT.locationOff });
    },

    /** City and type chosen: the companies, the first one picked, its hint. */
    choose(city: string, type: AccountType) {
      const all = stateOf(this).billers;
      const companies = companyChoices(all, city, type);
      const billerId = companies.some((c) => c.id === this.data.billerId) ? this.data.billerId : (companies[0]?.id ?? '');
      const biller = all.find((b) => b.id === billerId);
      this.setData({ city, type, companies, billerId, hint: numberHint(biller, type), formError: '', done: '' });
    },

    onCityTap(e: WechatMiniprogram.TouchEvent) {
      const city = String(e.currentTarget.dataset.city || '');
      if (city) this.choose(city, this.data.type);
    },

    onTypeTap(e: WechatMiniprogram.TouchEvent) {
      const type = String(e.currentTarget.dataset.type || '');
      if (isAccountType(type)) this.choose(this.data.city, type);
    },

    onCompanyTap(e: WechatMiniprogram.TouchEvent) {
      const billerId = String(e.currentTarget.dataset.id || '');
      const biller = stateOf(this).billers.find((b) => b.id === billerId);
      if (biller) this.setData({ billerId, hint: numberHint(biller, this.data.type), formError: '', done: '' });
    },

    onAccountNoInput(e: WechatMiniprogram.Input) {
      this.setData({ accountNo: e.detail.value, formError: '', done: '' });
    },

    onHolderInput(e: WechatMiniprogram.Input) {
      this.setData({ holderName: e.detail.value, formError: '', done: '' });
    },

    onLabelTap(e: WechatMiniprogram.TouchEvent) {
      const label = String(e.currentTarget.dataset.label || '');
      this.setData({ label: label === this.data.label ? '' : label });
    },

    onLabelInput(e: WechatMiniprogram.Input) {
      this.setData({ label: e.detail.value, formError: '' });
    },

    async onBind() {
      if (this.data.binding) return;
      const form = tidyForm(this.data);
      const biller = stateOf(this).billers.find((b) => b.id === this.data.billerId);
      const problem = bindFormProblem(biller, form.accountNo, form.holderName, form.label);
      if (problem || !biller) return this.setData({ formError: problem });
      this.setData({ binding: true, formError: '', done: '' });
      const res = await bindAccount({
        billerId: biller.id,
        accountNo: form.accountNo,
        holderName: form.holderName,
        ...(form.label ? { label: form.label } : {}),
      });
      if (!res.ok) return this.setData({ binding: false, formError: bindRefusal(res.error) });
      const done = bindDoneText(res.data.alreadyBound);
      this.setData({ binding: false, accountNo: '', holderName: '', done });
      wx.showToast({ title: done, icon: res.data.alreadyBound ? 'none' : 'success' });
      const mine = await accounts();
      if (mine.ok) this.setData({ groups: households(mine.data.accounts) });
    },

    onUnbind(e: WechatMiniprogram.TouchEvent) {
      const key = e.currentTarget.dataset.key;
      const row = this.data.groups.flatMap((g) => g.rows).find((r) => r.key === key);
      if (!row) return;
      wx.showModal({
        ...unbindQuestion(row),
        confirmText: '解绑',
        confirmColor: '#c5221f',
        success: async (answer) => {
          if (!answer.confirm) return;
          const res = await unbindAccount({ billerId: row.billerId, accountNo: row.accountNo });
          if (!res.ok) return wx.showToast({ title: refusalText(res.error), icon: 'none' });
          const mine = await accounts();
          if (mine.ok) this.setData({ groups: households(mine.data.accounts) });
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
