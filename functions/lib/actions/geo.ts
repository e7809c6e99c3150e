import { getParams, nearbyParams, searchParams } from '../../../shared/contract/geo';
import type { Ports } from '../ports';
import { anyone, type Actions } from '../serve';
import { getPlace, nearby, search } from '../usecases/nearby';
import { sweepStaleUnlocks } from '../usecases/ride';

/**
 * The `geo` function: nearby places, a text search and one place by id, anyone. For a signed-in
 * caller, bikes (and stations, which count them) are listed after the unlocks cut short around now
 * are aborted: a bike stranded by a crash mid-unlock shows up again at once (which is why geo holds
 * the rides adapter and reads the lock's timeout). An anonymous read never writes: its stale
 * unlocks wait for the sweeper (every minute) or a rider's own call.
 */
export const geoActions: Actions<Pick<Ports, 'places' | 'rides' | 'lock'>> = {
  nearby: anyone(nearbyParams, async (ports, q, call) => {
    if (q.kind !== 'store' && call.caller !== null) await sweepStaleUnlocks(ports, call);
    return nearby(ports, q, call.now, call.caller);
  }),
  search: anyone(searchParams, async (ports, q, call) => {
    if (q.kind === 'station' && call.caller !== null) await sweepStaleUnlocks(ports, call);
    return search(ports, q, call.now, call.caller);
  }),
  get: anyone(getParams, async (ports, q, call) => {
    if (q.kind === 'station' && call.caller !== null) await sweepStaleUnlocks(ports, call);
    return getPlace(ports, q, call.now, call.caller);
  }),
};
