import * as z from 'zod/mini';
import { id, lat, listLimit, lng, text } from './common';
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
  limit: listLimit(MAX_LIMIT, 20),
  category: z.optional(text(40)),
  openNow: z.optional(z.boolean()),
});

export type NearbyParams = z.infer<typeof nearbyParams>;

export const MAX_SEARCH_LIMIT = 50;
/** A position given whole or not at all (search, get). */
const bothOrNeither = z.refine<{ lat?: number; lng?: number }>((p) => (p.lat === undefined) === (p.lng === undefined), {
  message: 'lat and lng go together: give both or neither',
  path: ['lng'],
});

/** `geo.search`: text, never a pattern; 1 to 40 characters once trimmed. */
export const searchParams = z
  .object({
    q: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(40, 'must be at most 40 characters')),
    kind: z._default(z.enum(['store', 'station']), 'store'),
    lat: z.optional(lat),
    lng: z.optional(lng),
    limit: listLimit(MAX_SEARCH_LIMIT, 20),
  })
  .check(bothOrNeither);

export type SearchParams = z.infer<typeof searchParams>;

/** `geo.get`: one place for a shared link. */
export const getParams = z
  .object({
    kind: z.enum(['store', 'station']),
    id,
    lat: z.optional(lat),
    lng: z.optional(lng),
  })
  .check(bothOrNeither);

export type GetParams = z.infer<typeof getParams>;

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

/** A search or get answer's place: as `nearby` shows it, `distance` only when a position was given. */
export type FoundStore = Omit<NearbyStore, 'distance'> & { distance?: number };
export type FoundStation = Omit<NearbyStation, 'distance'> & { distance?: number };
export type FoundItem = FoundStore | FoundStation;

export interface SearchResult {
  items: FoundItem[];
}

export interface GetResult {
  item: FoundItem;
}
