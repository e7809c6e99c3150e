import type { LatLng, Polygon } from '../../shared/geo';
import type { Place, PlaceKind } from '../../shared/places';
import type { Booking, BookingStatus } from '../../shared/booking';
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

/** A booking to write: its slot already checked against the rules by the use case. */
export interface NewBooking {
  openid: string;
  storeId: string;
  /** The slot, ISO in the store's offset, and the store-local date it belongs to. */
  start: string;
  end: string;
  slotDate: string;
  /** The store's `slot.capacity` at booking time. */
  capacity: number;
  requestId: string | null;
  now: Date;
  /** The caller may hold at most this many upcoming active bookings. */
  maxUpcoming: number;
}

export type CreateBookingOutcome =
  | { ok: true; booking: Booking; replayed: boolean }
  | { ok: false; refusal: 'ALREADY_BOOKED' | 'TOO_MANY_BOOKINGS' | 'SLOT_FULL' };

/** Bookings and the per-slot counters that hold capacity. Every method that writes is atomic on its own. */
export interface BookingStore {
  /**
   * Atomically: the caller's booking with this requestId if there is one (replayed); else refuses a
   * second active booking of the caller for the slot, a caller at the limit, a full slot (counter
   * `booked < capacity`, then `booked + 1`); else writes the booking with a fresh unique code.
   */
  create(input: NewBooking): Promise<CreateBookingOutcome>;
  byRequest(openid: string, requestId: string): Promise<Booking | null>;
  get(bookingId: string): Promise<Booking | null>;
  /** The booking holding this check-in code (codes are never reused). */
  byCode(code: string): Promise<Booking | null>;
  /**
   * Atomically moves a booking from one of `from` to `to`; null when it was in none of them
   * (someone moved it first). Moving an active booking to `cancelled` frees its place, once.
   */
  move(bookingId: string, from: readonly BookingStatus[], to: BookingStatus, now: Date): Promise<Booking | null>;
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
}

/**
 * Subscribe messages (functions/lib/messenger): the WeChat HTTPS API in the cloud, an outbox
 * locally. `send` never throws for anything WeChat or the network does: every answer is a
 * `SendOutcome` (shared/reminders.ts) naming its cause, which the reminder rules settle.
 * (Types imported inline: this block stays self-contained at the end of the file.)
 */
export type SendOutcome = import('../../shared/reminders').SendOutcome;

/** A message for one user: template key, page (with query) and data from shared/subscribe-message. */
export type MessageToSend = import('../../shared/subscribe-message').SubscribeMessage & { openid: string };

export interface Messenger {
  send(message: MessageToSend): Promise<SendOutcome>;
}
