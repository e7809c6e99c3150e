/**
 * How many database requests each action sends on CloudBase, counted on the SDK's own `Db`
 * (@cloudbase/database, as node-sdk uses it) with its request class replaced by a recorder that
 * answers from the demo city in memory: the SDK builds and serialises every request itself, only
 * the network is missing. The figures are listed in docs/deploy.md ("Requests per action").
 */
import { Db } from '@cloudbase/database';
import { EJSON } from 'bson';
import { adminActions } from '../../functions/lib/actions/admin';
import { geoActions } from '../../functions/lib/actions/geo';
import { adminPorts, bookingPorts, geoPorts } from '../../functions/lib/cloudbase/adapters';
import { createBooking, listSlots, myBookings, rescheduleBooking } from '../../functions/lib/usecases/booking';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { placeDocId } from '../../functions/lib/cloudbase/places';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { serve } from '../../functions/lib/serve';
import { demoCity } from '../../functions/local/demo-city';
import { CITY_CENTER } from '../../shared/city';
import { toStoredPlace } from '../../functions/lib/usecases/places';
import type { Place } from '../../shared/places';

type Sent = { action: string; params: Record<string, any> };
const MONGO_EARTH_RADIUS_M = 6378100;

function haversineM(a: [number, number], b: [number, number]): number {
  const toRad = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * toRad) / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(((b[0] - a[0]) * toRad) / 2) ** 2;
  return 2 * MONGO_EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The demo city as stored documents, one collection per kind. */
const places: Place[] = demoCity().places.map((p) => toStoredPlace(p as never, 'gcj02'));
const collections: Record<string, Array<Record<string, any>>> = { places_store: [], places_station: [], places_bike: [] };
for (const p of places) collections[`places_${p.kind}`].push({ _id: placeDocId(p.kind, p.id), ...p, location: { type: 'Point', coordinates: [p.lng, p.lat] } });

const list = (docs: object[]) => ({ requestId: 'r', data: { list: docs.map((d) => EJSON.stringify(d)) } });
const matches = (doc: Record<string, any>, query: Record<string, any>): boolean =>
  Object.entries(query).every(([field, want]): boolean => {
    if (field === '$and') return (want as object[]).every((q): boolean => matches(doc, q as never));
    if (field === '$or') return (want as object[]).some((q): boolean => matches(doc, q as never));
    if (want && typeof want === 'object' && '$nin' in want) return !want.$nin.includes(doc[field]);
    if (want && typeof want === 'object' && '$in' in want) return want.$in.includes(doc[field]);
    if (want && typeof want === 'object' && '$gt' in want) return doc[field] > want.$gt;
    if (want && typeof want === 'object' && '$lte' in want) return doc[field] <= want.$lte;
    if (want && typeof want === 'object' && '$geoWithin' in want) {
      const ring: Array<[number, number]> = want.$geoWithin.$geometry.coordinates[0];
      const [lng, lat] = doc.location.coordinates;
      const lngs = ring.map((c) => c[0]);
      const lats = ring.map((c) => c[1]);
      return lng >= Math.min(...lngs) && lng <= Math.max(...lngs) && lat >= Math.min(...lats) && lat <= Math.max(...lats);
    }
    return doc[field] === want;
  });

/** The SDK's Db over a recorder that answers from the city (geoNear, where-queries, reads by id). */
function recordedDb() {
  const sent: Sent[] = [];
  (Db as any).reqClass = class {
    async send(action: string, params: Record<string, any> = {}) {
      sent.push({ action, params });
      const docs = collections[params.collectionName] ?? [];
      if (action === 'database.aggregateDocuments') {
        const stages = params.stages.map((s: { stageKey: string; stageValue: string }) => EJSON.parse(s.stageValue, { relaxed: true }) as any);
        const geo = stages[0];
        const near = geo.near.coordinates as [number, number];
        const found = docs
          .filter((d) => matches(d, geo.query ?? {}))
          .map((d): Record<string, any> => ({ ...d, [geo.distanceField]: haversineM(near, d.location.coordinates) }))
          .filter((d: Record<string, any>) => d[geo.distanceField] <= geo.maxDistance && d[geo.distanceField] >= (geo.minDistance ?? 0))
          .sort((a: Record<string, any>, b: Record<string, any>) => a[geo.distanceField] - b[geo.distanceField])
          .slice(0, geo.limit ?? 100)
          .slice(0, stages[1] ?? 20);
        return list(found);
      }
      if (action === 'database.getDocument' || action === 'database.queryDocument') {
        const query = params.query ? (EJSON.parse(params.query, { relaxed: true }) as Record<string, any>) : {};
        return list(docs.filter((d) => matches(d, query)).slice(params.offset ?? 0, (params.offset ?? 0) + (params.limit ?? 100)));
      }
      if (action === 'database.startTransaction') return { transactionId: 'tx' };
      // A document written whole by _id (set) is kept, so that later reads find it.
      if (action === 'database.modifyDocument' && params.upsert && !params.merge) {
        const { _id } = EJSON.parse(params.query, { relaxed: true }) as { _id: string };
        const kept = (collections[params.collectionName] ??= []).filter((d) => d._id !== _id);
        kept.push({ _id, ...(EJSON.parse(params.data, { relaxed: true }) as object) });
        collections[params.collectionName] = kept;
      }
      return { requestId: 'r', data: { updated: 1, deleted: 1 } };
    }
  };
  return { db: new Db({}) as unknown as CloudbaseDb, sent };
}

