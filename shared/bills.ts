/**
 * The bills rules: which account numbers a utility issues, when a bind succeeds, how names are
 * masked, how many failed binds a caller gets, how bills are listed, and what an import row
 * becomes. Pure: the facts (what the store read) and "now" are arguments; the adapters read the
 * facts in their atomic step, ask these rules and write the outcome.
 */
import { fail, type Fail } from './result';

export const ACCOUNT_TYPES = ['water', 'electricity', 'gas'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type BillType = AccountType | 'ride';

/**
 * The account numbers each utility issues: digits only, of these lengths (State Grid's 户号 is 10
 * or 13 digits; the demo city's water and gas companies issue 8 to 12). A number of another shape
 * cannot be anybody's account: INVALID_ARGUMENT, not NOT_FOUND.
 */
export const ACCOUNT_NO_FORMATS: Record<AccountType, { pattern: RegExp; says: string }> = {
  water: { pattern: /^\d{8,12}$/, says: '8 to 12 digits' },
  electricity: { pattern: /^(\d{10}|\d{13})$/, says: '10 or 13 digits' },
  gas: { pattern: /^\d{8,12}$/, says: '8 to 12 digits' },
};

/** Why an account number cannot be of that type, or null when its shape is right. */
export function accountNoProblem(type: AccountType, accountNo: string): string | null {
  const format = ACCOUNT_NO_FORMATS[type];
  return format.pattern.test(accountNo) ? null : `a ${type} account number is ${format.says}`;
}

/** A bill period: a month `YYYY-MM`, or a range of months `YYYY-MM/YYYY-MM` (bimonthly water bills). */
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])(\/\d{4}-(0[1-9]|1[0-2]))?$/;

/**
 * A holder name as compared: Unicode-normalised (NFKC: full-width letters are letters), spaces of
 * any kind removed, lower case.
 * @example normalName(' Li  Lei ') // => 'lilei'
 */
export function normalName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/** @example namesMatch('LI LEI', 'li lei') // => true */
export function namesMatch(given: string, utility: string): boolean {
  const a = normalName(given);
  return a !== '' && a === normalName(utility);
}

/**
 * A holder name as shown to the caller: its first character, the rest starred (so a bound account
 * does not tell a stranger who lives there).
 * @example maskName('张三丰') // => '张**'
 * @example maskName('Li Lei') // => 'L****'
 */
