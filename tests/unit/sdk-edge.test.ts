/**
 * Failures at the edge of the SDK: no credentials, refused credentials, a missing geo index. Each
 * is a clean INTERNAL to the caller (no stack, no SDK text) and one log line naming the cause for
 * the operator; none leaves an unhandled rejection behind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '@cloudbase/database';
import { geoActions } from '../../functions/lib/actions/geo';
import { geoPorts } from '../../functions/lib/cloudbase/adapters';
import { cloudbaseApp, cloudbaseCause, missingCredentials, type CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { serve } from '../../functions/lib/serve';

const nearby = { action: 'nearby', kind: 'store', lat: 31.23, lng: 121.47 };
const internal = { ok: false, error: { code: 'INTERNAL', message: 'internal error, please retry later' } };

/** The SDK's own Db whose every request fails as CloudBase would answer. */
function failingDb(error: Error): CloudbaseDb {
  (Db as any).reqClass = class {
    async send() {
      throw error;
    }
  };
  return new Db({}) as unknown as CloudbaseDb;
}

async function served(db: CloudbaseDb) {
  const logs: Array<Record<string, any>> = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(JSON.parse(line)));
  try {
    const answer = await serve(
      'geo',
      geoActions,
      createCloudbaseWorld(() => geoPorts(db), {}),
    )(nearby, {});
    return { answer, logs };
  } finally {
    spy.mockRestore();
  }
}

describe('credentials', () => {
  it('names the variables that are missing, and makes no SDK app without them', () => {
    expect(missingCredentials({})).toMatch(/TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY not in the environment/);
    expect(missingCredentials({ TENCENTCLOUD_SECRETID: 'id' })).toMatch(/TENCENTCLOUD_SECRETKEY not in/);
    expect(missingCredentials({ TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' })).toBeNull();
    const saved = { ...process.env };
    delete process.env.TENCENTCLOUD_SECRETID;
    try {
      expect(() => cloudbaseApp()).toThrow(/CloudBase credentials missing/);
    } finally {
      process.env = saved;
    }
  });

  it('a built bundle without credentials answers INTERNAL, logs the cause, and leaves no unhandled rejection', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nearby-edge-'));
    try {
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, ['scripts/build.mjs', '--functions', '--out', out], { timeout: 90000 }, (err) => (err ? reject(err) : resolve())),
      );
      const probe = `
        let unhandled = 0;
        process.on('unhandledRejection', () => unhandled++);
        require(process.argv[1]).main(${JSON.stringify(nearby)}, {}).then((r) => setTimeout(() => process.stdout.write('ANSWER ' + JSON.stringify({ r, unhandled })), 300));`;
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['-e', probe, join(out, 'geo', 'index.js')],
          { encoding: 'utf8', timeout: 30000, env: { PATH: process.env.PATH } },
          (err, so, se) => (err ? reject(new Error(se || err.message)) : resolve(so)),
        ),
      );
      const [logged, answered] = stdout.split('ANSWER ');
      expect(JSON.parse(answered)).toEqual({ r: internal, unhandled: 0 });
      const lines = logged
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({
        fn: 'geo',
        action: 'nearby',
        level: 'error',
        cause: expect.stringMatching(/^CloudBase credentials missing: TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY/),
      });
      expect(lines[1]).toMatchObject({ fn: 'geo', ok: false, code: 'INTERNAL' });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120000);

  it('refused credentials: INTERNAL, and the log line says CloudBase refused them', async () => {
    const { answer, logs } = await served(
      failingDb(Object.assign(new Error('The SecretId is not found, please check it'), { code: 'AuthFailure.SecretIdNotFound' })),
    );
    expect(answer).toEqual(internal);
    expect(logs[0]).toMatchObject({ level: 'error', cause: expect.stringMatching(/^CloudBase refused the credentials \(AuthFailure\.SecretIdNotFound\)/) });
  });
});

describe('a missing geo index', () => {
  it('is reported as such in the log, and the caller gets a clean INTERNAL', async () => {
    const { answer, logs } = await served(
      failingDb(Object.assign(new Error('$geoNear requires a 2d or 2dsphere index, but none were found'), { code: 'DATABASE_REQUEST_FAILED' })),
    );
    expect(answer).toEqual(internal);
    expect(logs[0]).toMatchObject({
      cause: 'places_store has no 2dsphere index on location: apply cloudbase/database.json (npm run deploy, or node scripts/cloud-setup.mjs)',
    });
  });

  it('is named in the log whichever adapter met it', async () => {
    expect(cloudbaseCause(Object.assign(new Error('unable to find index for $geoNear query'), { code: 'DATABASE_REQUEST_FAILED' }))).toMatch(
      /^a geo query found no 2dsphere index: apply cloudbase\/database.json/,
    );
  });

  it('any other database failure stays an INTERNAL with no cause invented', async () => {
    const { answer, logs } = await served(failingDb(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    expect(answer).toEqual(internal);
    expect(logs[0].cause).toBeUndefined();
    expect(logs[0].error).toMatch(/socket hang up/);
  });
});
