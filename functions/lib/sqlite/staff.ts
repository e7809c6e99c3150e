import type { StaffStore } from '../ports';
import type { Db } from './db';

export function sqliteStaff(db: Db): StaffStore {
  const put = db.prepare(
    `INSERT INTO staff (openid, store_ids, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (openid) DO UPDATE SET store_ids = excluded.store_ids, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare('DELETE FROM staff WHERE openid = ?');
  const read = db.prepare('SELECT store_ids FROM staff WHERE openid = ?').pluck();
  const ofStore = db.prepare('SELECT s.openid FROM staff s, json_each(s.store_ids) j WHERE j.value = ? ORDER BY s.openid LIMIT 1000').pluck();
  return {
    async set(openid, storeIds) {
      if (storeIds.length === 0) remove.run(openid);
      else put.run(openid, JSON.stringify(storeIds), new Date().toISOString());
    },
    async storesOf(openid) {
      const row = read.get(openid) as string | undefined;
      return row === undefined ? [] : JSON.parse(row);
    },
    async staffOf(storeId) {
      return ofStore.all(storeId) as string[];
    },
  };
}
