/**
 * Timer functions: only the timer may run them (serveTimer), the sweeper's jobs, the schedule the
 * local host fires them on, and the deployment's trigger and invoke rule.
 */
import { readFileSync } from 'node:fs';
import { cloudbaseBills } from '../../functions/lib/cloudbase/bills';
import { cloudPaySetup } from '../../functions/lib/wechatpay/setup';
import { main as sweeperMain } from '../../functions/sweeper/index';
import { timerFunctions } from '../../functions/lib/actions';
import { sweep, type SweepJob } from '../../functions/lib/actions/sweeper';
import { cloudbaseInitialised } from '../../functions/lib/cloudbase/db';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { cloudLockFrom } from '../../functions/lib/lock';
import { tariffFrom } from '../../shared/tariff';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import type { Ports } from '../../functions/lib/ports';
import { serveTimer, TIMER_SKEW_MS } from '../../functions/lib/serve';
import { cronMatches, startTimers } from '../../functions/local/timers';
import { ok } from '../../shared/result';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';

function contextOf(env: Record<string, string>) {
  const base = { memory_limit_in_mb: 256, time_limit_in_ms: 3000, request_id: 'r1', function_version: '$LATEST', function_name: 'sweeper', namespace: 'env-1' };
  return { ...base, environment: JSON.stringify({ WX_CONTEXT_KEYS: Object.keys(env).join(','), ...env }) };
}

