/**
 * Bills end to end through the local host: the `bills` function, `admin.importBills`, `payNotify`
 * over HTTP access (`POST /pay/notify`), the sandbox's `POST /sandbox/pay/{outTradeNo}`, and the
 * sweeper; then the real WeChat Pay adapter against the local WeChat Pay server
 * (tests/support/wechatpay-server.ts) for the notifications only a holder of WeChat Pay's key can
 * sign, and for the refund the sweeper sends.
 */
import type { SandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { wechatpayClient } from '../../functions/lib/wechatpay/client';
import { wechatpaySettingsFrom } from '../../functions/lib/wechatpay/settings';
import { duplicateRefundNo, ORDER_TTL_SEC } from '../../shared/payment';
import { ADMIN, startCloud, storedCounts, type TestCloud } from '../support/host';
import { HERE, PLACES } from '../support/rides-world';
import {
  makeMerchant,
  notificationFrom,
  startWechatpayServer,
  transactionJson,
  wechatpaySign,
  type WechatpayServer,
  wechatpayEnv,
} from '../support/wechatpay-server';

const T0 = Date.now();
const iso = (sec: number) => new Date(T0 + sec * 1000).toISOString();
const ROWS = [
  { accountType: 'water', accountNo: '31000001', holderName: '张三', period: '2026-10', amountFen: 4280, dueDate: '2026-11-15' },
  { accountType: 'gas', accountNo: '31000002', holderName: 'Li Lei', period: '2026-10', amountFen: 6200, dueDate: '2026-11-20' },
];
const WATER_BILL = 'UB:water:31000001:2026-10';

async function setUp(cloud: TestCloud) {
  expect(await cloud.call('admin', { action: 'upsertPlaces', places: PLACES }, { openid: ADMIN, now: iso(0) })).toMatchObject({ ok: true });
  expect(await cloud.call('admin', { action: 'importBills', bills: ROWS }, { openid: ADMIN, now: iso(0) })).toEqual({
    ok: true,
    data: { imported: 2, duplicates: 0, duplicateRows: [] },
  });
}
/** A stored document of the stand-in (CloudBase back end), or undefined. */
const docOf = (cloud: TestCloud, collection: string, id: string) => (cloud.standin!.dump()[collection] ?? []).find((d) => d._id === id);
const billRow = (cloud: TestCloud, id: string) => {
  if (cloud.backend === 'sqlite')
    return cloud.db.prepare('SELECT status, paid_by AS paidBy, paid_at AS paidAt, open_order AS openOrder FROM bills WHERE id = ?').get(id);
  const d = docOf(cloud, 'bills', id);
  return d && { status: d.status, paidBy: d.paidBy ?? null, paidAt: d.paidAt ?? null, openOrder: d.openOrder ?? null };
};
const snapshot = (cloud: TestCloud) => {
  if (cloud.backend === 'sqlite')
    return {
      bills: cloud.db.prepare('SELECT * FROM bills ORDER BY id').all(),
      orders: cloud.db.prepare('SELECT * FROM pay_orders ORDER BY out_trade_no').all(),
      refunds: cloud.db.prepare('SELECT * FROM pay_refunds').all(),
    };
  const docs = cloud.standin!.dump();
  return { bills: docs.bills ?? [], orders: docs.pay_orders ?? [], refunds: docs.pay_refunds ?? [] };
};
/** The WeChat Pay transaction of an order, as stored (either back end). */
const orderTransaction = (cloud: TestCloud, outTradeNo: string) =>
  cloud.backend === 'sqlite'
    ? cloud.db.prepare('SELECT transaction_id FROM pay_orders WHERE out_trade_no = ?').pluck().get(outTradeNo)
    : docOf(cloud, 'pay_orders', outTradeNo)?.transactionId;
const refundStatus = (cloud: TestCloud, outRefundNo: string) =>
  cloud.backend === 'sqlite'
    ? cloud.db.prepare('SELECT status FROM pay_refunds WHERE out_refund_no = ?').pluck().get(outRefundNo)
    : docOf(cloud, 'pay_refunds', outRefundNo)?.status;
const notify = (cloud: TestCloud, n: { headers: Record<string, unknown>; body: string }, now: string) =>
  fetch(`${cloud.url}/pay/notify`, {
    method: 'POST',
    body: n.body,
    headers: { ...(n.headers as Record<string, string>), 'content-type': 'application/json', 'x-nearby-now': now },
  });

describe('bills through the local host, with the sandbox', () => {
  let cloud: TestCloud;
  let sandbox: SandboxPayments;
  beforeAll(() => {
    sandbox = sandboxPayments();
  });
  beforeEach(async () => {
    cloud = await startCloud({ sandbox });
    await setUp(cloud);
  });
  afterEach(() => cloud.close());

  const bills = (openid: string, event: Record<string, unknown>, sec = 0) => cloud.call('bills', event, { openid, now: iso(sec) });

  it('a rider with an unpaid ride bill pays in the sandbox and unlocks again', async () => {
    const ride = await cloud.call('rides', { action: 'unlock', bikeCode: 'A', ...HERE }, { openid: 'rider', now: iso(0) });
    const ended = await cloud.call('rides', { action: 'end', rideId: ride.data.ride.id, ...HERE }, { openid: 'rider', now: iso(600) });
    const billId = ended.data.ride.billId;
    expect(await cloud.call('rides', { action: 'unlock', bikeCode: 'B', ...HERE }, { openid: 'rider', now: iso(610) })).toMatchObject({
      error: { reason: 'UNPAID_BILL' },
    });
    expect(await bills('rider', { action: 'list' }, 611)).toEqual({
      ok: true,
      data: { bills: [{ id: billId, type: 'ride', amountFen: 150, status: 'unpaid', rideId: ride.data.ride.id }] },
    });
    const pay = await bills('rider', { action: 'pay', billId }, 612);
    expect(pay).toMatchObject({
      ok: true,
      data: { outTradeNo: expect.stringMatching(/^P[0-9a-f]{30}$/), payment: { signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) } },
    });
    const paid = await fetch(`${cloud.url}/sandbox/pay/${pay.data.outTradeNo}`, { method: 'POST', headers: { 'x-nearby-now': iso(620) } });
    expect(paid.status).toBe(204);
    expect(await bills('rider', { action: 'refresh', billId }, 621)).toMatchObject({ ok: true, data: { bill: { id: billId, status: 'paid' } } });
    expect(await cloud.call('rides', { action: 'unlock', bikeCode: 'B', ...HERE }, { openid: 'rider', now: iso(630) })).toMatchObject({
      ok: true,
      data: { ride: { bikeCode: 'B' } },
    });
    // The sandbox's answer for an order it never saw.
    expect((await fetch(`${cloud.url}/sandbox/pay/Pnope000000`, { method: 'POST' })).status).toBe(404);
  });

  it('the same notification twice: one paid transition; two pay calls: one order; paid and foreign bills refused', async () => {
    expect((await bills('u1', { action: 'bindAccount', accountType: 'water', accountNo: '31000001', holderName: ' 张 三 ' })).ok).toBe(true);
    const [a, b] = await Promise.all([bills('u1', { action: 'pay', billId: WATER_BILL }, 1), bills('u1', { action: 'pay', billId: WATER_BILL }, 1)]);
    expect(a.data.outTradeNo).toBe(b.data.outTradeNo);
    expect(storedCounts(cloud).pay_orders).toBe(1);
    const handed = await fetch(`${cloud.url}/sandbox/pay/${a.data.outTradeNo}?deliver=false`, { method: 'POST', headers: { 'x-nearby-now': iso(10) } });
    expect(handed.status).toBe(200);
    const n = (await handed.json()) as { headers: Record<string, string>; body: string };
    expect(billRow(cloud, WATER_BILL)).toMatchObject({ status: 'unpaid' });
    expect((await notify(cloud, n, iso(11))).status).toBe(204);
    const once = snapshot(cloud);
    expect(billRow(cloud, WATER_BILL)).toMatchObject({ status: 'paid', paidBy: a.data.outTradeNo });
    expect((await notify(cloud, n, iso(12))).status).toBe(204);
    expect(snapshot(cloud)).toEqual(once);
    expect(await bills('u1', { action: 'pay', billId: WATER_BILL }, 13)).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'ALREADY_PAID' },
    });
    expect(await bills('u2', { action: 'pay', billId: WATER_BILL }, 13)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await bills('u2', { action: 'refresh', billId: WATER_BILL }, 13)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('binding: a wrong name and an unknown number get the same answer; the sixth failure within the hour is refused', async () => {
    const wrong = await bills('u1', { action: 'bindAccount', accountType: 'water', accountNo: '31000001', holderName: '李四' });
    const unknown = await bills('u1', { action: 'bindAccount', accountType: 'water', accountNo: '39999999', holderName: '张三' });
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (let i = 0; i < 3; i++) await bills('u1', { action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: `x${i}` }, 1 + i);
    expect(await bills('u1', { action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: 'li lei' }, 10)).toMatchObject({
      ok: false,
      error: { code: 'RESOURCE_EXHAUSTED' },
    });
    // Refused until an hour after the fifth failure (at 3 s), then let through.
    expect(await bills('u1', { action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: 'li lei' }, 3602)).toMatchObject({
      error: { code: 'RESOURCE_EXHAUSTED' },
    });
    expect(await bills('u1', { action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: 'li lei' }, 3603)).toMatchObject({
      ok: true,
      data: { account: { holderName: 'L****' } },
    });
    expect(await bills('u1', { action: 'accounts' })).toMatchObject({
      ok: true,
      data: { accounts: [{ accountType: 'gas', accountNo: '31000002', holderName: 'L****' }] },
    });
  });

  it('bills of unbound accounts are never shown, nor payable; importing the same file twice adds nothing', async () => {
    expect(await bills('u1', { action: 'list' })).toEqual({ ok: true, data: { bills: [] } });
    expect(await bills('u1', { action: 'pay', billId: WATER_BILL })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await cloud.call('admin', { action: 'importBills', bills: ROWS }, { openid: ADMIN, now: iso(1) })).toEqual({
      ok: true,
      data: { imported: 0, duplicates: 2, duplicateRows: [0, 1] },
    });
    expect(storedCounts(cloud).bills).toBe(2);
  });

  it('bad input: clear errors, nothing written', async () => {
    const before = snapshot(cloud);
    expect(await bills('u1', { action: 'bindAccount', accountType: 'water', accountNo: '12a', holderName: '张三' })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'accountNo: must be 4 to 32 letters, digits or -' },
    });
    expect(
      await bills('u1', { action: 'bindAccount', accountType: 'water', accountNo: '31000001', holderName: '张三', label: '我们一家人住的那套房子' }),
    ).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'label: must be at most 10 characters' },
    });
    expect(await bills('u1', { action: 'bindAccount', accountNo: '31000001', holderName: '张三' })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'billerId: is required (or accountType for the only biller of a type)' },
    });
    expect(await bills('u1', { action: 'bindAccount', billerId: 'nope', accountNo: '31000001', holderName: '张三' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'billerId: no biller "nope"' },
    });
    const { accountType: _t, ...noBiller } = ROWS[0];
    expect(await cloud.call('admin', { action: 'importBills', bills: [ROWS[1], noBiller] }, { openid: ADMIN })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'bills[1].billerId: is required (or accountType for the only biller of a type)' },
    });
    const billers = [
      { id: 'ok', name: '好公司', type: 'gas', city: '上海' },
      { id: 'slow', name: '慢公司', type: 'gas', city: '上海', accountNoPattern: '(\\d+)+$' },
    ];
    expect(await cloud.call('admin', { action: 'upsertBillers', billers }, { openid: ADMIN })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'billers[1].accountNoPattern: repeats a group that itself repeats or alternates: it could run for long' },
    });
    expect(
      await cloud.call('admin', { action: 'upsertBillers', billers: [billers[0], { ...billers[1], accountNoPattern: '[0-9' }] }, { openid: ADMIN }),
    ).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^billers\[1\]\.accountNoPattern: is not a valid regular expression/) },
    });
    expect(await bills('u1', { action: 'bindAccount', accountType: 'coal', accountNo: '31000001', holderName: '张三' })).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^accountType: /) },
    });
    expect(await bills('u1', { action: 'pay', billId: '' })).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect(await bills('u1', { action: 'list', status: 'late' })).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect(await cloud.call('bills', { action: 'list' })).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const fractional = [{ ...ROWS[0], period: '2026-11', amountFen: 12.5 }];
    expect(await cloud.call('admin', { action: 'importBills', bills: fractional }, { openid: ADMIN })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'bills[0].amountFen: must be whole fen (an integer)' },
    });
    expect(await cloud.call('admin', { action: 'importBills', bills: ROWS }, { openid: 'u1' })).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    // Junk at payNotify: an empty body, not JSON, no headers, a GET, a callFunction-style event.
    const junk: [RequestInit, number][] = [
      [{ method: 'POST', body: '' }, 400],
      [
        {
          method: 'POST',
          body: 'not json',
          headers: { 'wechatpay-timestamp': 'x', 'wechatpay-nonce': 'n', 'wechatpay-signature': 's', 'wechatpay-serial': 'S' },
        },
        400,
      ],
      [{ method: 'POST', body: '{"id":"x"}' }, 400],
      [{ method: 'GET' }, 405],
    ];
    for (const [init, status] of junk) expect((await fetch(`${cloud.url}/pay/notify`, init)).status).toBe(status);
    expect((await cloud.post('/functions/payNotify', JSON.stringify({ action: 'x' }))).status).toBe(400);
    expect(snapshot(cloud)).toEqual(before);
  });
});

