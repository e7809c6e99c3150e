/**
 * The utility companies (缴费单位) a deployment collects bills for, from a CSV file.
 *
 *   npm run billers -- import billers.csv [--url http://127.0.0.1:8787] [--admin local-admin]
 *   npm run billers -- import billers.csv --cloudbase      (ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY)
 *
 * Header: id,name,type,city,accountNoPattern,accountNoHint (the last two may be empty: without a
 * pattern a number is 4 to 32 letters, digits or -). Every row is checked first (a pattern that is
 * not a regular expression, or could run for long, is named with its line) and nothing is sent
 * while one is bad; then batches of 100 go through the same use case as `admin.upsertBillers`:
 * over HTTP to the local host as an admin, or on the CloudBase adapter with an operator's key.
 * Each batch is one transaction; running the file again rewrites the same billers.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import type { Biller } from '../shared/bills';
import { describeIssue } from '../shared/contract/common';
import { billerParams, MAX_BILLERS_PER_CALL } from '../shared/contract/bills';
import type { BillStore } from '../functions/lib/ports';
import { upsertBillers } from '../functions/lib/usecases/bills';

export const BILLER_COLUMNS = ['id', 'name', 'type', 'city', 'accountNoPattern', 'accountNoHint'] as const;

/** The file's billers, or every bad line with its reason (then nothing is sent). */
export function parseBillersCsv(text: string): { billers: Biller[]; rejected: { line: number; reason: string }[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true });
  } catch (err) {
    return { billers: [], rejected: [{ line: Number((err as { lines?: number }).lines ?? 0), reason: `not a CSV file: ${(err as Error).message}` }] };
  }
  const missing = records.length > 0 ? BILLER_COLUMNS.slice(0, 4).filter((c) => !(c in records[0].record)) : [];
  if (missing.length > 0)
    return { billers: [], rejected: [{ line: 1, reason: `the header lacks ${missing.join(', ')} (expected ${BILLER_COLUMNS.join(',')})` }] };
  const out = { billers: [] as Biller[], rejected: [] as { line: number; reason: string }[] };
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const cells = Object.fromEntries(BILLER_COLUMNS.flatMap((c) => (record[c] ? [[c, record[c]]] : [])));
    const parsed = billerParams.safeParse(cells);
    if (!parsed.success) {
      out.rejected.push({ line: info.lines, reason: describeIssue(parsed.error) });
      continue;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      out.rejected.push({ line: info.lines, reason: `id: repeats line ${first} ("${parsed.data.id}")` });
      continue;
    }
    seen.set(parsed.data.id, info.lines);
    out.billers.push(parsed.data);
  }
  return out;
}

/** Where a batch goes: one all-or-nothing `upsertBillers`. */
export type BillerSink = (billers: Biller[]) => Promise<number>;

export function httpBillerSink(baseUrl: string, adminOpenid: string): BillerSink {
  return async (billers) => {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}/functions/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': adminOpenid },
      body: JSON.stringify({ action: 'upsertBillers', billers }),
    });
    const answer = (await res.json()) as { ok: boolean; data?: { upserted: number }; error?: { code: string; message: string } };
    if (!answer.ok || !answer.data) throw new Error(`the host refused the batch: ${answer.error?.code} ${answer.error?.message}`);
    return answer.data.upserted;
  };
}

/** CloudBase: the same use case on the CloudBase adapter. */
export function storeBillerSink(bills: BillStore, clock: () => Date = () => new Date()): BillerSink {
  return async (billers) => {
    const result = await upsertBillers({ bills }, { billers }, { caller: null, now: clock() });
    if (!result.ok) throw new Error(result.error.message);
    return result.data.upserted;
  };
}

/** Sends the billers in batches of 100; stops at the first refused batch (it wrote nothing). */
export async function runBillerImport(billers: Biller[], sink: BillerSink, progress?: (done: number, total: number) => void): Promise<number> {
  let upserted = 0;
  for (let i = 0; i < billers.length; i += MAX_BILLERS_PER_CALL) {
    upserted += await sink(billers.slice(i, i + MAX_BILLERS_PER_CALL));
    progress?.(Math.min(i + MAX_BILLERS_PER_CALL, billers.length), billers.length);
  }
  return upserted;
}

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv.filter((a, i) => !a.startsWith('--') && !['--url', '--admin'].includes(argv[i - 1] ?? ''));
  const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  if (command !== 'import' || !file) {
    console.error('usage: npm run billers -- import billers.csv [--url http://127.0.0.1:8787] [--admin local-admin] [--cloudbase]');
    return 2;
  }
  const parsed = parseBillersCsv(readFileSync(file, 'utf8'));
  if (parsed.rejected.length > 0) {
    console.error(`nothing sent: ${parsed.rejected.length} bad line(s)`);
    for (const r of parsed.rejected) console.error(`  line ${r.line}: ${r.reason}`);
    return 1;
  }
  let sink: BillerSink;
  if (argv.includes('--cloudbase')) {
    const { cloudbaseBillStore } = await import('./import-bills');
    sink = storeBillerSink(await cloudbaseBillStore(process.env));
  } else {
    sink = httpBillerSink(
      opt('--url') ?? `http://127.0.0.1:${process.env.PORT || 8787}`,
      opt('--admin') ?? (process.env.NEARBY_ADMIN_OPENIDS || 'local-admin').split(',')[0].trim(),
    );
  }
  const bar = new SingleBar({ format: 'billers [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic);
  bar.start(parsed.billers.length, 0);
  try {
    const upserted = await runBillerImport(parsed.billers, sink, (done) => bar.update(done));
    bar.stop();
    console.log(`upserted: ${upserted}`);
    return 0;
  } catch (err) {
    bar.stop();
    console.error(`FAILED: ${(err as Error).message}; batches before it are written, run the file again to finish`);
    return 1;
  }
}

if (process.argv[1] && /billers\.(js|ts)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`billers: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
