/** The shared CloudBase fake keeps the semantics the adapters rely on (as the SDK sources show them). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, uniqueIndexes } from '../../functions/local/backend';
import { DUPLICATE_WRITE, FakeCloudbase, FunctionStopped, readJournal, TRANSACTION_CONFLICT } from '../../functions/local/cloudbase-standin';

const codeOf = (err: unknown) => (err as { code?: string }).code;

describe('outside a transaction', () => {
  it('answers a conditional update with how many documents it changed', async () => {
    const db = new FakeCloudbase();
    const _ = db.command;
    db.seed('c', [{ _id: 'k', booked: 1 }]);
    const bookIfUnderTwo = () =>
      db
        .collection('c')
        .where({ _id: 'k', booked: _.lt(2) })
        .update({ booked: _.inc(1) });
    expect(await bookIfUnderTwo()).toEqual({ updated: 1 });
    expect(await bookIfUnderTwo()).toEqual({ updated: 0 });
    expect((await db.collection('c').doc('k').get()).data).toEqual([{ _id: 'k', booked: 2 }]);
  });

  it('refuses a second _id and a unique-index duplicate with DATABASE_DUPLICATE_WRITE', async () => {
    const db = new FakeCloudbase({ unique: { c: ['code'] } });
    await db.collection('c').add({ _id: 'a', code: 'X' });
    await expect(db.collection('c').add({ _id: 'a', code: 'Y' })).rejects.toMatchObject({ code: DUPLICATE_WRITE });
    await expect(db.collection('c').add({ _id: 'b', code: 'X' })).rejects.toMatchObject({ code: DUPLICATE_WRITE });
  });

  it('matches and/or/in/neq/gte and orders, skips and counts', async () => {
    const db = new FakeCloudbase();
    const _ = db.command;
    db.seed(
      'c',
      [1, 2, 3, 4, 5].map((n) => ({ _id: `d${n}`, n, tag: n % 2 ? 'odd' : 'even' })),
    );
    const ids = async (q: object) => (await db.collection('c').where(q).orderBy('n', 'desc').get()).data.map((d) => d._id);
    expect(await ids({ n: _.gte(2).and(_.lt(5)), tag: _.neq('odd') })).toEqual(['d4', 'd2']);
    expect(await ids(_.or([{ n: 1 }, { n: _.in([5]) }]))).toEqual(['d5', 'd1']);
    expect(await db.collection('c').where({ tag: 'odd' }).count()).toEqual({ total: 3 });
  });
});

describe('transactions', () => {
  it('reads a snapshot and sees its own writes; commits all or nothing', async () => {
    const db = new FakeCloudbase();
    db.seed('c', [{ _id: 'a', v: 1 }]);
    const tx = await db.startTransaction();
    await db.collection('c').doc('a').update({ v: 2 }); // committed after the snapshot
    expect((await tx.collection('c').doc('a').get()).data).toEqual({ _id: 'a', v: 1 });
    await tx.collection('c').doc('b').set({ v: 9 });
    expect((await tx.collection('c').doc('b').get()).data).toEqual({ _id: 'b', v: 9 });
    expect((await db.collection('c').doc('b').get()).data).toEqual([]);
    // Writing a document changed since the snapshot is a conflict.
    await expect(tx.collection('c').doc('a').update({ v: 3 })).rejects.toMatchObject({ code: TRANSACTION_CONFLICT });
  });

  it('makes the second of two open transactions writing one document conflict, and runTransaction try 4 times in all', async () => {
    const db = new FakeCloudbase();
    db.seed('c', [{ _id: 'a', v: 0 }]);
    const holder = await db.startTransaction();
    await holder.collection('c').doc('a').update({ v: 1 });
    let attempts = 0;
    await expect(
      db.runTransaction(async (tx) => {
        attempts++;
        await tx.collection('c').doc('a').update({ v: 2 });
      }),
    ).rejects.toMatchObject({ code: TRANSACTION_CONFLICT });
    expect(attempts).toBe(4);
    await holder.commit();
    expect(db.table('c').get('a')).toEqual({ _id: 'a', v: 1 });
  });

  it('lets only one of two transactions creating the same new _id commit', async () => {
    const db = new FakeCloudbase();
    const make = (v: number) =>
      db.runTransaction(async (tx) => {
        const { data } = await tx.collection('c').doc('new').get();
        if (data) return 'found';
        await tx.collection('c').add({ _id: 'new', v });
        return 'made';
      });
    const answers = await Promise.all([make(1), make(2), make(3)]);
    expect(answers.filter((a) => a === 'made')).toHaveLength(1);
    expect(answers.filter((a) => a === 'found')).toHaveLength(2);
    expect(db.conflicts).toBeGreaterThan(0);
  });

  it('refuses where() and aggregate() on a transaction collection', async () => {
    const db = new FakeCloudbase();
    const tx = await db.startTransaction();
    expect(() => tx.collection('c').where({})).toThrow(/refuses/);
    expect(() => tx.collection('c').aggregate()).toThrow(/refuses/);
  });
});

describe('fault injection', () => {
  const transfer = (db: FakeCloudbase) =>
    db.runTransaction(async (tx) => {
      await tx
        .collection('c')
        .doc('a')
        .update({ v: db.command.inc(-1) });
      await tx
        .collection('c')
        .doc('b')
        .update({ v: db.command.inc(1) });
    });

  it('applies nothing of a transaction stopped before its commit, and all of one whose commit answer was lost', async () => {
    for (const [k, applied, expected] of [
      [4, false, 0],
      [4, true, 1],
      [2, true, 0],
    ] as const) {
      const db = new FakeCloudbase();
      db.seed('c', [
        { _id: 'a', v: 1 },
        { _id: 'b', v: 0 },
      ]);
      db.stopAt(db.calls + k, { applied });
      await expect(transfer(db)).rejects.toBeInstanceOf(FunctionStopped);
      // The stopped call is the k-th one of the attempt, and it was the last that counted.
      expect(db.log[k - 1].op).toBe(['startTransaction', 'tx.update', 'tx.update', 'commit'][k - 1]);
      db.restart();
      expect(db.table('c').get('b')!.v).toBe(expected);
      // After the restart the documents are free again: a new transaction commits.
      await transfer(db);
      expect(db.table('c').get('b')!.v).toBe(expected + 1);
    }
  });

  it('keeps throwing the stop at every later call until restart', async () => {
    const db = new FakeCloudbase();
    db.stopAt(db.calls + 1);
    await expect(db.collection('c').doc('x').set({ v: 1 })).rejects.toBeInstanceOf(FunctionStopped);
    await expect(db.collection('c').doc('x').get()).rejects.toBeInstanceOf(FunctionStopped);
    db.restart();
    expect((await db.collection('c').doc('x').get()).data).toEqual([]);
    expect(codeOf(new FunctionStopped(1))).toBe('FUNCTION_STOPPED');
  });
});

describe("CloudBase's limits", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ _id: `d${String(i).padStart(4, '0')}`, n: i }));

  it('answers 100 documents without a limit, and never more than 1,000 a query', async () => {
    const db = new FakeCloudbase({ interleave: false });
    db.seed('c', many(1500));
    const count = async (q: { get(): Promise<{ data: unknown[] }> }) => (await q.get()).data.length;
    expect(await count(db.collection('c'))).toBe(100);
    expect(await count(db.collection('c').where({}).orderBy('n', 'asc'))).toBe(100);
    expect(await count(db.collection('c').limit(1000))).toBe(1000);
    expect(await count(db.collection('c').limit(1500))).toBe(1000);
    expect(await count(db.collection('c').orderBy('n', 'asc').skip(1000).limit(1000))).toBe(500);
    expect(() => db.collection('c').limit(0)).toThrow(/limit/);
  });

  it('answers 20 rows of an aggregate without a $limit, and geoNear at most its limit option (100 when omitted)', async () => {
    const db = new FakeCloudbase({ interleave: false });
    db.seed(
      'p',
      Array.from({ length: 150 }, (_, i) => ({ _id: `p${i}`, location: { type: 'Point', coordinates: [121 + i * 1e-5, 31] } })),
    );
    const near = (options: object, limit?: number) => {
      const stage = db
        .collection('p')
        .aggregate()
        .geoNear({ near: new db.Geo.Point(121, 31), spherical: true, distanceField: 'd', maxDistance: 10_000, ...options });
      return (limit === undefined ? stage : stage.limit(limit)).end().then((r) => r.data.length);
    };
    expect(await near({})).toBe(20);
    expect(await near({}, 1000)).toBe(100);
    expect(await near({ limit: 120 }, 1000)).toBe(120);
    expect(await near({ limit: 120 }, 7)).toBe(7);
  });

  it("refuses geoNear options CloudBase's geoNear does not take, or of the wrong kind", async () => {
    const db = new FakeCloudbase({ interleave: false });
    db.seed('p', [{ _id: 'a', location: { type: 'Point', coordinates: [121.001, 31] } }]);
    const run = (options: Record<string, unknown>) =>
      db
        .collection('p')
        .aggregate()
        .geoNear({ near: new db.Geo.Point(121, 31), spherical: true, distanceField: 'd', maxDistance: 1000, ...options } as never)
        .end();
    for (const [options, message] of [
      [{ distanceField: undefined }, /distanceField is required/],
      [{ spherical: false }, /spherical must be true/],
      [{ near: { longitude: 121, latitude: 31 } }, /near must be a Geo.Point/],
      [{ num: 5 }, /unknown option num/],
      [{ maxDistance: -1 }, /maxDistance must be a number of at least 0/],
      [{ minDistance: Number.NaN }, /minDistance/],
      [{ limit: 0 }, /limit must be a positive integer/],
      [{ key: 3 }, /key must be a field name/],
    ] as const)
      await expect(run(options)).rejects.toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(message) });
    // distanceMultiplier scales the distance it writes: 1 degree of longitude at 31°N on a 6378.1 km sphere is 95,422.9 m.
    const [doc] = (await run({ distanceMultiplier: 0.001 })).data;
    expect(doc.d as number).toBeCloseTo(0.0954, 3);
  });

  it('keeps the unique indexes of cloudbase/database.json on the host', () => {
    expect(uniqueIndexes()).toEqual({ places_bike: ['code'], bookings: ['code'] });
  });

  it('still reads a transaction its snapshot after several writes outside (old versions kept only while needed)', async () => {
    const db = new FakeCloudbase({ interleave: false });
    db.seed('c', [{ _id: 'a', v: 1 }]);
    const tx = await db.startTransaction();
    for (const v of [2, 3, 4]) await db.collection('c').doc('a').set({ v });
    expect((await tx.collection('c').doc('a').get()).data).toEqual({ _id: 'a', v: 1 });
    await tx.rollback();
    expect((await db.collection('c').doc('a').get()).data).toEqual([{ _id: 'a', v: 4 }]);
  });
});

describe('the journal (NEARBY_BACKEND=cloudbase-fake keeps its data at NEARBY_DB)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nearby-standin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays every commit on a new stand-in over the same file: documents, removals, Dates and GeoJSON', async () => {
    const file = join(dir, 'nested', 'db.jsonl');
    const first = new FakeCloudbase({ journal: file, interleave: false });
    await first.collection('c').add({ _id: 'a', at: new Date('2026-11-25T02:00:00Z'), where: new first.Geo.Point(121.47, 31.23) });
    await first.collection('c').doc('b').set({ v: 1 });
    await first.runTransaction(async (tx) => {
      await tx.collection('c').doc('b').update({ v: 2 });
      await tx.collection('d').doc('x').set({ n: 1 });
    });
    await first.collection('d').doc('x').remove();
    // A transaction still open when the process dies left nothing.
    const open = await first.startTransaction();
    await open.collection('c').doc('z').set({ v: 9 });
    const before = first.dump();
    first.close();

    const second = new FakeCloudbase({ journal: file, interleave: false });
    expect(second.dump()).toEqual(before);
    expect(second.dump()).toEqual({
      c: [
        { _id: 'a', at: new Date('2026-11-25T02:00:00Z'), where: { type: 'Point', coordinates: [121.47, 31.23] } },
        { _id: 'b', v: 2 },
      ],
    });
    expect((await second.collection('c').doc('a').get()).data[0].at).toEqual(new Date('2026-11-25T02:00:00Z'));
    // Compacted on open: one line, the live documents.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    await second.collection('c').doc('a').remove();
    second.close();
    expect(readJournal(file)).toEqual({ c: [{ _id: 'b', v: 2 }] });
    expect(new FakeCloudbase({ journal: file }).dump()).toEqual({ c: [{ _id: 'b', v: 2 }] });
  });

  it('drops a torn last line (a commit cut by kill -9, never answered), and refuses a broken line before others', () => {
    const file = join(dir, 'db.jsonl');
    writeFileSync(file, '{"w":[["c","a",{"_id":"a","v":1}]]}\n{"w":[["c","b",{"_id":"b","v"');
    expect(readJournal(file)).toEqual({ c: [{ _id: 'a', v: 1 }] });
    expect(new FakeCloudbase({ journal: file }).dump()).toEqual({ c: [{ _id: 'a', v: 1 }] });
    writeFileSync(file, '{"w":[["c","a",{"_id":"a","v":1}]]}\nnot json\n{"w":[["c","b",{"_id":"b","v":2}]]}\n');
    expect(() => new FakeCloudbase({ journal: file })).toThrow(/db.jsonl: line 2 is not a commit/);
  });

  it('keeps nothing for :memory: (the host opens no journal then)', async () => {
    const backend = openBackend('cloudbase-fake', ':memory:');
    await backend.ports.staff.set('clerk', ['S1']);
    expect(await backend.ports.staff.storesOf('clerk')).toEqual(['S1']);
    backend.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});
