import * as z from 'zod/mini';
import { ACCOUNT_TYPES, PERIOD_PATTERN, accountNoProblem, billKey, type BillView } from '../bills';
import { date, id, text } from './common';

export const accountType = z.enum(ACCOUNT_TYPES, { message: 'must be "water", "electricity" or "gas"' });
const accountNoText = text(32);

/** The account number checked against its type's format (reported on accountNo). */
const checkAccountNo = z.superRefine((v: { accountType: (typeof ACCOUNT_TYPES)[number]; accountNo: string }, ctx) => {
  const problem = accountNoProblem(v.accountType, v.accountNo);
  if (problem) ctx.addIssue({ code: 'custom', path: ['accountNo'], message: problem, input: v.accountNo });
});

export const bindAccountParams = z.object({ accountType, accountNo: accountNoText, holderName: text(64) }).check(checkAccountNo);
export const unbindAccountParams = z.object({ accountType, accountNo: accountNoText }).check(checkAccountNo);
export const accountsParams = z.object({});
export const listBillsParams = z.object({ status: z.optional(z.enum(['unpaid', 'paid'], { message: 'must be "unpaid" or "paid"' })) });
export const payBillParams = z.object({ billId: id });
export const refreshBillParams = z.object({ billId: id });

/** Whole fen: an amount that is not an integer is refused, never rounded. */
export const amountFen = z
  .number()
  .check(z.int('must be whole fen (an integer)'), z.minimum(1, 'must be at least 1 fen'), z.maximum(1_000_000_000, 'must be at most 1000000000 fen'));

export const importBillRow = z
  .object({
    accountType,
    accountNo: accountNoText,
    holderName: text(64),
    period: z.string().check(z.regex(PERIOD_PATTERN, 'must be a month "YYYY-MM" (or "YYYY-MM/YYYY-MM")')),
    amountFen,
    dueDate: date,
  })
  .check(checkAccountNo);

/** Rows per `admin.importBills` call (the call is all-or-nothing: one transaction). */
export const MAX_BILLS_PER_CALL = 200;

export const importBillsParams = z.object({
  bills: z.array(importBillRow).check(
    z.minLength(1, 'must hold at least one bill'),
    z.maxLength(MAX_BILLS_PER_CALL, `must hold at most ${MAX_BILLS_PER_CALL} bills`),
    z.superRefine((rows: Array<z.infer<typeof importBillRow>>, ctx) => {
      const seen = new Map<string, number>();
      rows.forEach((r, i) => {
        const first = seen.get(billKey(r));
        if (first === undefined) seen.set(billKey(r), i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [i, 'period'],
            message: `repeats bills[${first}] (${r.accountType} ${r.accountNo} ${r.period})`,
            input: r.period,
          });
      });
    }),
  ),
});

export type BindAccountParams = z.infer<typeof bindAccountParams>;
export type UnbindAccountParams = z.infer<typeof unbindAccountParams>;
export type ListBillsParams = z.infer<typeof listBillsParams>;
export type PayBillParams = z.infer<typeof payBillParams>;
export type ImportBillsParams = z.infer<typeof importBillsParams>;

/** A bound account as `bills.accounts` and `bindAccount` show it. */
export interface AccountView {
  accountType: (typeof ACCOUNT_TYPES)[number];
  accountNo: string;
  /** The utility's holder name, masked (`maskName`). */
  holderName: string;
  boundAt: string;
}

export type { BillView };

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
