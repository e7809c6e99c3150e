import type * as z from 'zod/mini';
import { polygon, station as stationAt, store as storeAt } from '../support/places';
import { describeIssue, date, instant, nearbyParams, setStaffParams, upsertPlacesParams } from '../../shared/contract';

const store = storeAt('S1', { lat: 31.23, lng: 121.47 });
const station = stationAt('P1', { lat: 31.23, lng: 121.47 });
const bike = { kind: 'bike', id: 'B1', code: 'B1', lat: 31.23, lng: 121.47, status: 'available' };
const query = { lat: 31.23, lng: 121.47, kind: 'store' };
/** An upsert of the store open one interval a week: `day`, `open` to `close`. */
const storeHours = (day: number, open: string, close: string) => ({ places: [{ ...store, openingHours: [{ day, open, close }] }] });

/** The message of a refused input: "field.path: what is wrong". */
function refusal(schema: z.ZodMiniType, input: unknown): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error(`accepted ${JSON.stringify(input).slice(0, 200)}`);
  return describeIssue(parsed.error);
}

describe('the contract accepts good requests and fills in defaults', () => {
  it('nearby: radius 3000 and limit 20 by default', () => {
    expect(nearbyParams.parse(query)).toEqual({ ...query, radius: 3000, limit: 20 });
  });
  it('upsertPlaces: one of each kind, crs gcj02 by default', () => {
    expect(upsertPlacesParams.parse({ places: [store, station, bike] }).crs).toBe('gcj02');
  });
  it('setStaff: an empty list ends a staff membership', () => {
    expect(setStaffParams.parse({ openid: 'o1', storeIds: [] })).toEqual({ openid: 'o1', storeIds: [] });
  });
});

