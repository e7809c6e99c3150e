import type { OpeningHours } from './hours';
import type { Polygon } from './geo';

/** Places as stored: coordinates in GCJ-02, every optional field resolved. */
export interface Store {
  kind: 'store';
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  category: string;
  timezone: string;
  openingHours: OpeningHours[];
  /** `capacity` counts people; `autoConfirm`: bookings are confirmed at creation (staff need not confirm). */
  slot: { minutes: number; capacity: number; autoConfirm?: boolean };
  /** Digits, spaces, `-`, `+` (what `wx.makePhoneCall` dials). */
  phone?: string;
  /** At most 9 `https://` URLs or `cloud://` file ids. */
  photos?: string[];
  /** At most 10 tags such as "Wi-Fi" or "停车". */
  services?: string[];
}

export interface Station {
  kind: 'station';
  id: string;
  name: string;
  lat: number;
  lng: number;
  zone: Polygon;
}

/** `riding` is set by an unlock, never by an import. */
export type BikeStatus = 'available' | 'maintenance' | 'riding';

export interface Bike {
  kind: 'bike';
  id: string;
  code: string;
  lat: number;
  lng: number;
  status: BikeStatus;
  /**
   * Set while `riding` when an admin put the bike in maintenance during the ride: the status its
   * ride's end leaves it in (shared/ride.ts `importedBike`, `bikeStatusAfterRide`).
   */
  afterRide?: 'maintenance';
  /**
   * A rider's reservation (`rides.reserve`): held for `heldBy` until `heldUntil` (ISO). Past it the
   * bike is free again: the rule reads the time, nothing clears it (shared/ride.ts `holderOf`).
   */
  heldBy?: string;
  heldUntil?: string;
}

export type Place = Store | Station | Bike;
export type PlaceKind = Place['kind'];
export type PlaceOf<K extends PlaceKind> = Extract<Place, { kind: K }>;
