/**
 * `npm run billers -- import <csv>` both ways: through the local host as an admin (the real CLI,
 * as npm runs it), and on the CloudBase adapter with the same use case; a bad line stops the file
 * before anything is sent.
 */
import { cloudbaseBills } from '../../functions/lib/cloudbase/bills';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import { parseBillersCsv, runBillerImport, storeBillerSink } from '../../scripts/billers';
import { runScript, withCsvFile } from '../support/cli';
import { ADMIN, startCloud } from '../support/host';

const CSV = [
  'id,name,type,city,accountNoPattern,accountNoHint',
  'sh-water,上海城投水务,water,上海,\\d{8},账单右上角“户号”',
  'sh-gas,上海燃气,gas,上海,,',
  'sh-gas-dz,上海大众燃气,gas,上海,DZ-\\d{7},燃气卡背面',
  '',
].join('\n');

it('refuses a file with a bad line, naming it, before sending anything', () => {
  const bad = `${CSV}sh-x,慢,gas,上海,(\\d+)+,\nsh-y,错,coal,上海,,\nsh-gas,重复,gas,上海,,\n`;
  expect(parseBillersCsv(bad).rejected).toEqual([
    { line: 5, reason: 'accountNoPattern: repeats a group that itself repeats or alternates: it could run for long' },
    { line: 6, reason: expect.stringMatching(/^type: /) },
    { line: 7, reason: 'id: repeats line 3 ("sh-gas")' },
  ]);
});

it('imports billers through the local host with the real CLI, and on CloudBase with the same use case', async () => {
  const cloud = await startCloud();
  try {
    const run = await withCsvFile('billers.csv', CSV, (file) => runScript('scripts/billers.ts', ['import', file, '--url', cloud.url, '--admin', ADMIN]));
    expect(run.stdout).toContain('upserted: 3');
    expect(await cloud.call('bills', { action: 'billers', type: 'gas' })).toEqual({
      ok: true,
      data: {
        billers: [
          { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海' },
          { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海', accountNoHint: '燃气卡背面' },
        ],
      },
    });
  } finally {
    await cloud.close();
  }
  const fake = new FakeCloudbase();
  const steps: number[] = [];
  expect(await runBillerImport(parseBillersCsv(CSV).billers, storeBillerSink(cloudbaseBills(fake)), (done) => steps.push(done))).toBe(3);
  expect(steps).toEqual([3]);
  expect(fake.table('billers').get('sh-water')).toMatchObject({ name: '上海城投水务', accountNoPattern: '\\d{8}' });
}, 60_000);
