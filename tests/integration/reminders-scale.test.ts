/**
 * Reminders at chain scale through the local host (issue 15): 50 stores of 50 places, 2,500
 * customers who each accepted one bookingReminder and booked 10:00, all made through the host's
 * functions as the mini program makes them. The `reminders` timer (POST /functions/reminders) at
 * 09:31, 09:32 and 09:33 sends 2,500 messages, one to each customer, and a fourth run nothing.
 * Before paging, the candidate query stopped at 1,000 and every run found the same 1,000.
 */
import { ADMIN, startCloud, type TestCloud } from '../support/host';

const NOW = '2026-11-25T01:00:00.000Z';
const START = '2026-11-25T10:00:00+08:00';
const STORES = 50;
const PER_STORE = 50;
const CUSTOMERS = STORES * PER_STORE;
const at = (minute: number) => `2026-11-25T01:${String(minute).padStart(2, '0')}:00.000Z`;

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud({ seed: 'none' });
  const stores = Array.from({ length: STORES }, (_, i) => ({
    kind: 'store',
    id: `SC${String(i).padStart(2, '0')}`,
    name: `连锁门店 ${i}`,
    address: `${i} Chain Road`,
    lat: 31.2 + i / 1000,
    lng: 121.4 + i / 1000,
    category: 'coffee',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '09:00', close: '21:00' })),
    slot: { minutes: 60, capacity: PER_STORE },
  }));
  expect((await cloud.call('admin', { action: 'upsertPlaces', places: stores }, { openid: ADMIN })).ok).toBe(true);
  const templates = (await cloud.call('subscriptions', { action: 'templates' })).data.templates;
  // 16 customers at a time: grant, then book.
  const customer = async (i: number) => {
    const openid = `chain-${String(i).padStart(4, '0')}`;
    const results = { errMsg: 'requestSubscribeMessage:ok', [templates.bookingReminder]: 'accept' };
    expect((await cloud.call('subscriptions', { action: 'grant', results }, { openid, now: NOW })).ok).toBe(true);
    const made = await cloud.call('bookings', { action: 'create', storeId: stores[i % STORES].id, start: START }, { openid, now: NOW });
    if (!made.ok) throw new Error(`set-up: ${JSON.stringify(made)}`);
  };
  for (let i = 0; i < CUSTOMERS; i += 16) await Promise.all(Array.from({ length: Math.min(16, CUSTOMERS - i) }, (_, k) => customer(i + k)));
}, 240_000);
afterAll(() => cloud.close());

it('2,500 bookings due in one window: 2,500 reminders, one each, within 3 runs; a fourth run sends nothing', async () => {
  const sent: number[] = [];
  for (const minute of [31, 32, 33, 34]) {
    const answer = await cloud.call('reminders', { Type: 'Timer', TriggerName: 'every-minute', Time: at(minute) }, { now: at(minute) });
    expect(answer.ok).toBe(true);
    sent.push(answer.data.sent);
  }
  expect(sent[0] + sent[1] + sent[2]).toBe(2500);
  expect(sent[3]).toBe(0);
  const res = await fetch(`${cloud.url}/outbox`);
  const { messages } = (await res.json()) as { messages: { openid: string; templateKey: string }[] };
  expect(messages.length).toBe(2500);
  expect(messages.every((m) => m.templateKey === 'bookingReminder')).toBe(true);
  const openids = new Set(messages.map((m) => m.openid));
  expect(openids.size).toBe(2500);
  expect(openids.has('chain-0000') && openids.has('chain-2499')).toBe(true);
}, 240_000);
