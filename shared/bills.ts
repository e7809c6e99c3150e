/**
 * The bills rules: the utility companies (billers) and their account-number formats, when a bind
 * succeeds and how often one may fail, who may see or pay a bill, how names are masked, how bills
 * are listed, what an import row becomes, and the ride bill's shape. Pure: the facts (what the
 * store read) and "now" are arguments; the adapters read the facts in their atomic step, ask these
 * rules and write the outcome.
 */
import { fail, type Fail } from './result';

export const ACCOUNT_TYPES = ['water', 'electricity', 'gas'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type BillType = AccountType | 'ride';

// ---------------------------------------------------------------------------------------------
// Billers (缴费单位) and their account numbers

/** A utility company whose bills this deployment collects (`admin.upsertBillers`). */
export interface Biller {
  id: string;
  name: string;
  type: AccountType;
  city: string;
  /** The company's account-number format: a regular expression source, matched whole. */
  accountNoPattern?: string;
  /** Where the number is printed (shown on the bind form). */
  accountNoHint?: string;
}

/** A biller id: short, and free of `:` so that `utilityBillId` and `accountKey` stay unambiguous. */
export const BILLER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Any account number: 1 to 32 letters, digits or `-` (a biller's pattern narrows it). */
export const ACCOUNT_NO_CHARS = /^[A-Za-z0-9-]{1,32}$/;

/** Without a biller's own format, a number is 4 to 32 letters, digits or `-` (API.md). */
export const DEFAULT_ACCOUNT_NO = /^[A-Za-z0-9-]{4,32}$/;

/** The longest `accountNoPattern` taken. */
export const MAX_PATTERN_LENGTH = 200;

/** The biller `accountType` stands for when a deployment has none of that type: one named after the type. */
export const TYPE_BILLER_NAME: Readonly<Record<AccountType, string>> = { water: '水费', electricity: '电费', gas: '燃气费' };

/** @example typeBiller('gas') // => { id: 'gas', name: '燃气费', type: 'gas', city: '' } */
export function typeBiller(type: AccountType): Biller {
  return { id: type, name: TYPE_BILLER_NAME[type], type, city: '' };
}

/**
 * Why a pattern cannot be a biller's account-number format, or null: it must compile (whole-string,
 * Unicode mode), and no repeated group may itself repeat or alternate (`(\d+)+`, `(a|ab)*`): those
 * can take exponential time on a crafted number.
 * @example patternProblem('(\\d+)+') // => 'repeats a group that itself repeats or alternates: it could run for long'
 */
export function patternProblem(source: string): string | null {
  if (source.length === 0) return 'must not be empty';
  if (source.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    return `is not a valid regular expression (${String((err as Error).message).slice(0, 80)})`;
  }
  if (/\\[1-9]|\\k</.test(source)) return 'must not use back-references';
  // Each open group: whether it holds a repetition or an alternation.
  const groups: { risky: boolean }[] = [];
  let lastGroupRisky = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const repeatsHere = () => {
      const next = source[i + 1];
      if (next === '*' || next === '+') return true;
      if (next === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i + 1));
        return m !== null && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1);
      }
      return false;
    };
    if (c === '\\') {
      i++;
      if (repeatsHere() && groups.length) groups[groups.length - 1].risky = true;
      continue;
    }
    if (c === '[') {
      // Skip the class (escapes inside it too).
      let j = i + 1;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      i = j;
      if (repeatsHere() && groups.length) groups[groups.length - 1].risky = true;
      continue;
    }
    if (c === '(') {
      groups.push({ risky: false });
      continue;
    }
    if (c === ')') {
      const g = groups.pop();
      lastGroupRisky = g?.risky ?? false;
      if (repeatsHere()) {
        if (lastGroupRisky) return 'repeats a group that itself repeats or alternates: it could run for long';
        if (groups.length) groups[groups.length - 1].risky = true;
      } else if (lastGroupRisky && groups.length) groups[groups.length - 1].risky = true;
      continue;
    }
    if (c === '|') {
      if (groups.length) groups[groups.length - 1].risky = true;
      continue;
    }
    if (repeatsHere() && groups.length) groups[groups.length - 1].risky = true;
  }
  return null;
}

