// Applies cloudbase/database.json to a CloudBase environment: creates the missing collections and
// indexes, sets every collection's client rules (deny-all) and the environment's cloud-function
// security rules. Safe to run again: it only adds what is missing and sets the rules again.
//
// Needs ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY (TENCENTCLOUD_SESSIONTOKEN with
// temporary keys; TENCENTCLOUD_REGION or TCB_REGION when the environment is not in ap-shanghai,
// which the SDK reads itself) and the management SDK, which the project does not install for
// everybody:
//   npm i --no-save @cloudbase/manager-node@5 && node scripts/cloud-setup.mjs
// `node scripts/cloud-setup.mjs --dry-run` prints the plan and needs neither.
//
// Every call below was read in @cloudbase/manager-node 5.6.5 (`npm pack @cloudbase/manager-node@5.6.5`);
// "lib/..." and "types/..." name files of that package. What only a real environment can confirm is
// listed in docs/deploy.md ("Not verifiable without a CloudBase environment").
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const spec = JSON.parse(readFileSync(new URL('../cloudbase/database.json', import.meta.url), 'utf8'));
const dryRun = process.argv.includes('--dry-run');
const withoutComments = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$')));
const functionRules = JSON.stringify(withoutComments(spec.functionRules));
/** HTTP access routes to functions (payNotify: WeChat Pay's notify_url), authentication as listed. */
const httpAccess = spec.httpAccess ?? [];

/**
 * The index as `database.updateCollection(name, { CreateIndexes })` takes it: types/interfaces/
 * flexdb.interface.d.ts:28-44 (CreateIndex { IndexName, MgoKeySchema { MgoIndexKeys [{ Name,
 * Direction: string }], MgoIsUnique: boolean } }). Direction is a string: "1", "-1" or "2dsphere".
 */
const createIndex = (index) => ({
  IndexName: index.name,
  MgoKeySchema: { MgoIsUnique: Boolean(index.unique), MgoIndexKeys: index.keys.map((k) => ({ Name: k.name, Direction: String(k.direction) })) },
});

/** Whether an index the environment has (IndexInfo: flexdb.interface.d.ts:10-24) is the one we want. */
const sameIndex = (have, want) => {
  const keys = have.Keys ?? [];
  return (
    Boolean(have.Unique) === Boolean(want.unique) &&
    keys.length === want.keys.length &&
    want.keys.every((k, i) => keys[i]?.Name === k.name && String(keys[i]?.Direction) === String(k.direction))
  );
};

/**
 * What to do about one collection's indexes, given the ones it has. By name first: an index of that
 * name with other keys or uniqueness cannot be fixed by adding (MongoDB refuses a second definition
 * under one name; dropping it is the operator's call). Then by definition: the same keys under
 * another name (made by hand in the console) count as present.
 */
function indexPlan(wanted, had) {
  const create = [];
  const conflicts = [];
  const present = [];
  for (const want of wanted) {
    const named = had.find((h) => h.Name === want.name);
    if (named) (sameIndex(named, want) ? present : conflicts).push(want.name);
    else if (had.some((h) => sameIndex(h, want))) present.push(want.name);
    else create.push(want);
  }
  return { create, conflicts, present };
}

if (dryRun) {
  console.log('cloud-setup: dry run; with @cloudbase/manager-node 5.6 it would call, per collection:');
  for (const c of spec.collections) {
    console.log(`collection ${c.name}: database.createCollectionIfNotExists, database.describeCollection`);
    if (c.indexes.length > 0) console.log(`  database.updateCollection(${JSON.stringify(c.name)}, { CreateIndexes }) with those missing of:`);
    for (const index of c.indexes) console.log(`    ${JSON.stringify(createIndex(index))}`);
    console.log(`  permission.modifyResourcePermission collection CUSTOM rules ${JSON.stringify(c.rules)}`);
  }
  console.log(`function rules: permission.modifyResourcePermission function CUSTOM ${functionRules}`);
  for (const route of httpAccess) {
    console.log(
      `http access ${route.path} -> ${route.function}: access.getAccessList({ path }), then access.createAccess({ path, name, type: 1, auth: ${route.auth} }) or access.switchPathAuth({ apiIds, auth: ${route.auth} })`,
    );
  }
  process.exit(0);
}

const { ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, TENCENTCLOUD_SESSIONTOKEN } = process.env;
if (!ENV_ID || !TENCENTCLOUD_SECRETID || !TENCENTCLOUD_SECRETKEY) {
  console.error('cloud-setup: set ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or run with --dry-run)');
  process.exit(2);
}
let CloudBase;
try {
  // `module.exports = CloudBase` (lib/index.js:155). NEARBY_MANAGER_MODULE swaps in another module
  // with the same surface (tests/unit/cloud-setup.test.ts runs this script against a recording fake).
  CloudBase = createRequire(import.meta.url)(process.env.NEARBY_MANAGER_MODULE || '@cloudbase/manager-node');
} catch {
  console.error('cloud-setup: needs the management SDK: npm i --no-save @cloudbase/manager-node@5');
  process.exit(2);
}

// Options: lib/index.js:20-41 (secretId, secretKey, token, envId; an undefined token is fine).
const manager = new CloudBase({ secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY, token: TENCENTCLOUD_SESSIONTOKEN, envId: ENV_ID });
const problems = [];
const why = (err) => [err?.code, err?.message ?? String(err)].filter(Boolean).join(': ');

// One call that fails for the whole run rather than once per collection: a wrong key, a wrong region
// or a wrong ENV_ID. env.getEnvInfo answers { EnvInfo } (lib/env/index.js:141-160), and every database
// call takes EnvInfo.Databases[0].InstanceId (lib/database/index.js:49-55): an environment without
// a document database would otherwise fail with a TypeError inside the SDK.
try {
  const { EnvInfo } = await manager.env.getEnvInfo();
  if (!EnvInfo?.EnvId) throw new Error(`environment ${ENV_ID} not found`);
  if (!(EnvInfo.Databases?.length > 0)) throw new Error(`environment ${ENV_ID} has no document database`);
} catch (err) {
  console.error(`cloud-setup: cannot reach environment ${ENV_ID} (${why(err)}); nothing was changed`);
  process.exit(1);
}

for (const c of spec.collections) {
  try {
    // { IsCreated, ExistsResult } (lib/database/index.js:139-157). It decides "missing" by
    // describeCollection throwing, whatever the reason (lib/database/index.js:57-72): a collection it
    // wrongly thinks missing makes createCollection fail, which lands in `problems` below.
    const made = await manager.database.createCollectionIfNotExists(c.name);
    console.log(`${c.name}: ${made.IsCreated ? 'created' : 'exists'}`);
    if (c.indexes.length > 0) {
      // { Indexes?: IndexInfo[] } (types/database/index.d.ts ITableInfo); the API answers null for
      // empty lists elsewhere (ListTables' Tables, lib/database/index.js:124), hence `?? []`.
      const described = await manager.database.describeCollection(c.name);
      const { create, conflicts, present } = indexPlan(c.indexes, described?.Indexes ?? []);
      if (present.length > 0) console.log(`  indexes present: ${present.join(', ')}`);
      for (const name of conflicts) {
        const want = c.indexes.find((i) => i.name === name);
        problems.push(
          `${c.name}: index ${name} exists with other keys or uniqueness; drop it (console: 索引管理) and run again, or make it ${JSON.stringify(createIndex(want))}`,
        );
      }
      if (create.length > 0) {
        // UpdateTable with { EnvId, MongoConnector, TableName, CreateIndexes } (lib/database/index.js:98-102).
        await manager.database.updateCollection(c.name, { CreateIndexes: create.map(createIndex) });
        console.log(`  indexes created: ${create.map((i) => i.name).join(', ')}`);
      }
    }
  } catch (err) {
    problems.push(`${c.name}: ${why(err)}`);
    continue;
  }
  await setRules(c);
}

