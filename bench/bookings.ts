/**
 * Bookings, measured on the local host over HTTP (the real functions, the embedded database on
 * disk): (a) throughput of 1,000 bookings over 100 slots, against the host's own /healthz round
 * trip in the same run; (b) stampedes of 200 racers for a few places: how long, and that exactly
 * `capacity` won. Writes bench/results/bookings.{json,md}. Loopback only; every loop is bounded.
 *
 *   npm run bench            (every bench)
 *   node scripts/build-script.mjs bench/bookings.ts [--quick]
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, sqlitePorts } from '../functions/lib/sqlite';
import { createHost } from '../functions/local/host';
import { addDays, slotsOn } from '../shared/slots';

const QUICK = process.argv.includes('--quick');
const BOOKINGS = 1000;
const SLOTS = 100;
const CAPACITY = BOOKINGS / SLOTS;
const CONCURRENCY = 16;
const RACERS = 200;
const STAMPEDE_CAPACITY = 5;
const STAMPEDES = QUICK ? 3 : 10;
const ADMIN = 'bench-admin';
// Wednesday 2026-11-25, 07:00 in Shanghai: every slot of the week ahead is bookable.
const NOW = '2026-11-24T23:00:00Z';
const TODAY = '2026-11-25';

const ns = () => process.hrtime.bigint();
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bookings-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const host = createHost({ ports: sqlitePorts(db), admins: new Set([ADMIN]), clock: 'header', log: () => {} });
  const url = new URL(await host.listen(0));
  const oneSocket = new Agent({ keepAlive: true, maxSockets: 1 });
  const manySockets = new Agent({ keepAlive: true, maxSockets: RACERS });

  const call = (agent: Agent, method: string, path: string, openid?: string, event?: unknown) =>
    new Promise<{ ms: number; body: any }>((resolve, reject) => {
      const body = event === undefined ? undefined : JSON.stringify(event);
      const headers: Record<string, string | number> = { 'x-nearby-now': NOW };
      if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      if (openid) headers['x-wx-openid'] = openid;
      const t0 = ns();
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode} for ${path}`));
          resolve({ ms: ms(t0, ns()), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const healthz = (agent = oneSocket) => call(agent, 'GET', '/healthz');
  const bookings = (agent: Agent, openid: string, event: unknown) => call(agent, 'POST', '/functions/bookings', openid, event);

  // Two stores: 30-minute slots from 08:00 to 20:00 (24 a day), one for the throughput run, one for stampedes.
  const store = (id: string, capacity: number) => ({
    kind: 'store',
    id,
    name: `Bench ${id}`,
    address: 'loopback',
    lat: 31.23,
    lng: 121.47,
    category: 'coffee',
    timezone: 'Asia/Shanghai',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '20:00' })),
    slot: { minutes: 30, capacity },
  });
  const up = await call(oneSocket, 'POST', '/functions/admin', ADMIN, {
    action: 'upsertPlaces',
    places: [store('BENCH', CAPACITY), store('RACE', STAMPEDE_CAPACITY)],
  });
  if (!up.body.ok) throw new Error(JSON.stringify(up.body));
  const rules = { timezone: 'Asia/Shanghai', openingHours: store('x', 1).openingHours, slot: { minutes: 30, capacity: CAPACITY } };
  const week = Array.from({ length: 7 }, (_, i) => slotsOn(rules, addDays(TODAY, i))).flat();
  const starts = week.slice(0, SLOTS).map((s) => s.start);

  // Warm-up: /healthz and slot listings (no booking written).
  for (let i = 0; i < 200; i++) {
    await healthz();
    await bookings(oneSocket, 'warm', { action: 'slots', storeId: 'BENCH', date: TODAY });
  }

  // (a1) Sequential: one socket, one call at a time, the 1,000 bookings alternating with /healthz.
  const health: number[] = [];
  const booking: number[] = [];
  const half = BOOKINGS / 2;
  let t = ns();
  for (let i = 0; i < half; i++) {
    health.push((await healthz()).ms);
    const r = await bookings(oneSocket, `seq-${i}`, { action: 'create', storeId: 'BENCH', start: starts[i % SLOTS], requestId: `r${i}` });
    if (!r.body.ok) throw new Error(JSON.stringify(r.body));
    booking.push(r.ms);
  }
  const sequentialMs = ms(t, ns());
  // (a2) Concurrent: the other 500 with 16 in flight on 16 sockets, against 500 /healthz the same way.
  const pool = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const inFlight = async (n: number, one: (i: number) => Promise<unknown>) => {
    let next = 0;
    const t0 = ns();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) await one(next++);
      }),
    );
    return ms(t0, ns());
  };
  const healthzBurstMs = await inFlight(half, () => healthz(pool));
  let refused = 0;
  const bookingBurstMs = await inFlight(half, async (i) => {
    const r = await bookings(pool, `con-${i}`, { action: 'create', storeId: 'BENCH', start: starts[(half + i) % SLOTS], requestId: `r${i}` });
    if (!r.body.ok) refused++;
  });
  pool.destroy();
  const full = db.prepare(`SELECT count(*) FROM slot_counters WHERE store_id = 'BENCH' AND booked = ?`).pluck().get(CAPACITY) as number;
  const rows = db.prepare(`SELECT count(*) FROM bookings WHERE store_id = 'BENCH'`).pluck().get() as number;

  const throughput = {
    bookings: BOOKINGS,
    slots: SLOTS,
    capacityPerSlot: CAPACITY,
    slotsFilledExactly: `${full}/${SLOTS}`,
    bookingsWritten: rows,
    refused,
    sequential: {
      bookingsPerSec: round((half / booking.reduce((a, b) => a + b, 0)) * 1000, 0),
      healthzPerSec: round((half / health.reduce((a, b) => a + b, 0)) * 1000, 0),
      bookingP50Ms: round(median(booking)),
      bookingP99Ms: round(quantile(booking, 0.99)),
      healthzP50Ms: round(median(health)),
      healthzP99Ms: round(quantile(health, 0.99)),
      ratioP50: round(median(booking) / median(health), 2),
      wallSeconds: round(sequentialMs / 1000, 2),
    },
    concurrent: {
      inFlight: CONCURRENCY,
      bookingsPerSec: round((half / bookingBurstMs) * 1000, 0),
      healthzPerSec: round((half / healthzBurstMs) * 1000, 0),
      ratio: round(bookingBurstMs / healthzBurstMs, 2),
    },
  };

  // (b) Stampedes: 200 racers, all at once on their own sockets, for one slot of 5 places.
  const stampedes: Array<{ ms: number; won: number; full: number; other: number; counter: number }> = [];
  for (let k = 0; k < STAMPEDES; k++) {
    const start = week[SLOTS + k].start;
    // Open the sockets first, so that the race is about the booking, not the TCP handshakes.
    await Promise.all(Array.from({ length: RACERS }, () => healthz(manySockets)));
    const t0 = ns();
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => bookings(manySockets, `race-${k}-${i}`, { action: 'create', storeId: 'RACE', start })),
    );
    const took = ms(t0, ns());
    const won = answers.filter((a) => a.body.ok).length;
    const fullCount = answers.filter((a) => !a.body.ok && a.body.error.reason === 'SLOT_FULL').length;
    const counter = db
      .prepare(`SELECT booked FROM slot_counters WHERE store_id = 'RACE' AND slot_key = ?`)
      .pluck()
      .get(new Date(start).toISOString()) as number;
    stampedes.push({ ms: round(took, 1), won, full: fullCount, other: RACERS - won - fullCount, counter });
  }
  const stampede = {
    racers: RACERS,
    capacity: STAMPEDE_CAPACITY,
    rounds: STAMPEDES,
    medianMs: round(median(stampedes.map((s) => s.ms)), 1),
    maxMs: round(Math.max(...stampedes.map((s) => s.ms)), 1),
    exactlyCapacityWonEveryRound: stampedes.every(
      (s) => s.won === STAMPEDE_CAPACITY && s.counter === STAMPEDE_CAPACITY && s.full === RACERS - STAMPEDE_CAPACITY,
    ),
    perRound: stampedes,
  };

  oneSocket.destroy();
  manySockets.destroy();
  await host.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });

  const machine = { date: new Date().toISOString(), node: process.version, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
  console.log('\n(a) 1,000 bookings over 100 slots on the local host (SQLite file, WAL) vs GET /healthz');
  console.table([{ mode: 'sequential (1 socket)', ...throughput.sequential }]);
  console.table([{ mode: `concurrent (${CONCURRENCY} in flight)`, ...throughput.concurrent }]);
  console.log(`slots filled exactly: ${throughput.slotsFilledExactly}, bookings written: ${rows}, refused: ${refused}`);
  console.log(`(b) ${STAMPEDES} stampedes of ${RACERS} racers for ${STAMPEDE_CAPACITY} places`);
  console.table(stampedes);
  console.log('exactly capacity won every round:', stampede.exactlyCapacityWonEveryRound);

  const results = { bench: 'bookings', machine, throughput, stampede, quick: QUICK };
  mkdirSync(join(process.cwd(), 'bench/results'), { recursive: true });
  writeFileSync(join(process.cwd(), 'bench/results/bookings.json'), `${JSON.stringify(results, null, 2)}\n`);
  const s = throughput.sequential;
  const c = throughput.concurrent;
  const md = [
    '# Bookings benchmark',
    '',
    `${machine.date}, Node ${machine.node}, ${machine.cores} cores (${machine.cpu})${QUICK ? ', quick run' : ''}. The local host over loopback HTTP, the embedded database in a file (WAL).`,
    '',
    `## (a) ${BOOKINGS} bookings over ${SLOTS} slots (${CAPACITY} places each)`,
    '',
    `Half one call at a time on one keep-alive socket (alternating with GET /healthz), half with ${CONCURRENCY} in flight. Every slot ended exactly full: ${throughput.slotsFilledExactly}; ${rows} bookings written, ${refused} refused.`,
    '',
    '| mode | bookings/s | /healthz per s | booking p50 ms | booking p99 ms | healthz p50 ms | healthz p99 ms | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    `| sequential | ${s.bookingsPerSec} | ${s.healthzPerSec} | ${s.bookingP50Ms} | ${s.bookingP99Ms} | ${s.healthzP50Ms} | ${s.healthzP99Ms} | ${s.ratioP50} (p50) |`,
    `| ${CONCURRENCY} in flight | ${c.bookingsPerSec} | ${c.healthzPerSec} | | | | | ${c.ratio} (wall time) |`,
    '',
    'The ratio is how many /healthz round trips one booking costs (a booking is one IMMEDIATE transaction: read, checks, counter update, insert, commit).',
    '',
    `## (b) Stampede: ${RACERS} racers at once for ${STAMPEDE_CAPACITY} places, ${STAMPEDES} rounds`,
    '',
    `Median ${stampede.medianMs} ms from the first request sent to the last answer (max ${stampede.maxMs} ms). Exactly ${STAMPEDE_CAPACITY} won every round, the rest were SLOT_FULL, the counter says ${STAMPEDE_CAPACITY}: ${stampede.exactlyCapacityWonEveryRound ? 'yes' : 'NO'}.`,
    '',
    '| round | ms | won | SLOT_FULL | other | counter |',
    '|---:|---:|---:|---:|---:|---:|',
    ...stampedes.map((r, i) => `| ${i + 1} | ${r.ms} | ${r.won} | ${r.full} | ${r.other} | ${r.counter} |`),
    '',
  ].join('\n');
  writeFileSync(join(process.cwd(), 'bench/results/bookings.md'), md);
  console.log('wrote bench/results/bookings.json and bench/results/bookings.md');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
