/**
 * The rides port contract suite, part two (issue 17): reservations, fault reports and the ride
 * history, the same cases and the same expected answers over SQLite and over CloudBase on the
 * stand-in; every case ends with every invariant (tests/support/rides-world.ts, holds included).
 * Then races at the level of rides-race.test.ts, and a stop at every database call of each new
 * operation (tests/support/port-suite.ts).
 */
import { getPlace, nearby } from '../../functions/lib/usecases/nearby';
import {
  cancelReservation,
  currentRide,
  endRide,
  listReports,
  reportFault,
  reserve,
  resolveReport,
  rideHistory,
  unlock,
} from '../../functions/lib/usecases/ride';
import { historyParams, reportsParams } from '../../shared/contract/rides';
import { ADAPTERS, ADMIN, HERE, LOCK_TIMEOUT_MS, NOWHERE, as, at, rideCrashScenarios, rideWorldEach, type RideWorld } from '../support/rides-world';

/** T0 is 08:00 in Shanghai: the next Shanghai day starts 16 hours later. */
const NEXT_DAY_SEC = 16 * 3600;

describe.each(ADAPTERS)('reservations, reports and history on %s', (adapter) => {
  const w = rideWorldEach(adapter);

  const hold = (who: string, code: string, sec = 0, where = HERE) => reserve(w.deps, { bikeCode: code, ...where }, as(who, sec));
  const ride = (who: string, code: string, sec = 0) => unlock(w.deps, { bikeCode: code, ...HERE }, as(who, sec));
  const bikeStatus = (id: string) => w.state().bikes.find((b) => b.id === id)!.status;
  const bikesSeenBy = async (who: string | null, sec: number) => {
    const found = await nearby(w.deps, { kind: 'bike', lat: HERE.lat, lng: HERE.lng, radius: 3000, limit: 20 }, at(sec), who);
    return found.ok ? found.data.items.map((i) => i.id).sort() : [];
  };
  /** Station P's `bikesAvailable` as `geo.nearby` and `geo.get` answer it to `who` (they must agree). */
  const stationCountFor = async (who: string | null, sec: number) => {
    const found = await nearby(w.deps, { kind: 'station', lat: HERE.lat, lng: HERE.lng, radius: 3000, limit: 20 }, at(sec), who);
    const got = await getPlace(w.deps, { kind: 'station', id: 'P' }, at(sec), who);
    const listed = found.ok ? found.data.items.map((i) => (i.kind === 'station' ? i.bikesAvailable : -1)) : [];
    const single = got.ok && got.data.item.kind === 'station' ? got.data.item.bikesAvailable : -1;
    return { listed, single };
  };
  const report = (who: string, code: string, sec = 0, category: 'brake' | 'lock' = 'brake') =>
    reportFault(w.deps, { bikeCode: code, category, note: '刹车失灵', photos: ['cloud://env/reports/1.jpg'] }, as(who, sec));

  it('holds a bike for 10 minutes: others cannot unlock or reserve it, nor see it; the holder unlocks it', async () => {
    expect(await hold('u1', 'A')).toEqual({ ok: true, data: { reservation: { bikeCode: 'A', until: '2026-11-25T00:10:00.000Z', ...HERE } } });
    expect(await currentRide(w.deps, {}, as('u1', 60))).toEqual({
      ok: true,
      data: { ride: null, reservation: { bikeCode: 'A', until: '2026-11-25T00:10:00.000Z', ...HERE } },
    });
    expect(await ride('u2', 'A', 60)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike A is reserved by another rider', reason: 'BIKE_RESERVED' },
    });
    expect(await hold('u2', 'A', 60)).toMatchObject({ ok: false, error: { reason: 'BIKE_RESERVED' } });
    expect(await bikesSeenBy('u2', 60)).toEqual(['B', 'C', 'F']);
    expect(await bikesSeenBy(null, 60)).toEqual(['B', 'C', 'F']);
    expect(await bikesSeenBy('u1', 60)).toEqual(['A', 'B', 'C', 'F']);
    expect(await ride('u1', 'A', 120)).toMatchObject({ ok: true, data: { ride: { bikeCode: 'A', status: 'active' } } });
    expect(await currentRide(w.deps, {}, as('u1', 121))).toMatchObject({ ok: true, data: { ride: { bikeCode: 'A' }, reservation: null } });
    expect(w.state().bikes.find((b) => b.id === 'A')).toMatchObject({ status: 'riding', heldBy: null });
  });

  it('counts a held bike at its station for the holder only, until the hold lapses or is cancelled', async () => {
    // A, B and C stand inside P's zone (F outside, M in maintenance): 3 free bikes.
    expect(await stationCountFor('u2', 0)).toEqual({ listed: [3], single: 3 });
    await hold('u1', 'A');
    expect(await stationCountFor('u2', 60)).toEqual({ listed: [2], single: 2 });
    expect(await stationCountFor(null, 60)).toEqual({ listed: [2], single: 2 });
    // The holder is sent to the station for that bike: it counts for them, as it lists for them.
    expect(await stationCountFor('u1', 60)).toEqual({ listed: [3], single: 3 });
    expect(await stationCountFor('u2', 599)).toEqual({ listed: [2], single: 2 });
    expect(await stationCountFor('u2', 600)).toEqual({ listed: [3], single: 3 });
    await hold('u2', 'B', 600);
    expect(await stationCountFor(null, 601)).toEqual({ listed: [2], single: 2 });
    expect(await cancelReservation(w.deps, as('u2', 602))).toMatchObject({ ok: true });
    expect(await stationCountFor(null, 602)).toEqual({ listed: [3], single: 3 });
  });

  it('lets a lapsed hold go with nothing swept: at `until` the bike is anyone’s', async () => {
    await hold('u1', 'A');
    expect(await bikesSeenBy('u2', 599)).toEqual(['B', 'C', 'F']);
    expect(await bikesSeenBy('u2', 600)).toEqual(['A', 'B', 'C', 'F']);
    expect(await currentRide(w.deps, {}, as('u1', 600))).toEqual({ ok: true, data: { ride: null, reservation: null } });
    expect(await hold('u2', 'A', 600)).toMatchObject({ ok: true, data: { reservation: { bikeCode: 'A', until: '2026-11-25T00:20:00.000Z' } } });
    // The first holder's lapse is theirs: they may reserve another bike.
    expect(await hold('u1', 'B', 601)).toMatchObject({ ok: true });
  });

  it('refuses in one order: bike, own ride, unpaid bill, own hold, lapses, bike state, another hold, distance', async () => {
    expect(await hold('u1', 'ZZ')).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'bikeCode: no bike "ZZ"' } });
    const riding = await ride('u9', 'C');
    expect(await hold('u9', 'M')).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'you already ride bike C: end that ride first', reason: 'ACTIVE_RIDE' },
    });
    await endRide(w.deps, { rideId: riding.ok ? riding.data.ride.id : '', ...HERE }, as('u9', 600));
    expect(await hold('u9', 'M', 601)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'you have an unpaid ride bill of ¥1.50: pay it before the next ride', reason: 'UNPAID_BILL' },
    });
    expect(await hold('u1', 'A')).toMatchObject({ ok: true });
    expect(await hold('u1', 'B', 10)).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', message: 'you already hold bike A until 2026-11-25T00:10:00.000Z: cancel that reservation first' },
    });
    expect(await hold('u2', 'M', 10, NOWHERE)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike M is in maintenance', reason: 'BIKE_UNAVAILABLE' },
    });
    await ride('u3', 'B', 601);
    expect(await hold('u2', 'B', 601)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'bikeCode: bike B is in use', reason: 'BIKE_UNAVAILABLE' },
    });
    expect(await hold('u2', 'A', 10, NOWHERE)).toMatchObject({ error: { reason: 'BIKE_RESERVED' } });
    // NOWHERE is 1,471 m from the bikes; F (200 m away) may be reserved, not unlocked.
    expect(await hold('u2', 'C', 10, NOWHERE)).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'lat/lng: you are 1471 m from bike C; come within 1000 m to reserve it', reason: 'TOO_FAR' },
    });
    expect(await hold('u2', 'F', 10)).toMatchObject({ ok: true });
  });

  it('refuses a fourth reservation after three lapses that day (Asia/Shanghai); a cancel is no lapse', async () => {
    expect(await hold('u1', 'A', 0)).toMatchObject({ ok: true });
    expect(await hold('u1', 'A', 700)).toMatchObject({ ok: true });
    expect(await cancelReservation(w.deps, as('u1', 800))).toEqual({ ok: true, data: { reservation: null } });
    expect(await hold('u1', 'B', 900)).toMatchObject({ ok: true });
    expect(await hold('u1', 'A', 1600)).toMatchObject({ ok: true });
    expect(await hold('u1', 'C', 2300)).toEqual({
      ok: false,
      error: {
        code: 'RESOURCE_EXHAUSTED',
        message: '3 of your reservations lapsed today: you can reserve again tomorrow (Asia/Shanghai)',
        reason: 'TOO_MANY_RESERVATIONS',
      },
    });
    expect(await hold('u1', 'C', NEXT_DAY_SEC - 1)).toMatchObject({ error: { reason: 'TOO_MANY_RESERVATIONS' } });
    expect(await hold('u1', 'C', NEXT_DAY_SEC)).toMatchObject({ ok: true });
  });

  it('cancels: the bike free at once, and cancelling again answers the same', async () => {
    await hold('u1', 'A');
    expect(await cancelReservation(w.deps, as('u1', 5))).toEqual({ ok: true, data: { reservation: null } });
    expect(await cancelReservation(w.deps, as('u1', 6))).toEqual({ ok: true, data: { reservation: null } });
    expect(await bikesSeenBy('u2', 7)).toEqual(['A', 'B', 'C', 'F']);
    expect(await ride('u2', 'A', 7)).toMatchObject({ ok: true });
  });

  it('lets the holder unlock another bike: the hold is let go', async () => {
    await hold('u1', 'A');
    expect(await ride('u1', 'B', 5)).toMatchObject({ ok: true });
    expect(await bikesSeenBy('u2', 6)).toEqual(['A', 'C', 'F']);
    expect(await currentRide(w.deps, {}, as('u1', 6))).toMatchObject({ data: { reservation: null } });
  });

  it('takes one report a rider, bike and day; two riders within 24 hours put the bike into maintenance', async () => {
    expect(await report('u1', 'A')).toEqual({ ok: true, data: { report: { id: expect.stringMatching(/^RP[0-9a-f]{32}$/), status: 'open' } } });
    expect(await report('u1', 'A', 60, 'lock')).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', message: 'bikeCode: you already reported bike A today' },
    });
    expect(await report('u1', 'ZZ')).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'bikeCode: no bike "ZZ"' } });
    expect(bikeStatus('A')).toBe('available');
    expect((await report('u2', 'A', 3600)).ok).toBe(true);
    expect(bikeStatus('A')).toBe('maintenance');
    // The next Shanghai day the first rider may report again.
    expect((await report('u1', 'A', NEXT_DAY_SEC)).ok).toBe(true);
    const listed = await listReports(w.deps, reportsParams.parse({}));
    expect(listed.ok && listed.data.reports.map((r) => [r.bikeCode, r.createdAt, r.status])).toEqual([
      ['A', at(NEXT_DAY_SEC).toISOString(), 'open'],
      ['A', at(3600).toISOString(), 'open'],
      ['A', at(0).toISOString(), 'open'],
    ]);
    expect(listed.ok && listed.data.reports[2]).toEqual({
      id: expect.stringMatching(/^RP/),
      bikeCode: 'A',
      category: 'brake',
      note: '刹车失灵',
      photos: ['cloud://env/reports/1.jpg'],
      createdAt: at(0).toISOString(),
      status: 'open',
    });
  });

  it('does not count reports older than 24 hours, nor resolved ones; resolving sets the bike as asked', async () => {
    const first = await report('u1', 'A', 0);
    expect((await report('u2', 'A', 24 * 3600 + 1)).ok).toBe(true);
    expect(bikeStatus('A')).toBe('available');
    const firstB = await report('u1', 'B', 0);
    const id = firstB.ok ? firstB.data.report.id : '';
    expect(await resolveReport(w.deps, { reportId: id }, ADMIN)).toMatchObject({ ok: true, data: { report: { id, status: 'resolved' } } });
    expect((await report('u2', 'B', 60)).ok).toBe(true);
    expect(bikeStatus('B')).toBe('available');
    expect(await resolveReport(w.deps, { reportId: 'RPnone' }, ADMIN)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'reportId: no report "RPnone"' },
    });
    // An admin puts C into maintenance while resolving, then back.
    const c = await report('u1', 'C', 0);
    const cid = c.ok ? c.data.report.id : '';
    await resolveReport(w.deps, { reportId: cid, bikeStatus: 'maintenance' }, ADMIN);
    expect(bikeStatus('C')).toBe('maintenance');
    await resolveReport(w.deps, { reportId: cid, bikeStatus: 'available' }, ADMIN);
    expect(bikeStatus('C')).toBe('available');
    const open = await listReports(w.deps, reportsParams.parse({ status: 'open' }));
    expect(open.ok && open.data.reports.map((r) => [r.bikeCode, r.createdAt])).toEqual([
      ['A', at(24 * 3600 + 1).toISOString()],
      ['B', at(60).toISOString()],
      ['A', at(0).toISOString()],
    ]);
    expect(open.ok && open.data.reports[2].id).toBe(first.ok ? first.data.report.id : '');
    const resolved = await listReports(w.deps, reportsParams.parse({ status: 'resolved' }));
    expect(resolved.ok && resolved.data.reports.map((r) => r.bikeCode).sort()).toEqual(['B', 'C']);
  });

  it('sends a ridden bike two riders reported into maintenance when its ride ends (maintenance wins)', async () => {
    const started = await ride('u1', 'A');
    await report('u2', 'A', 10);
    await report('u3', 'A', 20);
    expect(bikeStatus('A')).toBe('riding');
    expect(await endRide(w.deps, { rideId: started.ok ? started.data.ride.id : '', ...HERE }, as('u1', 60))).toMatchObject({ ok: true });
    expect(bikeStatus('A')).toBe('maintenance');
  });

  it('lists the rider’s ended rides newest first, paged by `before`, with the bill’s state', async () => {
    const ids: string[] = [];
    for (const [start, end] of [
      [0, 100],
      [200, 300],
      [400, 1000],
    ]) {
      const r = await ride('u1', 'A', start);
      ids.push(r.ok ? r.data.ride.id : '');
      expect((await endRide(w.deps, { rideId: ids[ids.length - 1], lat: 30.0005, lng: 120.0005 }, as('u1', end))).ok).toBe(true);
    }
    await ride('u2', 'B', 0);
    const first = await rideHistory(w.deps, historyParams.parse({ limit: 2 }), as('u1', 2000));
    expect(first).toEqual({
      ok: true,
      data: {
        rides: [
          {
            id: ids[2],
            bikeCode: 'A',
            startAt: at(400).toISOString(),
            endAt: at(1000).toISOString(),
            durationSec: 600,
            feeFen: 150,
            surchargeFen: 0,
            from: HERE,
            to: { lat: 30.0005, lng: 120.0005 },
            billId: expect.stringMatching(/^RB/),
            billStatus: 'unpaid',
          },
          expect.objectContaining({ id: ids[1], durationSec: 100, feeFen: 0, billId: null, billStatus: null, from: HERE }),
        ],
        next: at(300).toISOString(),
      },
    });
    const second = await rideHistory(w.deps, historyParams.parse({ before: at(300).toISOString(), limit: 2 }), as('u1', 2000));
    expect(second).toEqual({ ok: true, data: { rides: [expect.objectContaining({ id: ids[0], endAt: at(100).toISOString() })], next: null } });
    expect(await rideHistory(w.deps, historyParams.parse({}), as('u2', 2000))).toEqual({ ok: true, data: { rides: [], next: null } });
  });

  describe('races', () => {
    it('gives one bike to one of two riders reserving it at once', async () => {
      const answers = await Promise.all([hold('u1', 'A'), hold('u2', 'A')]);
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(answers.find((a) => !a.ok)).toMatchObject({ error: { reason: 'BIKE_RESERVED' } });
    });

    it('decides a reservation racing an unlock of the same bike one way', async () => {
      const [held, unlocked] = await Promise.all([hold('u1', 'A'), ride('u2', 'A')]);
      expect([held.ok, unlocked.ok].filter(Boolean)).toHaveLength(1);
      if (held.ok) expect(unlocked).toMatchObject({ error: { reason: 'BIKE_RESERVED' } });
      else expect(held).toMatchObject({ error: { reason: 'BIKE_UNAVAILABLE', message: 'bikeCode: bike A is in use' } });
    });

    it('sends the bike to maintenance whichever of a second report and the ride’s end comes first', async () => {
      const started = await ride('u1', 'A');
      await report('u2', 'A', 10);
      const [ended, reported] = await Promise.all([
        endRide(w.deps, { rideId: started.ok ? started.data.ride.id : '', ...HERE }, as('u1', 60)),
        report('u3', 'A', 60),
      ]);
      expect([ended.ok, reported.ok]).toEqual([true, true]);
      expect(bikeStatus('A')).toBe('maintenance');
    });
  });
});

