import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { distanceM, type Polygon } from '../../shared/geo';
import { toGcj02, zoneToGcj02 } from '../../shared/crs';

/** gcoord's own fixture of 664 Chinese cities in every coordinate system (see ../shared/data/README.md). */
const FIXTURE = path.resolve(__dirname, '../../../shared/data/china-cities-crs.json');
const maybe = existsSync(FIXTURE) ? describe : describe.skip;
if (!existsSync(FIXTURE)) console.log(`crs.test: skipping the reference cities: ${FIXTURE} is absent (it lives beside the repository, in ../shared/data)`);

interface City {
  attrs: { name: string };
  coords: { WGS84: [number, number]; GCJ02: [number, number]; BD09: [number, number] };
}

maybe('conversion into GCJ-02 against the reference cities', () => {
  const cities: City[] = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, 'utf8')) : [];
  const at = ([lng, lat]: [number, number]) => ({ lat, lng });

  it('has the whole fixture', () => {
    expect(cities.length).toBeGreaterThanOrEqual(600);
  });

  it('brings WGS84 into GCJ-02 within a metre', () => {
    const worst = Math.max(...cities.map((c) => distanceM(toGcj02(at(c.coords.WGS84), 'wgs84'), at(c.coords.GCJ02))));
    expect(worst).toBeLessThan(1);
  });

  it('brings BD-09 into GCJ-02 within a metre', () => {
    const worst = Math.max(...cities.map((c) => distanceM(toGcj02(at(c.coords.BD09), 'bd09'), at(c.coords.GCJ02))));
    expect(worst).toBeLessThan(1);
  });

  it('converts every vertex of a zone the same way as its points', () => {
    const [a, b, c] = cities;
    const ring = [a.coords.BD09, b.coords.BD09, c.coords.BD09, a.coords.BD09];
    const zone = zoneToGcj02({ type: 'Polygon', coordinates: [ring] }, 'bd09');
    zone.coordinates[0].forEach((p, i) => expect(distanceM(at(p as [number, number]), at([a, b, c, a][i].coords.GCJ02))).toBeLessThan(1));
  });
});

describe('toGcj02', () => {
  it('leaves GCJ-02 as it is', () => {
    const p = { lat: 31.2304, lng: 121.4737 };
    expect(toGcj02(p, 'gcj02')).toEqual(p);
    const zone: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    expect(zoneToGcj02(zone, 'gcj02')).toEqual(zone);
  });

  it('moves a WGS84 position in Beijing by several hundred metres, and a BD-09 one too', () => {
    const p = { lat: 39.9087, lng: 116.3975 };
    expect(distanceM(p, toGcj02(p, 'wgs84'))).toBeGreaterThan(300);
    expect(distanceM(p, toGcj02(p, 'bd09'))).toBeGreaterThan(300);
  });

  it('leaves WGS84 positions outside China unshifted (GCJ-02 is China only)', () => {
    const p = { lat: 48.8584, lng: 2.2945 };
    expect(distanceM(p, toGcj02(p, 'wgs84'))).toBeLessThan(0.01);
  });

  it('keeps a closed ring closed', () => {
    const zone = zoneToGcj02(
      {
        type: 'Polygon',
        coordinates: [
          [
            [121.47, 31.23],
            [121.48, 31.23],
            [121.48, 31.24],
            [121.47, 31.23],
          ],
        ],
      },
      'wgs84',
    );
    expect(zone.coordinates[0][0]).toEqual(zone.coordinates[0][3]);
  });
});