describe('every schema refuses bad input with a message naming the field', () => {
  const cases: Array<[string, z.ZodMiniType, unknown, RegExp]> = [
    ['nearby lat 91', nearbyParams, { ...query, lat: 91 }, /^lat: must be between -90 and 90/],
    ['nearby lat -90.0001', nearbyParams, { ...query, lat: -90.0001 }, /^lat: /],
    ['nearby lng "x"', nearbyParams, { ...query, lng: 'x' }, /^lng: /],
    ['nearby lng 181', nearbyParams, { ...query, lng: 181 }, /^lng: must be between -180 and 180/],
    ['nearby lat missing', nearbyParams, { lng: 1, kind: 'store' }, /^lat: is required/],
    ['nearby lat NaN-like string', nearbyParams, { ...query, lat: 'NaN' }, /^lat: /],
    ['nearby lat null', nearbyParams, { ...query, lat: null }, /^lat: /],
    ['nearby kind car', nearbyParams, { ...query, kind: 'car' }, /^kind: /],
    ['nearby radius 50001', nearbyParams, { ...query, radius: 50001 }, /^radius: must be at most 50000/],
    ['nearby radius 0', nearbyParams, { ...query, radius: 0 }, /^radius: must be greater than 0/],
    ['nearby radius "100"', nearbyParams, { ...query, radius: '100' }, /^radius: /],
    ['nearby limit 101', nearbyParams, { ...query, limit: 101 }, /^limit: must be at most 100/],
    ['nearby limit 0', nearbyParams, { ...query, limit: 0 }, /^limit: must be at least 1/],
    ['nearby limit 2.5', nearbyParams, { ...query, limit: 2.5 }, /^limit: /],
    ['nearby category empty', nearbyParams, { ...query, category: '  ' }, /^category: must not be empty/],
    ['nearby category huge', nearbyParams, { ...query, category: 'x'.repeat(100000) }, /^category: must be at most 40/],
    ['nearby openNow "yes"', nearbyParams, { ...query, openNow: 'yes' }, /^openNow: /],
    ['upsert no places', upsertPlacesParams, { places: [] }, /^places: must hold at least one place/],
    ['upsert places not an array', upsertPlacesParams, { places: { 0: store } }, /^places: /],
    [
      'upsert 1001 places',
      upsertPlacesParams,
      { places: Array.from({ length: 1001 }, (_, i) => ({ ...bike, id: `B${i}`, code: `B${i}` })) },
      /^places: must hold at most 1000/,
    ],
    ['upsert unknown crs', upsertPlacesParams, { places: [store], crs: 'epsg3857' }, /^crs: /],
    ['upsert kind car', upsertPlacesParams, { places: [{ ...bike, kind: 'car' }] }, /^places\[0\]\.kind: /],
    ['upsert repeated id', upsertPlacesParams, { places: [store, bike, store] }, /^places\[2\]\.id: repeats places\[0\]/],
    ['store id with spaces', upsertPlacesParams, { places: [{ ...store, id: 'a b' }] }, /^places\[0\]\.id: may hold only/],
    ['store id too long', upsertPlacesParams, { places: [{ ...store, id: 'x'.repeat(65) }] }, /^places\[0\]\.id: must be at most 64/],
    ['store name missing', upsertPlacesParams, { places: [{ ...store, name: undefined }] }, /^places\[0\]\.name: is required/],
    ['store name huge', upsertPlacesParams, { places: [{ ...store, name: '店'.repeat(5000) }] }, /^places\[0\]\.name: must be at most 80/],
    ['store lat 91', upsertPlacesParams, { places: [{ ...store, lat: 91 }] }, /^places\[0\]\.lat: /],
    ['store timezone Mars/Base', upsertPlacesParams, { places: [{ ...store, timezone: 'Mars/Base' }] }, /^places\[0\]\.timezone: must be an IANA time zone/],
    ['store openingHours day 8', upsertPlacesParams, storeHours(8, '09:00', '10:00'), /^places\[0\]\.openingHours\[0\]\.day: must be 1\.\.7/],
    ['store openingHours day 0', upsertPlacesParams, storeHours(0, '09:00', '10:00'), /^places\[0\]\.openingHours\[0\]\.day: /],
    ['store close 25:00', upsertPlacesParams, storeHours(1, '09:00', '25:00'), /^places\[0\]\.openingHours\[0\]\.close: must be a time/],
    ['store open 9:00', upsertPlacesParams, storeHours(1, '9:00', '10:00'), /^places\[0\]\.openingHours\[0\]\.open: must be a time/],
    ['store open 24:00', upsertPlacesParams, storeHours(1, '24:00', '02:00'), /^places\[0\]\.openingHours\[0\]\.open: /],
    ['store close 12:60', upsertPlacesParams, storeHours(1, '09:00', '12:60'), /^places\[0\]\.openingHours\[0\]\.close: /],
    ['store openingHours not an array', upsertPlacesParams, { places: [{ ...store, openingHours: 'always' }] }, /^places\[0\]\.openingHours: /],
    [
      'store slot minutes 1',
      upsertPlacesParams,
      { places: [{ ...store, slot: { minutes: 1, capacity: 1 } }] },
      /^places\[0\]\.slot\.minutes: must be at least 5/,
    ],
    [
      'store slot capacity 0',
      upsertPlacesParams,
      { places: [{ ...store, slot: { minutes: 30, capacity: 0 } }] },
      /^places\[0\]\.slot\.capacity: must be at least 1/,
    ],
    ['store slot missing', upsertPlacesParams, { places: [{ ...store, slot: undefined }] }, /^places\[0\]\.slot: is required/],
    [
      'station zone not closed',
      upsertPlacesParams,
      { places: [{ ...station, zone: polygon('0 0, 1 0, 1 1, 0 1') }] },
      /^places\[0\]\.zone\.coordinates\[0\]: a ring must be closed/,
    ],
    [
      'station zone of 3 positions',
      upsertPlacesParams,
      { places: [{ ...station, zone: polygon('0 0, 1 0, 0 0') }] },
      /^places\[0\]\.zone\.coordinates\[0\]: a ring needs at least 4/,
    ],
    ['station zone a Point', upsertPlacesParams, { places: [{ ...station, zone: { type: 'Point', coordinates: [0, 0] } }] }, /^places\[0\]\.zone\.type: /],
    [
      'station zone vertex lng 200',
      upsertPlacesParams,
      { places: [{ ...station, zone: polygon('200 0, 1 0, 1 1, 200 0') }] },
      /^places\[0\]\.zone\.coordinates\[0\]\[0\]\[0\]: /,
    ],
    [
      'station zone no ring',
      upsertPlacesParams,
      { places: [{ ...station, zone: { type: 'Polygon', coordinates: [] } }] },
      /^places\[0\]\.zone\.coordinates: needs an outer ring/,
    ],
    [
      'station zone nested garbage',
      upsertPlacesParams,
      {
        places: [
          {
            ...station,
            zone: {
              type: 'Polygon',
              coordinates: [
                [
                  [{ a: [1] }, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
        ],
      },
      /^places\[0\]\.zone\.coordinates\[0\]\[0\]\[0\]: /,
    ],
    ['bike code with a space', upsertPlacesParams, { places: [{ ...bike, code: 'B 1' }] }, /^places\[0\]\.code: must be 1 to 32 letters, digits, - or _/],
    ['bike status riding', upsertPlacesParams, { places: [{ ...bike, status: 'riding' }] }, /^places\[0\]\.status: /],
    ['setStaff openid empty', setStaffParams, { openid: '', storeIds: [] }, /^openid: must not be empty/],
    ['setStaff storeIds not a list', setStaffParams, { openid: 'o', storeIds: 'S1' }, /^storeIds: /],
    ['setStaff store id bad', setStaffParams, { openid: 'o', storeIds: ['S1', 'bad id'] }, /^storeIds\[1\]: may hold only/],
    ['date 2026-02-30', date, '2026-02-30', /must be a real date: the day must be 01..28/],
    ['date 2026/02/03', date, '2026/02/03', /must be a date "YYYY-MM-DD"/],
    ['instant without offset', instant, '2026-11-25T10:00:00', /must be an ISO 8601 time with an offset/],
  ];

  it.each(cases)('%s', (_name, schema, input, message) => {
    expect(refusal(schema, input)).toMatch(message);
  });

  it('never echoes a huge input back in full', () => {
    expect(refusal(nearbyParams, { ...query, kind: 'k'.repeat(100000) }).length).toBeLessThan(500);
  });
});
