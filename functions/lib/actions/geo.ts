import { nearbyParams } from '../../../shared/contract/geo';
import type { Ports } from '../ports';
import { anyone, type Actions } from '../serve';
import { nearby } from '../usecases/nearby';

export const geoActions: Actions<Ports> = {
  nearby: anyone(nearbyParams, (ports, q, call) => nearby(ports, q, call.now)),
};