export function maskName(name: string): string {
  const chars = [...name.normalize('NFKC').replace(/\s+/gu, '')];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** More than this many failed binds by one caller within `BIND_WINDOW_SEC` is RESOURCE_EXHAUSTED. */
export const BIND_FAILURE_LIMIT = 5;
export const BIND_WINDOW_SEC = 3600;

/** The failed binds that still count at `now` (the window slides). */
export function recentFailures(failures: readonly Date[], now: Date): Date[] {
  const from = now.getTime() - BIND_WINDOW_SEC * 1000;
  return failures.filter((t) => t.getTime() > from && t.getTime() <= now.getTime());
}

export type BindDecision =
  /** Bind it (already bound: the same answer, nothing new written). */
  | { kind: 'bind'; alreadyBound: boolean }
  /** Unknown number or wrong name: one more failure recorded, and the same NOT_FOUND either way. */
  | { kind: 'not-found' }
  /** Too many failures within the hour: nothing is checked, nothing recorded. */
  | { kind: 'rate-limited'; retryAt: Date };

/**
 * `bills.bindAccount`'s rule. Once a caller has failed `BIND_FAILURE_LIMIT` times within the hour,
 * every further attempt is refused before anything is looked at (a correct guess too), so the
 * limit bounds what guessing can learn.
 */
export function decideBind(
  facts: { failures: readonly Date[]; account: { holderName: string } | null; holderName: string; alreadyBound: boolean },
  now: Date,
): BindDecision {
  const recent = recentFailures(facts.failures, now);
  if (recent.length >= BIND_FAILURE_LIMIT) {
    const oldest = Math.min(...recent.map((t) => t.getTime()));
    return { kind: 'rate-limited', retryAt: new Date(oldest + BIND_WINDOW_SEC * 1000) };
  }
  if (facts.account === null || !namesMatch(facts.holderName, facts.account.holderName)) return { kind: 'not-found' };
  return { kind: 'bind', alreadyBound: facts.alreadyBound };
}

/** The one answer of an unknown number and of a wrong name (API.md: the same either way). */
export function bindNotFound(): Fail {
  return fail('NOT_FOUND', 'no account of that type and number with that holder name');
}

export function bindRateLimited(retryAt: Date): Fail {
  return fail('RESOURCE_EXHAUSTED', `too many failed binds in the last hour: try again after ${retryAt.toISOString()}`, 'TOO_MANY_BINDS');
}

/** A bill as `bills.list` shows it. */
export interface BillView {
  id: string;
  type: BillType;
  accountNo?: string;
  period?: string;
  amountFen: number;
  dueDate?: string;
  status: 'unpaid' | 'paid';
  /** When the bill was paid (added to API.md's shape). */
  paidAt?: string;
  /** Ride bills: the ride (added). */
  rideId?: string;
}

/**
 * `bills.list`'s order: unpaid first; unpaid by due date (ride bills, due at once, first), then
 * by id; paid ones latest paid first.
 */
export function sortBills(bills: readonly BillView[]): BillView[] {
  const dueKey = (b: BillView) => (b.type === 'ride' ? '' : (b.dueDate ?? '9999-12-31'));
  return [...bills].sort((a, b) => {
    if (a.status !== b.status) return a.status === 'unpaid' ? -1 : 1;
    if (a.status === 'unpaid') return dueKey(a).localeCompare(dueKey(b)) || a.id.localeCompare(b.id);
    return (b.paidAt ?? '').localeCompare(a.paidAt ?? '') || a.id.localeCompare(b.id);
  });
}

/** One row of a utility's bill file, as `admin.importBills` takes it (already validated by the contract). */
export interface ImportRow {
  accountType: AccountType;
  accountNo: string;
  holderName: string;
  period: string;
  amountFen: number;
  dueDate: string;
}

/** The dedup key of a utility bill (API.md: re-importing the same type, number and period does not duplicate it). */
export function billKey(row: Pick<ImportRow, 'accountType' | 'accountNo' | 'period'>): string {
  return `${row.accountType}|${row.accountNo}|${row.period}`;
}

/**
 * A utility bill's id: its dedup key, readable and deterministic, so that an import retried after
 * a crash writes the same document (CloudBase) or meets the same row (SQLite).
 * @example utilityBillId({ accountType: 'water', accountNo: '31000001', period: '2026-09/2026-10' }) // => 'UB:water:31000001:2026-09_2026-10'
 */
export function utilityBillId(row: Pick<ImportRow, 'accountType' | 'accountNo' | 'period'>): string {
  return `UB:${row.accountType}:${row.accountNo}:${row.period.replace('/', '_')}`;
}

/** The key of an account (type and number). */
export function accountKey(type: AccountType, accountNo: string): string {
  return `${type}:${accountNo}`;
}

/** What the payer sees on the WeChat Pay sheet for a bill. */
export function payDescription(bill: { type: BillType; accountNo?: string | null; period?: string | null }): string {
  if (bill.type === 'ride') return 'Nearby 单车骑行费';
  const name = { water: '水费', electricity: '电费', gas: '燃气费' }[bill.type];
  return `Nearby ${name} ${bill.accountNo ?? ''} ${bill.period ?? ''}`.trim();
}

/** The refusals of `bills.pay` / `bills.refresh` (words decided here, once). */
export const billRefusals = {
  notFound: (billId: string) => fail('NOT_FOUND', `billId: no bill "${billId.slice(0, 64)}" of yours`),
  alreadyPaid: (billId: string) => fail('FAILED_PRECONDITION', `billId: bill "${billId.slice(0, 64)}" is already paid`, 'ALREADY_PAID'),
  notPayable: (billId: string, amountFen: number) =>
    fail('FAILED_PRECONDITION', `billId: bill "${billId.slice(0, 64)}" of ${amountFen} fen cannot be paid online`, 'NOT_PAYABLE'),
  payUnavailable: (variable: string, message: string) =>
    fail('FAILED_PRECONDITION', `payments are not configured: ${variable}: ${message}`, 'PAYMENTS_UNAVAILABLE'),
  payFailed: (message: string) => fail('FAILED_PRECONDITION', `WeChat Pay did not take the order: ${message.slice(0, 200)}; try again`, 'PAY_FAILED'),
};
