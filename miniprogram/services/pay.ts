/**
 * Paying a bill: the order from `bills.pay`, the payer's WeChat Pay sheet, then "确认中…" until
 * the back end has recorded the payment. A bill is paid only when WeChat Pay says so (payNotify or
 * `bills.refresh` asking it), never because `wx.requestPayment` succeeded: its success only says
 * the payer finished the sheet, so the page polls `refresh` for a bounded while.
 *
 * Local mode (config.mode === 'local'): the host's sandbox plays WeChat Pay. A sandbox prepay id
 * cannot go through WeChat's sheet, so the payer's part is `POST /sandbox/pay/{outTradeNo}`,
 * which sends payNotify a signed notification through the real verification code.
 */
import { config } from '../config';
import { UNREACHABLE_MESSAGE } from './api';
import { payBill, refreshBill } from './bills';
import { subscribeFor } from './subscribe';
import type { AppError, BillView, PayResult, TemplateKey } from '../shared/index';

export type PayOutcome =
  /** WeChat Pay's payment is recorded: the bill is paid. */
  | { kind: 'paid'; bill: BillView }
  /** The payer closed the sheet: not an error, the bill is still unpaid. */
  | { kind: 'cancelled' }
  /** Paid on the phone, but not confirmed within the polls: the page says so and offers to ask again. */
  | { kind: 'unconfirmed' }
  /** `bills.pay` refused (already paid, not yours, payments not configured, ...) or could not be reached. */
  | { kind: 'refused'; error: AppError }
  /** The sheet failed for another reason (WeChat's errMsg, for the log). */
  | { kind: 'failed'; detail: string };

/** Waits between `refresh` polls after the sheet: about 20 s in all, then "unconfirmed". */
export const CONFIRM_POLL_DELAYS_MS: readonly number[] = [0, 1000, 2000, 3000, 5000, 8000];

export interface PayHooks {
  /** The payer finished the sheet: the page shows "确认中…". */
  onConfirming?: () => void;
  /**
   * Subscribe-message templates to ask for in `wx.requestPayment`'s success callback (one of the
   * two places WeChat lets `requestSubscribeMessage` run besides a tap), e.g. the account's next
   * bill. Asked synchronously there; never awaited, never failing the payment.
   */
  subscribeAfter?: readonly TemplateKey[];
  /** The waits between polls (tests shorten them). */
  pollDelaysMs?: readonly number[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Pays one bill end to end. Never rejects. */
export async function payForBill(billId: string, hooks: PayHooks = {}): Promise<PayOutcome> {
  const order = await payBill(billId);
  if (!order.ok) return { kind: 'refused', error: order.error };
  const subscribe = () => {
    if (hooks.subscribeAfter?.length) void subscribeFor(hooks.subscribeAfter);
  };
  const sheet = config.mode === 'local' ? await sandboxPay(order.data.outTradeNo) : await requestPayment(order.data.payment, subscribe);
  if (sheet.kind !== 'done') return sheet;
  hooks.onConfirming?.();
  return confirmPaid(billId, hooks.pollDelaysMs ?? CONFIRM_POLL_DELAYS_MS);
}

/** Polls `bills.refresh` until the bill reads paid, or the delays run out. */
export async function confirmPaid(billId: string, delaysMs: readonly number[] = CONFIRM_POLL_DELAYS_MS): Promise<PayOutcome> {
  for (const delay of delaysMs) {
    if (delay > 0) await sleep(delay);
    const res = await refreshBill(billId);
    if (res.ok && res.data.bill.status === 'paid') return { kind: 'paid', bill: res.data.bill };
  }
  return { kind: 'unconfirmed' };
}

type Sheet = { kind: 'done' } | Extract<PayOutcome, { kind: 'cancelled' | 'failed' | 'refused' }>;

/** WeChat's sheet with the back end's arguments (`signType: 'RSA'`, `paySign` made by the back end). */
function requestPayment(payment: PayResult['payment'], onSuccess: () => void): Promise<Sheet> {
  return new Promise((resolve) => {
    wx.requestPayment({
      timeStamp: payment.timeStamp,
      nonceStr: payment.nonceStr,
      package: payment.package,
      signType: payment.signType,
      paySign: payment.paySign,
      success: () => {
        onSuccess(); // synchronously in the callback: WeChat allows requestSubscribeMessage only here or in a tap
        resolve({ kind: 'done' });
      },
      // "requestPayment:fail cancel": the payer closed the sheet.
      fail: (err) => resolve(/cancel/.test(err.errMsg || '') ? { kind: 'cancelled' } : { kind: 'failed', detail: err.errMsg || 'requestPayment:fail' }),
    });
  });
}

/** The local host's sandbox pays the order (docs/payments.md "The sandbox"). */
function sandboxPay(outTradeNo: string): Promise<Sheet> {
  return new Promise((resolve) => {
    wx.request({
      url: `${config.localUrl}/sandbox/pay/${encodeURIComponent(outTradeNo)}`,
      method: 'POST',
      data: {},
      header: { 'content-type': 'application/json', 'X-WX-OPENID': config.localOpenid },
      timeout: 10000,
      success: (res) =>
        resolve(
          res.statusCode >= 200 && res.statusCode < 300
            ? { kind: 'done' }
            : { kind: 'failed', detail: `sandbox HTTP ${res.statusCode}: ${JSON.stringify(res.data).slice(0, 200)}` },
        ),
      fail: () => resolve({ kind: 'refused', error: { code: 'INTERNAL', message: UNREACHABLE_MESSAGE, reason: 'UNREACHABLE' } }),
    });
  });
}
