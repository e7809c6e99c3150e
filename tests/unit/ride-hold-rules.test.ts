/** The reservation and report rules of shared/ride.ts, as pure functions: boundaries and the one order of checks. */
import {
  decideHold,
  decideReport,
  decideResolve,
  decideUnlock,
  holderOf,
  isFreeFor,
  lapsesToday,
  newRide,
  type HoldFacts,
  type HoldRecord,
} from '../../shared/ride';
import { HERE, bike, unlockFacts } from '../support/ride-facts';

const T0 = new Date('2026-11-25T00:00:00Z'); // 08:00 in Shanghai
const sec = (n: number) => new Date(T0.getTime() + n * 1000);
const hold = (over: Partial<HoldRecord> = {}): HoldRecord => ({
  id: 'H1',
  openid: 'u1',
  bikeId: 'B',
  bikeCode: 'B',
  ...HERE,
  createdAt: T0.toISOString(),
  until: sec(600).toISOString(),
  ...over,
});
/** The unlock facts, and the rider's lapses today (none). */
const facts = (over: Partial<HoldFacts> = {}): HoldFacts => ({ ...unlockFacts(over), lapses: over.lapses ?? [] });

describe('a hold', () => {
  it('holds until `until` exclusive: at `until` the bike is free', () => {
    const held = bike({ heldBy: 'u2', heldUntil: sec(600).toISOString() });
    expect(holderOf(held, sec(599))).toBe('u2');
    expect(holderOf(held, sec(600))).toBeNull();
    expect(holderOf(bike(), sec(0))).toBeNull();
  });

  it('leaves the bike free for its holder only, until `until`; an unheld bike is free for anyone, anonymous included', () => {
    const held = bike({ heldBy: 'u2', heldUntil: sec(600).toISOString() });
    expect(isFreeFor(held, 'u2', sec(599))).toBe(true);
    expect(isFreeFor(held, 'u1', sec(599))).toBe(false);
    expect(isFreeFor(held, null, sec(599))).toBe(false);
    expect(isFreeFor(held, 'u1', sec(600))).toBe(true);
    expect(isFreeFor(held, null, sec(600))).toBe(true);
    expect(isFreeFor(bike(), null, sec(0))).toBe(true);
  });

  it('lasts 10 minutes from now and says where the bike stands', () => {
    expect(decideHold(facts(), 'H9', T0, 3000)).toEqual({
      expire: [],
      ok: true,
      bike: bike(),
      lapsed: null,
      hold: { id: 'H9', openid: 'u1', bikeId: 'A', bikeCode: 'A', ...HERE, createdAt: '2026-11-25T00:00:00.000Z', until: '2026-11-25T00:10:00.000Z' },
    });
  });

  it('checks in one order: bike, own ride, unpaid bill, own live hold, lapses, bike state, another hold, 1,000 m', () => {
    const far = { lat: 30.01, lng: 120 }; // 1,112 m north
    const all = facts({
      bike: null,
      riderRide: { ...newRide('R1', 'u1', bike({ id: 'C', code: 'C' }), HERE, T0), status: 'active' as const },
      unpaidRideFen: 300,
      riderHold: hold(),
      lapses: [sec(-1).toISOString(), sec(-2).toISOString(), sec(-3).toISOString()],
      position: far,
    });
    const reasons: string[] = [];
    let f: ReturnType<typeof facts> = all;
    const peel = [
      { bike: bike({ status: 'maintenance', heldBy: 'u2', heldUntil: sec(60).toISOString() }) },
      { riderRide: null },
      { unpaidRideFen: 0 },
      { riderHold: null },
      { lapses: [] },
      { bike: bike({ heldBy: 'u2', heldUntil: sec(60).toISOString() }) },
      { bike: bike() },
      { position: HERE },
    ];
    for (const step of [{}, ...peel]) {
      f = { ...f, ...step };
      const d = decideHold(f, 'H2', T0, 3000);
      reasons.push(d.ok ? 'ok' : d.refusal.reason);
    }
    expect(reasons).toEqual([
      'NOT_FOUND',
      'ACTIVE_RIDE',
      'UNPAID_BILL',
      'ALREADY_EXISTS',
      'TOO_MANY_RESERVATIONS',
      'BIKE_UNAVAILABLE',
      'BIKE_RESERVED',
      'TOO_FAR',
      'ok',
    ]);
  });

  it('reserves up to 1,000 m, unlocks up to 100 m', () => {
    const edge = { lat: 30 + 999 / 111195.08, lng: 120 }; // 999 m north
    expect(decideHold(facts({ position: edge }), 'H', T0, 3000).ok).toBe(true);
    expect(decideHold(facts({ position: { lat: 30 + 1001 / 111195.08, lng: 120 } }), 'H', T0, 3000)).toMatchObject({
      refusal: { reason: 'TOO_FAR', maxM: 1000 },
    });
    expect(decideUnlock(facts({ position: edge }), T0, 3000)).toMatchObject({ ok: false, refusal: { reason: 'TOO_FAR' } });
  });

  it('counts lapses of the Shanghai day only, and only once lapsed', () => {
    // 2026-11-24T16:00Z is midnight in Shanghai.
    const now = new Date('2026-11-24T17:00:00Z');
    expect(lapsesToday(['2026-11-24T15:59:59Z', '2026-11-24T16:00:00Z', '2026-11-24T16:59:59Z', '2026-11-24T17:00:01Z'], now)).toBe(2);
  });

  it('lets a lapsed hold be replaced, handing it back as `lapsed`; a live one blocks', () => {
    expect(decideHold(facts({ riderHold: hold() }), 'H2', sec(600), 3000)).toMatchObject({ ok: true, lapsed: { id: 'H1' } });
    expect(decideHold(facts({ riderHold: hold() }), 'H2', sec(599), 3000)).toMatchObject({ ok: false, refusal: { reason: 'ALREADY_EXISTS' } });
  });

  it('is used by its rider’s unlock, refused to another’s', () => {
    const held = bike({ heldBy: 'u1', heldUntil: sec(600).toISOString() });
    const own = hold({ bikeId: 'A', bikeCode: 'A' });
    expect(decideUnlock(facts({ bike: held, riderHold: own }), sec(10), 3000)).toMatchObject({ ok: true, endHold: own });
    expect(decideUnlock(facts({ bike: held, openid: 'u2' }), sec(10), 3000)).toMatchObject({ ok: false, refusal: { reason: 'BIKE_RESERVED' } });
    expect(decideUnlock(facts({ bike: held, openid: 'u2' }), sec(600), 3000)).toMatchObject({ ok: true, endHold: null });
    expect(decideUnlock(facts({ bike: held, riderHold: own }), sec(600), 3000)).toMatchObject({ ok: true, endHold: null });
  });
});

