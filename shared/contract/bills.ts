import * as z from 'zod/mini';
import {
  ACCOUNT_NO_CHARS,
  ACCOUNT_TYPES,
  BILLER_ID_PATTERN,
  MAX_LABEL_LENGTH,
  PERIOD_PATTERN,
  patternProblem,
  type AccountType,
  type BillDetail,
  type BillView,
  type Biller,
} from '../bills';
import { date, id, text } from './common';

export const accountType = z.enum(ACCOUNT_TYPES, { message: 'must be "water", "electricity" or "gas"' });
/** Any biller's number is letters, digits or `-`; its biller's own format is checked by the rule (`accountNoProblem`). */
const accountNoText = z.string().check(z.trim(), z.regex(ACCOUNT_NO_CHARS, 'must be 1 to 32 letters, digits or -'));
export const billerId = z.string().check(z.regex(BILLER_ID_PATTERN, 'must be 1 to 32 letters, digits, _ or -'));
/** A household label ("我家", "父母家"): 1 to 10 characters after trimming. */
export const label = z.string().check(
  z.trim(),
  z.minLength(1, 'must not be empty'),
  z.refine((s: string) => [...s].length <= MAX_LABEL_LENGTH, `must be at most ${MAX_LABEL_LENGTH} characters`),
);

/** A request names its biller by `billerId`, or by `accountType` standing for that type's only biller (API.md). */
const oneBiller = z.superRefine((v: { billerId?: string; accountType?: AccountType }, ctx) => {
  if (v.billerId === undefined && v.accountType === undefined)
    ctx.addIssue({ code: 'custom', path: ['billerId'], message: 'is required (or accountType for the only biller of a type)', input: v });
  else if (v.billerId !== undefined && v.accountType !== undefined)
    ctx.addIssue({ code: 'custom', path: ['accountType'], message: 'name the biller once: billerId or accountType, not both', input: v });
});

const billerRef = { billerId: z.optional(billerId), accountType: z.optional(accountType) };

export const billersParams = z.object({ city: z.optional(text(32)), type: z.optional(accountType) });
export const bindAccountParams = z.object({ ...billerRef, accountNo: accountNoText, holderName: text(64), label: z.optional(label) }).check(oneBiller);
export const unbindAccountParams = z.object({ ...billerRef, accountNo: accountNoText }).check(oneBiller);
export const accountsParams = z.object({});
export const listBillsParams = z.object({ status: z.optional(z.enum(['unpaid', 'paid'], { message: 'must be "unpaid" or "paid"' })) });
export const getBillParams = z.object({ billId: id });
export const payBillParams = z.object({ billId: id });
export const refreshBillParams = z.object({ billId: id });

/** Whole fen: an amount that is not an integer is refused, never rounded. */
export const amountFen = z
  .number()
  .check(z.int('must be whole fen (an integer)'), z.minimum(1, 'must be at least 1 fen'), z.maximum(1_000_000_000, 'must be at most 1000000000 fen'));

export const importBillRow = z
  .object({
    ...billerRef,
    accountNo: accountNoText,
    holderName: text(64),
    period: z.string().check(z.regex(PERIOD_PATTERN, 'must be a month "YYYY-MM" (or "YYYY-MM/YYYY-MM")')),
    amountFen,
    dueDate: date,
  })
  .check(oneBiller);

/** Rows per `admin.importBills` call (the call is all-or-nothing: one transaction). */
export const MAX_BILLS_PER_CALL = 200;

/** Each row's biller and number are checked against the billers by the import rule (shared/bills.ts planImport). */
export const importBillsParams = z.object({
  bills: z
    .array(importBillRow)
    .check(z.minLength(1, 'must hold at least one bill'), z.maxLength(MAX_BILLS_PER_CALL, `must hold at most ${MAX_BILLS_PER_CALL} bills`)),
});

/** Billers per `admin.upsertBillers` call (all or nothing: one transaction). */
export const MAX_BILLERS_PER_CALL = 100;

export const billerParams = z.object({
  id: billerId,
  name: text(40),
  type: accountType,
  city: text(32),
  accountNoPattern: z.optional(
    z.string().check(
      z.superRefine((source: string, ctx) => {
        const problem = patternProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: source });
      }),
    ),
  ),
  accountNoHint: z.optional(text(100)),
});

export const upsertBillersParams = z.object({
  billers: z.array(billerParams).check(
    z.minLength(1, 'must hold at least one biller'),
    z.maxLength(MAX_BILLERS_PER_CALL, `must hold at most ${MAX_BILLERS_PER_CALL} billers`),
    z.superRefine((billers: Array<{ id: string }>, ctx) => {
      const seen = new Map<string, number>();
      billers.forEach((b, i) => {
        const first = seen.get(b.id);
        if (first === undefined) seen.set(b.id, i);
        else ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats billers[${first}] ("${b.id}")`, input: b.id });
      });
    }),
  ),
});

export type BillersParams = z.infer<typeof billersParams>;
export type BindAccountParams = z.infer<typeof bindAccountParams>;
export type UnbindAccountParams = z.infer<typeof unbindAccountParams>;
export type ListBillsParams = z.infer<typeof listBillsParams>;
export type GetBillParams = z.infer<typeof getBillParams>;
export type PayBillParams = z.infer<typeof payBillParams>;
export type ImportBillsParams = z.infer<typeof importBillsParams>;
export type UpsertBillersParams = z.infer<typeof upsertBillersParams>;

/** A biller as `bills.billers` shows it (its pattern stays on the server; the hint tells the user). */
export interface BillerView {
  id: string;
  name: string;
  type: AccountType;
  city: string;
  accountNoHint?: string;
}

/** A bound account as `bills.accounts` and `bindAccount` show it. */
export interface AccountView {
  billerId: string;
  billerName: string;
  /** Kept from before billers (`type` in API.md). */
  accountType: AccountType;
  type: AccountType;
  accountNo: string;
  /** The utility's holder name, masked (`maskName`). */
  holderName: string;
  /** The caller's household label; null when none was given. */
  label: string | null;
  boundAt: string;
}

export type { BillView, BillDetail, Biller };

export interface PayResult {
  outTradeNo: string;
  payment: { timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
}

/** `admin.importBills`: how many rows were new, and which were already there (added to API.md's `{ imported }`). */
export interface ImportBillsResult {
  imported: number;
  duplicates: number;
  /** Indexes of the rows that were already imported. */
  duplicateRows: number[];
}
