import { setStaffParams, upsertPlacesParams } from '../../../shared/contract/admin';
import { importBillsParams } from '../../../shared/contract/bills';
import { importBills } from '../usecases/bills';
import type { Ports } from '../ports';
import { admin, type Actions } from '../serve';
import { setStaff, upsertPlaces } from '../usecases/places';

export const adminActions: Actions<Ports> = {
  upsertPlaces: admin(upsertPlacesParams, (ports, p) => upsertPlaces(ports, p)),
  setStaff: admin(setStaffParams, (ports, p) => setStaff(ports, p)),
  importBills: admin(importBillsParams, (ports, p, call) => importBills(ports, p, call)),
};
