/** The shared CloudBase fake keeps the semantics the adapters rely on (as the SDK sources show them). */
import { DUPLICATE_WRITE, FakeCloudbase, FunctionStopped, TRANSACTION_CONFLICT } from '../../functions/local/cloudbase-standin';

const codeOf = (err: unknown) => (err as { code?: string }).code;

describe('outside a transaction', () => {
  it('answers a conditional update with how many documents it changed', async () => {
    const db = new FakeCloudbase();
    const _ = db.command;
    db.seed('c', [{ _id: 'k', booked: 1 }]);
    expect(
      await db
        .collection('c')
        .where({ _id: 'k', booked: _.lt(2) })
        .update({ booked: _.inc(1) }),
    ).toEqual({ updated: 1 });
    expect(
      await db
        .collection('c')
        .where({ _id: 'k', booked: _.lt(2) })
        .update({ booked: _.inc(1) }),
    ).toEqual({ updated: 0 });
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
