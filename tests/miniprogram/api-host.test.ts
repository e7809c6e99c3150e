/**
 * @jest-environment node
 */
// The mini program's api client against the real local host: wx.request is played by fetch.
import { startCloud, type TestCloud } from '../support/host';
import { CITY_CENTER } from '../../shared/city';
import { placeRow } from '../../miniprogram/pages/nearby/view';
import type { NearbyItem } from '../../shared/contract/geo';

type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; reason?: string } };
const api = require('../../miniprogram/services/api') as {
  nearby(query: object): Promise<Result<{ items: NearbyItem[] }>>;
  callFunction<T>(name: string, data: object): Promise<Result<T>>;
};
const { config } = require('../../miniprogram/config') as { config: { mode: string; localUrl: string; localOpenid: string } };

type RequestOptions = {
  url: string;
  method: string;
  data: unknown;
  header: Record<string, string>;
  success(r: { statusCode: number; data: unknown }): void;
  fail(e: { errMsg: string }): void;
};

/** wx.request over fetch, as DevTools would do it (JSON body in, parsed JSON out). */
function requestOverFetch(o: RequestOptions): void {
  fetch(o.url, { method: o.method, headers: o.header, body: JSON.stringify(o.data) })
    .then(async (res) => {
      const text = await res.text();
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {
        // wx.request leaves a non-JSON body as a string
      }
      o.success({ statusCode: res.status, data });
    })
    .catch((e: Error) => o.fail({ errMsg: `request:fail ${e.message}` }));
}

let cloud: TestCloud;
const localUrl = config.localUrl;

beforeAll(async () => {
  cloud = await startCloud({ seed: 'demo' });
  config.mode = 'local';
  config.localUrl = cloud.url;
  (globalThis as unknown as { wx: { request: jest.Mock } }).wx.request.mockImplementation(requestOverFetch);
});

afterAll(async () => {
  config.localUrl = localUrl;
  await cloud?.close();
});

describe('the api client against the local host', () => {
  it('gets the demo stores around the city centre, nearest first, ready for the list', async () => {
    const result = await api.nearby({ lat: CITY_CENTER.lat, lng: CITY_CENTER.lng, kind: 'store', radius: 3000, limit: 50 });
    if (!result.ok) throw new Error(result.error.message);
    const { items } = result.data;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.kind === 'store' && item.distance <= 3000)).toBe(true);
    expect(items.map((item) => item.distance)).toEqual([...items.map((item) => item.distance)].sort((a, b) => a - b));
    const rows = items.map((item) => placeRow(item, new Date()));
    rows.forEach((row) => {
      expect(row.distance).toMatch(/^\d+(\.\d)? k?m$/);
      expect(['营业中', '已打烊']).toContain(row.badge);
    });
  });

  it('gets stations with their available bikes, and bikes with their codes', async () => {
    const stations = await api.nearby({ lat: CITY_CENTER.lat, lng: CITY_CENTER.lng, kind: 'station', radius: 50000 });
    const bikes = await api.nearby({ lat: CITY_CENTER.lat, lng: CITY_CENTER.lng, kind: 'bike', radius: 50000 });
    if (!stations.ok || !bikes.ok) throw new Error('nearby failed');
    expect(stations.data.items.every((s) => s.kind === 'station' && typeof s.bikesAvailable === 'number')).toBe(true);
    expect(bikes.data.items.every((b) => b.kind === 'bike' && /^B\d{4}$/.test(b.code))).toBe(true);
  });

  it("passes the contract's errors through unchanged", async () => {
    const result = await api.nearby({ lat: CITY_CENTER.lat, lng: CITY_CENTER.lng, kind: 'store', radius: 50001 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(!result.ok && result.error.message).toMatch(/^radius/);
  });

  it('tells a stopped host apart from an error of the contract', async () => {
    config.localUrl = 'http://127.0.0.1:9'; // nothing listens on the discard port
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = await api.callFunction('geo', { action: 'nearby', lat: 0, lng: 0, kind: 'store' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', reason: 'UNREACHABLE' } });
    } finally {
      config.localUrl = cloud.url;
    }
  });
});
