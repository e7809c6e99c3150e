/**
 * The bill import CLI both ways: against the local host as an admin over HTTP (the real CLI run as
 * `npm run import:bills` runs it), and against CloudBase by the import use case on the CloudBase
 * adapter (on the shared fake, with a stop in the middle of a batch: nothing of it is written, and
 * running the file again completes it).
 */
import { cloudbaseBills } from '../../functions/lib/cloudbase/bills';
import { httpSink, parseBillsCsv, runImport, storeSink } from '../../scripts/import-bills';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { runScript, withCsvFile } from '../support/cli';
import { ADMIN, startCloud, storedCounts } from '../support/host';

const CSV = [
  'accountType,accountNo,holderName,period,amountFen,dueDate',
  'water,31000001,张三,2026-10,4280,2026-11-15',
  'water,31000001,张三,2026-09,3960,2026-10-15',
  'coal,31000001,张三,2026-10,100,2026-11-15',
  'electricity,12_ab,李四,2026-10,100,2026-11-15',
  'gas,31000002,Li Lei,2026-10,62.5,2026-11-20',
  'gas,31000002,Li Lei,2026-13,6250,2026-11-20',
  'gas,31000002,Li Lei,2026-10,6250,2026-02-30',
  'gas,31000002,,2026-10,6250,2026-11-20',
  'electricity,3100000001,Li Lei,2026-10,15630,2026-11-20',
  'water,31000001,张三,2026-10,9999,2026-11-15',
  '',
].join('\n');

it('parses the file row by row: the good rows, and every junk row with its line and reason', () => {
  const parsed = parseBillsCsv(CSV);
  expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 10]);
  expect(parsed.rejected).toEqual([
    { line: 4, reason: expect.stringMatching(/^accountType: /) },
    { line: 5, reason: 'accountNo: must be 1 to 32 letters, digits or -' },
    { line: 6, reason: 'amountFen: must be whole fen (an integer)' },
    { line: 7, reason: expect.stringMatching(/^period: /) },
    { line: 8, reason: 'dueDate: must be a real date: the day must be 01..28 in 2026-02' },
    { line: 9, reason: expect.stringMatching(/^holderName: /) },
    { line: 11, reason: 'repeats line 2 (water 31000001 2026-10)' },
  ]);
  expect(parseBillsCsv('a,b\n1,2\n').rejected[0].reason).toMatch(/^the header lacks billerId, accountNo/);
});

it('imports against the local host as an admin, through the CLI; the same file twice imports nothing twice', async () => {
  const cloud = await startCloud();
  try {
    await withCsvFile('bills.csv', CSV, async (file) => {
      const run = () => runScript('scripts/import-bills.ts', [file, '--url', cloud.url, '--admin', ADMIN]);
      const first = await run();
      expect(first.stdout).toContain('imported: 3\nduplicates (already imported): 0\nrejected: 7\n  line 4: accountType:');
      expect(first.stdout).toContain('  line 6: amountFen: must be whole fen (an integer)');
      const second = await run();
      expect(second.stdout).toContain('imported: 0\nduplicates (already imported): 3 (lines 2, 3, 10)');
    });
    // Three bills, none twice (a table or a collection `bills` on either back end; no ride bills here).
    expect(storedCounts(cloud).bills).toBe(3);
    // Not an admin: the host refuses the batch, and nothing is written.
    const refused = await runImport(parseBillsCsv(CSV.replace('2026-09', '2026-08')), httpSink(cloud.url, 'someone'));
    expect(refused).toMatchObject({ imported: 0, failure: expect.stringContaining('PERMISSION_DENIED'), notImported: [2, 3, 10] });
  } finally {
    await cloud.close();
  }
}, 60_000);

it('imports against CloudBase on the adapter directly: a batch stopped midway writes nothing, running again completes it', async () => {
  const fake = new FakeCloudbase();
  const parsed = parseBillsCsv(CSV);
  fake.stopAt(fake.calls + 4);
  await expect(runImport(parsed, storeSink(cloudbaseBills(fake)), { batch: 2 })).resolves.toMatchObject({
    imported: 0,
    failure: expect.stringContaining('stopped'),
    notImported: [2, 3, 10],
  });
  expect(fake.isStopped).toBe(true);
  fake.restart();
  expect(fake.table('bills').size).toBe(0);
  const summary = await runImport(parsed, storeSink(cloudbaseBills(fake)), { batch: 2 });
  expect(summary).toMatchObject({ imported: 3, duplicates: [], failure: null });
  const again = await runImport(parsed, storeSink(cloudbaseBills(fake)), { batch: 2 });
  expect(again).toMatchObject({ imported: 0, duplicates: [2, 3, 10] });
  expect([...fake.table('bills').keys()].sort()).toEqual(['UB:electricity:3100000001:2026-10', 'UB:water:31000001:2026-09', 'UB:water:31000001:2026-10']);
  expect(fake.table('utility_accounts').get('water:31000001')).toMatchObject({ holderName: '张三' });
});

it('imports a file by billerId; a number not of its biller’s format refuses its batch whole, naming the line in the file', async () => {
  const fake = new FakeCloudbase();
  const store = cloudbaseBills(fake);
  await store.upsertBillers([{ id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海', accountNoPattern: 'DZ-\\d{7}' }], new Date());
  const csv = [
    'billerId,accountNo,holderName,period,amountFen,dueDate',
    'sh-gas-dz,DZ-2100301,王芳,2026-10,3850,2026-11-18',
    'sh-gas-dz,DZ-2100302,王芳,2026-10,3850,2026-11-18',
    'sh-gas-dz,31000002,王芳,2026-10,3850,2026-11-18',
    ',DZ-2100303,王芳,2026-10,3850,2026-11-18',
  ].join('\n');
  const parsed = parseBillsCsv(csv);
  expect(parsed.rejected).toEqual([{ line: 5, reason: 'billerId: is required (or accountType for the only biller of a type)' }]);
  const summary = await runImport(parsed, storeSink(store), { batch: 2 });
  expect(summary).toMatchObject({ imported: 2, failure: 'line 4: accountNo: is not a 上海大众燃气 account number', notImported: [4] });
  expect([...fake.table('bills').keys()].sort()).toEqual(['UB:sh-gas-dz:DZ-2100301:2026-10', 'UB:sh-gas-dz:DZ-2100302:2026-10']);
});
