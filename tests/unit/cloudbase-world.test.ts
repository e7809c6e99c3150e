import { main as adminMain } from '../../functions/admin/index';
import { main as bookingsMain } from '../../functions/bookings/index';
import { main as geoMain } from '../../functions/geo/index';
import { main as ridesMain } from '../../functions/rides/index';
import { geoActions } from '../../functions/lib/actions/geo';
import { adminActions } from '../../functions/lib/actions/admin';
import { cloudbaseInitialised } from '../../functions/lib/cloudbase/db';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { cloudLockFrom } from '../../functions/lib/lock';
import { tariffFrom } from '../../shared/tariff';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import { cloudbaseStaff } from '../../functions/lib/cloudbase/staff';
import { adminsFrom, createCloudbaseWorld, openidOf } from '../../functions/lib/cloudbase/world';
import type { Ports } from '../../functions/lib/ports';
import { serve } from '../../functions/lib/serve';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';

/** A function context as SCF hands it over (the newer `environment` JSON, or the older `environ` list). */
function contextOf(env: Record<string, string>, form: 'environment' | 'environ' = 'environment') {
  const base = { memory_limit_in_mb: 256, time_limit_in_ms: 3000, request_id: 'r1', function_version: '$LATEST', function_name: 'geo', namespace: 'env-1' };
  return form === 'environment'
    ? { ...base, environment: JSON.stringify({ WX_CONTEXT_KEYS: Object.keys(env).join(','), ...env }) }
    : {
        ...base,
        environ: Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(';'),
      };
}

describe('the CloudBase composition root', () => {
  it('wires the cloud functions without initialising the SDK at import time', () => {
    for (const main of [geoMain, adminMain, bookingsMain, ridesMain]) expect(typeof main).toBe('function');
    expect(cloudbaseInitialised()).toBe(false);
  });

  it('reads the caller from the context, in either form the runtime uses', () => {
    expect(openidOf(contextOf({ WX_OPENID: 'o-1', WX_APPID: 'wx1' }))).toBe('o-1');
    expect(openidOf(contextOf({ WX_OPENID: 'o-2', WX_APPID: 'wx1' }, 'environ'))).toBe('o-2');
  });

  it('sees no caller in a timer, an empty OPENID or a context it cannot read', () => {
    expect(openidOf(contextOf({ WX_OPENID: '', TRIGGER_SRC: 'timer' }))).toBeNull();
    expect(openidOf(contextOf({ TRIGGER_SRC: 'timer' }))).toBeNull();
    expect(openidOf(undefined)).toBeNull();
    expect(openidOf('nonsense')).toBeNull();
    expect(openidOf({ environment: '{not json' })).toBeNull();
  });

  it('takes admins from NEARBY_ADMIN_OPENIDS, a comma list', () => {
    expect([...adminsFrom(' a1, a2 ,,a3 ')]).toEqual(['a1', 'a2', 'a3']);
    expect(adminsFrom(undefined).size).toBe(0);
    const world = createCloudbaseWorld(() => ({}) as Ports, { NEARBY_ADMIN_OPENIDS: 'a1,a2' });
    expect(world.isAdmin('a2')).toBe(true);
    expect(world.isAdmin('someone')).toBe(false);
  });

  it('takes now from the system clock and makes the ports once per container', () => {
    let made = 0;
    const world = createCloudbaseWorld(() => {
      made++;
      return {} as Ports;
    }, {});
    const before = Date.now();
    const now = world.now(contextOf({ WX_OPENID: 'o' })).getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    world.deps(undefined);
    world.deps(undefined);
    expect(made).toBe(1);
  });

  it('logs one JSON line per entry', () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      createCloudbaseWorld(() => ({}) as Ports, {}).log({ fn: 'geo', ok: true });
      expect(spy.mock.calls).toEqual([['{"fn":"geo","ok":true}']]);
    } finally {
      spy.mockRestore();
    }
  });

  it('serves an admin import and a nearby query end to end over the CloudBase adapters', async () => {
    const db = new FakeCloudbase();
    // geo.nearby of bikes sweeps the unlocks cut short first: the rides ports are part of it.
    const world = createCloudbaseWorld(
      () =>
        ({
          places: cloudbasePlaces(db),
          staff: cloudbaseStaff(db),
          rides: cloudbaseRides(db),
          lock: cloudLockFrom({ NEARBY_LOCK: 'simulated' }),
          tariff: tariffFrom({}),
        }) as Ports,
      {
        NEARBY_ADMIN_OPENIDS: 'boss',
      },
    );
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const admin = serve('admin', adminActions, world);
      const geo = serve('geo', geoActions, world);
      const place = { kind: 'bike', id: 'B1', code: 'B1', lat: 31.2304, lng: 121.4737, status: 'available' };
      expect(await admin({ action: 'upsertPlaces', places: [place] }, contextOf({ WX_OPENID: 'stranger' }))).toMatchObject({
        ok: false,
        error: { code: 'PERMISSION_DENIED' },
      });
      expect(await admin({ action: 'upsertPlaces', places: [place] }, contextOf({ WX_OPENID: 'boss' }))).toEqual({ ok: true, data: { upserted: 1 } });
      const answer = await geo({ action: 'nearby', kind: 'bike', lat: 31.2305, lng: 121.4737 }, contextOf({}));
      expect(answer).toMatchObject({ ok: true, data: { items: [{ kind: 'bike', id: 'B1', code: 'B1' }] } });
    } finally {
      jest.restoreAllMocks();
    }
  });
});
