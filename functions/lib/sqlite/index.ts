import type { Ports } from '../ports';
import type { Db } from './db';
import { sqlitePlaces } from './places';
import { sqliteStaff } from './staff';

export { openDatabase, type Db } from './db';

/** The embedded adapters behind every port. */
export function sqlitePorts(db: Db): Ports {
  return { places: sqlitePlaces(db), staff: sqliteStaff(db) };
}
