import type { LatLng, Polygon } from '../../../shared/geo';
import type { Place, PlaceKind, Station } from '../../../shared/places';

export interface NearbyQuery {
  kind: PlaceKind;
  center: LatLng;
  radiusM: number;
  limit: number;
  category?: string;
  /** A filter the store cannot index (open now): applied nearest first until `limit` places pass. */
  accept?: (place: Place) => boolean;
}

/** For whom and when a count asks which bikes are free (anonymous: `caller` null). */
export interface FreeFor {
  now: Date;
  caller: string | null;
}

export interface PlaceHit {
  place: Place;
  /** Metres from the query centre (the contract's haversine). */
  distance: number;
}

/** A text search (geo.search): `key` is the query in shared/search.ts `searchKey` form, never empty. */
export interface SearchQuery {
  kind: 'store' | 'station';
  key: string;
  /** Nearest first from here (with distances) when given, else by name then id. */
  center?: LatLng;
  limit: number;
}

export interface SearchHit {
  place: Station | Extract<Place, { kind: 'store' }>;
  /** Metres from the query centre, when there is one. */
  distance?: number;
}

export interface PlaceStore {
  /**
   * Inserts or replaces every place, all or nothing. Fails with ALREADY_EXISTS for a bike code held
   * by another bike. A ridden bike stays `riding` (shared/ride.ts `importedBike`); `deferred` lists
   * the ridden bikes whose `maintenance` waits for their ride's end.
   */
  upsert(places: Place[]): Promise<{ ok: true; deferred: string[] } | { ok: false; conflict: string }>;
  /** Places of one kind within the radius, nearest first, ties by id, at most `limit` (bikes: available only). */
  nearby(query: NearbyQuery): Promise<PlaceHit[]>;
  /**
   * How many available bikes stand inside a zone (its boundary included) that are free for `free.caller`
   * at `free.now` (shared/ride.ts `isFreeFor`: a bike held for another rider is not counted).
   */
  countAvailableBikesIn(zone: Polygon, free: FreeFor): Promise<number>;
  /** The same for several zones at once (a nearby answer's stations): one query where the store allows, never one per zone. */
  countAvailableBikesInZones(zones: readonly Polygon[], free: FreeFor): Promise<number[]>;
  /** The ids among `ids` that name no place of that kind. */
  missing(kind: PlaceKind, ids: string[]): Promise<string[]>;
  get<K extends PlaceKind>(kind: K, id: string): Promise<Extract<Place, { kind: K }> | null>;
  /** The places of one kind among `ids`, by id (ids naming none left out): one read, never one per id. */
  getMany<K extends PlaceKind>(kind: K, ids: readonly string[]): Promise<Map<string, Extract<Place, { kind: K }>>>;
  /** Stores or stations whose name (or a store's address) holds the query, at most `limit`. */
  search(query: SearchQuery): Promise<SearchHit[]>;
}
