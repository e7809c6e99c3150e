// /healthz is host.test.ts's ('the local host over HTTP'); this file checks the seeded demo city answers.
import { startCloud, type TestCloud } from '../support/host';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'demo' });
});
afterAll(() => cloud.close());

it('serves the seeded demo city: the nearest stores around the centre', async () => {
  const res = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 31.2304, lng: 121.4737, limit: 5 });
  expect(res.ok).toBe(true);
  expect(res.data.items).toHaveLength(5);
  const distances = res.data.items.map((s: { distance: number }) => s.distance);
  expect(distances).toEqual([...distances].sort((a, b) => a - b));
  for (const store of res.data.items) {
    expect(store).toMatchObject({ kind: 'store', open: expect.any(Boolean), timezone: 'Asia/Shanghai' });
    expect(store.distance).toBeLessThanOrEqual(3000);
  }
});
