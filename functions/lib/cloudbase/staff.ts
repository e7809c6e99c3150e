import type { StaffStore } from '../ports';
import { COLLECTIONS } from './db';
import type { AdapterDb } from './sdk';

/** Staff in CloudBase: collection `staff`, one document a staff member, `_id` = their OPENID. */
export function cloudbaseStaff(db: AdapterDb): StaffStore {
  const staff = () => db.collection(COLLECTIONS.staff);
  return {
    async set(openid, storeIds) {
      const ref = staff().doc(openid);
      if (storeIds.length === 0) await ref.remove();
      else await ref.set({ storeIds, updatedAt: new Date() });
    },
    async storesOf(openid) {
      const { data } = await staff().doc(openid).get();
      const storeIds = data[0]?.storeIds;
      return Array.isArray(storeIds) ? storeIds.map(String) : [];
    },
    async staffOf(storeId) {
      // An array field equal to a value matches documents whose array holds it; a store has a handful of staff.
      const { data } = await staff().where({ storeIds: storeId }).orderBy('_id', 'asc').limit(1000).get();
      return data.map((d) => String(d._id));
    },
  };
}