const compiled = new Map<string, RegExp>();
function wholeMatch(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`, 'u');
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/**
 * Why an account number cannot be the biller's, or null when its shape is right: letters, digits
 * or `-` (at most 32), matching the biller's own format, or 4 to 32 of them without one.
 * @example accountNoProblem({ name: '上海城投水务', accountNoPattern: '\\d{8}' }, '3100001') // => 'is not a 上海城投水务 account number'
 */
export function accountNoProblem(biller: Pick<Biller, 'name' | 'accountNoPattern'>, accountNo: string): string | null {
  if (!ACCOUNT_NO_CHARS.test(accountNo)) return 'must be letters, digits or - (at most 32)';
  if (biller.accountNoPattern) return wholeMatch(biller.accountNoPattern).test(accountNo) ? null : `is not a ${biller.name} account number`;
  return DEFAULT_ACCOUNT_NO.test(accountNo) ? null : 'must be 4 to 32 letters, digits or -';
}

/** How a request names its biller: by id, or by a type standing for that type's only biller. */
export type BillerRef = { billerId: string; accountType?: undefined } | { accountType: AccountType; billerId?: undefined };

export type ResolvedBiller = { ok: true; biller: Biller /** The type's biller does not exist yet (an import makes it). */; create: boolean } | Fail;

/**
 * The biller a request means (API.md): an id names one (unknown: NOT_FOUND); a type stands for the
 * deployment's only biller of that type, or for the one named after the type when there is none;
 * with several, the caller must name `billerId`. `at` prefixes the field ("bills[3].").
 * @example resolveBiller({ accountType: 'gas' }, { byId: null, ofType: [] }).ok // => true (typeBiller('gas'), create)
 */
export function resolveBiller(ref: BillerRef, facts: { byId: Biller | null; ofType: readonly Biller[] }, at = ''): ResolvedBiller {
  if (ref.billerId !== undefined) {
    return facts.byId ? { ok: true, biller: facts.byId, create: false } : fail('NOT_FOUND', `${at}billerId: no biller "${ref.billerId.slice(0, 64)}"`);
  }
  if (facts.ofType.length === 0) return { ok: true, biller: typeBiller(ref.accountType), create: true };
  if (facts.ofType.length === 1) return { ok: true, biller: facts.ofType[0], create: false };
  return fail(
    'INVALID_ARGUMENT',
    `${at}billerId: is required: ${facts.ofType.length} billers collect ${ref.accountType} bills (${facts.ofType
      .slice(0, 5)
      .map((b) => b.id)
      .join(', ')})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Holder names

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

// ---------------------------------------------------------------------------------------------
// Binding an account

/** Failed binds by one caller within `BIND_WINDOW_SEC` before every bind of theirs waits. */
export const BIND_FAILURE_LIMIT = 5;
/** Failed binds of one account number (by anybody) within `BIND_WINDOW_SEC` before every bind of it waits. */
export const ACCOUNT_BIND_FAILURE_LIMIT = 10;
export const BIND_WINDOW_SEC = 3600;
/** How far back failures are kept and read: a limit reached up to an hour ago still holds for an hour. */
export const BIND_MEMORY_SEC = 2 * BIND_WINDOW_SEC;
/** The longest household label ("我家", "父母家"). */
export const MAX_LABEL_LENGTH = 10;

/** The failed binds still worth keeping at `now` (the store forgets older ones). */
export function recentFailures(failures: readonly Date[], now: Date): Date[] {
  const from = now.getTime() - BIND_MEMORY_SEC * 1000;
  return failures.filter((t) => t.getTime() > from && t.getTime() <= now.getTime());
}

/**
 * Until when binds wait, or null: once `limit` failures fall within one window, binds wait until a
 * window after the failure that reached the limit (API.md). Nothing is recorded while they wait.
 * @example limitedUntil([t0, t0 + 1 s, t0 + 2 s], 3, t0 + 10 s) // => t0 + 2 s + 1 h
 */
export function limitedUntil(failures: readonly Date[], limit: number, now: Date): Date | null {
  const times = recentFailures(failures, now)
    .map((t) => t.getTime())
    .sort((a, b) => a - b);
  let reached: number | null = null;
  for (let i = limit - 1; i < times.length; i++) {
    if (times[i] - times[i - limit + 1] < BIND_WINDOW_SEC * 1000) reached = times[i];
  }
  if (reached === null || now.getTime() >= reached + BIND_WINDOW_SEC * 1000) return null;
  return new Date(reached + BIND_WINDOW_SEC * 1000);
}

export type BindDecision =
  /** Bind it; one already bound is answered again, unchanged (its own label, nothing written). */
  | { kind: 'bind'; alreadyBound: boolean; label: string | null }
  /** Unknown number or wrong name: one more failure recorded for the caller and the number, and the same NOT_FOUND either way. */
  | { kind: 'not-found' }
  /** Too many failures within the hour by the caller or of the number: nothing is checked, nothing recorded. */
  | { kind: 'rate-limited'; retryAt: Date };

/**
 * `bills.bindAccount`'s rule. Once the caller has failed `BIND_FAILURE_LIMIT` times, or the number
 * `ACCOUNT_BIND_FAILURE_LIMIT` times, within the hour, every further attempt is refused before
 * anything is looked at (a correct guess too), so that neither one caller nor many callers together
 * can guess a holder's name.
 */
export function decideBind(
  facts: {
    callerFailures: readonly Date[];
    accountFailures: readonly Date[];
    account: { holderName: string } | null;
    holderName: string;
    /** The caller's binding of this account, if any. */
    binding: { label: string | null } | null;
    label: string | null;
  },
  now: Date,
): BindDecision {
  const until = [limitedUntil(facts.callerFailures, BIND_FAILURE_LIMIT, now), limitedUntil(facts.accountFailures, ACCOUNT_BIND_FAILURE_LIMIT, now)]
    .filter((d): d is Date => d !== null)
    .sort((a, b) => b.getTime() - a.getTime());
  if (until.length > 0) return { kind: 'rate-limited', retryAt: until[0] };
  if (facts.account === null || !namesMatch(facts.holderName, facts.account.holderName)) return { kind: 'not-found' };
  if (facts.binding) return { kind: 'bind', alreadyBound: true, label: facts.binding.label };
  return { kind: 'bind', alreadyBound: false, label: facts.label };
}

/** The one answer of an unknown number and of a wrong name (API.md: the same either way). */
export function bindNotFound(): Fail {
  return fail('NOT_FOUND', 'no account of that biller and number with that holder name');
}

export function bindRateLimited(retryAt: Date): Fail {
  return fail('RESOURCE_EXHAUSTED', `too many failed binds in the last hour: try again after ${retryAt.toISOString()}`, 'TOO_MANY_BINDS');
}

/** A bill imported or bound after its reminder day is still reminded up to this many days past its due date. */
export const BILL_REMINDER_LATE_DAYS = 7;

/** The key of an account (biller and number): the account's id in both stores. */
export function accountKey(billerId: string, accountNo: string): string {
  return `${billerId}:${accountNo}`;
}

// ---------------------------------------------------------------------------------------------
// Who may see and pay a bill

/**
 * Whether `caller` may see (and pay) a bill: a ride bill is its rider's; a utility bill is seen by
 * everyone who has its account bound now (a household: each member binds it).
 * @example billVisibleTo('u1', { type: 'water', openid: null, billerId: 'sh-water', accountNo: '31000001' }, ['sh-water:31000001']) // => true
 */
export function billVisibleTo(
  caller: string,
  bill: { type: BillType; openid: string | null; billerId?: string; accountNo?: string },
  boundAccountKeys: readonly string[],
): boolean {
  if (bill.type === 'ride') return bill.openid === caller;
  if (bill.billerId === undefined || bill.accountNo === undefined) return false;
  return boundAccountKeys.includes(accountKey(bill.billerId, bill.accountNo));
}

// ---------------------------------------------------------------------------------------------
// Bills as listed

/** A bill as `bills.list` shows it. */
export interface BillView {
  id: string;
  type: BillType;
  billerId?: string;
  billerName?: string;
  /** The caller's household label of the bill's account. */
  label?: string;
  accountNo?: string;
  period?: string;
  amountFen: number;
  dueDate?: string;
  status: 'unpaid' | 'paid';
  /** When the bill was paid (added to API.md's shape). */
  paidAt?: string;
  /** Ride bills: the ride (added). */
  rideId?: string;
  /** Once paid: WeChat Pay's transaction id (added: the payment record lists it). */
  transactionId?: string;
}

/** One bill in full (`bills.get`): the list's fields and the holder (masked). */
export interface BillDetail extends BillView {
  holderName?: string;
  /** A ride bill: which ride it is (API.md `bills.get`). */
  bikeCode?: string;
  startAt?: string;
  endAt?: string;
  durationSec?: number;
  feeFen?: number;
  surchargeFen?: number;
}

/**
 * `bills.list`'s order: unpaid first; unpaid by due date (ride bills, due at once, first), then
 * by id; paid ones latest paid first.
 */
export function sortBills<B extends BillView>(bills: readonly B[]): B[] {
  const dueKey = (b: BillView) => (b.type === 'ride' ? '' : (b.dueDate ?? '9999-12-31'));
  return [...bills].sort((a, b) => {
    if (a.status !== b.status) return a.status === 'unpaid' ? -1 : 1;
    if (a.status === 'unpaid') return dueKey(a).localeCompare(dueKey(b)) || a.id.localeCompare(b.id);
    return (b.paidAt ?? '').localeCompare(a.paidAt ?? '') || a.id.localeCompare(b.id);
  });
}

// ---------------------------------------------------------------------------------------------
// Importing bills

/** One row of a utility's bill file as a request carries it (already checked by the contract). */
export type ImportRequestRow = BillerRef & { accountNo: string; holderName: string; period: string; amountFen: number; dueDate: string };

/** One bill as the store imports it: its biller resolved. */
export interface ImportRow {
  billerId: string;
  accountType: AccountType;
  accountNo: string;
  holderName: string;
  period: string;
  amountFen: number;
  dueDate: string;
}

/** The dedup key of a utility bill (API.md: re-importing the same biller, number and period does not duplicate it). */
export function billKey(row: Pick<ImportRow, 'billerId' | 'accountNo' | 'period'>): string {
  return `${row.billerId}|${row.accountNo}|${row.period}`;
}

/**
 * A utility bill's id: its dedup key, readable and deterministic, so that an import retried after
 * a crash writes the same document (CloudBase) or meets the same row (SQLite). The biller a type
 * stands for is named after the type, so bills imported by type keep the ids they had.
 * @example utilityBillId({ billerId: 'water', accountNo: '31000001', period: '2026-09/2026-10' }) // => 'UB:water:31000001:2026-09_2026-10'
 */
export function utilityBillId(row: Pick<ImportRow, 'billerId' | 'accountNo' | 'period'>): string {
  return `UB:${row.billerId}:${row.accountNo}:${row.period.replace('/', '_')}`;
}

/**
 * What an import call writes, or why it writes nothing (all or nothing per call): every row's biller
 * resolved (`resolveBiller`), its number of that biller's format, no two rows of one bill; the
 * billers a type stands for that do not exist yet, to be made in the same step. Errors name the row.
 */
export function planImport(
  rows: readonly ImportRequestRow[],
  facts: { byId: ReadonlyMap<string, Biller>; ofType: ReadonlyMap<AccountType, readonly Biller[]> },
): { ok: true; rows: ImportRow[]; create: Biller[] } | Fail {
  const out: ImportRow[] = [];
  const create = new Map<string, Biller>();
  const seen = new Map<string, number>();
  for (const [i, row] of rows.entries()) {
    const at = `bills[${i}].`;
    const resolved = resolveBiller(
      row.billerId !== undefined ? { billerId: row.billerId } : { accountType: row.accountType },
      {
        byId: row.billerId !== undefined ? (facts.byId.get(row.billerId) ?? null) : null,
        ofType: row.accountType ? (facts.ofType.get(row.accountType) ?? []) : [],
      },
      at,
    );
    if (!resolved.ok) return resolved;
    const { biller } = resolved;
    if (resolved.create) create.set(biller.id, biller);
    const problem = accountNoProblem(biller, row.accountNo);
    if (problem) return fail('INVALID_ARGUMENT', `${at}accountNo: ${problem}`);
    const resolvedRow: ImportRow = {
      billerId: biller.id,
      accountType: biller.type,
      accountNo: row.accountNo,
      holderName: row.holderName,
      period: row.period,
      amountFen: row.amountFen,
      dueDate: row.dueDate,
    };
    const first = seen.get(billKey(resolvedRow));
    if (first !== undefined) return fail('INVALID_ARGUMENT', `${at}period: repeats bills[${first}] (${biller.id} ${row.accountNo} ${row.period})`);
    seen.set(billKey(resolvedRow), i);
    out.push(resolvedRow);
  }
  return { ok: true, rows: out, create: [...create.values()] };
}

// ---------------------------------------------------------------------------------------------
// The ride bill

/**
 * The bill a ride with a fee leaves, as both rides stores write it (ride, rider and fee; unpaid,
 * no order yet).
 * @example rideBill({ billId: 'RB1', openid: 'u1', rideId: 'R1', feeFen: 150, endAt: '2026-11-25T00:10:00.000Z' }).status // => 'unpaid'
 */
export function rideBill(input: { billId: string; openid: string; rideId: string; feeFen: number; endAt: string }) {
  return {
    id: input.billId,
    openid: input.openid,
    type: 'ride' as const,
    amountFen: input.feeFen,
    status: 'unpaid' as const,
    rideId: input.rideId,
    createdAt: input.endAt,
    paidAt: null,
    paidBy: null,
    openOrders: [] as { openid: string; outTradeNo: string }[],
  };
}

// ---------------------------------------------------------------------------------------------
// Paying

/** What the payer sees on the WeChat Pay sheet for a bill. */
export function payDescription(bill: { type: BillType; accountNo?: string | null; period?: string | null }): string {
  if (bill.type === 'ride') return 'Nearby 单车骑行费';
  return `Nearby ${TYPE_BILLER_NAME[bill.type]} ${bill.accountNo ?? ''} ${bill.period ?? ''}`.trim();
}

/** The refusals of `bills.get` / `bills.pay` / `bills.refresh` (words decided here, once). */
export const billRefusals = {
  notFound: (billId: string) => fail('NOT_FOUND', `billId: no bill "${billId.slice(0, 64)}" of yours`),
  alreadyPaid: (billId: string) => fail('FAILED_PRECONDITION', `billId: bill "${billId.slice(0, 64)}" is already paid`, 'ALREADY_PAID'),
  notPayable: (billId: string, amountFen: number) =>
    fail('FAILED_PRECONDITION', `billId: bill "${billId.slice(0, 64)}" of ${amountFen} fen cannot be paid online`, 'NOT_PAYABLE'),
  payUnavailable: (variable: string, message: string) =>
    fail('FAILED_PRECONDITION', `payments are not configured: ${variable}: ${message}`, 'PAYMENTS_UNAVAILABLE'),
  payFailed: (message: string) => fail('FAILED_PRECONDITION', `WeChat Pay did not take the order: ${message.slice(0, 200)}; try again`, 'PAY_FAILED'),
  notBound: (billerId: string, accountNo: string) =>
    fail('NOT_FOUND', `you have no bound account "${accountNo.slice(0, 32)}" of biller "${billerId.slice(0, 32)}"`),
};
