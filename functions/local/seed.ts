import { demoCity } from '../../scripts/demo-city';
import type { Db } from '../lib/sqlite';
import type { Ports } from '../lib/ports';
import { portsTarget, writePlaces } from '../lib/usecases/import';
import { seedDemoBills } from './seed-bills';

/** Seeds the demo city into an empty database, through the same use cases as `admin` (and `npm run places -- seed`); false when it had data. */
export async function seedDemo(db: Db, ports: Ports): Promise<boolean> {
  const count = db.prepare('SELECT count(*) FROM places').pluck().get() as number;
  if (count > 0) return false;
  try {
    await writePlaces(portsTarget(ports), demoCity());
  } catch (err) {
    throw new Error(`demo seed: ${(err as Error).message}`);
  }
  await seedDemoBills(ports.bills, new Date());
  return true;
}
