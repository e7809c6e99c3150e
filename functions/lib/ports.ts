import type { LatLng, Polygon } from '../../shared/geo';
import type { Place, PlaceKind } from '../../shared/places';

/** "Now", as an argument: the system clock in the cloud, the request's header in local demos and tests. */
export interface Clock {
  now(): Date;
}

export interface NearbyQuery {
  kind: PlaceKind;
  center: LatLng;
  radiusM: number;
  limit: number;
  category?: string;
  /** A filter the store cannot index (open now): applied nearest first until `limit` places pass. */
  accept?: (place: Place) => boolean;
}

export interface PlaceHit {
  place: Place;
  /** Metres from the query centre (the contract's haversine). */
  distance: number;
}

export interface PlaceStore {
  /** Inserts or replaces every place, all or nothing. Fails with ALREADY_EXISTS for a bike code held by another bike. */
  upsert(places: Place[]): Promise<{ ok: true } | { ok: false; conflict: string }>;
  /** Places of one kind within the radius, nearest first, ties by id, at most `limit` (bikes: available only). */
  nearby(query: NearbyQuery): Promise<PlaceHit[]>;
  /** How many available bikes stand inside a zone (its boundary included). */
  countAvailableBikesIn(zone: Polygon): Promise<number>;
  /** The ids among `ids` that name no place of that kind. */
  missing(kind: PlaceKind, ids: string[]): Promise<string[]>;
  get<K extends PlaceKind>(kind: K, id: string): Promise<Extract<Place, { kind: K }> | null>;
}

export interface StaffStore {
  /** Replaces the stores a staff member works for; an empty list removes them from staff. */
  set(openid: string, storeIds: string[]): Promise<void>;
  storesOf(openid: string): Promise<string[]>;
}

/** Everything the use cases can reach; each use case takes only the ports it needs. */
export interface Ports {
  places: PlaceStore;
  staff: StaffStore;
}
