import { setStaffParams, upsertPlacesParams, whoamiParams } from '../../../shared/contract/admin';
import { importBillsParams, upsertBillersParams } from '../../../shared/contract/bills';
import { ok } from '../../../shared/result';
import { importBills, upsertBillers } from '../usecases/bills';
import type { Ports } from '../ports';
import { admin, user, type Actions } from '../serve';
import { setStaff, upsertPlaces } from '../usecases/places';
import { reportsParams, resolveReportParams } from '../../../shared/contract/rides';
import { listReports, resolveReport } from '../usecases/ride';

/** The `admin` function: imports and staff for admins; `whoami` for anyone signed in (how the first admin learns their OPENID). */
export const adminActions: Actions<Pick<Ports, 'places' | 'staff' | 'bills' | 'rides'>> = {
  upsertPlaces: admin(upsertPlacesParams, (ports, p) => upsertPlaces(ports, p)),
  setStaff: admin(setStaffParams, (ports, p) => setStaff(ports, p)),
  importBills: admin(importBillsParams, (ports, p, call) => importBills(ports, p, call)),
  upsertBillers: admin(upsertBillersParams, (ports, p, call) => upsertBillers(ports, p, call)),
  // Bike fault reports (issue 17).
  reports: admin(reportsParams, (ports, p) => listReports(ports, p)),
  resolveReport: admin(resolveReportParams, (ports, p, call) => resolveReport(ports, p, call)),
  whoami: user(whoamiParams, async (_ports, _p, call) => ok({ openid: call.caller })),
};
