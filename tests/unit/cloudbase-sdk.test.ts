/**
 * What the real SDK (@cloudbase/database, as node-sdk uses it) sends for the adapters' calls:
 * its request class is replaced by a recorder, so every call shape, serialisation and the
 * transaction protocol are the SDK's own; only the network is missing.
 */
import { EJSON } from 'bson';
import { asAdapterDb } from '../../functions/lib/cloudbase/adapters';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import { cloudbaseStaff } from '../../functions/lib/cloudbase/staff';
import { cloudbaseRides, type RideDb } from '../../functions/lib/cloudbase/rides';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import type { Bike } from '../../shared/places';
import { listed, recordingSdkDb, type Answer, type Sent } from '../support/sdk-recorder';

function recordingDb(answer?: Answer) {
  const { db, sent } = recordingSdkDb(answer);
  return { db: asAdapterDb(db as never), sent };
}

const list = listed;
const stage = (s: { stageKey: string; stageValue: string }) => ({ key: s.stageKey, value: EJSON.parse(s.stageValue, { relaxed: true }) });
const bike: Bike = { kind: 'bike', id: 'B1', code: 'C1', lat: 31.2305, lng: 121.4737, status: 'available' };
const stored = { _id: 'bike:B1', ...bike, location: { type: 'Point', coordinates: [bike.lng, bike.lat] }, updatedAt: new Date(0) };

function answers(overrides: Record<string, Answer> = {}): Answer {
  return (s) =>
    overrides[s.action]?.(s) ??
    {
      'database.startTransaction': { transactionId: 'tx1' },
      'database.getDocument': list(),
      'database.modifyDocument': { requestId: 'r', data: { updated: 1, upsert_id: null } },
      'database.removeDocument': { requestId: 'r', data: { deleted: 1 } },
    }[s.action] ?? { requestId: 'r' };
}

