/**
 * The adapters behind the local host (NEARBY_BACKEND): the embedded SQLite database (`sqlite`, the
 * default), or the CloudBase adapters (the very port builders the cloud functions use) over the
 * in-process CloudBase stand-in (`cloudbase-fake`), kept in a journal file at NEARBY_DB.
 * Either way the local pieces are the same: the simulated lock, the sandbox (or WeChat Pay), the
 * outbox messenger (kept in the same store) and the tariff.
 */
import database from '../../cloudbase/database.json';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import { cloudbasePorts } from '../lib/cloudbase/adapters';
import type { CloudbaseDb } from '../lib/cloudbase/db';
import { DEFAULT_LOCK_TIMEOUT_MS, simulatedLock, timedLock } from '../lib/lock';
import { createOutbox, localNotify, type OutboxMessage, type OutboxStorage } from '../lib/messenger';
import type { Ports } from '../lib/ports';
import { cryptoRandom } from '../lib/random';
import { openDatabase, sqlitePorts, type Db, type SqlitePortsOptions } from '../lib/sqlite';
import { lazyPayments } from '../lib/wechatpay/lazy';
import { FakeCloudbase } from './cloudbase-standin';

export const BACKENDS = ['sqlite', 'cloudbase-fake'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** NEARBY_BACKEND: `sqlite` when unset or empty; anything else unknown stops the host, naming the setting. */
export function backendFrom(value: string | undefined): BackendName {
  const name = value?.trim() || 'sqlite';
  if (!(BACKENDS as readonly string[]).includes(name)) throw new Error(`NEARBY_BACKEND must be "sqlite" or "cloudbase-fake", not "${value}"`);
  return name as BackendName;
}

/** Where each back end keeps its data by default: never the same file (the formats differ). */
export const DEFAULT_DB_PATHS: Record<BackendName, string> = { sqlite: '.local/nearby.db', 'cloudbase-fake': '.local/nearby-cloudbase.jsonl' };

/** The local back end: its ports, and what only it knows (its store, for the host's shutdown and for tests). */
export interface LocalBackend {
  name: BackendName;
  ports: Ports;
  /** The SQLite database (`sqlite` only). */
  sqlite?: Db;
  /** The CloudBase stand-in (`cloudbase-fake` only). */
  standin?: FakeCloudbase;
  close(): void;
}

/** The unique indexes of cloudbase/database.json (besides `_id`), as the stand-in keeps them. */
export function uniqueIndexes(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of database.collections as { name: string; indexes: { unique?: boolean; keys: { name: string }[] }[] }[]) {
    const fields = c.indexes.filter((i) => i.unique && i.keys.length === 1 && i.keys[0].name !== '_id').map((i) => i.keys[0].name);
    if (fields.length > 0) out[c.name] = fields;
  }
  return out;
}

/** Opens the back end `name` over `path` (`:memory:`: nothing kept). */
export function openBackend(name: BackendName, path: string, options: SqlitePortsOptions = {}): LocalBackend {
  if (name === 'sqlite') {
    const db = openDatabase(path);
    return { name, ports: sqlitePorts(db, options), sqlite: db, close: () => db.close() };
  }
  const standin = new FakeCloudbase({ unique: uniqueIndexes(), random: Math.random, record: false, journal: path === ':memory:' ? undefined : path });
  return { name, ports: standinPorts(standin, options), standin, close: () => standin.close() };
}

/** Every port: the CloudBase adapters over the stand-in, with the local lock, payments, outbox and tariff. */
export function standinPorts(standin: FakeCloudbase, options: SqlitePortsOptions = {}): Ports {
  const cloud = cloudbasePorts(standin as unknown as CloudbaseDb, {});
  const lock = options.lock && 'unlock' in options.lock ? options.lock : simulatedLock(options.lock);
  const random = options.random ?? cryptoRandom;
  return {
    places: cloud.places,
    staff: cloud.staff,
    bookings: cloud.bookings,
    rides: cloud.rides,
    reminders: cloud.reminders,
    bookingReminders: cloud.bookingReminders,
    billReminders: cloud.billReminders,
    bills: cloud.bills,
    lock: timedLock(lock, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS),
    tariff: options.tariff ?? DEFAULT_TARIFF,
    random,
    notify: options.notify ?? localNotify(createOutbox(undefined, standinOutboxStorage(standin))),
    pay: options.pay ?? { ok: true, payments: lazyPayments() },
  };
}

/** The local outbox kept in the stand-in (collection `local_outbox`), so that `GET /outbox` survives a restart as on SQLite. */
export function standinOutboxStorage(standin: FakeCloudbase): OutboxStorage {
  const COLLECTION = 'local_outbox';
  const all = () =>
    [...standin.table(COLLECTION).values()]
      .sort((a, b) => (a.seq as number) - (b.seq as number))
      .map(({ _id, seq, ...m }) => structuredClone(m) as unknown as OutboxMessage);
  let seq = Math.max(0, ...[...standin.table(COLLECTION).values()].map((d) => d.seq as number));
  return {
    append(message) {
      seq++;
      standin.seed(COLLECTION, [{ _id: String(seq).padStart(12, '0'), seq, ...structuredClone(message) }]);
    },
    list: all,
    clear() {
      for (const id of [...standin.table(COLLECTION).keys()]) standin.table(COLLECTION).delete(id);
    },
  };
}