describe('serveTimer: an event is the timer\'s only when Type is "Timer" and there is no caller; a late or early Time runs on the clock', () => {
  const runs: Date[] = [];
  const logs: Record<string, unknown>[] = [];
  // The clock of the world: fixed, so that "late" and "early" are worked out by hand.
  const NOW = new Date('2026-11-25T02:00:00.000Z');
  const world = { ...createCloudbaseWorld(() => ({}) as Ports, {}), now: () => NOW, log: (line: Record<string, unknown>) => logs.push(line) };
  const main = serveTimer('sweeper', async (_ports, call) => (runs.push(call.now), ok({ ran: true })), world);
  const event = (time: string, triggerName: unknown = 'every-minute') => ({ Type: 'Timer', TriggerName: triggerName, Time: time });
  const warnings = () => logs.filter((l) => l.level === 'warn');
  beforeEach(() => {
    runs.length = 0;
    logs.length = 0;
  });

  it("runs a timer event at the clock's now, whatever offset its Time is written in", async () => {
    for (const time of ['2026-11-25T01:59:55Z', '2026-11-25T10:00:30+08:00', '2026-11-24T21:00:00.000-05:00']) {
      expect(await main(event(time), contextOf({ TRIGGER_SRC: 'timer' }))).toEqual({ ok: true, data: { ran: true } });
    }
    expect(runs).toEqual([NOW, NOW, NOW]);
    expect(warnings()).toEqual([]);
  });

  it('runs a Time more than 60 s from now too, on the clock, and logs it as late or early', async () => {
    // 61 s before now (a late or retried timer), 2 h before, 61 s after (a fast trigger clock).
    const late = event('2026-11-25T09:58:59+08:00');
    const hours = event('2026-11-25T00:00:00Z');
    const early = event('2026-11-25T02:01:01Z');
    for (const e of [late, hours, early]) expect(await main(e, contextOf({}))).toEqual({ ok: true, data: { ran: true } });
    expect(runs).toEqual([NOW, NOW, NOW]);
    expect(warnings()).toEqual([
      { fn: 'sweeper', level: 'warn', timer: 'late', time: '2026-11-25T09:58:59+08:00', now: '2026-11-25T02:00:00.000Z', skewMs: 61_000 },
      { fn: 'sweeper', level: 'warn', timer: 'late', time: '2026-11-25T00:00:00Z', now: '2026-11-25T02:00:00.000Z', skewMs: 7_200_000 },
      { fn: 'sweeper', level: 'warn', timer: 'early', time: '2026-11-25T02:01:01Z', now: '2026-11-25T02:00:00.000Z', skewMs: 61_000 },
    ]);
  });

  it('does not log a Time exactly 60 s away', async () => {
    expect(TIMER_SKEW_MS).toBe(60_000);
    expect((await main(event('2026-11-25T01:59:00Z'), contextOf({}))).ok).toBe(true);
    expect((await main(event('2026-11-25T02:01:00Z'), contextOf({}))).ok).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it('refuses a call with a caller (a mini program) as PERMISSION_DENIED, whatever the event says', async () => {
    expect(await main(event('2026-11-25T02:00:00Z'), contextOf({ WX_OPENID: 'o-1' }))).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(runs).toHaveLength(0);
  });

  it("refuses an event that is not a timer's", async () => {
    for (const e of [{}, { Type: 'timer', TriggerName: 't', Time: '2026-11-25T02:00:00Z' }, null, 'Timer', { action: 'sweep' }]) {
      expect(await main(e, contextOf({}))).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    expect(runs).toHaveLength(0);
  });

  it.each([
    [{ Type: 'Timer', TriggerName: 't' }, 'Time: is required (an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00")'],
    [{ Type: 'Timer', TriggerName: 't', Time: 12 }, 'Time: is required (an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00")'],
    [event('yesterday'), 'Time: must be an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00"'],
    // No offset: read in no zone at all (the host's zone would be a guess).
    [event('2026-11-25T10:00:00'), 'Time: must be an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00"'],
    [event('2026-11-25'), 'Time: must be an ISO 8601 time with an offset, such as "2026-11-25T10:00:00+08:00"'],
    [event('2026-11-31T10:00:00+08:00'), 'Time: must be a real time: the day must be 01..30 in 2026-11'],
    [{ Type: 'Timer', Time: '2026-11-25T02:00:00Z' }, 'TriggerName: is required (a string)'],
    [event('2026-11-25T02:00:00Z', 42), 'TriggerName: is required (a string)'],
    [event('2026-11-25T02:00:00Z', ['every-minute']), 'TriggerName: is required (a string)'],
    [event('2026-11-25T02:00:00Z', 'x'.repeat(65)), 'TriggerName: must be at most 64 characters'],
  ])('refuses the malformed event %j as INVALID_ARGUMENT naming the field, and runs nothing', async (e, message) => {
    expect(await main(e, contextOf({}))).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message } });
    expect(runs).toHaveLength(0);
  });

  it('takes a TriggerName of 64 characters, and an empty one', async () => {
    expect((await main(event('2026-11-25T02:00:00Z', 'x'.repeat(64)), contextOf({}))).ok).toBe(true);
    expect((await main(event('2026-11-25T02:00:00Z', ''), contextOf({}))).ok).toBe(true);
    expect(runs).toHaveLength(2);
  });

  it('wires the sweeper without initialising the SDK at import time', () => {
    expect(typeof sweeperMain).toBe('function');
    expect(cloudbaseInitialised()).toBe(false);
  });
});

