import { nearbyParams } from '../../../shared/contract/geo';
import type { Ports } from '../ports';
import { anyone, type Actions } from '../serve';
import { nearby } from '../usecases/nearby';

/** The `geo` function: nearby places, anyone. */
export const geoActions: Actions<Pick<Ports, 'places'>> = {
  nearby: anyone(nearbyParams, (ports, q, call) => nearby(ports, q, call.now)),
};
