import * as z from 'zod/mini';
import { lat, lng, text } from './common';
import type { OpenState } from '../hours';
import type { Store } from '../places';
import type { Polygon } from '../geo';

export const MAX_RADIUS_M = 50000;
export const MAX_LIMIT = 100;

export const nearbyParams = z.object({
  lat,
  lng,
  kind: z.enum(['store', 'station', 'bike']),
  radius: z._default(z.number().check(z.positive('must be greater than 0'), z.maximum(MAX_RADIUS_M, `must be at most ${MAX_RADIUS_M}`)), 3000),
  limit: z._default(z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)), 20),
  category: z.optional(text(40)),
  openNow: z.optional(z.boolean()),
});

export type NearbyParams = z.infer<typeof nearbyParams>;

interface NearbyBase {
  id: string;
  lat: number;
  lng: number;
  /** Metres from the query position. */
  distance: number;
}

/** A store with its open state now, in its own time zone. */
export interface NearbyStore extends Store, OpenState {
  /** Metres from the query position. */
  distance: number;
}

export interface NearbyStation extends NearbyBase {
  kind: 'station';
  name: string;
  zone: Polygon;
  bikesAvailable: number;
}

export interface NearbyBike extends NearbyBase {
  kind: 'bike';
  code: string;
}

export type NearbyItem = NearbyStore | NearbyStation | NearbyBike;

export interface NearbyResult {
  items: NearbyItem[];
}