describe('bills through the local host, with WeChat Pay (the local WeChat Pay server)', () => {
  const merchant = makeMerchant();
  let server: WechatpayServer;
  let cloud: TestCloud;
  beforeAll(async () => {
    server = await startWechatpayServer(merchant);
    const read = wechatpaySettingsFrom(wechatpayEnv(merchant, server, 'https://example.com/pay/notify'));
    if (!read.ok) throw new Error(read.message);
    cloud = await startCloud({ payments: wechatpayClient(read.settings) });
    await setUp(cloud);
    expect((await cloud.call('bills', { action: 'bindAccount', accountType: 'water', accountNo: '31000001', holderName: '张三' }, { openid: 'u1' })).ok).toBe(
      true,
    );
  });
  afterAll(async () => {
    await cloud.close();
    await server.close();
  });
  const now = () => new Date();

  it('refuses forged, stale, tampered, unknown-serial, probe and mismatched notifications with nothing changed', async () => {
    const pay = await cloud.call('bills', { action: 'pay', billId: WATER_BILL }, { openid: 'u1', now: now().toISOString() });
    const no = pay.data.outTradeNo;
    const genuine = server.pay(no, now());
    const tx = server.desk.get(no)!.tx;
    const before = snapshot(cloud);
    const resign = (n: { headers: Record<string, string>; body: string }) => {
      const h = { ...n.headers };
      h['Wechatpay-Signature'] = wechatpaySign(`${h['Wechatpay-Timestamp']}\n${h['Wechatpay-Nonce']}\n${n.body}\n`, server.publicKey.privateKey);
      return { headers: h, body: n.body };
    };
    const tampered = (() => {
      const body = JSON.parse(genuine.body);
      const bytes = Buffer.from(body.resource.ciphertext, 'base64');
      bytes[bytes.length - 1] ^= 1; // the GCM tag
      body.resource.ciphertext = bytes.toString('base64');
      return resign({ headers: genuine.headers, body: JSON.stringify(body) });
    })();
    const forge = (resource: Record<string, unknown>) =>
      notificationFrom({ eventType: 'TRANSACTION.SUCCESS', resource, apiV3Key: merchant.apiV3Key, signer: server.publicKey, now: now() });
    const cases: [string, { headers: Record<string, string>; body: string }, string][] = [
      [
        'forged signature',
        { headers: { ...genuine.headers, 'Wechatpay-Signature': wechatpaySign('other', server.publicKey.privateKey) }, body: genuine.body },
        'BAD_SIGNATURE',
      ],
      [
        'stale timestamp',
        resign({ headers: { ...genuine.headers, 'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000) - 301) }, body: genuine.body }),
        'STALE_TIMESTAMP',
      ],
      ['tampered ciphertext', tampered, 'DECRYPTION_FAILED'],
      [
        'unknown serial',
        { headers: { ...genuine.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000000000' }, body: genuine.body },
        'UNKNOWN_SERIAL',
      ],
      ['signature probe', { headers: { ...genuine.headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/abc' }, body: genuine.body }, 'SIGNATURE_PROBE'],
      ['wrong amount', forge(transactionJson({ ...tx, totalFen: 1 })), 'WRONG_AMOUNT'],
      ['wrong merchant', forge(transactionJson({ ...tx, mchId: '1999999999' })), 'WRONG_MERCHANT'],
      ['wrong app', forge(transactionJson({ ...tx, appId: 'wx1111111111111111' })), 'WRONG_APP'],
      ['unknown order', forge(transactionJson({ ...tx, outTradeNo: 'Punknown00000' })), 'UNKNOWN_ORDER'],
    ];
    for (const [name, n, reason] of cases) {
      const res = await notify(cloud, n, now().toISOString());
      expect({ name, status: res.status >= 400, body: ((await res.json()) as { message: string }).message.split(':')[0] }).toEqual({
        name,
        status: true,
        body: reason,
      });
    }
    expect(snapshot(cloud)).toEqual(before);
    // The genuine one, at last.
    expect((await notify(cloud, genuine, now().toISOString())).status).toBe(204);
    expect(billRow(cloud, WATER_BILL)).toMatchObject({ status: 'paid', paidBy: no });
  });

  it('money for an already paid bill is refunded: pending at once, sent to WeChat Pay by the sweeper', async () => {
    expect((await cloud.call('bills', { action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: 'LiLei' }, { openid: 'u1' })).ok).toBe(
      true,
    );
    const gas = 'UB:gas:31000002:2026-10';
    const t = Date.now();
    const first = await cloud.call('bills', { action: 'pay', billId: gas }, { openid: 'u1', now: new Date(t).toISOString() });
    // Paying again within the first order's last minutes places a second order; both get paid.
    const second = await cloud.call('bills', { action: 'pay', billId: gas }, { openid: 'u1', now: new Date(t + (ORDER_TTL_SEC - 60) * 1000).toISOString() });
    expect(second.data.outTradeNo).not.toBe(first.data.outTradeNo);
    expect((await notify(cloud, server.pay(first.data.outTradeNo, now()), now().toISOString())).status).toBe(204);
    expect((await notify(cloud, server.pay(second.data.outTradeNo, now()), now().toISOString())).status).toBe(204);
    const refundNo = duplicateRefundNo(second.data.outTradeNo);
    expect(refundStatus(cloud, refundNo)).toBe('pending');
    const at = now();
    const swept = await cloud.host.functions.sweeper({ Type: 'Timer', TriggerName: 'test', Time: at.toISOString() }, { openid: null, now: at });
    expect(swept).toMatchObject({ ok: true, data: { jobs: { refunds: { sent: 1 } } } });
    expect(server.requests.filter((r) => r.method === 'POST' && r.url.startsWith('/v3/refund/domestic/refunds') && r.authorized)).toHaveLength(1);
    expect(server.desk.queryRefund(refundNo)).toMatchObject({ ok: true, value: { outTradeNo: second.data.outTradeNo, refundFen: 6200 } });
    server.desk.settleRefund(refundNo, 'SUCCESS', now());
    const later = now();
    expect(await cloud.host.functions.sweeper({ Type: 'Timer', TriggerName: 'test', Time: later.toISOString() }, { openid: null, now: later })).toMatchObject({
      data: { jobs: { refunds: { refunded: 1 } } },
    });
    expect(billRow(cloud, gas)).toMatchObject({ status: 'paid', paidBy: first.data.outTradeNo });
  });
});

it('pays an order the sandbox forgot (the local host restarted): the same out_trade_no is placed again', async () => {
  const cloud = await startCloud({ sandbox: sandboxPayments() });
  try {
    await setUp(cloud);
    await cloud.call('bills', { action: 'bindAccount', accountType: 'water', accountNo: '31000001', holderName: '张三' }, { openid: 'u1', now: iso(0) });
    const first = await cloud.call('bills', { action: 'pay', billId: WATER_BILL }, { openid: 'u1', now: iso(1) });
    // A restarted host: same database, a new sandbox that never saw the order.
    await cloud.host.close();
    const { createHost } = await import('../../functions/local/host');
    const { sqlitePorts } = await import('../../functions/lib/sqlite');
    const { standinPorts } = await import('../../functions/local/backend');
    const fresh = sandboxPayments();
    const pay = { pay: { ok: true as const, payments: fresh } };
    const host = createHost({
      ports: cloud.backend === 'sqlite' ? sqlitePorts(cloud.db, pay) : standinPorts(cloud.standin!, pay),
      backend: cloud.backend,
      admins: new Set([ADMIN]),
      clock: 'header',
      sandbox: fresh,
      log: () => {},
    });
    const url = await host.listen(0);
    try {
      const call = async (event: unknown) =>
        (
          await fetch(`${url}/functions/bills`, { method: 'POST', body: JSON.stringify(event), headers: { 'x-wx-openid': 'u1', 'x-nearby-now': iso(2) } })
        ).json();
      const again = (await call({ action: 'pay', billId: WATER_BILL })) as { data: { outTradeNo: string } };
      expect(again.data.outTradeNo).toBe(first.data.outTradeNo);
      expect((await fetch(`${url}/sandbox/pay/${first.data.outTradeNo}`, { method: 'POST', headers: { 'x-nearby-now': iso(3) } })).status).toBe(204);
      expect(billRow(cloud, WATER_BILL)).toMatchObject({ status: 'paid', paidBy: first.data.outTradeNo });
    } finally {
      await host.close();
    }
  } finally {
    await cloud.close();
  }
});

it('seeds the demo accounts the README lists, bindable and payable', async () => {
  const { DEMO_ACCOUNTS } = await import('../../functions/local/seed-bills');
  const cloud = await startCloud({ seed: 'demo', sandbox: sandboxPayments() });
  try {
    for (const a of DEMO_ACCOUNTS) {
      const bound = await cloud.call(
        'bills',
        { action: 'bindAccount', billerId: a.billerId, accountNo: a.accountNo, holderName: a.holderName, label: '我家' },
        { openid: 'demo-user' },
      );
      expect(bound).toMatchObject({ ok: true, data: { account: { billerId: a.billerId, type: a.accountType, accountNo: a.accountNo, label: '我家' } } });
    }
    // The demo city's companies: two of them collect gas bills.
    const gas = await cloud.call('bills', { action: 'billers', city: '上海', type: 'gas' });
    expect(gas.data.billers.map((b: { name: string }) => b.name)).toEqual(['上海燃气', '上海大众燃气']);
    const listed = await cloud.call('bills', { action: 'list', status: 'unpaid' }, { openid: 'demo-user' });
    expect(listed.data.bills).toHaveLength(8);
    const pay = await cloud.call('bills', { action: 'pay', billId: listed.data.bills[0].id }, { openid: 'demo-user' });
    expect((await fetch(`${cloud.url}/sandbox/pay/${pay.data.outTradeNo}`, { method: 'POST' })).status).toBe(204);
  } finally {
    await cloud.close();
  }
});

it('billers, a bind by company with a label, a repeated bind, one bill in full and its payment record, through the local host', async () => {
  const cloud = await startCloud({ sandbox: sandboxPayments() });
  try {
    const admin = (event: Record<string, unknown>) => cloud.call('admin', event, { openid: ADMIN, now: iso(0) });
    const billers = [
      { id: 'sh-water', name: '上海城投水务', type: 'water', city: '上海', accountNoPattern: '\\d{8}', accountNoHint: '账单右上角“户号”' },
      { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海' },
      { id: 'sh-gas-dz', name: '上海大众燃气', type: 'gas', city: '上海', accountNoPattern: 'DZ-\\d{7}' },
    ];
    expect(await admin({ action: 'upsertBillers', billers })).toEqual({ ok: true, data: { upserted: 3 } });
    // No caller needed for the companies.
    expect(await cloud.call('bills', { action: 'billers', city: '上海', type: 'water' })).toEqual({
      ok: true,
      data: { billers: [{ id: 'sh-water', name: '上海城投水务', type: 'water', city: '上海', accountNoHint: '账单右上角“户号”' }] },
    });
    const row = { holderName: '王芳', period: '2026-10', amountFen: 3850, dueDate: '2026-11-18' };
    expect(await admin({ action: 'importBills', bills: [{ ...row, billerId: 'sh-gas-dz', accountNo: '31000002' }] })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'bills[0].accountNo: is not a 上海大众燃气 account number' },
    });
    expect(await admin({ action: 'importBills', bills: [{ ...row, billerId: 'sh-gas-dz', accountNo: 'DZ-2100301' }] })).toMatchObject({ ok: true });
    // A type with one biller stands for it.
    expect(await admin({ action: 'importBills', bills: [{ ...row, accountType: 'water', accountNo: '31000001' }] })).toMatchObject({ ok: true });
    const utilityBillIds = (snapshot(cloud).bills as { id?: string; _id?: string; type: string }[])
      .filter((b) => b.type !== 'ride')
      .map((b) => b.id ?? b._id)
      .sort();
    expect(utilityBillIds).toEqual(['UB:sh-gas-dz:DZ-2100301:2026-10', 'UB:sh-water:31000001:2026-10']);
    const bind = { action: 'bindAccount', billerId: 'sh-gas-dz', accountNo: 'DZ-2100301', holderName: '王 芳', label: '父母家' };
    const first = await cloud.call('bills', bind, { openid: 'u1', now: iso(1) });
    expect(first).toEqual({
      ok: true,
      data: {
        account: {
          billerId: 'sh-gas-dz',
          billerName: '上海大众燃气',
          accountType: 'gas',
          type: 'gas',
          accountNo: 'DZ-2100301',
          holderName: '王*',
          label: '父母家',
          boundAt: iso(1),
        },
        alreadyBound: false,
      },
    });
    const again = await cloud.call('bills', { ...bind, label: '我家' }, { openid: 'u1', now: iso(2) });
    expect(again).toEqual({ ok: true, data: { account: first.data.account, alreadyBound: true } });
    const billId = 'UB:sh-gas-dz:DZ-2100301:2026-10';
    const pay = await cloud.call('bills', { action: 'pay', billId }, { openid: 'u1', now: iso(3) });
    expect((await fetch(`${cloud.url}/sandbox/pay/${pay.data.outTradeNo}`, { method: 'POST', headers: { 'x-nearby-now': iso(4) } })).status).toBe(204);
    const got = await cloud.call('bills', { action: 'get', billId }, { openid: 'u1', now: iso(5) });
    expect(got).toEqual({
      ok: true,
      data: {
        bill: {
          id: billId,
          type: 'gas',
          billerId: 'sh-gas-dz',
          billerName: '上海大众燃气',
          label: '父母家',
          accountNo: 'DZ-2100301',
          period: '2026-10',
          amountFen: 3850,
          dueDate: '2026-11-18',
          status: 'paid',
          paidAt: expect.any(String),
          holderName: '王*',
          transactionId: orderTransaction(cloud, pay.data.outTradeNo),
        },
      },
    });
    expect(got.data.bill.transactionId).toEqual(expect.any(String));
    expect(await cloud.call('bills', { action: 'get', billId }, { openid: 'u2' })).toMatchObject({ error: { code: 'NOT_FOUND' } });
  } finally {
    await cloud.close();
  }
}, 60_000);
