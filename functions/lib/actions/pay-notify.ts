import type { BillDeps } from '../usecases/bills';
import type { World } from '../serve';
import { recordPayNotification, type PayNotifyOutcome } from '../usecases/bills';
import { notifyHandled, notifyRefused, receivedFromHttpEvent, type HttpAccessAnswer } from '../wechatpay/http';

export type PayNotifyMain = (event: unknown, context?: unknown) => Promise<HttpAccessAnswer>;

/**
 * The door of `payNotify` (HTTP access: the event is the raw request, the answer `{ statusCode,
 * headers, body }`). A failure of ours (the database down, conflicts outlasting every retry) is a
 * 500 without details: WeChat Pay sends the notification again later.
 */
export function servePayNotify(world: World<Pick<BillDeps, 'bills' | 'pay'>>): PayNotifyMain {
  return async function main(event: unknown, context?: unknown): Promise<HttpAccessAnswer> {
    const started = Date.now();
    let answer: HttpAccessAnswer;
    try {
      answer = await handlePayNotify(world.deps(context), event, world.now(context));
    } catch (err) {
      world.log({ fn: 'payNotify', level: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      answer = notifyRefused(500, 'internal error, send it again later');
    }
    world.log({ fn: 'payNotify', status: answer.statusCode, ms: Date.now() - started });
    return answer;
  };
}

/**
 * `payNotify` on the wire: reads the HTTP access event, lets the use case record the notification,
 * and answers its outcome as WeChat Pay reads it (2xx only when handled; anything else is sent again).
 */
export async function handlePayNotify(deps: Pick<BillDeps, 'bills' | 'pay'>, event: unknown, now: Date): Promise<HttpAccessAnswer> {
  const received = receivedFromHttpEvent(event);
  if (!received.ok) return received.answer;
  return answerOf(await recordPayNotification(deps, received.received, now));
}

function answerOf(outcome: PayNotifyOutcome): HttpAccessAnswer {
  switch (outcome.kind) {
    case 'handled':
      return notifyHandled();
    case 'unconfigured':
      return notifyRefused(503, `payments are not configured (${outcome.variable})`);
    case 'unverified':
      return notifyRefused(outcome.refusal === 'MALFORMED' || outcome.refusal === 'MISSING_HEADER' ? 400 : 401, `${outcome.refusal}: ${outcome.message}`);
    case 'refused':
      return notifyRefused(400, outcome.message);
    case 'unknown-refund':
      return notifyRefused(404, `no refund "${outcome.outRefundNo.slice(0, 40)}" of ours`);
  }
}
