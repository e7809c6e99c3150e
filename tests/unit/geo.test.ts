import fc from 'fast-check';
import { polygon } from '../support/places';
import { destination, distance as turfDistance } from '@turf/turf';
import { boxesAround, byDistanceThenId, distanceM, distancesFromM, EARTH_RADIUS_M, pointInZone, zoneBox, type BoxDeg, type LatLng } from '../../shared/geo';

const RUNS = Number(process.env.FC_RUNS ?? 300);

/** The contract's formula written out: haversine on a sphere of 6371008.8 m. */
function haversineM(a: LatLng, b: LatLng): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lng - a.lng) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const inBox = (p: LatLng, b: BoxDeg) => p.lat >= b.minLat && p.lat <= b.maxLat && p.lng >= b.minLng && p.lng <= b.maxLng;

const centre = fc.oneof(
  fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lng: fc.double({ min: -180, max: 180, noNaN: true }) }),
  // Near the antimeridian.
  fc.record({
    lat: fc.double({ min: -80, max: 80, noNaN: true }),
    lng: fc.oneof(fc.double({ min: 179.5, max: 180, noNaN: true }), fc.double({ min: -180, max: -179.5, noNaN: true })),
  }),
  // Near the poles.
  fc.record({
    lat: fc.oneof(fc.double({ min: 89.5, max: 90, noNaN: true }), fc.double({ min: -90, max: -89.5, noNaN: true })),
    lng: fc.double({ min: -180, max: 180, noNaN: true }),
  }),
);

