import { nearbyParams } from '../../../shared/contract/geo';
import type { Ports } from '../ports';
import { anyone, type Actions } from '../serve';
import { nearby } from '../usecases/nearby';
import { sweepStaleUnlocks } from '../usecases/ride';

export const geoActions: Actions<Ports> = {
  nearby: anyone(nearbyParams, async (ports, q, call) => {
    // Bikes (and stations, which count them) are listed after the unlocks cut short around now
    // are aborted: a bike stranded by a crash mid-unlock shows up again at once.
    if (q.kind !== 'store') await sweepStaleUnlocks(ports, call);
    return nearby(ports, q, call.now);
  }),
};
