// Applies cloudbase/database.json to a CloudBase environment: creates the missing collections and
// indexes, sets every collection's client rules (deny-all) and the environment's cloud-function
// security rules. Safe to run again: it only adds what is missing and sets the rules again.
//
// Needs ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY (TENCENTCLOUD_SESSIONTOKEN with
// temporary keys) and the management SDK, which the project does not install for everybody:
//   npm i --no-save @cloudbase/manager-node@5 && node scripts/cloud-setup.mjs
// `node scripts/cloud-setup.mjs --dry-run` prints the plan and needs neither.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const spec = JSON.parse(readFileSync(new URL('../cloudbase/database.json', import.meta.url), 'utf8'));
const dryRun = process.argv.includes('--dry-run');
const withoutComments = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$')));

/** The index as the management API (flexdb UpdateTable) takes it. */
const createIndex = (index) => ({
  IndexName: index.name,
  MgoKeySchema: { MgoIsUnique: Boolean(index.unique), MgoIndexKeys: index.keys.map((k) => ({ Name: k.name, Direction: String(k.direction) })) },
});

if (dryRun) {
  for (const c of spec.collections) {
    console.log(`collection ${c.name}: rules ${JSON.stringify(c.rules)}`);
    for (const index of c.indexes) console.log(`  index ${JSON.stringify(createIndex(index))}`);
  }
  console.log(`function rules: ${JSON.stringify(withoutComments(spec.functionRules))}`);
  process.exit(0);
}

const { ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, TENCENTCLOUD_SESSIONTOKEN } = process.env;
if (!ENV_ID || !TENCENTCLOUD_SECRETID || !TENCENTCLOUD_SECRETKEY) {
  console.error('cloud-setup: set ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or run with --dry-run)');
  process.exit(2);
}
let CloudBase;
try {
  CloudBase = createRequire(import.meta.url)('@cloudbase/manager-node');
} catch {
  console.error('cloud-setup: needs the management SDK: npm i --no-save @cloudbase/manager-node@5');
  process.exit(2);
}

const manager = new CloudBase({ secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY, token: TENCENTCLOUD_SESSIONTOKEN, envId: ENV_ID });
const problems = [];

for (const c of spec.collections) {
  const made = await manager.database.createCollectionIfNotExists(c.name);
  console.log(`${c.name}: ${made.IsCreated ? 'created' : 'exists'}`);
  const { Indexes = [] } = await manager.database.describeCollection(c.name);
  const missing = c.indexes.filter((index) => !Indexes.some((have) => have.Name === index.name));
  if (missing.length > 0) {
    await manager.database.updateCollection(c.name, { CreateIndexes: missing.map(createIndex) });
    console.log(`  indexes created: ${missing.map((i) => i.name).join(', ')}`);
  }
  try {
    await manager.permission.modifyResourcePermission({ resourceType: 'collection', resource: c.name, permission: 'CUSTOM', securityRule: JSON.stringify(c.rules) });
    console.log(`  rules: ${JSON.stringify(c.rules)}`);
  } catch (err) {
    // Environments whose rules moved elsewhere still take the preset "admin only" (= no client access).
    try {
      await manager.permission.modifyResourcePermission({ resourceType: 'collection', resource: c.name, permission: 'ADMINONLY' });
      console.log('  rules: ADMINONLY (custom rules refused: ' + err.message + ')');
    } catch (err2) {
      problems.push(`${c.name}: set its rules to ${JSON.stringify(c.rules)} in the console (${err2.message})`);
    }
  }
}

try {
  await manager.permission.modifyResourcePermission({ resourceType: 'function', permission: 'CUSTOM', securityRule: JSON.stringify(withoutComments(spec.functionRules)) });
  console.log(`function rules: ${JSON.stringify(withoutComments(spec.functionRules))}`);
} catch (err) {
  problems.push(`function rules: set them in the console (云函数 > 权限控制) to ${JSON.stringify(withoutComments(spec.functionRules))} (${err.message})`);
}

if (problems.length > 0) {
  console.error(`cloud-setup: done, except:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('cloud-setup: done');
