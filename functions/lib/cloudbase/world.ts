import * as tcb from '@cloudbase/node-sdk';
import type { World } from '../serve';
import { SettingError } from '../settings';
import { cloudbaseCause } from './db';

/** What every function reads from its environment here (cloudbaserc.json; tests/unit/cloud-settings.test.ts). */
export const ENV_READS: readonly string[] = ['NEARBY_ADMIN_OPENIDS'];

/** The admins of a deployment: `NEARBY_ADMIN_OPENIDS`, a comma list of OPENIDs. */
export function adminsFrom(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * The caller's OPENID from a function context (`WX_OPENID`, set when a mini program calls), or
 * null: timers, HTTP access and anything the SDK cannot read as a context have no caller.
 */
export function openidOf(context: unknown): string | null {
  if (typeof context !== 'object' || context === null) return null;
  try {
    const openid = tcb.getCloudbaseContext(context as Parameters<typeof tcb.getCloudbaseContext>[0]).WX_OPENID;
    return typeof openid === 'string' && openid !== '' ? openid : null;
  } catch {
    return null;
  }
}

/**
 * A CloudBase composition root over some ports (made on first use and kept for the container's
 * life, as the SDK client is). "Now" is the system clock: a request never sets it in the cloud.
 */
export function createCloudbaseWorld<D>(makePorts: () => D, env: Record<string, string | undefined> = process.env): World<D> {
  let ports: D | undefined;
  let admins: Set<string> | undefined;
  return {
    deps: () => (ports ??= makePorts()),
    caller: openidOf,
    now: () => new Date(),
    isAdmin(openid) {
      admins ??= adminsFrom(env.NEARBY_ADMIN_OPENIDS);
      // Nobody is an admin by default; say so rather than refuse everyone without a word.
      if (admins.size === 0) throw new SettingError(NO_ADMINS_MESSAGE);
      return admins.has(openid);
    },
    log: (line) => console.log(JSON.stringify(line)),
    causeOf: cloudbaseCause,
  };
}

export const NO_ADMINS_MESSAGE =
  'NEARBY_ADMIN_OPENIDS is not set: this deployment has no admin yet (read your OPENID with admin.whoami, then deploy with NEARBY_ADMIN_OPENIDS set: docs/deploy.md)';