const as = (openid: string | null) => ({
  request_id: 'r',
  environment: JSON.stringify(openid === null ? { WX_CONTEXT_KEYS: '' } : { WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: openid }),
});
beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

/** Requests one call of an action sends, by kind of request. */
async function count(fn: 'geo' | 'admin', event: object, openid: string | null = 'boss') {
  const { db, sent } = recordedDb();
  const main =
    fn === 'geo'
      ? serve(
          'geo',
          geoActions,
          createCloudbaseWorld(() => geoPorts(db), {}),
        )
      : serve(
          'admin',
          adminActions,
          createCloudbaseWorld(() => adminPorts(db), { NEARBY_ADMIN_OPENIDS: 'boss' }),
        );
  const answer = await main(event, as(openid));
  expect(answer.ok).toBe(true);
  return { total: sent.length, actions: sent.map((s) => s.action.replace('database.', '')), answer: answer as { ok: true; data: any } };
}

const at = { lat: CITY_CENTER.lat, lng: CITY_CENTER.lng };

describe('requests per action on CloudBase (demo city: 35 stores, 10 stations, 200 bikes)', () => {
  it.each([
    ['store, limit 20', { kind: 'store', limit: 20 }, 1],
    ['store, limit 100 (all 35 stores in one page)', { kind: 'store', limit: 100, radius: 50000 }, 1],
    ['store, limit 20, category', { kind: 'store', limit: 20, category: 'coffee' }, 1],
    ['bike, limit 20', { kind: 'bike', limit: 20 }, 1],
    ['bike, limit 100, radius 50 km', { kind: 'bike', limit: 100, radius: 50000 }, 2],
  ])('geo.nearby %s: geoNear pages (bikes: after one query for unlocks cut short)', async (_name, q, requests) => {
    const { total, actions } = await count('geo', { action: 'nearby', ...at, ...q });
    // Bikes and stations first abort the unlocks cut short around now (one query; none found here).
    const sweep = q.kind === 'store' ? 0 : 1;
    expect(actions.slice(0, sweep)).toEqual(sweep ? ['getDocument'] : []);
    expect(actions.slice(sweep).every((a) => a === 'aggregateDocuments')).toBe(true);
    expect(total).toBe(sweep + requests);
  });

  it.each([
    ['bike', 1],
    ['station', 2],
  ])('geo.nearby %s, anonymous: no unlock sweep (an anonymous read never writes), the geoNear and counts only', async (kind, requests) => {
    const { actions } = await count('geo', { action: 'nearby', ...at, kind, limit: 20, radius: 50000 }, null);
    expect(actions).toEqual(kind === 'bike' ? ['aggregateDocuments'] : ['aggregateDocuments', 'getDocument']);
    expect(actions.length).toBe(requests);
  });

  it('geo.nearby store, open now: pages until the limit is met or the radius runs dry, 100 at most a page', async () => {
    const { total, actions, answer } = await count('geo', { action: 'nearby', ...at, kind: 'store', limit: 20, openNow: true, radius: 50000 });
    expect(actions.every((a) => a === 'aggregateDocuments')).toBe(true);
    expect(total).toBeLessThanOrEqual(1 + Math.ceil(collections.places_store.length / 100));
    expect(answer.data.items.every((s: { open: boolean }) => s.open)).toBe(true);
  });

  it('geo.nearby station: the unlock sweep, one geoNear, then ONE query for the free bikes of every station of the answer', async () => {
    const { total, actions, answer } = await count('geo', { action: 'nearby', ...at, kind: 'station', limit: 20, radius: 50000 });
    expect(answer.data.items.length).toBe(collections.places_station.length);
    expect(answer.data.items.length).toBeGreaterThan(5);
    expect(actions).toEqual(['getDocument', 'aggregateDocuments', 'getDocument']);
    expect(total).toBe(3);
    // The counts are those of the zones: each bike counted where it stands.
    const free = answer.data.items.reduce((n: number, s: { bikesAvailable: number }) => n + s.bikesAvailable, 0);
    expect(free).toBeGreaterThan(0);
  });

  it('geo.nearby station with held bikes: the same 3 requests; a bike held for another rider is not counted, the holder’s is', async () => {
    const before = await count('geo', { action: 'nearby', ...at, kind: 'station', limit: 20, radius: 50000 });
    const sum = (answer: any) => answer.data.items.reduce((n: number, s: { bikesAvailable: number }) => n + s.bikesAvailable, 0);
    const bikes = collections.places_bike;
    try {
      // Every bike held for "amy" for a long while: none is free for "boss", all still for "amy".
      for (const b of bikes) Object.assign(b, { heldBy: 'amy', heldUntil: '2999-01-01T00:00:00.000Z' });
      const other = await count('geo', { action: 'nearby', ...at, kind: 'station', limit: 20, radius: 50000 });
      expect(other.actions).toEqual(['getDocument', 'aggregateDocuments', 'getDocument']);
      expect(sum(other.answer)).toBe(0);
      const holder = await count('geo', { action: 'nearby', ...at, kind: 'station', limit: 20, radius: 50000 }, 'amy');
      expect(holder.total).toBe(3);
      expect(sum(holder.answer)).toBe(sum(before.answer));
    } finally {
      for (const b of bikes) {
        delete b.heldBy;
        delete b.heldUntil;
      }
    }
  });

  it('admin.whoami: none', async () => {
    expect((await count('admin', { action: 'whoami' }, 'someone')).total).toBe(0);
  });

  it('admin.setStaff: one read of the stores, one write', async () => {
    const { actions } = await count('admin', { action: 'setStaff', openid: 'clerk', storeIds: ['S001', 'S002'] });
    expect(actions).toEqual(['getDocument', 'modifyDocument']);
  });

  it('admin.upsertPlaces of 100 bikes: one read, then one transaction reading and writing each', async () => {
    const bikes = Array.from({ length: 100 }, (_, i) => ({ kind: 'bike', id: `NEW${i}`, code: `NEW-${i}`, lat: at.lat, lng: at.lng, status: 'available' }));
    const { actions } = await count('admin', { action: 'upsertPlaces', places: bikes });
    // One read outside (the codes other bikes hold), then each place read and written inside.
    expect(actions.slice(0, 2)).toEqual(['getDocument', 'startTransaction']);
    expect(actions.filter((a) => a === 'getDocument')).toHaveLength(101);
    expect(actions.filter((a) => a === 'startTransaction')).toHaveLength(1);
    expect(actions.filter((a) => a === 'modifyDocument')).toHaveLength(100);
    expect(actions.filter((a) => a === 'commitTransaction')).toHaveLength(1);
  });

  /** Alice, on Wednesday 2026-11-25 09:00 in Shanghai, books S001's 10:00 slot of the next day, every request recorded. */
  async function aliceBooks() {
    const { db, sent } = recordedDb();
    const ports = bookingPorts(db);
    const alice = { caller: 'alice', now: new Date('2026-11-25T01:00:00Z') };
    // S001 (the demo city) books 30-minute slots from 07:30 on weekdays; its capacity is drawn by the seed.
    const capacity: number = collections.places_store.find((d) => d.id === 'S001')!.slot.capacity;
    const made = await createBooking(ports, { storeId: 'S001', start: '2026-11-26T10:00:00+08:00', requestId: 'tap-1' }, alice);
    if (!made.ok) throw new Error(made.error.message);
    return { sent, ports, alice, capacity, made };
  }

  it('bookings.create: the store, then one transaction of 4 reads and 4 writes by _id; its answer spares the store page mine and slots (was 2 more calls, 6 more requests)', async () => {
    const { sent, ports, alice, capacity, made } = await aliceBooks();
    expect(sent.map((r) => r.action.replace('database.', ''))).toEqual([
      'getDocument', // the store
      'startTransaction',
      'getDocument', // the booking of this requestId (none: not a replay)
      'getDocument', // the customer's holds
      'getDocument', // the slot's counter
      'getDocument', // the drawn check-in code
      'modifyDocument', // counter
      'modifyDocument', // code
      'modifyDocument', // booking
      'modifyDocument', // customer
      'commitTransaction',
    ]);
    // Nobody had booked the slot: one place of the capacity taken; the caller's one active booking.
    expect(made.data.slot).toEqual({ start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T10:30:00+08:00', capacity, remaining: capacity - 1 });
    expect(made.data.active).toEqual([{ id: made.data.booking.id, storeId: 'S001', start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T10:30:00+08:00' }]);

    // What the store page asked after every booking before (issue 20): the caller's bookings, the day's slots.
    sent.length = 0;
    const mine = await myBookings(ports, {}, alice);
    expect(mine.ok && mine.data.bookings.map((b) => b.id)).toEqual([made.data.booking.id]);
    // Upcoming (one page), past, the no-shows (the customer's document), the store names.
    expect(sent.map((r) => r.action.replace('database.', ''))).toEqual(['getDocument', 'getDocument', 'getDocument', 'getDocument']);
    sent.length = 0;
    expect((await listSlots(ports, { storeId: 'S001', date: '2026-11-26' }, { caller: null, now: alice.now })).ok).toBe(true);
    // The store, the counters of the day's slots (fewer than 100: one query).
    expect(sent.map((r) => r.action.replace('database.', ''))).toEqual(['getDocument', 'getDocument']);
    for (const name of ['bookings', 'slot_counters', 'booking_customers', 'booking_codes']) delete collections[name];
  });

  it('bookings.reschedule: the booking, the store, then one transaction of 4 reads and 4 writes by _id; its answer spares the store page mine and slots (was 2 more calls, 6 more requests)', async () => {
    const { sent, ports, alice, capacity, made } = await aliceBooks();
    sent.length = 0;
    const moved = await rescheduleBooking(ports, { bookingId: made.data.booking.id, start: '2026-11-26T11:00:00+08:00' }, alice);
    if (!moved.ok) throw new Error(moved.error.message);
    expect(sent.map((r) => r.action.replace('database.', ''))).toEqual([
      'getDocument', // the booking (whose store the move keeps)
      'getDocument', // the store
      'startTransaction',
      'getDocument', // the booking again, inside
      'getDocument', // the customer's holds
      'getDocument', // the new slot's counter
      'getDocument', // the left slot's counter
      'modifyDocument', // left counter
      'modifyDocument', // new counter
      'modifyDocument', // booking
      'modifyDocument', // customer
      'commitTransaction',
    ]);
    // Nobody else had booked either slot: the new one has one place taken, the left one none.
    expect(moved.data.slot).toEqual({ start: '2026-11-26T11:00:00+08:00', end: '2026-11-26T11:30:00+08:00', capacity, remaining: capacity - 1 });
    expect(moved.data.left).toEqual({ start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T10:30:00+08:00', capacity, remaining: capacity });
    expect(moved.data.active).toEqual([{ id: made.data.booking.id, storeId: 'S001', start: '2026-11-26T11:00:00+08:00', end: '2026-11-26T11:30:00+08:00' }]);

    // What the store page asked after every move before: the caller's bookings (4 requests), the day's slots (2).
    sent.length = 0;
    expect((await myBookings(ports, {}, alice)).ok).toBe(true);
    expect((await listSlots(ports, { storeId: 'S001', date: '2026-11-26' }, { caller: null, now: alice.now })).ok).toBe(true);
    expect(sent).toHaveLength(6);
    for (const name of ['bookings', 'slot_counters', 'booking_customers', 'booking_codes']) delete collections[name];
  });

  it("bookings.mine's store names: one query for the stores of every booking (was one read per store)", async () => {
    const { db, sent } = recordedDb();
    // 5 bookings of 3 stores (two stores twice), one store id that names none: 3 distinct known ids.
    const names = await bookingPorts(db).places.getMany('store', ['S001', 'S002', 'S001', 'S003', 'S002', 'NOPE']);
    expect([...names.keys()].sort()).toEqual(['S001', 'S002', 'S003']);
    expect(sent.map((r) => r.action.replace('database.', ''))).toEqual(['getDocument']);
  });
});
