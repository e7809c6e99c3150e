import type { LatLng, Polygon } from '../../shared/geo';
import type { Place, PlaceKind } from '../../shared/places';
import type { Booking, BookingStatus, Refusal, SlotRequest, Verdict } from '../../shared/booking';
import type { RandomSource } from '../../shared/checkin-code';
import type { Bike, Station } from '../../shared/places';
import type { Tariff } from '../../shared/tariff';

/** Who calls and when: read from the function context by the world, never from the event. */
export interface Call {
  caller: string | null;
  now: Date;
}
export interface UserCall extends Call {
  caller: string;
}

/** A clock for work outside a call (timers, an outbox); a call's "now" is `Call.now`, set by the world. */
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
  /** The same for several zones at once (a nearby answer's stations): one query where the store allows, never one per zone. */
  countAvailableBikesInZones(zones: readonly Polygon[]): Promise<number[]>;
  /** The ids among `ids` that name no place of that kind. */
  missing(kind: PlaceKind, ids: string[]): Promise<string[]>;
  get<K extends PlaceKind>(kind: K, id: string): Promise<Extract<Place, { kind: K }> | null>;
}

export interface StaffStore {
  /** Replaces the stores a staff member works for; an empty list removes them from staff. */
  set(openid: string, storeIds: string[]): Promise<void>;
  storesOf(openid: string): Promise<string[]>;
}

/** A ride as stored: `unlocking` while the lock is asked, `aborted` when it did not confirm. */
export interface RideRecord {
  id: string;
  openid: string;
  bikeId: string;
  bikeCode: string;
  status: 'unlocking' | 'active' | 'ended' | 'aborted';
  requestedAt: string;
  startAt: string | null;
  startLat: number;
  startLng: number;
  endAt: string | null;
  endLat: number | null;
  endLng: number | null;
  stationId: string | null;
  durationSec: number | null;
  feeFen: number | null;
  surchargeFen: number | null;
  billId: string | null;
  endedBy: 'rider' | 'admin' | null;
}

export type ReserveRefusal = 'ACTIVE_RIDE' | 'UNPAID_BILL' | 'BIKE_UNAVAILABLE';

export interface FinishRide {
  rideId: string;
  endAt: Date;
  position: LatLng;
  /** The station whose zone holds the end position, if any. */
  stationId: string | null;
  durationSec: number;
  /** Everything the rider pays, surcharge included; a bill of this amount is written when `billId` is set. */
  feeFen: number;
  surchargeFen: number;
  billId: string | null;
  endedBy: 'rider' | 'admin';
}

/** Rides and ride bills. Every method that writes is atomic on its own. */
export interface RideStore {
  bikeByCode(code: string): Promise<Bike | null>;
  /** The caller's open ride (unlocking or active), if any. */
  openRideOf(openid: string): Promise<RideRecord | null>;
  get(rideId: string): Promise<RideRecord | null>;
  hasUnpaidRideBill(openid: string): Promise<boolean>;
  /**
   * Atomically: refuses a rider with an open ride or an unpaid ride bill, takes the bike only if it
   * is available (available -> riding) and records the ride as `unlocking`. Open rides of this rider
   * or bike still `unlocking` since before `staleBefore` (a crash mid-unlock) are aborted first.
   */
  reserve(input: { rideId: string; openid: string; bike: Bike; at: Date; position: LatLng; staleBefore: Date }): Promise<{ ok: true } | { ok: false; reason: ReserveRefusal }>;
  /** unlocking -> active with `startAt`; null when the ride is no longer unlocking. */
  confirm(rideId: string, startAt: Date): Promise<RideRecord | null>;
  /** unlocking -> aborted, and the bike back to available where it stood. */
  abort(rideId: string, reason: string): Promise<void>;
  /** The station whose parking zone holds the position (boundary inside), nearest centre first; null outside every zone. */
  stationAt(position: LatLng): Promise<Station | null>;
  /** Atomically: active -> ended, the bike available at the end position, the ride bill written. */
  finish(input: FinishRide): Promise<{ ok: true; ride: RideRecord } | { ok: false; reason: 'RIDE_NOT_ACTIVE' }>;
}

/**
 * A bike's lock (see functions/lib/lock): sends the unlock command and answers when the lock
 * confirms ('ok') or refuses ('failed').
 */
export interface BikeLock {
  unlock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
}

/** A create as the use case hands it to the store: the request's own verdict, decided facts are read inside. */
export interface NewBooking {
  openid: string;
  requestId: string | null;
  /** The store's slot (and its `slot.capacity` at booking time), or why the request has none. */
  request: SlotRequest;
  now: Date;
}

/**
 * The database kept refusing the write for concurrent ones (CloudBase: conflicts after every
 * retry): nothing was written; the core words the answer (`busy()` in shared/booking.ts).
 */
export interface Busy {
  ok: false;
  busy: true;
}

export type CreateBookingOutcome = { ok: true; booking: Booking; replayed: boolean } | { ok: false; refusal: Refusal } | Busy;

export type MoveBookingOutcome = { ok: true; booking: Booking } | { ok: false; refusal: Refusal } | { ok: false; missing: true } | Busy;

/**
 * Bookings and the per-slot counters that hold capacity. Every method that writes is one atomic
 * step that reads the facts, asks the rule in shared/booking.ts and writes its answer.
 */
export interface BookingStore {
  /**
   * Atomically: reads the caller's booking for the requestId, the caller's active bookings and
   * the slot's counter; `decideCreate` answers; on "book", takes the place and writes the booking
   * with a fresh unique code.
   */
  create(input: NewBooking): Promise<CreateBookingOutcome>;
  get(bookingId: string): Promise<Booking | null>;
  /** The booking holding this check-in code (codes are never reused). */
  byCode(code: string): Promise<Booking | null>;
  /**
   * Atomically: reads the booking, asks `rule` (canCancel, canConfirm, canCheckIn with their
   * caller and now), and when it agrees moves the booking to `to` with the move's effects
   * (`effectsOfMove`: a cancel frees the place once; leaving the active states ends the hold).
   */
  move(bookingId: string, rule: (booking: Booking) => Verdict, to: BookingStatus, now: Date): Promise<MoveBookingOutcome>;
  /** A customer's bookings: every upcoming one (slot not ended at `now`) and the latest `pastLimit` past ones. */
  ofCustomer(openid: string, now: Date, pastLimit: number): Promise<Booking[]>;
  /** A store's bookings of slots belonging to a local date, by start. */
  ofStoreDay(storeId: string, slotDate: string): Promise<Booking[]>;
  /** Places taken per slot start (keyed by the start as given), 0 for a slot nobody booked. */
  booked(storeId: string, starts: readonly string[]): Promise<Map<string, number>>;
}

/** Everything the use cases can reach; each use case takes only the ports it needs. */
export interface Ports {
  places: PlaceStore;
  staff: StaffStore;
  rides: RideStore;
  /** The bikes' locks, already bounded by the lock timeout (a late answer counts as 'failed'). */
  lock: BikeLock;
  tariff: Tariff;
  bookings: BookingStore;
  /** Where ids and codes come from (`node:crypto` in the functions, seeded in tests). */
  random: RandomSource;
}
