import type { Payments } from '../ports';
import { sandboxPayments } from './sandbox';

/**
 * A sandbox made on first use: making its RSA keys takes 0.1 to 1 s, which ports built for tests
 * that never pay should not spend.
 */
export function lazyPayments(make: () => Payments = () => sandboxPayments()): Payments {
  let made: Payments | undefined;
  const get = () => (made ??= make());
  return {
    get merchant() {
      return get().merchant;
    },
    createJsapiOrder: (order) => get().createJsapiOrder(order),
    requestPaymentArgs: (prepayId, now) => get().requestPaymentArgs(prepayId, now),
    queryOrder: (no) => get().queryOrder(no),
    closeOrder: (no) => get().closeOrder(no),
    refund: (refund) => get().refund(refund),
    queryRefund: (no) => get().queryRefund(no),
    verifyNotification: (received, now) => get().verifyNotification(received, now),
  };
}
