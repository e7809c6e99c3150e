import type { Ports } from '../ports';
import { cryptoRandom } from '../random';
import { asBookingsDb, cloudbaseBookings } from './bookings';
import { cloudbaseDb, type CloudbaseDb } from './db';
import { cloudbasePlaces } from './places';
import { cloudbaseRidePorts } from './rides';
import { asBillsDb, cloudbaseBills } from './bills';
import { cloudPaySetup } from '../wechatpay/setup';
import type { AdapterDb } from './sdk';
import { cloudbaseStaff } from './staff';
import { asRemindersDb, cloudbaseBillReminders, cloudbaseBookingReminders, cloudbaseReminders } from './reminders';
import { wechatNotify } from '../messenger';

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

/** The production adapters behind every port (add a port's CloudBase adapter here). */
export function cloudbasePorts(db: CloudbaseDb = cloudbaseDb(), env: Record<string, string | undefined> = process.env): Ports {
  const adapterDb = asAdapterDb(db);
  return {
    places: cloudbasePlaces(adapterDb),
    staff: cloudbaseStaff(adapterDb),
    bookings: cloudbaseBookings(asBookingsDb(db), cryptoRandom),
    random: cryptoRandom,
    reminders: cloudbaseReminders(asRemindersDb(db), cryptoRandom),
    bookingReminders: cloudbaseBookingReminders(asRemindersDb(db)),
    billReminders: cloudbaseBillReminders(asRemindersDb(db)),
    // WeChat's API; a missing setting blocks only the templates it names (logged by the reminders run).
    notify: wechatNotify(env),
    ...cloudbaseRidePorts(db, env),
    bills: cloudbaseBills(asBillsDb(db)),
    pay: cloudPaySetup(env),
  };
}