describe('distanceM', () => {
  it("equals Turf's distance in metres, and the haversine of radius 6371008.8 m", () => {
    fc.assert(
      fc.property(centre, centre, (a, b) => {
        const d = distanceM(a, b);
        expect(d).toBe(turfDistance([a.lng, a.lat], [b.lng, b.lat], { units: 'meters' }));
        expect(Math.abs(d - haversineM(a, b))).toBeLessThan(1e-6 * Math.max(1, d));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same value to the last bit from a prepared centre (distancesFromM)', () => {
    fc.assert(
      fc.property(centre, centre, (a, b) => {
        expect(distancesFromM(a)(b.lat, b.lng)).toBe(turfDistance([a.lng, a.lat], [b.lng, b.lat], { units: 'meters' }));
      }),
      { numRuns: RUNS },
    );
  });

  it('measures 0.01° of latitude as about 1111.95 m and crosses the antimeridian the short way', () => {
    expect(distanceM({ lat: 31.2304, lng: 121.4737 }, { lat: 31.2404, lng: 121.4737 })).toBeCloseTo(1111.95, 1);
    expect(distanceM({ lat: 0, lng: 179.999 }, { lat: 0, lng: -179.999 })).toBeCloseTo(222.39, 1);
  });
});

describe('boxesAround', () => {
  it('holds every point within the radius, near the poles and the antimeridian too', () => {
    fc.assert(
      fc.property(
        centre,
        fc.oneof(fc.double({ min: 1, max: 50000, noNaN: true }), fc.constantFrom(1, 50000)),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (c, radiusM, bearing, fraction) => {
          const [lng, lat] = destination([c.lng, c.lat], radiusM * fraction, bearing, { units: 'meters' }).geometry.coordinates;
          const p = { lat, lng: ((((lng + 180) % 360) + 360) % 360) - 180 };
          fc.pre(distanceM(c, p) <= radiusM);
          const boxes = boxesAround(c, radiusM);
          expect(boxes.some((b) => inBox(p, b))).toBe(true);
          for (const b of boxes) {
            expect(b.minLng).toBeLessThanOrEqual(b.maxLng);
            expect(b.minLng).toBeGreaterThanOrEqual(-180);
            expect(b.maxLng).toBeLessThanOrEqual(180);
          }
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });

  it('holds the points exactly at the radius in each direction', () => {
    for (const c of [
      { lat: 31.23, lng: 121.47 },
      { lat: 66.5, lng: -179.9 },
      { lat: -60, lng: 179.99 },
      { lat: 0, lng: 0 },
    ]) {
      for (let bearing = -180; bearing < 180; bearing += 7.5) {
        const [lng, lat] = destination([c.lng, c.lat], 50000, bearing, { units: 'meters' }).geometry.coordinates;
        const p = { lat, lng: ((((lng + 180) % 360) + 360) % 360) - 180 };
        if (distanceM(c, p) > 50000) continue;
        expect(boxesAround(c, 50000).some((b) => inBox(p, b))).toBe(true);
      }
    }
  });

  it('gives one box away from the antimeridian, two across it, the whole longitude range near a pole', () => {
    expect(boxesAround({ lat: 31.23, lng: 121.47 }, 3000)).toHaveLength(1);
    expect(boxesAround({ lat: 0, lng: 179.99 }, 5000)).toHaveLength(2);
    expect(boxesAround({ lat: 0, lng: -179.99 }, 5000)).toHaveLength(2);
    const polar = boxesAround({ lat: 89.9, lng: 10 }, 50000);
    expect(polar).toHaveLength(1);
    expect(polar[0]).toMatchObject({ minLng: -180, maxLng: 180 });
    expect(polar[0].maxLat).toBeGreaterThanOrEqual(90);
  });

  it('stays tight: a 3 km box around Shanghai is about 6 km wide', () => {
    const [b] = boxesAround({ lat: 31.23, lng: 121.47 }, 3000);
    expect(distanceM({ lat: 31.23, lng: b.minLng }, { lat: 31.23, lng: b.maxLng })).toBeCloseTo(6000, -1);
    expect(distanceM({ lat: b.minLat, lng: 121.47 }, { lat: b.maxLat, lng: 121.47 })).toBeCloseTo(6000, -1);
  });
});

describe('pointInZone', () => {
  const square = polygon('0 0, 1 0, 1 1, 0 1, 0 0');
  // A "U": the notch (0.4..0.6, 0.3..1) is outside.
  const u = polygon('0 0, 1 0, 1 1, 0.6 1, 0.6 0.3, 0.4 0.3, 0.4 1, 0 1, 0 0');
  const holed = polygon('0 0, 1 0, 1 1, 0 1, 0 0', '0.4 0.4, 0.6 0.4, 0.6 0.6, 0.4 0.6, 0.4 0.4');

  it('counts a point inside as inside and one outside as outside', () => {
    expect(pointInZone({ lat: 0.5, lng: 0.5 }, square)).toBe(true);
    expect(pointInZone({ lat: 1.5, lng: 0.5 }, square)).toBe(false);
  });

  it('counts the boundary, edges and corners, as inside', () => {
    expect(pointInZone({ lat: 0, lng: 0.5 }, square)).toBe(true);
    expect(pointInZone({ lat: 0.5, lng: 1 }, square)).toBe(true);
    expect(pointInZone({ lat: 1, lng: 1 }, square)).toBe(true);
    expect(pointInZone({ lat: 0, lng: 0 }, square)).toBe(true);
  });

  it('leaves the notch of a concave zone outside, and its arms inside', () => {
    expect(pointInZone({ lat: 0.8, lng: 0.5 }, u)).toBe(false);
    expect(pointInZone({ lat: 0.8, lng: 0.2 }, u)).toBe(true);
    expect(pointInZone({ lat: 0.8, lng: 0.8 }, u)).toBe(true);
    expect(pointInZone({ lat: 0.2, lng: 0.5 }, u)).toBe(true);
    expect(pointInZone({ lat: 0.3, lng: 0.5 }, u)).toBe(true); // the notch's floor is boundary
  });

  it('leaves a hole outside', () => {
    expect(pointInZone({ lat: 0.5, lng: 0.5 }, holed)).toBe(false);
    expect(pointInZone({ lat: 0.2, lng: 0.2 }, holed)).toBe(true);
  });

  it('boxes a zone by its outer ring', () => {
    expect(zoneBox(u)).toEqual({ minLat: 0, maxLat: 1, minLng: 0, maxLng: 1 });
  });
});

describe('byDistanceThenId', () => {
  it('orders nearest first, ties by id', () => {
    const items = [
      { id: 'b', distance: 1 },
      { id: 'c', distance: 0.5 },
      { id: 'a', distance: 1 },
      { id: 'B', distance: 1 },
    ];
    expect(items.sort(byDistanceThenId).map((i) => i.id)).toEqual(['c', 'B', 'a', 'b']);
  });
});