describe('the requests the SDK sends for the CloudBase adapters', () => {
  it('asks geoNear first, with a GeoJSON point, the scaled radius, the filter, the index key, then a limit', async () => {
    const { db, sent } = recordingDb(answers({ 'database.aggregateDocuments': () => list({ ...stored, geoDistance: 11.13 }) }));
    const hits = await cloudbasePlaces(db).nearby({ kind: 'bike', center: { lat: 31.2304, lng: 121.4737 }, radiusM: 500, limit: 5 });
    expect(hits).toEqual([{ place: bike, distance: expect.closeTo(11.12, 2) }]);
    expect(sent.map((s) => s.action)).toEqual(['database.aggregateDocuments']);
    expect(sent[0].params.collectionName).toBe('places_bike');
    const [geoNear, limit] = sent[0].params.stages.map(stage);
    expect(geoNear).toEqual({
      key: '$geoNear',
      value: {
        near: { type: 'Point', coordinates: [121.4737, 31.2304] },
        spherical: true,
        distanceField: 'geoDistance',
        maxDistance: expect.closeTo((500 * 6378100) / 6371008.8 + 1, 6),
        limit: 13,
        query: { status: 'available' },
        key: 'location',
      },
    });
    expect(limit).toEqual({ key: '$limit', value: 13 });
  });

  it('counts bikes in a zone with a geoWithin polygon box, in pages ordered by _id', async () => {
    const { db, sent } = recordingDb(answers({ 'database.getDocument': () => list({ _id: 'bike:B1', lat: 31.233, lng: 121.475 }) }));
    const zone = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [121.47, 31.23],
          [121.48, 31.23],
          [121.475, 31.24],
          [121.47, 31.23],
        ],
      ] as [number, number][][],
    };
    expect(await cloudbasePlaces(db).countAvailableBikesIn(zone, { now: new Date(), caller: null })).toBe(1);
    const query = EJSON.parse(sent[0].params.query, { relaxed: true }) as any;
    expect(query.status).toBe('available');
    expect(query.location.$geoWithin.$geometry.type).toBe('Polygon');
    const ring = query.location.$geoWithin.$geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(sent[0].params).toMatchObject({ collectionName: 'places_bike', queryType: 'WHERE', limit: 1000 });
    expect(EJSON.parse(sent[0].params.order, { relaxed: true })).toEqual({ _id: 1 });
  });

  it('imports in a transaction: upserts by _id with a GeoJSON location, then commits', async () => {
    const { db, sent } = recordingDb(answers());
    expect(await cloudbasePlaces(db).upsert([bike])).toEqual({ ok: true, deferred: [] });
    expect(sent.map((s) => s.action)).toEqual([
      'database.getDocument', // codes held by other bikes
      'database.startTransaction',
      'database.getDocument', // the document about to be replaced, read inside the transaction
      'database.modifyDocument',
      'database.commitTransaction',
    ]);
    expect(sent[2].params).toMatchObject({ collectionName: 'places_bike', transactionId: 'tx1' });
    const write = sent[3].params;
    expect(write).toMatchObject({ collectionName: 'places_bike', transactionId: 'tx1', upsert: true, merge: false, queryType: 'DOC' });
    expect(EJSON.parse(write.query)).toEqual({ _id: 'bike:B1' });
    const data = EJSON.parse(write.data, { relaxed: true }) as any;
    expect(data).toMatchObject({ ...bike, location: { type: 'Point', coordinates: [bike.lng, bike.lat] } });
    expect(data._id).toBeUndefined();
    expect(sent[4].params).toEqual({ transactionId: 'tx1' });
  });

  it('reads an existing bike inside the transaction and keeps it riding', async () => {
    const { db, sent } = recordingDb(
      answers({
        'database.getDocument': (s) =>
          s.params.transactionId ? list({ ...stored, status: 'riding' }) : s.params.query?.includes('_id') ? list(stored) : list(),
      }),
    );
    expect(await cloudbasePlaces(db).upsert([{ ...bike, lat: 31.24 }])).toEqual({ ok: true, deferred: [] });
    const inTx = sent.filter((s) => s.params.transactionId === 'tx1').map((s) => s.action);
    expect(inTx).toEqual(['database.getDocument', 'database.modifyDocument', 'database.commitTransaction']);
    const data = EJSON.parse(sent.find((s) => s.action === 'database.modifyDocument')!.params.data, { relaxed: true }) as any;
    expect(data).toMatchObject({ status: 'riding', lat: 31.24 });
  });

  it('runs the transaction again after a conflict', async () => {
    let conflicts = 1;
    const { db, sent } = recordingDb(
      answers({
        'database.modifyDocument': () => (conflicts-- > 0 ? Object.assign(new Error('conflict'), { code: 'DATABASE_TRANSACTION_CONFLICT' }) : undefined),
      }),
    );
    expect(await cloudbasePlaces(db).upsert([bike])).toEqual({ ok: true, deferred: [] });
    expect(sent.filter((s) => s.action === 'database.startTransaction')).toHaveLength(2);
    expect(sent.filter((s) => s.action === 'database.commitTransaction')).toHaveLength(1);
  });

  it('rolls back and answers a conflict when the unique code index refuses a write', async () => {
    const { db, sent } = recordingDb(answers({ 'database.modifyDocument': () => Object.assign(new Error('E11000'), { code: 'DATABASE_DUPLICATE_WRITE' }) }));
    const answer = await cloudbasePlaces(db).upsert([bike]);
    expect(answer.ok).toBe(false);
    expect(sent.map((s) => s.action)).toContain('database.abortTransaction');
    expect(sent.map((s) => s.action)).not.toContain('database.commitTransaction');
  });

  it('keeps staff under their OPENID: set upserts, an empty list removes, reading takes the document', async () => {
    const { db, sent } = recordingDb(answers({ 'database.getDocument': () => list({ _id: 'o1', storeIds: ['S001'] }) }));
    const staff = cloudbaseStaff(db);
    await staff.set('o1', ['S001']);
    await staff.set('o1', []);
    expect(await staff.storesOf('o1')).toEqual(['S001']);
    expect(sent.map((s) => [s.action, s.params.collectionName, EJSON.parse(s.params.query)])).toEqual([
      ['database.modifyDocument', 'staff', { _id: 'o1' }],
      ['database.removeDocument', 'staff', { _id: 'o1' }],
      ['database.getDocument', 'staff', { _id: 'o1' }],
    ]);
    expect(sent[0].params.upsert).toBe(true);
  });
});

