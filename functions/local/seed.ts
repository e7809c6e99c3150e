import { demoCity } from '../../scripts/demo-city';
import { upsertPlacesParams } from '../../shared/contract/admin';
import type { Db } from '../lib/sqlite';
import type { Ports } from '../lib/ports';
import { setStaff, upsertPlaces } from '../lib/usecases/places';
import { seedDemoBills } from './seed-bills';

/** Seeds the demo city into an empty database, through the same use cases as `admin`; false when it had data. */
export async function seedDemo(db: Db, ports: Ports): Promise<boolean> {
  const count = db.prepare('SELECT count(*) FROM places').pluck().get() as number;
  if (count > 0) return false;
  const city = demoCity();
  for (let i = 0; i < city.places.length; i += 1000) {
    const params = upsertPlacesParams.parse({ places: city.places.slice(i, i + 1000) });
    const written = await upsertPlaces(ports, params);
    if (!written.ok) throw new Error(`demo seed: ${written.error.message}`);
  }
  for (const s of city.staff) {
    const set = await setStaff(ports, s);
    if (!set.ok) throw new Error(`demo seed: ${set.error.message}`);
  }
  await seedDemoBills(ports.bills, new Date());
  return true;
}
