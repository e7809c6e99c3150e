import type { Ports } from '../ports';
import type { Db } from './db';
import { sqlitePlaces } from './places';
import { sqliteStaff } from './staff';
import { sqliteBookings } from './bookings';
import { sqliteRides } from './rides';
import { sqliteBills } from './bills';
import { lazyPayments } from '../wechatpay/lazy';
import type { PaySetup } from '../ports';
import { simulatedLock, timedLock, DEFAULT_LOCK_TIMEOUT_MS, type SimulatedLockSettings } from '../lock';
import { DEFAULT_TARIFF, type Tariff } from '../../../shared/tariff';
import type { BikeLock } from '../ports';
import { cryptoRandom } from '../random';
import type { RandomSource } from '../../../shared/checkin-code';
import type { Notify } from '../ports';
import { createOutbox, localNotify } from '../messenger';
import { sqliteBillReminders, sqliteBookingReminders, sqliteOutboxStorage, sqliteReminders } from './reminders';

/** Settings of the embedded world; `sqlitePorts(db)` alone gives an instant, always-confirming lock and the default tariff. */
export interface SqlitePortsOptions {
  /** A lock of your own (tests), or the simulated lock's settings. */
  lock?: BikeLock | SimulatedLockSettings;
  lockTimeoutMs?: number;
  tariff?: Tariff;
  /** Where ids and codes come from (default `node:crypto`). */
  random?: RandomSource;
  /** The messenger and its settings (default: the outbox, kept in this database, on the system clock). */
  notify?: Notify;
  /** WeChat Pay or the sandbox (default: a sandbox made on first use). */
  pay?: PaySetup;
}

export { openDatabase, type Db } from './db';

/** The embedded adapters behind every port. */
export function sqlitePorts(db: Db, options: SqlitePortsOptions = {}): Ports {
  const lock = options.lock && 'unlock' in options.lock ? options.lock : simulatedLock(options.lock);
  const random = options.random ?? cryptoRandom;
  return {
    places: sqlitePlaces(db),
    staff: sqliteStaff(db),
    bookings: sqliteBookings(db, random),
    rides: sqliteRides(db),
    lock: timedLock(lock, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS),
    tariff: options.tariff ?? DEFAULT_TARIFF,
    random,
    reminders: sqliteReminders(db),
    bookingReminders: sqliteBookingReminders(db),
    billReminders: sqliteBillReminders(db),
    notify: options.notify ?? localNotify(createOutbox(undefined, sqliteOutboxStorage(db))),
    bills: sqliteBills(db),
    pay: options.pay ?? { ok: true, payments: lazyPayments() },
  };
}
