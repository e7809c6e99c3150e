/**
 * The sandbox payments adapter (NEARBY_PAY=sandbox, the local default): WeChat Pay played in
 * process, with a merchant key, a WeChat Pay public key and an API v3 key generated at start.
 * Orders get sandbox prepay ids; `pay` turns an order SUCCESS and hands out the notification
 * WeChat Pay would send, encrypted and signed by the same code the real format uses, and checked by
 * the same `verifyNotification` as the real adapter's. A sandbox prepay id cannot go through
 * `wx.requestPayment`: the mini program's pay service takes a local branch instead.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { NewPayOrder, NewRefund, PayFailure, Payments, ReceivedNotification, VerifiedNotification } from '../ports';
import type { PayRefund, PayTransaction } from '../../../shared/payment';
import { paymentArgs } from './crypto';
import { type DeskAnswer, PayDesk } from './desk';
import { buildNotification, verifyNotification } from './notification';
import { wechatpayKeys } from './verifier';
import { orderProblem, refundProblem, refundToWire, transactionToWire } from './wire';

export interface SandboxPayments extends Payments {
  /**
   * The payer pays the order at `now`: it turns SUCCESS and the signed `TRANSACTION.SUCCESS`
   * notification is returned (deliver it to payNotify, or hand it out). `payerTotalFen` plays a coupon.
   */
  pay(
    outTradeNo: string,
    now: Date,
    options?: { payerTotalFen?: number },
  ): { ok: true; notification: ReceivedNotification } | { ok: false; failure: PayFailure };
  /** The bank settles a refund at `now`; the signed `REFUND.*` notification is returned. */
  settleRefund(
    outRefundNo: string,
    status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL',
    now: Date,
  ): { ok: true; notification: ReceivedNotification } | { ok: false; failure: PayFailure };
  /** WeChat Pay's side of an order, for tests and the local host's 404. */
  order(outTradeNo: string): PayTransaction | null;
}

export interface SandboxSettings {
  mchId?: string;
  appId?: string;
}

const SANDBOX_MCHID = '1900000000';
const SANDBOX_APPID = 'wx0000000000000000';

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

const asOutcome = <T>(answer: DeskAnswer<T>): { ok: true; value: T } | { ok: false; failure: PayFailure } =>
  answer.ok ? answer : { ok: false, failure: { kind: 'http', ...answer.error } };

export function sandboxPayments(settings: SandboxSettings = {}): SandboxPayments {
  const merchant = { mchId: settings.mchId ?? SANDBOX_MCHID, appId: settings.appId ?? SANDBOX_APPID };
  const merchantKey = rsaKeyPair();
  const wechatpayKey = rsaKeyPair();
  const publicKeyId = `PUB_KEY_ID_${Array.from(randomBytes(32), (b) => String(b % 10)).join('')}`;
  const apiV3Key = randomBytes(16).toString('hex'); // 32 ASCII characters, as WeChat Pay's API v3 keys are
  const trust = {
    keys: wechatpayKeys({ publicKey: { id: publicKeyId, pem: wechatpayKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
    apiV3Key,
  };
  const signer = { serial: publicKeyId, privateKey: wechatpayKey.privateKey };
  const desk = new PayDesk(merchant);
  const invalid = (message: string) => ({ ok: false as const, failure: { kind: 'invalid' as const, message } });

  return {
    merchant,

    async createJsapiOrder(order: NewPayOrder) {
      const problem = orderProblem(order);
      if (problem) return invalid(problem);
      const answer = desk.order({
        ...merchant,
        outTradeNo: order.outTradeNo,
        description: order.description,
        totalFen: order.amountFen,
        payerOpenid: order.payerOpenid,
        expiresAt: order.expiresAt,
        notifyUrl: 'sandbox',
        attach: order.attach ?? null,
      });
      // A sandbox prepay id says so, so that nobody mistakes it for one wx.requestPayment accepts.
      return answer.ok ? { ok: true, value: { prepayId: `sandbox_${answer.value.prepayId}` } } : asOutcome(answer);
    },

    requestPaymentArgs(prepayId: string, now: Date) {
      return paymentArgs(merchant.appId, prepayId, merchantKey.privateKey, now);
    },

    async queryOrder(outTradeNo: string) {
      return asOutcome(desk.query(outTradeNo));
    },

    async closeOrder(outTradeNo: string) {
      return asOutcome(desk.close(outTradeNo));
    },

    async refund(refund: NewRefund) {
      const problem = refundProblem(refund);
      if (problem) return invalid(problem);
      return asOutcome<PayRefund>(desk.refund(refund));
    },

    async queryRefund(outRefundNo: string) {
      return asOutcome(desk.queryRefund(outRefundNo));
    },

    verifyNotification(received: ReceivedNotification, now: Date): VerifiedNotification {
      return verifyNotification(received, now, trust);
    },

    pay(outTradeNo, now, options = {}) {
      const paid = desk.pay(outTradeNo, now, options.payerTotalFen);
      if (!paid.ok) return { ok: false, failure: { kind: 'http', ...paid.error } };
      const notification = buildNotification({
        id: `EV-${randomBytes(10).toString('hex')}`,
        eventType: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: transactionToWire(paid.value),
        apiV3Key,
        signer,
        now,
      });
      return { ok: true, notification };
    },

    settleRefund(outRefundNo, status, now) {
      const settled = desk.settleRefund(outRefundNo, status, now);
      if (!settled.ok) return { ok: false, failure: { kind: 'http', ...settled.error } };
      const summary = status === 'SUCCESS' ? '退款成功' : status === 'CLOSED' ? '退款关闭' : '退款异常';
      const notification = buildNotification({
        id: `EV-${randomBytes(10).toString('hex')}`,
        eventType: `REFUND.${status}`,
        summary,
        resource: refundToWire(settled.value, true),
        apiV3Key,
        signer,
        now,
      });
      return { ok: true, notification };
    },

    order(outTradeNo: string) {
      return desk.get(outTradeNo)?.tx ?? null;
    },

    forgot(outTradeNo: string) {
      return (desk.get(outTradeNo)?.tx ?? null) === null;
    },
  };
}