describe('the sweeper', () => {
  it('aborts the unlocks cut short over the CloudBase adapters, run as the timer runs it', async () => {
    const db = new FakeCloudbase();
    // No WECHATPAY_* set: the pay jobs find nothing to do, and the rest of the sweep still works.
    const ports = {
      places: cloudbasePlaces(db),
      rides: cloudbaseRides(db),
      lock: cloudLockFrom({ NEARBY_LOCK: 'simulated' }),
      tariff: tariffFrom({}),
      bills: cloudbaseBills(db),
      pay: cloudPaySetup({}),
    } as Ports;
    await ports.places.upsert([{ kind: 'bike', id: 'A', code: 'A', lat: 30, lng: 120, status: 'available' }]);
    const requested = new Date(Date.now() - 10_000);
    expect(
      (
        await ports.rides.reserve({
          rideId: 'R1',
          openid: 'u1',
          bikeCode: 'A',
          position: { lat: 30, lng: 120 },
          now: requested,
          lockTimeoutMs: ports.lock.timeoutMs,
        })
      ).ok,
    ).toBe(true);
    const main = serveTimer('sweeper', sweep, { ...createCloudbaseWorld(() => ports, {}), log: () => {} });
    expect(await main({ Type: 'Timer', TriggerName: 'every-minute', Time: new Date().toISOString() }, contextOf({}))).toEqual({
      ok: true,
      data: { jobs: { staleUnlocks: { aborted: 1 }, payOrders: { checked: 0, paid: 0, closed: 0 }, refunds: { sent: 0, refunded: 0, failed: 0 } } },
    });
    expect(db.table('rides').get('R1')).toMatchObject({ status: 'aborted' });
    expect(db.table('places_bike').get('bike:A')).toMatchObject({ status: 'available' });
  });

  it('runs every job even when one fails, then fails', async () => {
    const ran: string[] = [];
    const jobs: SweepJob[] = [
      {
        name: 'a',
        run: async () => {
          ran.push('a');
          throw new Error('a broke');
        },
      },
      { name: 'b', run: async () => (ran.push('b'), { done: 1 }) },
    ];
    await expect(sweep({} as Ports, { caller: null, now: new Date() }, jobs)).rejects.toThrow('a broke');
    expect(ran).toEqual(['a', 'b']);
  });
});

describe('schedules', () => {
  it("fires a 7-field cron (seconds first) in the cloud's UTC+8", () => {
    expect(cronMatches('0 * * * * * *', new Date('2026-01-01T00:01:00Z'))).toBe(true);
    expect(cronMatches('0 * * * * * *', new Date('2026-01-01T00:01:01Z'))).toBe(false);
    expect(cronMatches('0 0 9 * * * *', new Date('2026-01-01T01:00:00Z'))).toBe(true);
    expect(cronMatches('0 */15 * * * * *', new Date('2026-01-01T01:30:00Z'))).toBe(true);
    expect(cronMatches('0 */15 * * * * *', new Date('2026-01-01T01:31:00Z'))).toBe(false);
    expect(() => cronMatches('0 * * * *', new Date())).toThrow(/7 fields/);
  });

  it('deploys each timer function with the schedule the local host fires it on, and denies clients', () => {
    const rc = JSON.parse(readFileSync('cloudbaserc.json', 'utf8')) as { functions: { name: string; triggers?: { type: string; config: string }[] }[] };
    const rules = JSON.parse(readFileSync('cloudbase/database.json', 'utf8')) as { functionRules: Record<string, { invoke: unknown }> };
    for (const [name, { schedule }] of Object.entries(timerFunctions)) {
      expect(rc.functions.find((f) => f.name === name)?.triggers).toEqual([{ name: 'every-minute', type: 'timer', config: schedule }]);
      expect(rules.functionRules[name]).toEqual({ invoke: false });
    }
  });

  it('fires the sweeper at second 0 of every minute, with a timer event at the host clock and no caller', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:58.500Z') });
    try {
      const events: unknown[] = [];
      const contexts: unknown[] = [];
      // The host's clock (with NEARBY_CLOCK=header: the latest X-Nearby-Now, running on).
      const hostNow = new Date('2030-06-01T12:00:00Z');
      const timers = startTimers(
        { sweeper: async (event, context) => (events.push(event), contexts.push(context), ok({})) },
        () => {},
        () => hostNow,
      );
      await jest.advanceTimersByTimeAsync(1000);
      expect(events).toEqual([]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(events).toEqual([{ Type: 'Timer', TriggerName: 'local', Time: hostNow.toISOString() }]);
      expect(contexts[0]).toEqual({ openid: null, now: hostNow });
      await jest.advanceTimersByTimeAsync(60_000);
      expect(events).toHaveLength(2);
      timers.stop();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(events).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
