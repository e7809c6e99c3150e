import { demoCity } from './demo-city';
import type { Ports } from '../lib/ports';
import { portsTarget, writePlaces } from '../lib/usecases/import';
import { seedDemoBills } from './seed-bills';

/**
 * Seeds the demo city into a database that holds none of it, through the same use cases as
 * `admin` (and `npm run places -- seed`), on either back end; false when some of it was there.
 */
export async function seedDemo(ports: Ports, now: Date = new Date()): Promise<boolean> {
  const city = demoCity();
  for (const kind of ['store', 'station', 'bike'] as const) {
    const ids = city.places.filter((p) => p.kind === kind).map((p) => p.id);
    if ((await ports.places.missing(kind, ids)).length < ids.length) return false;
  }
  try {
    await writePlaces(portsTarget(ports), city);
  } catch (err) {
    throw new Error(`demo seed: ${(err as Error).message}`);
  }
  await seedDemoBills(ports.bills, now);
  return true;
}
