/**
 * Reminders at chain scale (docs/scale.md): 20,000 bookings of 1,000 stores due in one window, the
 * real `reminders` run (the CloudBase adapters over the in-process CloudBase stand-in, the WeChat
 * messenger over HTTP against the local server playing WeChat, every send answered in 50 ms), the
 * run's own budget (cloudbaserc.json's `reminders` timeout less the margin) and concurrency.
 * Measures sends per second of each run, database requests per reminder (every request the SDK
 * would send: transaction start, each read and write, commit, each query) and runs needed.
 * Writes bench/results/reminders.{json,md}. Loopback only; at most MAX_RUNS runs.
 *
 *   npm run bench -- reminders            (20,000)
 *   npm run bench -- reminders --quick    (2,500)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cloudbaseBills } from '../functions/lib/cloudbase/bills';
import { cloudbaseBookings } from '../functions/lib/cloudbase/bookings';
import { placeDocId } from '../functions/lib/cloudbase/places';
import { cloudbasePlaces } from '../functions/lib/cloudbase/places';
import { cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from '../functions/lib/cloudbase/reminders';
import { readMessengerSettings, wechatMessenger } from '../functions/lib/messenger';
import type { Notify } from '../functions/lib/ports';
import { runReminders } from '../functions/lib/usecases/reminders';
import { REMINDERS_RUN } from '../functions/lib/reminders-run';
import { FakeCloudbase } from '../functions/local/cloudbase-standin';
import { libraryTemplates, startWechatApi } from '../tests/support/wechat-api-server';

const QUICK = process.argv.includes('--quick');
const BOOKINGS = QUICK ? 2500 : 20_000;
const STORES = QUICK ? 125 : 1000;
const MAX_RUNS = 5;
const LATENCY_MS = 50;
// Wednesday 2026-11-25: every booking at 10:00 Shanghai (02:00Z); the runs from 09:35, one a minute.
const START = '2026-11-25T02:00:00.000Z';
const END = '2026-11-25T03:00:00.000Z';
const FIRST_RUN = Date.parse('2026-11-25T01:35:00.000Z');
const APPID = 'wx-bench';
const SECRET = 'bench-secret';
const IDS = { bookingReminder: 'tmpl-reminder', bookingConfirmed: 'tmpl-confirmed', billDue: 'tmpl-bill' };

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function main() {
  const wechatNow = { ms: FIRST_RUN };
  const api = await startWechatApi({
    appId: APPID,
    appSecret: SECRET,
    templates: libraryTemplates(IDS),
    pages: ['packageBooking/pages/my-bookings/index', 'packageBill/pages/bill/index'],
    now: () => wechatNow.ms,
    latencyMs: LATENCY_MS,
  });
  const fake = new FakeCloudbase({ unique: { bookings: ['code'] } });

  // 1,000 stores, 20 bookings each, every customer with one accepted bookingReminder (ledger and WeChat).
  const stores = Array.from({ length: STORES }, (_, i) => `ST${String(i).padStart(4, '0')}`);
  fake.seed(
    'places_store',
    stores.map((id, i) => ({
      _id: placeDocId('store', id),
      kind: 'store',
      id,
      name: `门店 ${i}`,
      address: `${i} Bench Road`,
      lat: 31.2 + i / 10_000,
      lng: 121.4 + i / 10_000,
      category: 'coffee',
      timezone: 'Asia/Shanghai',
      openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '22:00' })),
      slot: { minutes: 60, capacity: 20 },
      location: { type: 'Point', coordinates: [121.4 + i / 10_000, 31.2 + i / 10_000] },
    })),
  );
  const at = '2026-11-24T12:00:00.000Z';
  const customers = Array.from({ length: BOOKINGS }, (_, i) => `o_bench_${String(i).padStart(5, '0')}`);
  fake.seed(
    'bookings',
    customers.map((openid, i) => ({
      _id: `bk${String(i).padStart(5, '0')}`,
      openid,
      storeId: stores[i % STORES],
      slotKey: START,
      start: START,
      end: END,
      endKey: END,
      slotDate: '2026-11-25',
      status: 'pending',
      code: `C${String(i).padStart(6, '0')}`,
      requestId: null,
      createdAt: at,
      updatedAt: at,
    })),
  );
  fake.seed(
    'reminder_quota',
    customers.map((openid) => ({ _id: openid, quota: { bookingReminder: 1 }, updatedAt: at })),
  );
  for (const openid of customers) api.subscribe(openid, IDS.bookingReminder);

  const env = {
    WECHAT_APPID: APPID,
    WECHAT_APPSECRET: SECRET,
    WECHAT_TEMPLATE_BOOKING_REMINDER: IDS.bookingReminder,
    WECHAT_TEMPLATE_BOOKING_CONFIRMED: IDS.bookingConfirmed,
    WECHAT_TEMPLATE_BILL_DUE: IDS.billDue,
    WECHAT_API_BASE_URL: api.url,
  };
  const { settings, problems } = readMessengerSettings(env);
  const notify: Notify = {
    messenger: wechatMessenger({ settings, problems, now: () => wechatNow.ms, log: () => {} }),
    templateIds: settings.templateIds,
    fieldMaps: settings.fieldMaps,
    blocked: () => null,
  };
  // A new container for every run, as the timer gets (the adapters hold nothing between runs).
  const ports = () => ({
    places: cloudbasePlaces(fake),
    bookings: cloudbaseBookings(fake),
    bills: cloudbaseBills(fake),
    reminders: cloudbaseReminders(fake),
    bookingReminders: cloudbaseBookingReminders(fake),
    billReminders: cloudbaseBillReminders(fake),
    notify,
  });

  console.log(
    `reminders bench: ${BOOKINGS} due, ${STORES} stores, WeChat answers in ${LATENCY_MS} ms, budget ${REMINDERS_RUN.budgetMs} ms, concurrency ${REMINDERS_RUN.concurrency}`,
  );
  const runs: { run: number; sent: number; skipped: number; failed: number; seconds: number; sendsPerSecond: number; cpuSeconds: number; requests: number }[] =
    [];
  let total = 0;
  for (let i = 0; i < MAX_RUNS && total < BOOKINGS; i++) {
    wechatNow.ms = FIRST_RUN + i * 60_000;
    const callsBefore = fake.calls;
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    const answer = await runReminders(ports(), { caller: null, now: new Date(wechatNow.ms) }, () => {}, REMINDERS_RUN);
    const seconds = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // This process's CPU (the run, the stand-in and the WeChat server share it): the machine's load shows as seconds > cpuSeconds.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (!answer.ok) throw new Error(`run ${i + 1}: ${JSON.stringify(answer)}`);
    total += answer.data.sent;
    const row = {
      run: i + 1,
      ...answer.data,
      seconds: round(seconds),
      sendsPerSecond: round(answer.data.sent / seconds, 1),
      cpuSeconds: round(cpuSeconds),
      requests: fake.calls - callsBefore,
    };
    runs.push(row);
    console.log(JSON.stringify(row));
  }
  await api.close();

  const delivered = api.delivered.length;
  const distinct = new Set(api.delivered.map((d) => d.openid)).size;
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const perReminder = round(requests / Math.max(1, total));
  // Requests of the sending itself (claim, settle) against those of finding what is due.
  const kinds = new Map<string, number>();
  for (const call of fake.log) kinds.set(call.op, (kinds.get(call.op) ?? 0) + 1);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    due: BOOKINGS,
    stores: STORES,
    wechatLatencyMs: LATENCY_MS,
    budgetMs: REMINDERS_RUN.budgetMs,
    concurrency: REMINDERS_RUN.concurrency,
    runsNeeded: runs.length,
    delivered,
    distinctRecipients: distinct,
    firstRunSendsPerSecond: runs[0]?.sendsPerSecond ?? 0,
    requestsPerReminder: perReminder,
    requestsByKind: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1])),
    runs,
  };
  writeFileSync(join(process.cwd(), `bench/results/reminders${QUICK ? '-quick' : ''}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const table = [
    '| run | sent | skipped | failed | seconds | CPU seconds | sends/s | database requests |',
    '| --: | ---: | ------: | -----: | ------: | ----------: | ------: | ----------------: |',
    ...runs.map((r) => `| ${r.run} | ${r.sent} | ${r.skipped} | ${r.failed} | ${r.seconds} | ${r.cpuSeconds} | ${r.sendsPerSecond} | ${r.requests} |`),
  ].join('\n');
  const md = `# Reminders benchmark (npm run bench -- reminders${QUICK ? ' --quick' : ''})

${results.at}, Node ${process.version}, ${cpus().length} cores (load average ${loadavg()[0].toFixed(1)} at the end: a shared machine). ${BOOKINGS} bookings of ${STORES} stores due in one window; the real run
(CloudBase adapters over the in-process stand-in, the WeChat messenger over loopback HTTP against
tests/support/wechat-api-server.ts answering every send in ${LATENCY_MS} ms); budget ${REMINDERS_RUN.budgetMs} ms a run
(cloudbaserc.json's \`reminders\` timeout less the margin), ${REMINDERS_RUN.concurrency} reminders in flight.

- Delivered: ${delivered} to ${distinct} recipients (none twice: ${delivered === distinct ? 'yes' : 'NO'}; all ${BOOKINGS}: ${delivered === BOOKINGS ? 'yes' : `no, ${BOOKINGS - delivered} left`}), in ${runs.length} run(s) (goal: all within 5).
- Sends per second, first run: ${results.firstRunSendsPerSecond} (goal: at least 100).
- Database requests per reminder: ${perReminder} (goal: at most 4), ${requests} in all; by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}.

${table}
`;
  const mdFile = join(process.cwd(), `bench/results/reminders${QUICK ? '-quick' : ''}.md`);
  writeFileSync(mdFile, md);
  // Biome formats Markdown tables too: the results land as `npx biome check .` wants them.
  const formatted = spawnSync(join(process.cwd(), 'node_modules/.bin/biome'), ['format', '--write', mdFile], { stdio: 'inherit' });
  if (formatted.status !== 0) throw new Error(`biome format ${mdFile} failed`);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