/**
 * permission.modifyResourcePermission({ resourceType, resource, permission, securityRule }):
 * lib/permission/index.js:11-57 ('collection' takes CUSTOM with a non-empty securityRule string, or
 * the presets; 'function' takes CUSTOM only, without a resource) answering { Data: { Success },
 * RequestId } (types/permission/index.d.ts). Marked @deprecated in 5.6.5 ("网关鉴权策略已由 OPA
 * 接管", the gateway's policies), yet the only call there that sets these rules.
 */
async function modify(options) {
  const answer = await manager.permission.modifyResourcePermission(options);
  if (answer?.Data?.Success === false) throw new Error(`refused (RequestId ${answer.RequestId})`);
}

async function setRules(c) {
  try {
    await modify({ resourceType: 'collection', resource: c.name, permission: 'CUSTOM', securityRule: JSON.stringify(c.rules) });
    console.log(`  rules: ${JSON.stringify(c.rules)}`);
  } catch (err) {
    // The preset "admin only" is the same for clients: no access (cloud functions bypass the rules).
    try {
      await modify({ resourceType: 'collection', resource: c.name, permission: 'ADMINONLY' });
      console.log(`  rules: ADMINONLY (custom rules refused: ${why(err)})`);
    } catch (err2) {
      problems.push(`${c.name}: set its rules to ${JSON.stringify(c.rules)} in the console (${why(err2)})`);
    }
  }
}

try {
  await modify({ resourceType: 'function', permission: 'CUSTOM', securityRule: functionRules });
  console.log(`function rules: ${functionRules}`);
} catch (err) {
  problems.push(`function rules: set them in the console (云函数 > 权限控制) to ${functionRules} (${why(err)})`);
}

/**
 * One HTTP access route: made when missing, its authentication switched when it differs. The calls
 * (lib/access/index.js, manager-node 5.6.5): getAccessList({ path }) -> DescribeCloudBaseGWAPI,
 * answering { APISet: [{ APIId, Path, Type, Name, EnableAuth }] } (types/access/index.d.ts);
 * createAccess({ path, name, type: 1 (a cloud function), auth }) -> CreateCloudBaseGWAPI with
 * AuthSwitch 1 (on) or 2 (off); switchPathAuth({ apiIds, auth }) -> ModifyCloudBaseGWAPIPrivilegeBatch.
 */
async function ensureAccess(route) {
  const { APISet = [] } = (await manager.access.getAccessList({ path: route.path })) ?? {};
  const found = (APISet ?? []).find((api) => api.Path === route.path);
  if (!found) {
    await manager.access.createAccess({ path: route.path, name: route.function, type: 1, auth: route.auth });
    console.log(`http access ${route.path} -> ${route.function}: created, authentication ${route.auth ? 'on' : 'off'}`);
    return;
  }
  if (found.Name !== route.function) {
    problems.push(`http access ${route.path} leads to "${found.Name}", not ${route.function}: fix the route in the console (HTTP 访问服务)`);
    return;
  }
  if (Boolean(found.EnableAuth) !== route.auth) {
    await manager.access.switchPathAuth({ apiIds: [found.APIId], auth: route.auth });
    console.log(`http access ${route.path} -> ${route.function}: authentication switched ${route.auth ? 'on' : 'off'}`);
    return;
  }
  console.log(`http access ${route.path} -> ${route.function}: present`);
}

for (const route of httpAccess) {
  try {
    await ensureAccess(route);
  } catch (err) {
    problems.push(
      `http access ${route.path}: create it in the console (HTTP 访问服务 > 新建: 云函数 ${route.function}, authentication ${route.auth ? 'on' : 'off'}) (${why(err)})`,
    );
  }
}

if (problems.length > 0) {
  console.error(`cloud-setup: done, except:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('cloud-setup: done');
