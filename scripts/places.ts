/**
 * `npm run places -- <seed | import <file.json> | reindex>` [--to local|cloud] [--crs gcj02|wgs84|bd09] [--dry-run]:
 * an operator's place tools, the same commands against the local host and against the cloud.
 *
 * - `seed`: the demo city (35 stores, 10 stations, 200 bikes, the demo staff member);
 * - `import <file.json>`: places as the contract takes them (`admin.upsertPlaces`): a JSON list of
 *   places, or `{ "places": [...], "crs": "wgs84" }`;
 * - `reindex [--dry-run]` (CloudBase only): sets the `search` field geo.search matches on the stores
 *   and stations stored before it existed, or whose field is stale (run once after upgrading;
 *   functions/lib/cloudbase/search-backfill.ts). Running it again writes nothing. The local host's
 *   SQLite index is kept by every write: nothing to reindex there.
 *
 * Every place is validated first (the contract's own schema: nothing is written when one is bad),
 * then written in batches of 1,000 (the contract's limit a call; well under the 6 MiB event),
 * each an upsert by id: a rerun after a failure writes the same documents again, so running the
 * command again is how to resume.
 *
 * `--to local` (default): POSTs `admin` calls to the local host (NEARBY_URL, default
 * http://127.0.0.1:8787) as NEARBY_OPERATOR_OPENID (default local-admin).
 * `--to cloud`: runs the same use cases with the CloudBase adapters from this terminal, in the
 * environment ENV_ID with the operator's TENCENTCLOUD_SECRETID/SECRETKEY (read from the
 * environment or .env.local). A node-sdk call from a terminal carries no OPENID, which is why the
 * use cases are called directly, not the `admin` function.
 */
import { existsSync, readFileSync } from 'node:fs';

import type { SetStaffParams } from '../shared/contract/admin';
import type { Result } from '../shared/result';
import { adminPorts, asAdapterDb } from '../functions/lib/cloudbase/adapters';
import { cloudbaseDb } from '../functions/lib/cloudbase/db';
import { reindexPlaceSearch } from '../functions/lib/cloudbase/search-backfill';
import type { AdapterDb } from '../functions/lib/cloudbase/sdk';
import { portsTarget, writePlaces, type Target } from '../functions/lib/usecases/import';
import { demoCity } from '../functions/local/demo-city';
import { readEnvFile } from './env-file';

/** A local host: `admin` calls over HTTP as an admin. */
export function hostTarget(url: string, openid: string): Target {
  const call = async (event: object): Promise<Result<unknown>> => {
    const res = await fetch(`${url}/functions/admin`, {
      method: 'POST',
      body: JSON.stringify(event),
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    }).catch((err: Error) => {
      throw new Error(`no local host answers at ${url} (npm start, or set NEARBY_URL): ${err.message}`);
    });
    return (await res.json()) as Result<unknown>;
  };
  return { upsertPlaces: (p) => call({ action: 'upsertPlaces', ...p }), setStaff: (p) => call({ action: 'setStaff', ...p }) };
}

/** Puts the cloud's settings into process.env for node-sdk; false (and says which) when one is missing. */
function cloudSettings(env: Record<string, string | undefined>): boolean {
  for (const name of ['ENV_ID', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']) {
    if (!env[name]) {
      console.error(`places: ${name} is not set (the environment or .env.local)`);
      return false;
    }
    process.env[name] = env[name];
  }
  return true;
}

/** `reindex`: the search field of the stored stores and stations, set where missing or stale. */
async function reindex(db: AdapterDb, dryRun: boolean): Promise<number> {
  try {
    const counts = await reindexPlaceSearch(db, { dryRun, log: (line) => console.log(`places: ${line}`) });
    const total = (key: 'read' | 'stale' | 'written') => counts.reduce((n, c) => n + c[key], 0);
    console.log(
      `places: reindex done${dryRun ? ' (dry run)' : ''}, ${total('read')} read, ${total('stale')} without a current search field, ${total('written')} written`,
    );
    return 0;
  } catch (err) {
    console.error(`places: ${(err as Error).message}`);
    return 1;
  }
}

/** `cloud` opens the CloudBase database of an environment (tests pass the stand-in). */
export function main(argv: string[], cloud: (envId: string) => AdapterDb = (envId) => asAdapterDb(cloudbaseDb(envId))): Promise<number> {
  const flag = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
  const [command, file] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const to = flag('--to', 'local');
  const fileVars = existsSync('.env.local') ? readEnvFile(readFileSync('.env.local', 'utf8')) : {};
  const env: Record<string, string | undefined> = { ...fileVars, ...process.env };
  if (command === 'reindex') {
    if (to !== 'cloud' && argv.includes('--to')) {
      console.error('places: reindex is for CloudBase only (the local host indexes every place as it writes it)');
      return Promise.resolve(2);
    }
    if (!cloudSettings(env)) return Promise.resolve(2);
    return reindex(cloud(env.ENV_ID as string), argv.includes('--dry-run'));
  }
  let input: { places: unknown[]; crs?: string; staff?: SetStaffParams[] };
  if (command === 'seed') {
    input = demoCity();
  } else if (command === 'import' && file) {
    let json: unknown[] | { places?: unknown[]; crs?: string };
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`places: cannot read ${file}: ${(err as Error).message}`);
      return Promise.resolve(2);
    }
    input = Array.isArray(json) ? { places: json } : { places: json.places ?? [], crs: json.crs };
  } else {
    console.error('usage: npm run places -- seed | import <file.json> [--to local|cloud] [--crs gcj02|wgs84|bd09] | reindex [--dry-run]');
    return Promise.resolve(2);
  }
  if (argv.includes('--crs')) input.crs = flag('--crs', 'gcj02');
  let target: Target;
  if (to === 'cloud') {
    if (!cloudSettings(env)) return Promise.resolve(2);
    target = portsTarget(adminPorts(cloudbaseDb(env.ENV_ID)));
  } else if (to === 'local') {
    target = hostTarget(env.NEARBY_URL || 'http://127.0.0.1:8787', env.NEARBY_OPERATOR_OPENID || 'local-admin');
  } else {
    console.error(`places: --to must be local or cloud, not "${to}"`);
    return Promise.resolve(2);
  }
  return writePlaces(target, input, (line) => console.log(`places: ${line}`)).then(
    (report) => {
      console.log(`places: done, ${report.upserted} places in ${report.batches} batch(es) to ${to}`);
      return 0;
    },
    (err) => {
      console.error(`places: ${(err as Error).message}`);
      return 1;
    },
  );
}

if (require.main === module) main(process.argv.slice(2)).then((code) => process.exit(code));

export { portsTarget, writePlaces, type Target };