describe('a fault report', () => {
  const input = { id: 'RP1', category: 'brake' as const, note: null, photos: [] };
  const open = (openid: string, s: number) => ({ id: `RP-${openid}`, openid, createdAt: sec(s).toISOString() });
  it('puts the bike into maintenance at the second rider within 24 hours, not the same rider twice', () => {
    const f = { bikeCode: 'A', bike: bike(), openid: 'u2', alreadyToday: false, openReports: [open('u1', 0)] };
    expect(decideReport(f, input, sec(24 * 3600 - 1))).toMatchObject({ ok: true, bikeAfter: { status: 'maintenance' } });
    expect(decideReport(f, input, sec(24 * 3600))).toMatchObject({ ok: true, bikeAfter: null });
    expect(decideReport({ ...f, openid: 'u1' }, input, sec(60))).toMatchObject({ ok: true, bikeAfter: null });
    expect(decideReport({ ...f, bike: bike({ status: 'riding' }) }, input, sec(60))).toMatchObject({ ok: true, bikeAfter: { afterRide: 'maintenance' } });
    expect(decideReport({ ...f, bike: bike({ status: 'maintenance' }) }, input, sec(60))).toMatchObject({ ok: true, bikeAfter: null });
    expect(decideReport({ ...f, alreadyToday: true }, input, sec(60))).toMatchObject({ ok: false, refusal: { reason: 'ALREADY_EXISTS' } });
    expect(decideReport({ ...f, bike: null }, input, sec(60))).toMatchObject({ ok: false, refusal: { reason: 'NOT_FOUND' } });
    expect(decideReport(f, input, sec(60))).toMatchObject({ report: { day: '2026-11-25', status: 'open', bikeId: 'A', openid: 'u2' } });
  });

  it('is resolved once; an admin’s status never takes a ridden bike from its rider', () => {
    const r = decideReport({ bikeCode: 'A', bike: bike(), openid: 'u1', alreadyToday: false, openReports: [] }, input, T0);
    const report = r.ok ? r.report : null;
    expect(decideResolve('RP1', report, bike({ status: 'riding' }), 'maintenance', sec(5))).toMatchObject({
      ok: true,
      report: { status: 'resolved', resolvedAt: sec(5).toISOString() },
      bike: { status: 'riding', afterRide: 'maintenance' },
    });
    expect(decideResolve('RP1', null, null, undefined, sec(5))).toEqual({ ok: false, refusal: { reason: 'NOT_FOUND', reportId: 'RP1' } });
  });
});
