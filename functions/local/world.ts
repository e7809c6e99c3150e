import type { Ports } from '../lib/ports';
import type { World } from '../lib/serve';

/** What the local host knows of a request: the caller from `X-WX-OPENID`, "now" from the clock setting. */
export interface LocalContext {
  openid: string | null;
  now: Date;
}

/** The local composition root: embedded adapters, admins from the environment. */
export function localWorld(ports: Ports, admins: ReadonlySet<string>, log: (line: Record<string, unknown>) => void): World<Ports> {
  const ctx = (context: unknown) => (context ?? { openid: null, now: new Date() }) as LocalContext;
  return {
    deps: () => ports,
    caller: (context) => ctx(context).openid,
    now: (context) => ctx(context).now,
    isAdmin: (openid) => admins.has(openid),
    log,
  };
}
