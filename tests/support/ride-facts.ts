/** Fixtures for the pure ride rules of shared/ride.ts (tests/unit/ride-rules.test.ts, ride-hold-rules.test.ts). */
import type { Polygon } from '../../shared/geo';
import type { Bike } from '../../shared/places';
import type { UnlockFacts } from '../../shared/ride';

/** Where the rider stands. */
export const HERE = { lat: 30, lng: 120 };

/** Bike A, available at HERE (override any field). */
export const bike = (over: Partial<Bike> = {}): Bike => ({ kind: 'bike', id: 'A', code: 'A', ...HERE, status: 'available', ...over });

/** Rider u1 at HERE asks for bike A, owing nothing, with no ride and no hold (override any fact). */
export const unlockFacts = (over: Partial<UnlockFacts> = {}): UnlockFacts => ({
  bikeCode: 'A',
  bike: bike(),
  riderRide: null,
  bikeRide: null,
  unpaidRideFen: 0,
  position: HERE,
  openid: 'u1',
  riderHold: null,
  ...over,
});

/** A station's closed square zone centred on (lat, lng), `half` degrees each way (GeoJSON: [lng, lat] positions). */
export const zoneAround = (lat: number, lng: number, half: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng - half, lat - half],
      [lng + half, lat - half],
      [lng + half, lat + half],
      [lng - half, lat + half],
      [lng - half, lat - half],
    ],
  ],
});
