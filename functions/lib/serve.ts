import type * as z from 'zod/mini';
import { describeIssue } from '../../shared/contract/common';
import { checkInstant } from '../../shared/time';
import { fail, type Fail, type Result } from '../../shared/result';

import { Contended, type Call, type UserCall } from './ports';
import { SettingError } from './settings';

export type { Call, UserCall };

export type Access = 'anyone' | 'user' | 'admin' | 'timer';

export interface Action<D> {
  access: Access;
  params: z.ZodMiniType;
  run(deps: D, params: any, call: Call): Promise<Result<unknown>>;
}

type Run<D, S extends z.ZodMiniType, C extends Call> = (deps: D, params: z.output<S>, call: C) => Promise<Result<unknown>>;

/** An action anybody may call, anonymous callers too. */
export function anyone<D, S extends z.ZodMiniType>(params: S, run: Run<D, S, Call>): Action<D> {
  return { access: 'anyone', params, run };
}
/** An action that needs a caller (UNAUTHENTICATED without one). */
export function user<D, S extends z.ZodMiniType>(params: S, run: Run<D, S, UserCall>): Action<D> {
  return { access: 'user', params, run: run as Action<D>['run'] };
}
/** An action for the deployment's admins only (PERMISSION_DENIED for everybody else). */
export function admin<D, S extends z.ZodMiniType>(params: S, run: Run<D, S, UserCall>): Action<D> {
  return { access: 'admin', params, run: run as Action<D>['run'] };
}

/** One composition root: how a function context becomes ports, a caller and a time. */
export interface World<D> {
  deps(context: unknown): D;
  caller(context: unknown): string | null;
  now(context: unknown): Date;
  isAdmin(openid: string): boolean;
  log(line: Record<string, unknown>): void;
  /** What an operator must know of an unexpected failure (a refused credential, a missing index), for its log line. */
  causeOf?(err: unknown): string | null;
}

export type Actions<D> = Record<string, Action<D>>;
export type Main = (event: unknown, context?: unknown) => Promise<Result<unknown>>;

/**
 * The one door of every cloud function: event -> validate -> use case -> result.
 * Every failure becomes `{ ok: false, error }`; a bug becomes INTERNAL without its stack.
 */
export function serve<D>(fn: string, actions: Actions<D>, world: World<D>): Main {
  return async function main(event: unknown, context?: unknown): Promise<Result<unknown>> {
    const started = Date.now();
    let actionName = '?';
    let result: Result<unknown>;
    try {
      result = await dispatch();
    } catch (err) {
      result = failureOf(err, (line) => world.log({ fn, action: actionName, level: 'error', ...line }), world.causeOf);
    }
    world.log({ fn, action: actionName, ok: result.ok, code: result.ok ? undefined : result.error.code, ms: Date.now() - started });
    return result;

    async function dispatch(): Promise<Result<unknown>> {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        return fail('INVALID_ARGUMENT', 'the event must be a JSON object with an "action"');
      }
      const { action, ...params } = event as Record<string, unknown>;
      if (typeof action !== 'string') return fail('INVALID_ARGUMENT', 'action: is required (a string)');
      const spec = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!spec) {
        return fail('INVALID_ARGUMENT', `action: unknown action "${action.slice(0, 64)}" of function "${fn}" (known: ${Object.keys(actions).join(', ')})`);
      }
      actionName = action;
      const caller = world.caller(context);
      if (spec.access === 'timer') {
        const refused = timerRefusal(fn, event, caller, world.now(context));
        if (refused) return refused;
      } else if (spec.access !== 'anyone') {
        if (caller === null) return fail('UNAUTHENTICATED', `${fn}.${action} needs a signed-in caller`);
        if (spec.access === 'admin' && !world.isAdmin(caller)) return fail('PERMISSION_DENIED', `${fn}.${action} is for admins only`);
      }
      const parsed = spec.params.safeParse(params);
      if (!parsed.success) return fail('INVALID_ARGUMENT', describeIssue(parsed.error));
      return spec.run(world.deps(context), parsed.data, { caller, now: world.now(context) });
    }
  };
}

/** How far a timer event's `Time` may lie from "now" (either way) before the run is logged as late or early. */
export const TIMER_SKEW_MS = 60_000;

/** The longest `TriggerName` a timer event may carry (API.md, "Function reminders"). */
export const TRIGGER_NAME_MAX = 64;

