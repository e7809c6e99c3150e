/**
 * Missing or malformed deployment settings in the cloud: the action that needs one answers
 * FAILED_PRECONDITION naming the variable, before it reads or writes anything; the other actions
 * of the function keep working. The lock is "none" unless an operator chooses one.
 */
import { adminActions } from '../../functions/lib/actions/admin';
import { geoActions } from '../../functions/lib/actions/geo';
import { ridesActions } from '../../functions/lib/actions/rides';
import { adminPorts, geoPorts, ridePorts } from '../../functions/lib/cloudbase/adapters';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { serve } from '../../functions/lib/serve';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';

/** A function context as SCF hands it over, with the caller's OPENID. */
const as = (openid: string) => ({ request_id: 'r1', environment: JSON.stringify({ WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: openid }) });

/** A database that records every use and answers none: an action that must not touch it. */
function untouchable() {
  const touched: string[] = [];
  const db = new Proxy(
    {},
    {
      get: (_t, key) => (
        touched.push(String(key)),
        () => {
          throw new Error(`database used: ${String(key)}`);
        }
      ),
    },
  );
  return { db: db as unknown as CloudbaseDb, touched };
}

const logs: Array<Record<string, unknown>> = [];
beforeEach(() => {
  logs.length = 0;
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(JSON.parse(line)));
});
afterEach(() => jest.restoreAllMocks());

const unlock = { action: 'unlock', bikeCode: 'B1', lat: 31.23, lng: 121.47 };
/** The rides function over `db` with these settings, as the cloud wires it. */
const ridesOver = (db: Parameters<typeof ridePorts>[0], env: Record<string, string>) =>
  serve(
    'rides',
    ridesActions,
    createCloudbaseWorld(() => ridePorts(db, env), {}),
  );

describe('the lock in the cloud', () => {
  it('with no NEARBY_LOCK, refuses every unlock with LOCK_FAILED before touching the database', async () => {
    const { db, touched } = untouchable();
    const rides = ridesOver(db, {});
    expect(await rides(unlock, as('rider'))).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'LOCK_FAILED', message: expect.stringMatching(/^no bike lock configured: .*NEARBY_LOCK/) },
    });
    expect(touched).toEqual([]);
    expect(logs[0]).toMatchObject({ fn: 'rides', action: 'unlock', level: 'error', setting: expect.stringMatching(/no bike lock configured/) });
    // The rest of the function works: the tariff has its defaults.
    expect(await rides({ action: 'tariff' }, as('rider'))).toEqual({ ok: true, data: { tariff: DEFAULT_TARIFF } });
  });

  it('refuses a lock nobody wrote an adapter for, naming NEARBY_LOCK', async () => {
    const { db, touched } = untouchable();
    const rides = ridesOver(db, { NEARBY_LOCK: 'acme-iot' });
    expect(await rides(unlock, as('rider'))).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'LOCK_FAILED', message: expect.stringMatching(/^NEARBY_LOCK must be "simulated"/) },
    });
    expect(touched).toEqual([]);
  });

  it('runs the simulated lock only when chosen, bounded by its own settings', async () => {
    const lock = ridePorts(untouchable().db, { NEARBY_LOCK: 'simulated', NEARBY_LOCK_FAILURE_RATE: '1' }).lock;
    expect(await lock.unlock('B1', 'R1')).toBe('failed');
    expect(await ridePorts(untouchable().db, { NEARBY_LOCK: ' simulated ' }).lock.unlock('B1', 'R1')).toBe('ok');
  });
});

describe('a malformed setting refuses only the actions that need it', () => {
  it('a bad NEARBY_TARIFF_UNIT_SEC: tariff and unlock answer FAILED_PRECONDITION naming it', async () => {
    const { db, touched } = untouchable();
    const rides = ridesOver(db, { NEARBY_LOCK: 'simulated', NEARBY_TARIFF_UNIT_SEC: 'ten' });
    for (const event of [{ action: 'tariff' }, unlock]) {
      expect(await rides(event, as('rider'))).toEqual({
        ok: false,
        error: { code: 'FAILED_PRECONDITION', message: 'NEARBY_TARIFF_UNIT_SEC must be an integer of at least 1, not "ten"' },
      });
    }
    expect(touched).toEqual([]);
  });

  it('a bad NEARBY_LOCK_TIMEOUT_MS: unlock names it', async () => {
    const rides = ridesOver(untouchable().db, { NEARBY_LOCK: 'simulated', NEARBY_LOCK_TIMEOUT_MS: '-1' });
    expect(await rides(unlock, as('rider'))).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: expect.stringMatching(/^NEARBY_LOCK_TIMEOUT_MS must be/) },
    });
  });
});

describe('admins', () => {
  const place = { kind: 'bike', id: 'B1', code: 'B1', lat: 31.2304, lng: 121.4737, status: 'available' };

  it('with no NEARBY_ADMIN_OPENIDS, admin actions say so, whoami and geo keep working', async () => {
    const db = new FakeCloudbase();
    const world = createCloudbaseWorld(() => adminPorts(db as unknown as CloudbaseDb), {});
    const admin = serve('admin', adminActions, world);
    expect(await admin({ action: 'upsertPlaces', places: [place] }, as('first-operator'))).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: expect.stringMatching(/^NEARBY_ADMIN_OPENIDS is not set/) },
    });
    expect(await admin({ action: 'whoami' }, as('first-operator'))).toEqual({ ok: true, data: { openid: 'first-operator' } });
    const geo = serve(
      'geo',
      geoActions,
      createCloudbaseWorld(() => geoPorts(db as unknown as CloudbaseDb), {}),
    );
    expect(await geo({ action: 'nearby', kind: 'bike', lat: 31.23, lng: 121.47 }, as('x'))).toEqual({ ok: true, data: { items: [] } });
  });

  it('whoami needs a caller, and answers anyone signed in, admin or not', async () => {
    const admin = serve(
      'admin',
      adminActions,
      createCloudbaseWorld(() => adminPorts(untouchable().db), { NEARBY_ADMIN_OPENIDS: 'boss' }),
    );
    expect(await admin({ action: 'whoami' }, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await admin({ action: 'whoami' }, as('boss'))).toEqual({ ok: true, data: { openid: 'boss' } });
    expect(await admin({ action: 'whoami' }, as('someone'))).toEqual({ ok: true, data: { openid: 'someone' } });
    expect(await admin({ action: 'upsertPlaces', places: [place] }, as('someone'))).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  });
});
