/** `npm run preview` (through scripts/preview/run.cjs): a local host on a free port over a fresh demo database, then the preview. */
import path from 'node:path';
import { openDatabase, sqlitePorts } from '../../functions/lib/sqlite';
import { createHost } from '../../functions/local/host';
import { seedDemo } from '../../functions/local/seed';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { generatePreview } from './main';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const db = openDatabase(':memory:');
  // The lock answers at once: the preview does not wait for a simulated bike.
  // The WeChat Pay sandbox, as `npm start` has by default: the bill page pays through it.
  const sandbox = sandboxPayments();
  const ports = sqlitePorts(db, { lock: { delayMs: 0, failureRate: 0 }, pay: { ok: true, payments: sandbox } });
  await seedDemo(ports);
  const host = createHost({ ports, admins: new Set(['local-admin']), clock: 'header', sandbox, log: () => {} });
  const url = await host.listen(0);
  try {
    const result = await generatePreview(url, {
      root: path.resolve('miniprogram'),
      outDir: path.resolve(value('--out') ?? 'dist/preview'),
      png: !args.includes('--no-png'),
      only: value('--only'),
    });
    if (result.failed.length > 0) process.exitCode = 1;
  } finally {
    await host.close();
    db.close();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
