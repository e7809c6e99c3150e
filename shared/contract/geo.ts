import { z } from 'zod';
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
  radius: z.number().finite().positive('must be greater than 0').max(MAX_RADIUS_M, `must be at most ${MAX_RADIUS_M}`).default(3000),
  limit: z.number().int().min(1, 'must be at least 1').max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`).default(20),
  category: text(40).optional(),
  openNow: z.boolean().optional(),
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
