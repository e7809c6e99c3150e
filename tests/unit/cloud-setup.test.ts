// scripts/cloud-setup.mjs run as an operator runs it, against tests/support/manager-node-fake.cjs: a
// stand-in for @cloudbase/manager-node 5.6.5 that checks the argument shapes the package checks and
// answers in the package's shapes (both read in its lib/), over an environment kept in a file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const spec = JSON.parse(readFileSync('cloudbase/database.json', 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'nearby-cloud-setup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fake = resolve('tests/support/manager-node-fake.cjs');
const credentials = { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' };

interface Cloud {
  envId: string;
  collections: Record<string, { indexes: Array<{ Name: string; Keys: Array<{ Name: string; Direction: string }>; Unique: boolean }> }>;
  rules: Record<string, unknown>;
  calls: Array<{ call: string; args: any }>;
  refuseCustom?: boolean;
}

function newCloud(seed: Partial<Cloud> = {}): string {
  const file = join(scratch, `cloud-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ envId: 'nearby-1a2b3c', collections: {}, rules: {}, calls: [], ...seed }));
  return file;
}
const read = (file: string): Cloud => JSON.parse(readFileSync(file, 'utf8'));

function setup(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      process.execPath,
      ['scripts/cloud-setup.mjs', ...args],
      { encoding: 'utf8', timeout: 30000, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => done({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
const against = (file: string, envId = 'nearby-1a2b3c') => ({ ...credentials, ENV_ID: envId, NEARBY_MANAGER_MODULE: fake, NEARBY_MANAGER_FAKE_STATE: file });
const callsOf = (cloud: Cloud, name: string) => cloud.calls.filter((c) => c.call === name).map((c) => c.args);

describe('scripts/cloud-setup.mjs', () => {
  it('on an empty environment creates every collection and index and sets every rule', async () => {
    const file = newCloud();
    const { code, stderr } = await setup(against(file));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const cloud = read(file);
    expect(callsOf(cloud, 'new CloudBase')).toEqual([{ envId: 'nearby-1a2b3c', secretId: true, secretKey: true, token: null }]);
    expect(Object.keys(cloud.collections).sort()).toEqual(spec.collections.map((c: { name: string }) => c.name).sort());
    // The geo and unique indexes as the API holds them.
    expect(cloud.collections.places_bike.indexes).toEqual(
      expect.arrayContaining([
        { Name: 'location_2dsphere', Keys: [{ Name: 'location', Direction: '2dsphere' }], Unique: false },
        { Name: 'code_unique', Keys: [{ Name: 'code', Direction: '1' }], Unique: true },
      ]),
    );
    expect(cloud.collections.bookings.indexes.find((i) => i.Name === 'store_day')?.Keys.map((k) => k.Name)).toEqual(['storeId', 'slotDate', 'slotKey']);
    for (const c of spec.collections) expect(cloud.rules[`collection:${c.name}`]).toEqual({ read: false, write: false });
    expect(cloud.rules['function:*']).toEqual({
      '*': { invoke: 'auth != null' },
      reminders: { invoke: false },
      sweeper: { invoke: false },
      payNotify: { invoke: false },
    });
    // WeChat Pay's notify_url: an HTTP access route to payNotify, CloudBase authentication off.
    expect(callsOf(cloud, 'access.createAccess')).toEqual([[{ path: '/pay/notify', name: 'payNotify', type: 1, auth: false }]]);
  }, 30000);

  it('switches off the authentication of an existing payNotify route, and leaves a right one alone', async () => {
    const file = newCloud({
      access: [{ ServiceId: 'nearby-1a2b3c', APIId: 'api-7', Path: '/pay/notify', Type: 1, Name: 'payNotify', EnableAuth: true }],
    } as Partial<Cloud>);
    expect((await setup(against(file))).code).toBe(0);
    let cloud = read(file) as Cloud & { access: Array<{ EnableAuth: boolean }> };
    expect(callsOf(cloud, 'access.createAccess')).toEqual([]);
    expect(callsOf(cloud, 'access.switchPathAuth')).toEqual([[{ apiIds: ['api-7'], auth: false }]]);
    expect(cloud.access.map((r) => r.EnableAuth)).toEqual([false]);
    writeFileSync(file, JSON.stringify({ ...cloud, calls: [] }));
    const again = await setup(against(file));
    expect(again.code).toBe(0);
    cloud = read(file) as typeof cloud;
    expect(callsOf(cloud, 'access.switchPathAuth')).toEqual([]);
    expect(again.stdout).toMatch(/http access \/pay\/notify -> payNotify: present/);
  }, 30000);

  it('run again, adds nothing and sets the rules again', async () => {
    const file = newCloud();
    expect((await setup(against(file))).code).toBe(0);
    const before = read(file);
    writeFileSync(file, JSON.stringify({ ...before, calls: [] }));
    const again = await setup(against(file));
    expect(again.code).toBe(0);
    const cloud = read(file);
    expect(callsOf(cloud, 'database.createCollection')).toEqual([]);
    expect(callsOf(cloud, 'database.updateCollection')).toEqual([]);
    expect(callsOf(cloud, 'access.createAccess')).toEqual([]);
    expect(cloud.collections).toEqual(before.collections);
    expect(callsOf(cloud, 'permission.modifyResourcePermission')).toHaveLength(spec.collections.length + 1);
    expect(again.stdout).toMatch(/places_bike: exists\n {2}indexes present: location_2dsphere, code_unique, status\n/);
  }, 30000);

  it('counts an index made by hand under another name, and names one of ours whose keys differ', async () => {
    const file = newCloud({
      collections: {
        places_store: { indexes: [{ Name: 'location_2dsphere_hand', Keys: [{ Name: 'location', Direction: '2dsphere' }], Unique: false }] },
        places_bike: { indexes: [{ Name: 'code_unique', Keys: [{ Name: 'code', Direction: '1' }], Unique: false }] },
      },
    });
    const { code, stderr } = await setup(against(file));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^- places_bike: index code_unique exists with other keys or uniqueness; drop it/m);
    const cloud = read(file);
    const created = callsOf(cloud, 'database.updateCollection');
    expect(created.find(([name]) => name === 'places_store')[1].CreateIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(['category']);
    expect(created.find(([name]) => name === 'places_bike')[1].CreateIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual([
      'location_2dsphere',
      'status',
    ]);
    // The other collections and the rules are still done.
    expect(cloud.rules['collection:places_bike']).toEqual({ read: false, write: false });
    expect(cloud.rules['function:*']).toBeDefined();
  }, 30000);

  it('falls back to the preset "admin only" where custom collection rules are refused, and says which rules could not be set', async () => {
    const file = newCloud({ refuseCustom: true });
    const { code, stdout, stderr } = await setup(against(file));
    expect(code).toBe(1);
    expect(stdout).toMatch(/rules: ADMINONLY \(custom rules refused: OperationDenied: custom rules are not available\)/);
    expect(read(file).rules['collection:staff']).toBe('ADMINONLY');
    expect(stderr).toMatch(/function rules: set them in the console \(云函数 > 权限控制\) to \{"\*":\{"invoke":"auth != null"\}/);
  }, 30000);

  it('with a wrong ENV_ID changes nothing and says so once', async () => {
    const file = newCloud();
    const { code, stderr } = await setup(against(file, 'nearby-wrong'));
    expect(code).toBe(1);
    expect(stderr).toBe('cloud-setup: cannot reach environment nearby-wrong (ResourceNotFound: Environment nearby-wrong not found); nothing was changed\n');
    expect(read(file).calls.map((c) => c.call)).toEqual(['new CloudBase', 'env.getEnvInfo']);
  }, 30000);

  it('--dry-run prints the calls without the package or credentials', async () => {
    const { code, stdout } = await setup({ NEARBY_MANAGER_MODULE: '/nonexistent' }, ['--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '{"IndexName":"location_2dsphere","MgoKeySchema":{"MgoIsUnique":false,"MgoIndexKeys":[{"Name":"location","Direction":"2dsphere"}]}}',
    );
    expect(stdout).toContain('{"IndexName":"code_unique","MgoKeySchema":{"MgoIsUnique":true,"MgoIndexKeys":[{"Name":"code","Direction":"1"}]}}');
    expect(stdout).toMatch(/function rules: permission\.modifyResourcePermission function CUSTOM \{"\*"/);
  }, 30000);

  it('without credentials stops, naming them', async () => {
    const { code, stderr } = await setup({ ENV_ID: 'nearby-1a2b3c' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/set ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY/);
  }, 30000);
});

// The real SDK, where it can be loaded (an operator's `npm i --no-save @cloudbase/manager-node@5`, or
// NEARBY_MANAGER_REAL=<an installed copy>): the script's calls go through it, signed, to a local
// tcb API (the SDK takes its address from TCB_BASE_URL, lib/utils/cloud-api-request.js:66), and the
// requests it sends are the ones docs/deploy.md names.
const realManager = (() => {
  try {
    return require.resolve(process.env.NEARBY_MANAGER_REAL || '@cloudbase/manager-node');
  } catch {
    return null;
  }
})();
(realManager ? it : it.skip)(
  'through the real @cloudbase/manager-node, sends UpdateTable and ModifyResourcePermission as expected, and nothing new the second time',
  async () => {
    const tables: Record<string, unknown[]> = {};
    const actions: Array<{ action: string; data: any }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const action = String(req.headers['x-tc-action']);
        const data = JSON.parse(body || '{}');
        actions.push({ action, data });
        let answer: Record<string, unknown> = {};
        if (action === 'DescribeEnvInfo') answer = { EnvInfo: { EnvBaseInfo: { EnvId: data.EnvId, Databases: [{ InstanceId: 'tnt-x' }] } } };
        else if (action === 'DescribeTable')
          answer = tables[data.TableName] ? { Indexes: tables[data.TableName] } : { Error: { Code: 'ResourceNotFound', Message: 'no such table' } };
        else if (action === 'CreateTable') tables[data.TableName] = [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: false }];
        else if (action === 'UpdateTable')
          for (const i of data.CreateIndexes)
            tables[data.TableName].push({ Name: i.IndexName, Keys: i.MgoKeySchema.MgoIndexKeys, Unique: i.MgoKeySchema.MgoIsUnique });
        else if (action === 'ModifyResourcePermission') answer = { Data: { Success: true } };
        else answer = { Error: { Code: 'UnsupportedOperation', Message: action } };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { RequestId: 'r', ...answer } }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const env = {
        ...credentials,
        ENV_ID: 'nearby-1a2b3c',
        NEARBY_MANAGER_MODULE: realManager!,
        TCB_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      };
      expect((await setup(env)).code).toBe(0);
      const first = actions.splice(0);
      expect(first.filter((a) => a.action === 'CreateTable')).toHaveLength(spec.collections.length);
      expect(first.find((a) => a.action === 'UpdateTable' && a.data.TableName === 'places_bike')?.data.CreateIndexes).toEqual([
        { IndexName: 'location_2dsphere', MgoKeySchema: { MgoIsUnique: false, MgoIndexKeys: [{ Name: 'location', Direction: '2dsphere' }] } },
        { IndexName: 'code_unique', MgoKeySchema: { MgoIsUnique: true, MgoIndexKeys: [{ Name: 'code', Direction: '1' }] } },
        { IndexName: 'status', MgoKeySchema: { MgoIsUnique: false, MgoIndexKeys: [{ Name: 'status', Direction: '1' }] } },
      ]);
      expect(first.find((a) => a.action === 'ModifyResourcePermission' && a.data.Resource === 'staff')?.data).toEqual({
        EnvId: 'nearby-1a2b3c',
        ResourceType: 'collection',
        Resource: 'staff',
        Permission: 'CUSTOM',
        SecurityRule: '{"read":false,"write":false}',
      });
      expect(first.find((a) => a.action === 'ModifyResourcePermission' && a.data.ResourceType === 'function')?.data).not.toHaveProperty('Resource');
      expect((await setup(env)).code).toBe(0);
      expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['DescribeEnvInfo', 'DescribeTable', 'ModifyResourcePermission']));
    } finally {
      server.close();
    }
  },
  60000,
);
