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
  };
}
