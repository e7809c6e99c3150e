/**
 * Imports a utility's bill file (CSV) in all-or-nothing batches.
 *
 *   npm run import:bills -- bills.csv [--url http://127.0.0.1:8787] [--admin local-admin] [--batch 200]
 *   npm run import:bills -- bills.csv --cloudbase      (ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY)
 *
 * The file has a header row: billerId,accountNo,holderName,period,amountFen,dueDate (billerId as
 * `admin.upsertBillers` named it; a file may carry accountType water|electricity|gas instead, or
 * both columns with one filled a row, while the deployment has one biller of that type; amountFen
 * whole fen; dueDate YYYY-MM-DD). Each number is checked against its biller's format by the import
 * itself (a batch with a bad one is refused whole, naming the row). Rows that are not
 * bills are rejected with their line number and reason and never sent; the rest go in batches,
 * each one transaction (`admin.importBills` on the local host as an admin over HTTP; on CloudBase
 * the same import use case run on the CloudBase adapter with the operator's credentials, since a
 * node-sdk call from a terminal carries no OPENID). Re-running a file, or the rest of a file after
 * a failed batch, imports nothing twice: bills are deduplicated by type, number and period.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import type { ImportRequestRow } from '../shared/bills';
import { describeIssue } from '../shared/contract/common';
import { importBillRow, MAX_BILLS_PER_CALL } from '../shared/contract/bills';
import type { BillStore } from '../functions/lib/ports';
import { importBills } from '../functions/lib/usecases/bills';

/** The columns of a bill file; a file names each row's biller by `billerId` or `accountType` (one of them). */
export const CSV_COLUMNS = ['billerId', 'accountType', 'accountNo', 'holderName', 'period', 'amountFen', 'dueDate'] as const;
const REQUIRED_COLUMNS = ['accountNo', 'holderName', 'period', 'amountFen', 'dueDate'] as const;

export interface ParsedFile {
  rows: { line: number; row: ImportRequestRow }[];
  rejected: { line: number; reason: string }[];
}

/** The file's rows, checked one by one against the contract; `line` is the line number in the file. */
export function parseBillsCsv(text: string): ParsedFile {
  let records: { record: Record<string, string>; line: number }[];
  try {
    records = (
      parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as {
        record: Record<string, string>;
        info: { lines: number };
      }[]
    ).map((r) => ({ record: r.record, line: r.info.lines }));
  } catch (err) {
    return { rows: [], rejected: [{ line: Number((err as { lines?: number }).lines ?? 0), reason: `not a CSV file: ${(err as Error).message}` }] };
  }
  const out: ParsedFile = { rows: [], rejected: [] };
  if (records.length > 0) {
    const missing: string[] = REQUIRED_COLUMNS.filter((c) => !(c in records[0].record));
    if (!('billerId' in records[0].record) && !('accountType' in records[0].record)) missing.unshift('billerId');
    if (missing.length > 0)
      return { rows: [], rejected: [{ line: 1, reason: `the header lacks ${missing.join(', ')} (expected billerId,${REQUIRED_COLUMNS.join(',')})` }] };
  }
  const seen = new Map<string, number>();
  for (const { record, line } of records) {
    const amount = record.amountFen ?? '';
    // An empty cell is an absent field (a file with both biller columns fills one a row).
    const cells = CSV_COLUMNS.flatMap((c) => (record[c] === undefined || record[c] === '' ? [] : [[c, record[c]]]));
    const candidate = { ...Object.fromEntries(cells), amountFen: /^-?\d+(\.\d+)?$/.test(amount) ? Number(amount) : amount };
    const parsed = importBillRow.safeParse(candidate);
    if (!parsed.success) {
      out.rejected.push({ line, reason: describeIssue(parsed.error) });
      continue;
    }
    const { billerId, accountType, ...rest } = parsed.data;
    const row: ImportRequestRow = billerId !== undefined ? { ...rest, billerId } : { ...rest, accountType: accountType! };
    const key = `${billerId ?? `type:${accountType}`}|${row.accountNo}|${row.period}`;
    const first = seen.get(key);
    if (first !== undefined) {
      out.rejected.push({ line, reason: `repeats line ${first} (${billerId ?? accountType} ${row.accountNo} ${row.period})` });
      continue;
    }
    seen.set(key, line);
    out.rows.push({ line, row });
  }
  return out;
}

/** Where a batch goes: one all-or-nothing import; which of its rows were already there. */
export type BillSink = (rows: ImportRequestRow[]) => Promise<{ imported: number; duplicateRows: number[] }>;

/** The local host (or any host of the contract), as an admin over HTTP. */
export function httpSink(baseUrl: string, adminOpenid: string): BillSink {
  return async (rows) => {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}/functions/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': adminOpenid },
      body: JSON.stringify({ action: 'importBills', bills: rows }),
    });
    const answer = (await res.json()) as { ok: boolean; data?: { imported: number; duplicateRows: number[] }; error?: { code: string; message: string } };
    if (!answer.ok || !answer.data) throw new Error(`the host refused the batch: ${answer.error?.code} ${answer.error?.message}`);
    return answer.data;
  };
}

