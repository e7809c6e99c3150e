// A stand-in for @cloudbase/manager-node 5.6.5 with the surface scripts/cloud-setup.mjs uses, playing
// the package's own semantics (read in its lib/: index.js, env/index.js, database/index.js,
// permission/index.js) over an environment kept in a JSON file, so that a test can run the script
// twice against the same "cloud". Every call is recorded in that file.
// NEARBY_MANAGER_FAKE_STATE: the file ({ envId, collections: { name: { indexes: IndexInfo[] } }, rules, calls }).
const { readFileSync, writeFileSync } = require('node:fs');

const file = process.env.NEARBY_MANAGER_FAKE_STATE;
const load = () => JSON.parse(readFileSync(file, 'utf8'));
const save = (state) => writeFileSync(file, JSON.stringify(state, null, 1));
const record = (call, args) => {
  const state = load();
  state.calls.push({ call, args });
  save(state);
  return state;
};
/** The SDK throws CloudBaseError with the API's code and message (lib/utils/cloud-api-request.js:124-131). */
const apiError = (code, message) => Object.assign(new Error(message), { code });
const PERMISSION_BY_RESOURCE = {
  function: ['CUSTOM'],
  storage: ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'],
  table: ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY'],
  collection: ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'],
};

class CloudBase {
  constructor(config = {}) {
    const { secretId, secretKey, envId } = config;
    if ((secretId && !secretKey) || (!secretId && secretKey)) throw new Error('secretId and secretKey must be a pair');
    record('new CloudBase', { envId, secretId: Boolean(secretId), secretKey: Boolean(secretKey), token: config.token ?? null });
    const reach = () => {
      const state = load();
      if (state.envId !== envId) throw apiError('ResourceNotFound', `Environment ${envId} not found`);
      return state;
    };
    const describe = (name) => {
      const state = reach();
      const c = state.collections[name];
      if (!c) throw apiError('ResourceNotFound.TableNotExist', `table ${name} not exist`);
      return { RequestId: 'r', Indexes: c.indexes, IndexNum: c.indexes.length };
    };
    const database = {
      async describeCollection(name) {
        record('database.describeCollection', [name]);
        return describe(name);
      },
      async checkCollectionExists(name) {
        try {
          describe(name);
          return { RequestId: 'r', Exists: true };
        } catch (e) {
          return { RequestId: 'r', Msg: e.message, Exists: false };
        }
      },
      async createCollection(name) {
        const state = record('database.createCollection', [name]);
        if (state.collections[name]) throw apiError('ResourceInUse', `table ${name} exists`);
        state.collections[name] = { indexes: [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: false }] };
        save(state);
        return { RequestId: 'r' };
      },
      async createCollectionIfNotExists(name) {
        record('database.createCollectionIfNotExists', [name]);
        const existRes = await database.checkCollectionExists(name);
        if (existRes.Exists) return { RequestId: '', IsCreated: false, ExistsResult: existRes };
        const res = await database.createCollection(name);
        return { RequestId: res.RequestId, IsCreated: true, ExistsResult: existRes };
      },
      async updateCollection(name, info) {
        const state = record('database.updateCollection', [name, info]);
        describe(name);
        const indexes = state.collections[name].indexes;
        for (const index of info.CreateIndexes ?? []) {
          const keys = index?.MgoKeySchema?.MgoIndexKeys;
          const shapeOk =
            typeof index?.IndexName === 'string' &&
            typeof index.MgoKeySchema.MgoIsUnique === 'boolean' &&
            Array.isArray(keys) &&
            keys.length > 0 &&
            keys.every((k) => typeof k.Name === 'string' && ['1', '-1', '2dsphere'].includes(k.Direction));
          if (!shapeOk) throw apiError('InvalidParameter', `bad CreateIndexes entry ${JSON.stringify(index)}`);
          if (indexes.some((i) => i.Name === index.IndexName)) throw apiError('InvalidParameter', `index ${index.IndexName} already exists`);
          indexes.push({ Name: index.IndexName, Keys: keys.map((k) => ({ Name: k.Name, Direction: k.Direction })), Unique: index.MgoKeySchema.MgoIsUnique });
        }
        save(state);
        return { RequestId: 'r' };
      },
    };
    this.database = database;
    this.env = {
      async getEnvInfo() {
        record('env.getEnvInfo', []);
        const state = reach();
        return { RequestId: 'r', EnvInfo: { EnvId: state.envId, Databases: [{ InstanceId: 'tnt-fake' }] } };
      },
    };
    // lib/access/index.js: the HTTP access routes (state.access: [{ APIId, Path, Type, Name, EnableAuth }]).
    this.access = {
      async getAccessList(options = {}) {
        const state = record('access.getAccessList', [options]);
        reach();
        const routes = state.access ?? [];
        return { RequestId: 'r', APISet: routes.filter((r) => options.path === undefined || r.Path === options.path), Total: routes.length };
      },
      async createAccess(options) {
        const state = record('access.createAccess', [options]);
        reach();
        const { path, name, type = 1, auth } = options;
        state.access = [
          ...(state.access ?? []),
          { ServiceId: state.envId, APIId: `api-${(state.access ?? []).length + 1}`, Path: path, Type: type, Name: name, EnableAuth: Boolean(auth) },
        ];
        save(state);
        return { RequestId: 'r', APIId: state.access[state.access.length - 1].APIId };
      },
      async switchPathAuth(options) {
        const state = record('access.switchPathAuth', [options]);
        reach();
        for (const r of state.access ?? []) if (options.apiIds.includes(r.APIId)) r.EnableAuth = Boolean(options.auth);
        save(state);
        return { RequestId: 'r' };
      },
    };
    this.permission = {
      async modifyResourcePermission(options) {
        const state = record('permission.modifyResourcePermission', [options]);
        reach();
        const { resourceType, resource, permission, securityRule } = options;
        if (!resourceType || !PERMISSION_BY_RESOURCE[resourceType]) throw new Error('Invalid resourceType');
        const hasResource = typeof resource === 'string' && resource.trim().length > 0;
        if (resourceType !== 'function' && !hasResource) throw new Error('Invalid resource');
        if (!PERMISSION_BY_RESOURCE[resourceType].includes(permission))
          throw new Error(`Permission ${permission} is not allowed for resourceType ${resourceType}`);
        if (permission === 'CUSTOM' && (typeof securityRule !== 'string' || securityRule.trim().length === 0))
          throw new Error('securityRule is required when permission is CUSTOM');
        if (permission === 'CUSTOM' && state.refuseCustom) throw apiError('OperationDenied', 'custom rules are not available');
        state.rules[`${resourceType}:${resource ?? '*'}`] = permission === 'CUSTOM' ? JSON.parse(securityRule) : permission;
        save(state);
        return { RequestId: 'r', Data: { Success: true } };
      },
    };
  }
}
module.exports = CloudBase;
