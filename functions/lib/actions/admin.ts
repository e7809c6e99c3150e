import { setStaffParams, upsertPlacesParams } from '../../../shared/contract/admin';
import type { Ports } from '../ports';
import { admin, type Actions } from '../serve';
import { setStaff, upsertPlaces } from '../usecases/places';

export const adminActions: Actions<Ports> = {
  upsertPlaces: admin(upsertPlacesParams, (ports, p) => upsertPlaces(ports, p)),
  setStaff: admin(setStaffParams, (ports, p) => setStaff(ports, p)),
};