describe.each(ADAPTERS)('stops at every database call of the new operations on %s', (adapter) => {
  const { scenario, reports } = rideCrashScenarios(adapter);
  afterAll(() => {
    console.log(
      `${adapter} crash stops: ${Object.entries(reports)
        .map(([k, r]) => `${k}: ${r.stops} (${r.calls} calls)`)
        .join('; ')}`,
    );
  });

  const held = (w: RideWorld) => w.state().bikes.find((b) => b.id === 'A')!;

  scenario('reserve after a lapse (hold, lapse kept)', {
    async setUp(w) {
      await reserve(w.deps, { bikeCode: 'B', ...HERE }, as('u1', 0));
    },
    run: (w) => reserve(w.deps, { bikeCode: 'A', ...HERE }, as('u1', 700)),
    check(w, answer) {
      // The retry holds it, or finds the hold the lost answer made.
      if (!answer.ok) expect(answer.error.code).toBe('ALREADY_EXISTS');
      expect(held(w)).toMatchObject({ heldBy: 'u1', heldUntil: at(1300).toISOString() });
    },
  });

  scenario('cancelReservation', {
    async setUp(w) {
      await reserve(w.deps, { bikeCode: 'A', ...HERE }, as('u1', 0));
    },
    run: (w) => cancelReservation(w.deps, as('u1', 60)),
    check(w, answer) {
      expect(answer).toEqual({ ok: true, data: { reservation: null } });
      expect(held(w).heldBy ?? null).toBeNull();
    },
  });

  scenario('unlock of the held bike (hold used)', {
    async setUp(w) {
      await reserve(w.deps, { bikeCode: 'A', ...HERE }, as('u1', 0));
    },
    run: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1', 60)),
    // The client tries again a little later (past the lock timeout): a stranded unlock is aborted on the way.
    retry: (w) => unlock(w.deps, { bikeCode: 'A', ...HERE }, as('u1', 60 + LOCK_TIMEOUT_MS / 1000 + 1)),
    async check(w, answer) {
      if (!answer.ok) expect(answer.error.reason).toBe('ACTIVE_RIDE');
      expect(held(w)).toMatchObject({ status: 'riding', heldBy: null });
      expect(await currentRide(w.deps, {}, as('u1', 65))).toMatchObject({ data: { ride: { bikeCode: 'A' }, reservation: null } });
    },
  });

  scenario('second report (maintenance)', {
    async setUp(w) {
      await reportFault(w.deps, { bikeCode: 'A', category: 'tyre' }, as('u1', 0));
    },
    run: (w) => reportFault(w.deps, { bikeCode: 'A', category: 'brake', note: 'x' }, as('u2', 60)),
    check(w, answer) {
      if (!answer.ok) expect(answer.error.code).toBe('ALREADY_EXISTS');
      expect(held(w).status).toBe('maintenance');
    },
  });

  scenario('resolveReport with bikeStatus', {
    async setUp(w) {
      await reportFault(w.deps, { bikeCode: 'A', category: 'tyre' }, as('u1', 0));
      await reportFault(w.deps, { bikeCode: 'A', category: 'tyre' }, as('u2', 0));
    },
    async run(w) {
      const open = await listReports(w.deps, reportsParams.parse({ status: 'open' }));
      const id = open.ok ? [...open.data.reports].sort((a, b) => (a.id < b.id ? -1 : 1))[0]?.id : undefined;
      return resolveReport(w.deps, { reportId: id ?? 'none', bikeStatus: 'available' }, as('admin', 60));
    },
    async check(w, answer) {
      expect(answer).toMatchObject({ ok: true, data: { report: { status: 'resolved' } } });
      expect(held(w).status).toBe('available');
    },
  });
});