/** A timer function's work: run at `call.now` (the clock, never the event's `Time`). */
export type TimerRun<D> = (deps: D, call: Call) => Promise<Result<unknown>>;

/**
 * The door of a timer function (the sweeper, reminders). An event is the timer's only when
 * its `Type` is "Timer" and there is no caller: a call with a caller (a mini program's
 * `callFunction`) is PERMISSION_DENIED, an event of another type too. A malformed event (a `Time`
 * that is no ISO 8601 time with an offset, a `TriggerName` that is no string of at most 64
 * characters) is INVALID_ARGUMENT and runs nothing. "Now" is the world's clock (the system clock
 * in the cloud; the host's clock locally): a `Time` more than 60 s from it is logged as late or
 * early and the run goes ahead at "now", so a late or retried timer never loses its run. The
 * invoke rule `false` (cloudbase/database.json) keeps clients out in the cloud as well.
 */
export function serveTimer<D>(fn: string, run: TimerRun<D>, world: World<D>): Main {
  return async function main(event: unknown, context?: unknown): Promise<Result<unknown>> {
    const started = Date.now();
    let result: Result<unknown>;
    try {
      result = await dispatch();
    } catch (err) {
      result = failureOf(err, (line) => world.log({ fn, level: 'error', ...line }), world.causeOf);
    }
    world.log({ fn, action: 'timer', ok: result.ok, code: result.ok ? undefined : result.error.code, ms: Date.now() - started });
    return result;

    async function dispatch(): Promise<Result<unknown>> {
      const now = world.now(context);
      const refused = timerRefusal(fn, event, world.caller(context), now);
      if (refused) return refused;
      const skew = timerSkew(event as TimerEvent, now);
      if (skew) world.log({ fn, level: 'warn', timer: skew.kind, time: (event as TimerEvent).Time, now: now.toISOString(), skewMs: skew.ms });
      return run(world.deps(context), { caller: null, now });
    }
  };
}

/** A timer event as the cloud sends it (after `timerRefusal` let it through). */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** ISO 8601 with an offset. */
  Time: string;
}

/** Why an event is not the timer's or is malformed (see `serveTimer`), or null when it is a timer event. */
export function timerRefusal(fn: string, event: unknown, caller: string | null, _now?: Date): Fail | null {
  if (caller !== null) return fail('PERMISSION_DENIED', `${fn} runs on its timer only`);
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (e.Type !== 'Timer') return fail('PERMISSION_DENIED', `${fn} runs on its timer only (Type: must be "Timer")`);
  if (typeof e.Time !== 'string') return fail('INVALID_ARGUMENT', 'Time: is required (an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00")');
  const time = checkInstant(e.Time);
  if (!time.ok) return fail('INVALID_ARGUMENT', `Time: ${time.message}`);
  if (typeof e.TriggerName !== 'string') return fail('INVALID_ARGUMENT', 'TriggerName: is required (a string)');
  if (e.TriggerName.length > TRIGGER_NAME_MAX) return fail('INVALID_ARGUMENT', `TriggerName: must be at most ${TRIGGER_NAME_MAX} characters`);
  return null;
}

/** How far a timer event's `Time` lies from "now", when more than `TIMER_SKEW_MS`: late (before now) or early; null within it. */
export function timerSkew(event: TimerEvent, now: Date): { kind: 'late' | 'early'; ms: number } | null {
  const checked = checkInstant(event.Time);
  if (!checked.ok) return null;
  const ms = now.getTime() - checked.value;
  if (Math.abs(ms) <= TIMER_SKEW_MS) return null;
  return { kind: ms > 0 ? 'late' : 'early', ms: Math.abs(ms) };
}

/** A thrown error as an answer: `Contended` is a clean retryable refusal, anything else a bug (logged, INTERNAL). */
function failureOf(err: unknown, log: (line: Record<string, unknown>) => void, causeOf?: (err: unknown) => string | null): Fail {
  if (err instanceof Contended) return fail('RESOURCE_EXHAUSTED', err.message, 'CONTENDED');
  if (err instanceof SettingError) {
    // A deployment setting this action needs is missing or malformed: the operator's to fix.
    log({ setting: err.message });
    return fail('FAILED_PRECONDITION', err.message, err.reason);
  }
  log({ cause: causeOf?.(err) ?? undefined, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return fail('INTERNAL', 'internal error, please retry later');
}
