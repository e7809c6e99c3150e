import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/** Opens (creating if needed) the embedded database and applies every pending migration. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // Reads of the file through a memory map, not a read() call a page (nearby: about a quarter
    // faster on a file much larger than the page cache); other processes still read and write it.
    db.pragma('mmap_size = 268435456');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the migrations past `user_version`, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Thrown inside a transaction to roll it back with an answer; caught by `atomically`. */
class Rollback<T> {
  constructor(readonly value: T) {}
}

/**
 * Runs `work` in one IMMEDIATE transaction (the write lock taken up front, so two writers never
 * deadlock on an upgrade); `abort(value)` rolls everything back and returns `value`.
 */
export function atomically<T>(db: Db, work: (abort: (value: T) => never) => T): T {
  const abort = (value: T): never => {
    throw new Rollback(value);
  };
  try {
    return db.transaction(() => work(abort)).immediate();
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
}
