// The house's structure, read from its imports (as the privacy test reads the pages'): no import
// cycle, no layer that reaches outward, no server file that has grown into a grab-bag.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['shared', 'functions', 'scripts', 'bench'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** A relative import resolved to a repo path (`shared/geo.ts`), or null for a package. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  return base;
}

const files = SOURCES.flatMap(sourceFiles);
const imports = new Map<string, string[]>(
  files.map((file) => {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    const specs = [...info.importedFiles.map((f) => f.fileName)];
    return [file, specs.map((spec) => resolve(file, spec)).filter((target): target is string => target !== null)];
  }),
);

/** Every strongly connected group of more than one file (Tarjan), each a cycle of imports. */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of imports.get(file) ?? []) {
      if (!imports.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || (imports.get(file) ?? []).includes(file)) found.push(group.sort());
    }
  };
  for (const file of imports.keys()) if (!index.has(file)) visit(file);
  return found;
}

/**
 * What the CLI deploys from (cloudbaserc.json: the functions and their timeouts; cloudbase/database.json:
 * the collections and their indexes). Server code outside the use cases may read them, bundled, so
 * that the code and the deployment cannot drift; they are data, not a layer.
 */
const DEPLOYMENT_CONFIG = ['cloudbaserc.json', 'cloudbase/database.json'];

/** Which folders a layer may import from (besides packages and itself). */
const LAYERS: { layer: string; mayImport: string[] }[] = [
  { layer: 'shared/', mayImport: ['shared/'] },
  { layer: 'functions/lib/usecases/', mayImport: ['shared/', 'functions/lib/usecases/', 'functions/lib/ports'] },
  // The composition root of the local world: it wires the SQLite adapters with the local lock,
  // outbox and payments sandbox (every host, test world and script opens the local world through
  // it: `sqlitePorts`). A root may import every layer; the adapters beside it may not.
  { layer: 'functions/lib/sqlite/index.ts', mayImport: ['shared/', 'functions/lib/'] },
  { layer: 'functions/lib/sqlite/', mayImport: ['shared/', 'functions/lib/ports', 'functions/lib/sqlite/', 'functions/lib/random'] },
  { layer: 'functions/lib/', mayImport: ['shared/', 'functions/lib/', ...DEPLOYMENT_CONFIG] },
  { layer: 'functions/local/', mayImport: ['shared/', 'functions/lib/', 'functions/local/', ...DEPLOYMENT_CONFIG] },
];

describe('the structure of the house', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('has no layer that imports outward', () => {
    const leaks: string[] = [];
    for (const [file, targets] of imports) {
      const rule = LAYERS.find(({ layer }) => file.startsWith(layer));
      if (!rule) continue;
      for (const target of targets) {
        if (!rule.mayImport.some((allowed) => target.startsWith(allowed))) leaks.push(`${file} -> ${target}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('keeps the CloudBase and SQLite adapters apart', () => {
    const crossing = [...imports].flatMap(([file, targets]) =>
      targets
        .filter(
          (target) =>
            (file.startsWith('functions/lib/sqlite/') && target.startsWith('functions/lib/cloudbase/')) ||
            (file.startsWith('functions/lib/cloudbase/') && target.startsWith('functions/lib/sqlite/')),
        )
        .map((target) => `${file} -> ${target}`),
    );
    expect(crossing).toEqual([]);
  });

  it('keeps every file of functions/lib under 400 lines', () => {
    const long = files
      .filter((file) => file.startsWith('functions/lib/'))
      .map((file) => ({ file, lines: fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });

  it('finds the imports it walks (the walker itself works)', () => {
    expect(imports.get('functions/geo/index.ts')?.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(100);
  });
});
