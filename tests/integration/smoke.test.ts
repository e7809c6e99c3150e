import { startCloud, type TestCloud } from '../support/host';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'demo' });
});
afterAll(() => cloud.close());

it('answers /healthz once ready', async () => {
  const res = await fetch(`${cloud.url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

it('serves the seeded demo city: the nearest stores around the centre', async () => {
  const res = await cloud.call('geo', { action: 'nearby', kind: 'store', lat: 31.2304, lng: 121.4737, limit: 5 });
  expect(res.ok).toBe(true);
  expect(res.data.items).toHaveLength(5);
  console.log(JSON.stringify(res.data.items[0], null, 1));
});
