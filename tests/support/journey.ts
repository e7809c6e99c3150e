// The set-up every journey suite (tests/miniprogram/*journeys*.test.ts) shares: a real local host over
// a fresh demo database for the file, only Date faked (the pages' clocks and the host's X-Nearby-Now;
// timers and sockets stay real), the wx mocks cleared before each test and the pages it opened
// detached after it. Pages are opened through the played phone (tests/miniprogram/device.ts), handed
// in by the suite: this file is type-checked with the root project too, which must not take in the
// mini program's typings that tests/miniprogram/harness.ts brings.
import { postJson } from '../../scripts/preview/local-wx';
import { CITY_CENTER } from '../../shared/city';
import type { NearbyItem } from '../../shared/contract/geo';
import { startCloud, type TestCloud } from './host';

export type Station = Extract<NearbyItem, { kind: 'station' }>;
export type Bike = Extract<NearbyItem, { kind: 'bike' }>;
export type Answer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; reason?: string } };

/** The data of an answer that must have succeeded. */
export function dataOf<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}

/** What the suite needs of the played phone (tests/miniprogram/device.ts). */
export interface Phone<Page extends { detach(): void }> {
  fakeDateOnly(now: Date): void;
  openUrl(url: string): Promise<Page>;
}

export interface JourneySuite<Page> {
  /** The file's host (from its first `beforeAll` on). */
  readonly cloud: TestCloud;
  /** Opens a page the way WeChat would, and detaches it after the test. */
  visit(url: string): Promise<Page>;
  /** Detaches the pages opened so far (done after every test anyway). */
  closePages(): void;
}

/**
 * Registers the suite's hooks; call it at the top of the file, before the file's own `beforeAll`
 * (jest runs them in order, so those already see the host).
 */
export function journeySuite<Page extends { detach(): void }>(
  now: Date,
  phone: Phone<Page>,
  options: Omit<NonNullable<Parameters<typeof startCloud>[0]>, 'seed'> = {},
): JourneySuite<Page> {
  let cloud: TestCloud | undefined;
  const open: Page[] = [];
  const closePages = () => {
    for (const page of open.splice(0)) page.detach();
  };
  beforeAll(async () => {
    phone.fakeDateOnly(now);
    cloud = await startCloud({ seed: 'demo', ...options });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await cloud?.close();
  });
  beforeEach(() => jest.clearAllMocks());
  afterEach(closePages);
  return {
    get cloud(): TestCloud {
      if (!cloud) throw new Error('the journey host is not started yet (use it inside a hook or a test)');
      return cloud;
    },
    async visit(url: string): Promise<Page> {
      const page = await phone.openUrl(url);
      open.push(page);
      return page;
    },
    closePages,
  };
}

/**
 * `count` free bikes by one station of the demo city, asked of the host like any client would; bikes
 * whose codes are in `taken` are passed over, and the ones returned are added to it.
 */
export async function bikesByAStation(url: string, count: number, taken: Set<string> = new Set()): Promise<{ bikes: Bike[]; station: Station }> {
  // As tests/miniprogram/device.ts's hostCall sends it: the caller in x-wx-openid.
  const nearby = <T>(event: Record<string, unknown>) =>
    postJson<Answer<{ items: T[] }>>(`${url}/functions/geo`, { action: 'nearby', ...event }, { 'x-wx-openid': 'scout' });
  const stations = await nearby<Station>({ kind: 'station', lat: CITY_CENTER.lat, lng: CITY_CENTER.lng, radius: 20000, limit: 50 });
  for (const station of dataOf(stations).items) {
    const near = await nearby<Bike>({ kind: 'bike', lat: station.lat, lng: station.lng, radius: 80, limit: 20 });
    const free = dataOf(near).items.filter((b) => !taken.has(b.code));
    if (free.length >= count) {
      const bikes = free.slice(0, count);
      for (const b of bikes) taken.add(b.code);
      return { bikes, station };
    }
  }
  throw new Error(`the demo city has no station with ${count} free bikes`);
}
