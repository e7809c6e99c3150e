import { tariffFrom } from '../../../shared/tariff';
import { cloudLockFrom } from '../lock';
import type { PaySetup, Ports } from '../ports';
import type { World } from '../serve';
import { cryptoRandom } from '../random';
import { lazily } from '../settings';
import type { BillDeps } from '../usecases/bills';
import type { BookingPorts } from '../usecases/booking';
import type { RideDeps } from '../usecases/ride';
import { asBookingsDb, cloudbaseBookings } from './bookings';
import { cloudbaseDb, type CloudbaseDb } from './db';
import { cloudbasePlaces } from './places';
import { asRideDb, cloudbaseRides } from './rides';
import type { AdapterDb } from './sdk';
import { cloudbaseStaff } from './staff';
import { asBillsDb, cloudbaseBills } from './bills';
import { cloudPaySetup } from '../wechatpay/setup';
import type { PayKeyring } from '../wechatpay/keys';
import { createCloudbaseWorld } from './world';
import { asRemindersDb, cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from './reminders';
import { wechatNotify } from '../messenger/notify';
import { asServiceStateDb, cloudbaseForceRefreshLedger } from './service-state';
import type { ReminderPorts } from '../usecases/reminders';

/**
 * The SDK's database seen through the narrow interface the adapters are written against.
 * Everything but `Geo` is checked against the SDK's own declarations here; its `Geo` is declared
 * with `Point` only, though at run time it is the whole geo module (`Point`, `LineString`,
 * `Polygon`, ...: `this.Geo = Geo` in @cloudbase/database's `Db` constructor).
 */
export function asAdapterDb(db: CloudbaseDb): AdapterDb {
  const checked: Omit<AdapterDb, 'Geo'> = db;
  return checked as AdapterDb;
}

type Env = Record<string, string | undefined>;

// One builder per function: a function's entry names its own, and esbuild leaves the others (and
// their adapters) out of its bundle. Each port is made on first use, so that a port whose setting
// is missing refuses only the actions that use it (functions/lib/settings.ts).

/** `geo`: the places, and the rides and the lock's timeout for the sweep of unlocks cut short. */
export function geoPorts(db: CloudbaseDb = cloudbaseDb(), env: Env = process.env): Pick<Ports, 'places' | 'rides' | 'lock'> {
  return lazily({ places: () => cloudbasePlaces(asAdapterDb(db)), rides: () => cloudbaseRides(asRideDb(db)), lock: () => cloudLockFrom(env) });
}

/** `admin`: places, staff, the bill import and bike fault reports. */
export function adminPorts(db: CloudbaseDb = cloudbaseDb()): Pick<Ports, 'places' | 'staff' | 'bills' | 'rides'> {
  return lazily({
    places: () => cloudbasePlaces(asAdapterDb(db)),
    staff: () => cloudbaseStaff(asAdapterDb(db)),
    bills: () => cloudbaseBills(asBillsDb(db)),
    rides: () => cloudbaseRides(asRideDb(db)),
  });
}

/**
 * `pay`: with a keyring (a cloud function), the keyring's setup at each read, so keys rotated in the
 * `secrets` collection are used without a redeploy (functions/lib/wechatpay/keys.ts); without one
 * (tests, tools), WeChat Pay from the environment alone, made once.
 */
function withPay<D extends object>(ports: D, env: Env, keys?: PayKeyring): D & { pay: PaySetup } {
  let fromEnv: PaySetup | undefined;
  Object.defineProperty(ports, 'pay', { get: () => (keys ? keys.setup(env) : (fromEnv ??= cloudPaySetup(env))), enumerable: true });
  return ports as D & { pay: PaySetup };
}

/** `bills` and `payNotify`: bills, accounts, orders and WeChat Pay (settings: functions/lib/wechatpay/keys.ts). */
export function billPorts(db?: CloudbaseDb, env: Env = process.env, keys?: PayKeyring): BillDeps {
  // The database too is reached on first use: payNotify refuses a malformed request (400) before it,
  // so junk is never answered 500 (which WeChat Pay would take as "send it again").
  return withPay(lazily({ bills: () => cloudbaseBills(asBillsDb(db ?? cloudbaseDb())), random: () => cryptoRandom }), env, keys);
}

/** The `bills` function: `billPorts` and the rides, for `bills.get`'s ride (payNotify stays without them). */
export function billFunctionPorts(db?: CloudbaseDb, env: Env = process.env, keys?: PayKeyring): BillDeps & Pick<Ports, 'rides'> {
  return withPay(
    lazily({
      bills: () => cloudbaseBills(asBillsDb(db ?? cloudbaseDb())),
      random: () => cryptoRandom,
      rides: () => cloudbaseRides(asRideDb(db ?? cloudbaseDb())),
    }),
    env,
    keys,
  );
}

/** `bookings`: bookings, the stores they belong to, staff. */
export function bookingPorts(db: CloudbaseDb = cloudbaseDb()): BookingPorts {
  return lazily({
    places: () => cloudbasePlaces(asAdapterDb(db)),
    staff: () => cloudbaseStaff(asAdapterDb(db)),
    bookings: () => cloudbaseBookings(asBookingsDb(db), cryptoRandom),
  });
}

/**
 * `rides`: rides, the lock chosen by NEARBY_LOCK (none unless an operator chooses one: see
 * functions/lib/lock) and the tariff (NEARBY_TARIFF_*).
 */
export function ridePorts(db: CloudbaseDb = cloudbaseDb(), env: Env = process.env): RideDeps {
  return lazily({ rides: () => cloudbaseRides(asRideDb(db)), lock: () => cloudLockFrom(env), tariff: () => tariffFrom(env), random: () => cryptoRandom });
}

/** Every port over one database (operator tools and tests; a function takes only its own). */
export function cloudbasePorts(db: CloudbaseDb = cloudbaseDb(), env: Env = process.env, keys?: PayKeyring): Ports {
  const ports = lazily<Omit<Ports, 'pay'>>({ ...sweeperMakers(db, env), ...reminderMakers(db, env) });
  return withPay(ports, env, keys);
}

/**
 * `sweeper` (timer): every port but the reminders' (its jobs, actions/sweeper.ts, use places,
 * rides, the lock, the tariff, bills and WeChat Pay), so that it reads no WECHAT_* setting.
 */
export function sweeperPorts(db: CloudbaseDb = cloudbaseDb(), env: Env = process.env, keys?: PayKeyring): Ports {
  return withPay(lazily(sweeperMakers(db, env)), env, keys) as unknown as Ports;
}

function sweeperMakers(db: CloudbaseDb, env: Env) {
  const adapterDb = asAdapterDb(db);
  return {
    places: () => cloudbasePlaces(adapterDb),
    staff: () => cloudbaseStaff(adapterDb),
    bookings: () => cloudbaseBookings(asBookingsDb(db), cryptoRandom),
    random: () => cryptoRandom,
    rides: () => cloudbaseRides(asRideDb(db)),
    lock: () => cloudLockFrom(env),
    tariff: () => tariffFrom(env),
    bills: () => cloudbaseBills(asBillsDb(db)),
  };
}

/** The reminders' ports: a missing WECHAT_* setting blocks only the templates it names (logged by the run). */
function reminderMakers(db: CloudbaseDb, env: Env) {
  return {
    reminders: () => cloudbaseReminders(asRemindersDb(db), cryptoRandom),
    bookingReminders: () => cloudbaseBookingReminders(asRemindersDb(db)),
    billReminders: () => cloudbaseBillReminders(asRemindersDb(db)),
    // The stable_token force_refresh budget is the AppID's: one record every instance takes from.
    notify: () => wechatNotify(env, { forceRefresh: cloudbaseForceRefreshLedger(asServiceStateDb(db)) }),
  };
}

/** `subscriptions`: the template ids (WECHAT_TEMPLATE_*) and the quota ledger. */
export function subscriptionPorts(db?: CloudbaseDb, env: Env = process.env): Pick<Ports, 'notify' | 'reminders'> {
  const { notify, reminders } = reminderMakers(db ?? cloudbaseDb(), env);
  return lazily({ notify, reminders });
}

/** `reminders` (timer): the ledger and claims, the due queries, the stores and bills they read, WeChat. */
export function reminderPorts(db: CloudbaseDb = cloudbaseDb(), env: Env = process.env): ReminderPorts {
  return lazily({
    places: () => cloudbasePlaces(asAdapterDb(db)),
    bookings: () => cloudbaseBookings(asBookingsDb(db), cryptoRandom),
    bills: () => cloudbaseBills(asBillsDb(db)),
    // Whom `newBooking` goes to (issue 19).
    staff: () => cloudbaseStaff(asAdapterDb(db)),
    ...reminderMakers(db, env),
  });
}

/**
 * A world over every port (operator tools, and a function that truly needs them all). Built on first
 * use: the SDK is initialised by the first call that needs a port, never at import time.
 */
export const cloudbaseWorld: World<Ports> = /* @__PURE__ */ createCloudbaseWorld(() => cloudbasePorts());
