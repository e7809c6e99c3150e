/**
 * THE force_refresh budget contract (`ForceRefreshLedger`): one suite over the SQLite adapter
 * (in-memory database) and the CloudBase adapter (on the CloudBase stand-in). Two ledger objects
 * over one database play two function instances: they spend one budget per AppID, 30 s apart and
 * 20 a day (Asia/Shanghai), and racing instances take it once. Expected answers worked out by hand.
 */
import { cloudbaseForceRefreshLedger } from '../../../functions/lib/cloudbase/service-state';
import type { ForceRefreshLedger } from '../../../functions/lib/ports';
import { openDatabase, type Db } from '../../../functions/lib/sqlite';
import { sqliteForceRefreshLedger } from '../../../functions/lib/sqlite/service-state';
import { FakeCloudbase } from '../../../functions/local/cloudbase-standin';
import { decideForceRefresh } from '../../../shared/force-refresh';

const APPID = 'wx0123456789abcdef';
// 2026-11-25 09:00 in Shanghai (01:00Z); the Shanghai day ends at 16:00Z.
const T0 = Date.parse('2026-11-25T01:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000);

interface Instances {
  /** A new function instance over the same database. */
  instance(): ForceRefreshLedger;
  close(): void;
}

const ADAPTERS: [string, () => Instances][] = [
  [
    'sqlite',
    () => {
      const db: Db = openDatabase(':memory:');
      return { instance: () => sqliteForceRefreshLedger(db), close: () => db.close() };
    },
  ],
  [
    'cloudbase',
    () => {
      const fake = new FakeCloudbase();
      return { instance: () => cloudbaseForceRefreshLedger(fake as never, () => 0.5), close: () => {} };
    },
  ],
];

describe.each(ADAPTERS)('the force_refresh ledger on %s', (_name, make) => {
  let db: Instances;
  beforeEach(() => {
    db = make();
  });
  afterEach(() => db.close());

  it('takes the first one, then refuses another instance for 30 s, then takes it again', async () => {
    const a = db.instance();
    const b = db.instance();
    expect(await a.take(APPID, at(0))).toEqual({ ok: true, record: { lastAtMs: T0, day: '2026-11-25', countOfDay: 1 } });
    expect(await b.take(APPID, at(10))).toEqual({ ok: false, reason: 'SPACING', sinceLastMs: 10_000 });
    expect(await b.take(APPID, at(29.999))).toEqual({ ok: false, reason: 'SPACING', sinceLastMs: 29_999 });
    expect(await b.take(APPID, at(30))).toEqual({ ok: true, record: { lastAtMs: T0 + 30_000, day: '2026-11-25', countOfDay: 2 } });
    // A new instance (a cold start) sees the record too.
    expect(await db.instance().take(APPID, at(40))).toEqual({ ok: false, reason: 'SPACING', sinceLastMs: 10_000 });
  });

  it('refuses the 21st of a Shanghai day, and takes one again on the next day', async () => {
    const instances = [db.instance(), db.instance(), db.instance()];
    for (let i = 0; i < 20; i++) expect((await instances[i % 3].take(APPID, at(i * 60))).ok).toBe(true);
    expect(await instances[0].take(APPID, at(20 * 60))).toEqual({ ok: false, reason: 'DAILY_LIMIT', countOfDay: 20 });
    // 15:59:59Z is still the 25th in Shanghai; 16:00:00Z is the 26th.
    expect(await instances[1].take(APPID, new Date('2026-11-25T15:59:59Z'))).toEqual({ ok: false, reason: 'DAILY_LIMIT', countOfDay: 20 });
    expect(await instances[2].take(APPID, new Date('2026-11-25T16:00:00Z'))).toEqual({
      ok: true,
      record: { lastAtMs: Date.parse('2026-11-25T16:00:00Z'), day: '2026-11-26', countOfDay: 1 },
    });
  });

  it('keeps one budget per AppID', async () => {
    expect((await db.instance().take(APPID, at(0))).ok).toBe(true);
    expect((await db.instance().take('wx_other_app_id00', at(1))).ok).toBe(true);
    expect((await db.instance().take(APPID, at(2))).ok).toBe(false);
  });

  it('gives one of many instances racing at the same moment the force_refresh', async () => {
    const racers = Array.from({ length: 6 }, () => db.instance());
    const answers = await Promise.all(racers.map((r) => r.take(APPID, at(0))));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok)).toEqual(Array.from({ length: 5 }, () => ({ ok: false, reason: 'SPACING', sinceLastMs: 0 })));
  });
});

describe('decideForceRefresh', () => {
  it('refuses a record from an instance whose clock runs ahead (the last one "in the future")', () => {
    expect(decideForceRefresh({ lastAtMs: T0 + 5000, day: '2026-11-25', countOfDay: 1 }, T0)).toEqual({ ok: false, reason: 'SPACING', sinceLastMs: -5000 });
  });
  it('counts from 1 on a new day whatever the old count', () => {
    expect(decideForceRefresh({ lastAtMs: T0 - 86_400_000, day: '2026-11-24', countOfDay: 20 }, T0)).toEqual({
      ok: true,
      record: { lastAtMs: T0, day: '2026-11-25', countOfDay: 1 },
    });
  });
});
