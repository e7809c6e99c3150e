import type * as z from 'zod/mini';
import { describeIssue } from '../../shared/contract/common';
import { fail, type Result } from '../../shared/result';

import type { Call, UserCall } from './ports';
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
      if (err instanceof SettingError) {
        // A deployment setting this action needs is missing or malformed: the operator's to fix.
        world.log({ fn, action: actionName, level: 'error', setting: err.message });
        result = fail('FAILED_PRECONDITION', err.message, err.reason);
      } else {
        const cause = world.causeOf?.(err) ?? undefined;
        world.log({ fn, action: actionName, level: 'error', cause, error: err instanceof Error ? err.stack ?? err.message : String(err) });
        result = fail('INTERNAL', 'internal error, please retry later');
      }
    }
    world.log({ fn, action: actionName, ok: result.ok, code: result.ok ? undefined : result.error.code, ms: Date.now() - started });
    return result;

    async function dispatch(): Promise<Result<unknown>> {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        return fail('INVALID_ARGUMENT', 'the event must be a JSON object with an "action"');
      }
      const { action, ...params } = event as Record<string, unknown>;
      if (typeof action !== 'string') return fail('INVALID_ARGUMENT', 'action: is required (a string)');
      const spec = Object.prototype.hasOwnProperty.call(actions, action) ? actions[action] : undefined;
      if (!spec) {
        return fail('INVALID_ARGUMENT', `action: unknown action "${action.slice(0, 64)}" of function "${fn}" (known: ${Object.keys(actions).join(', ')})`);
      }
      actionName = action;
      const caller = world.caller(context);
      if (spec.access === 'timer') {
        if (caller !== null) return fail('PERMISSION_DENIED', `${fn} runs on its timer only`);
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