/** CloudBase: the import use case on the CloudBase adapter, directly. */
export function storeSink(bills: BillStore, clock: () => Date = () => new Date()): BillSink {
  return async (rows) => {
    const result = await importBills({ bills }, { bills: rows }, { caller: null, now: clock() });
    if (!result.ok) throw new Error(result.error.message);
    return result.data;
  };
}

export interface ImportSummary {
  imported: number;
  duplicates: number[];
  rejected: { line: number; reason: string }[];
  /** Lines not sent because a batch failed (nothing of that batch was written): run the file again. */
  notImported: number[];
  failure: string | null;
}

/** Sends the file's good rows in batches; stops at the first failed batch (it wrote nothing). */
export async function runImport(
  parsed: ParsedFile,
  sink: BillSink,
  options: { batch?: number; progress?: (done: number, total: number) => void } = {},
): Promise<ImportSummary> {
  const size = Math.min(Math.max(1, options.batch ?? MAX_BILLS_PER_CALL), MAX_BILLS_PER_CALL);
  const summary: ImportSummary = { imported: 0, duplicates: [], rejected: parsed.rejected, notImported: [], failure: null };
  for (let i = 0; i < parsed.rows.length; i += size) {
    const batch = parsed.rows.slice(i, i + size);
    try {
      const { imported, duplicateRows } = await sink(batch.map((r) => r.row));
      summary.imported += imported;
      summary.duplicates.push(...duplicateRows.map((k) => batch[k].line));
    } catch (err) {
      // The host names a row of the batch ("bills[1].accountNo: ..."): name its line in the file.
      summary.failure = (err as Error).message.replace(/bills\[(\d+)\]\./, (m, k) => (batch[Number(k)] ? `line ${batch[Number(k)].line}: ` : m));
      summary.notImported = parsed.rows.slice(i).map((r) => r.line);
      break;
    }
    options.progress?.(Math.min(i + size, parsed.rows.length), parsed.rows.length);
  }
  return summary;
}

export function formatSummary(s: ImportSummary): string {
  const lines = [
    `imported: ${s.imported}`,
    `duplicates (already imported): ${s.duplicates.length}${s.duplicates.length ? ` (lines ${s.duplicates.join(', ')})` : ''}`,
    `rejected: ${s.rejected.length}`,
  ];
  for (const r of s.rejected) lines.push(`  line ${r.line}: ${r.reason}`);
  if (s.failure)
    lines.push(`FAILED: ${s.failure}`, `not imported (nothing of the failed batch was written; run the file again): lines ${s.notImported.join(', ')}`);
  return lines.join('\n');
}

/** The bills store of a CloudBase environment, reached with an operator's key (also `npm run billers -- --cloudbase`). */
export async function cloudbaseBillStore(env: NodeJS.ProcessEnv): Promise<BillStore> {
  const envId = env.ENV_ID ?? env.CLOUDBASE_ENV_ID;
  if (!envId || !env.TENCENTCLOUD_SECRETID || !env.TENCENTCLOUD_SECRETKEY)
    throw new Error('--cloudbase needs ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (an operator key of the environment)');
  const tcb = await import('@cloudbase/node-sdk');
  const { asBillsDb, cloudbaseBills } = await import('../functions/lib/cloudbase/bills');
  const app = tcb.init({ env: envId, secretId: env.TENCENTCLOUD_SECRETID, secretKey: env.TENCENTCLOUD_SECRETKEY });
  return cloudbaseBills(asBillsDb(app.database()));
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a, i) => !a.startsWith('--') && !['--url', '--admin', '--batch'].includes(argv[i - 1] ?? ''));
  const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  if (!file) {
    console.error('usage: npm run import:bills -- bills.csv [--url http://127.0.0.1:8787] [--admin local-admin] [--batch 200] [--cloudbase]');
    return 2;
  }
  const parsed = parseBillsCsv(readFileSync(file, 'utf8'));
  const sink = argv.includes('--cloudbase')
    ? storeSink(await cloudbaseBillStore(process.env))
    : httpSink(
        opt('--url') ?? `http://127.0.0.1:${process.env.PORT || 8787}`,
        opt('--admin') ?? (process.env.NEARBY_ADMIN_OPENIDS || 'local-admin').split(',')[0].trim(),
      );
  const bar = new SingleBar({ format: 'importing [{bar}] {value}/{total} rows', hideCursor: true }, Presets.shades_classic);
  bar.start(parsed.rows.length, 0);
  const summary = await runImport(parsed, sink, { batch: opt('--batch') ? Number(opt('--batch')) : undefined, progress: (done) => bar.update(done) });
  bar.stop();
  console.log(formatSummary(summary));
  return summary.failure ? 1 : 0;
}

if (process.argv[1] && /import-bills\.(js|ts)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`import:bills: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