describe('the requests the SDK sends for the CloudBase rides adapter', () => {
  const inTx = (sent: Sent[]) =>
    sent.filter((x) => x.params.transactionId === 'tx1').map((x) => [x.action, x.params.collectionName, x.params.query && EJSON.parse(x.params.query)]);
  const data = (x: Sent) => EJSON.parse(x.params.data, { relaxed: true }) as any;

  it('reserves in one transaction: reads rider and bike by _id, writes the ride, the bike and the rider, commits', async () => {
    const { db, sent } = recordingDb(answers({ 'database.getDocument': (x) => (x.params.collectionName === 'places_bike' ? list(stored) : list()) }));
    const rides = cloudbaseRides(db as unknown as RideDb);
    const reserved = await rides.reserve({
      rideId: 'R1',
      openid: 'u1',
      bikeCode: 'C1',
      position: { lat: 31.2305, lng: 121.4737 },
      now: new Date('2026-11-25T00:00:00Z'),
      lockTimeoutMs: 3000,
    });
    expect(reserved).toMatchObject({ ok: true, ride: { id: 'R1', bikeId: 'B1', status: 'unlocking' } });
    expect(inTx(sent)).toEqual([
      ['database.getDocument', 'riders', { _id: 'u1' }],
      ['database.getDocument', 'places_bike', { _id: 'bike:B1' }],
      ['database.modifyDocument', 'rides', { _id: 'R1' }],
      ['database.modifyDocument', 'places_bike', { _id: 'bike:B1' }],
      ['database.getDocument', 'riders', { _id: 'u1' }],
      ['database.modifyDocument', 'riders', { _id: 'u1' }],
      ['database.commitTransaction', undefined, undefined],
    ]);
    const writes = sent.filter((x) => x.action === 'database.modifyDocument');
    expect(writes.map((x) => [x.params.upsert, x.params.merge])).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ]);
    expect(data(writes[0])).toMatchObject({ openid: 'u1', bikeId: 'B1', status: 'unlocking', requestedAt: '2026-11-25T00:00:00.000Z' });
    expect(data(writes[1])).toMatchObject({ $set: { status: 'riding', rideId: 'R1' } });
    expect(data(writes[2])).toMatchObject({ openRideId: 'R1', unpaidRideBills: [] });
  });

  it('lists stale unlocks with one indexed query: unlocking, requested before the cut-off, oldest first', async () => {
    const { db, sent } = recordingDb(answers({ 'database.getDocument': () => list({ _id: 'R1' }, { _id: 'R2' }) }));
    expect(await cloudbaseRides(db as unknown as RideDb).staleUnlocks(new Date('2026-11-25T00:00:00Z'), 100)).toEqual(['R1', 'R2']);
    expect(sent).toHaveLength(1);
    expect(sent[0].params).toMatchObject({ collectionName: 'rides', queryType: 'WHERE', limit: 100 });
    expect(EJSON.parse(sent[0].params.query, { relaxed: true })).toEqual({ status: 'unlocking', requestedAt: { $lt: '2026-11-25T00:00:00.000Z' } });
    expect(EJSON.parse(sent[0].params.order, { relaxed: true })).toEqual({ requestedAt: 1 });
  });

  it('ends in one transaction: the ride, the bill, the bike at the end position with a GeoJSON point, the rider', async () => {
    const ride = {
      _id: 'R1',
      openid: 'u1',
      bikeId: 'B1',
      bikeCode: 'C1',
      status: 'active',
      requestedAt: '2026-11-25T00:00:00.000Z',
      startAt: '2026-11-25T00:00:00.000Z',
      startLat: 31.2305,
      startLng: 121.4737,
    };
    const docs: Record<string, object> = {
      rides: ride,
      riders: { _id: 'u1', openRideId: 'R1', unpaidRideBills: [] },
      places_bike: { ...stored, status: 'riding', rideId: 'R1' },
    };
    const { db, sent } = recordingDb(answers({ 'database.getDocument': (x) => list(docs[x.params.collectionName]) }));
    const end = { lat: 31.24, lng: 121.48 };
    const ended = await cloudbaseRides(db as unknown as RideDb).finish({
      rideId: 'R1',
      ending: { by: 'rider', caller: 'u1', position: end, station: null, acceptSurcharge: true },
      now: new Date('2026-11-25T00:10:00Z'),
      tariff: DEFAULT_TARIFF,
      billId: 'RB1',
    });
    expect(ended).toMatchObject({ ok: true, end: { feeFen: 650, billId: 'RB1' } });
    expect(inTx(sent).map(([action, collection]) => `${action} ${collection ?? ''}`.trim())).toEqual([
      'database.getDocument rides',
      'database.getDocument riders',
      'database.modifyDocument rides',
      'database.modifyDocument bills',
      'database.getDocument places_bike',
      'database.modifyDocument places_bike',
      'database.modifyDocument riders',
      'database.commitTransaction',
    ]);
    const writes = sent.filter((x) => x.action === 'database.modifyDocument');
    expect(data(writes[1])).toMatchObject({ openid: 'u1', type: 'ride', amountFen: 650, status: 'unpaid', rideId: 'R1' });
    expect(data(writes[2]).$set).toMatchObject({
      status: 'available',
      rideId: null,
      lat: 31.24,
      lng: 121.48,
      location: { type: 'Point', coordinates: [121.48, 31.24] },
    });
    expect(data(writes[3])).toMatchObject({ openRideId: null, unpaidRideBills: ['RB1'] });
  });
});
