/** The accounts page: bound accounts as rows, the bind form's choices, checks and refusals. Pure. */
import { ACCOUNT_TYPES, ACCOUNT_TYPE_NAME, BILL_TYPE_NAME, accountNoHint, accountNoProblem, refusalText } from '../../../shared/index';
import type { AccountType, AccountView, AppError } from '../../../shared/index';

export const TYPE_CHOICES: readonly { type: AccountType; label: string }[] = ACCOUNT_TYPES.map((type) => ({ type, label: ACCOUNT_TYPE_NAME[type] }));

export interface AccountRow {
  key: string;
  type: AccountType;
  accountNo: string;
  title: string;
  /** "户主 张*" (masked by the back end). */
  holder: string;
}

/** @example accountRows([{ accountType: 'water', accountNo: '31000001', holderName: '张*', boundAt: '' }])[0].title // => '水费 · 31000001' */
export function accountRows(accounts: readonly AccountView[]): AccountRow[] {
  return accounts.map((a) => ({
    key: `${a.accountType}:${a.accountNo}`,
    type: a.accountType,
    accountNo: a.accountNo,
    title: `${BILL_TYPE_NAME[a.accountType]} · ${a.accountNo}`,
    holder: `户主 ${a.holderName}`,
  }));
}

export const isAccountType = (t: string): t is AccountType => (ACCOUNT_TYPES as readonly string[]).includes(t);

/** The form as typed, tidied: spaces in a number are forgiven (a bill prints "3100 0001"). */
export function tidyForm(form: { accountNo: string; holderName: string }): { accountNo: string; holderName: string } {
  return { accountNo: form.accountNo.replace(/[\s-]/g, ''), holderName: form.holderName.trim() };
}

/**
 * Why the form cannot be sent yet, checked with the back end's own format rule (the server checks
 * again); '' when it can.
 * @example bindFormProblem('electricity', '12345', '张三') // => '户号格式不正确：电费户号为 10 或 13 位数字，见缴费单'
 */
export function bindFormProblem(type: AccountType, accountNo: string, holderName: string): string {
  if (!accountNo) return '请输入户号';
  if (accountNoProblem(type, accountNo)) return `户号格式不正确：${accountNoHint(type)}`;
  if (!holderName) return '请输入户主姓名';
  return '';
}

/** A refused bind in the wording module's words (NOT_FOUND reads the same for a wrong number and a wrong name). */
export function bindRefusal(error: AppError): string {
  return refusalText(error, { subject: 'bind' });
}

/** What the unbind confirmation says. */
export function unbindQuestion(row: Pick<AccountRow, 'title'>): { title: string; content: string } {
  return { title: '解绑户号', content: `解绑「${row.title}」后将不再显示它的账单，可随时重新绑定。` };
}
