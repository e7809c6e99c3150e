import type { BillDeps } from '../usecases/bills';
import type { World } from '../serve';
import { handlePayNotify } from '../usecases/bills';
import { notifyRefused, type HttpAccessAnswer } from '../wechatpay/http';

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
