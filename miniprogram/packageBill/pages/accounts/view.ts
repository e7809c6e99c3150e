/**
 * The accounts page: the bind flow as 生活缴费 has it (city → type → company → number with its
 * hint → holder → household label) and the bound accounts grouped by household. Pure.
 */
import { ACCOUNT_TYPES, ACCOUNT_TYPE_NAME, BIND_TEXT, accountNoHint, accountNoProblem, refusalText } from '../../../shared/index';
import type { AccountType, AccountView, AppError, BillerView, LatLng } from '../../../shared/index';

export const TYPE_CHOICES: readonly { type: AccountType; label: string }[] = ACCOUNT_TYPES.map((type) => ({ type, label: ACCOUNT_TYPE_NAME[type] }));

export interface AccountRow {
  key: string;
  billerId: string;
  accountNo: string;
  /** "上海燃气 · 31000002". */
  title: string;
  /** "燃气 · 户主 L****" (masked by the back end). */
  holder: string;
}

export interface Household {
  label: string;
  rows: AccountRow[];
}

/**
 * The bound accounts by household label, in the order each label first appears; accounts without a
 * label last, under 未分组.
 * @example households([{ billerId: 'sh-gas', billerName: '上海燃气', type: 'gas', accountType: 'gas', accountNo: '31000002', holderName: 'L****', label: '我家', boundAt: '' }])[0].label // => '我家'
 */
export function households(accounts: readonly AccountView[]): Household[] {
  const groups = new Map<string, AccountRow[]>();
  const sorted = [...accounts.filter((a) => a.label), ...accounts.filter((a) => !a.label)];
  for (const a of sorted) {
    const label = a.label || BIND_TEXT.noLabel;
    const rows = groups.get(label) ?? [];
    rows.push({
      key: `${a.billerId}:${a.accountNo}`,
      billerId: a.billerId,
      accountNo: a.accountNo,
      title: `${a.billerName} · ${a.accountNo}`,
      holder: `${ACCOUNT_TYPE_NAME[a.type ?? a.accountType]} · 户主 ${a.holderName}`,
    });
    groups.set(label, rows);
  }
  return [...groups].map(([label, rows]) => ({ label, rows }));
}

/** The cities the deployment collects bills in (its billers'), in their listed order. */
export function cityChoices(billers: readonly BillerView[]): string[] {
  return [...new Set(billers.map((b) => b.city).filter((c) => c !== ''))];
}

/** Where some cities are (GCJ-02 centres): enough to pick the user's city from their position. */
const CITY_CENTRES: Readonly<Record<string, LatLng>> = {
  上海: { lat: 31.2304, lng: 121.4737 },
  北京: { lat: 39.9042, lng: 116.4074 },
  广州: { lat: 23.1291, lng: 113.2644 },
  深圳: { lat: 22.5431, lng: 114.0579 },
  杭州: { lat: 30.2741, lng: 120.1551 },
  南京: { lat: 32.0603, lng: 118.7969 },
  成都: { lat: 30.5728, lng: 104.0668 },
};

/**
 * The city of these whose centre is nearest the position, within 100 km; null when none is.
 * @example cityNear({ lat: 31.2, lng: 121.5 }, ['北京', '上海']) // => '上海'
 */
export function cityNear(position: LatLng, cities: readonly string[]): string | null {
  let best: { city: string; km: number } | null = null;
  for (const city of cities) {
    const c = CITY_CENTRES[city];
    if (!c) continue;
    const dLat = (c.lat - position.lat) * 111;
    const dLng = (c.lng - position.lng) * 111 * Math.cos((position.lat * Math.PI) / 180);
    const km = Math.hypot(dLat, dLng);
    if (km <= 100 && (!best || km < best.km)) best = { city, km };
  }
  return best?.city ?? null;
}

export interface CompanyChoice {
  id: string;
  name: string;
}

/** The companies of a city collecting one type of bill. */
export function companyChoices(billers: readonly BillerView[], city: string, type: AccountType): CompanyChoice[] {
  return billers.filter((b) => b.city === city && b.type === type).map((b) => ({ id: b.id, name: b.name }));
}

/** The form as typed, tidied: spaces in a number are forgiven (a bill prints "3100 0001"). */
export function tidyForm(form: { accountNo: string; holderName: string; label: string }): { accountNo: string; holderName: string; label: string } {
  return { accountNo: form.accountNo.replace(/\s/g, '').toUpperCase(), holderName: form.holderName.trim(), label: form.label.trim() };
}

/** The hint under the number: the company's own (where the number is printed), else the general one. */
export function numberHint(biller: BillerView | undefined, type: AccountType): string {
  return biller ? accountNoHint(biller) : accountNoHint(type);
}

/**
 * Why the form cannot be sent yet (the server checks the company's own format again); '' when it can.
 * @example bindFormProblem(undefined, '31000001', '张三', '') // => '请选择缴费单位'
 */
export function bindFormProblem(biller: BillerView | undefined, accountNo: string, holderName: string, label: string): string {
  if (!biller) return '请选择缴费单位';
  if (!accountNo) return '请输入户号';
  // The page does not know the company's pattern: it checks what any number looks like.
  if (accountNoProblem({ name: biller.name }, accountNo)) return `户号格式不正确：${accountNoHint(biller)}`;
  if (!holderName) return '请输入户主姓名';
  if ([...label].length > 10) return '家庭标签最多 10 个字';
  return '';
}

/** A refused bind in the wording module's words (NOT_FOUND reads the same for a wrong number and a wrong name). */
export function bindRefusal(error: AppError): string {
  return refusalText(error, { subject: 'bind' });
}

/** What a successful bind says: 绑定成功, or 已绑定 when the account was already the caller's. */
export function bindDoneText(alreadyBound: boolean): string {
  return alreadyBound ? BIND_TEXT.alreadyBound : BIND_TEXT.bound;
}

/** What the unbind confirmation says. */
export function unbindQuestion(row: Pick<AccountRow, 'title'>): { title: string; content: string } {
  return { title: '解绑户号', content: `解绑「${row.title}」后将不再显示它的账单，可随时重新绑定。` };
}

export const isAccountType = (t: string): t is AccountType => (ACCOUNT_TYPES as readonly string[]).includes(t);
