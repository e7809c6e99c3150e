/**
 * Payment settings: a missing or malformed WECHATPAY_* stops the local host at start, naming it;
 * in the cloud only the pay actions (and payNotify) refuse, naming it, while the rest of `bills`
 * and the sweeper work.
 */
import { billsActions } from '../../functions/lib/actions/bills';
import { servePayNotify } from '../../functions/lib/actions/pay-notify';
import { cloudbasePorts } from '../../functions/lib/cloudbase/adapters';
import type { CloudbaseDb } from '../../functions/lib/cloudbase/db';
import { createCloudbaseWorld } from '../../functions/lib/cloudbase/world';
import { serve } from '../../functions/lib/serve';
import { settingsFrom } from '../../functions/local/main';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';

it('stops the local host at start naming the setting', () => {
  expect(() => settingsFrom({ NEARBY_PAY: 'wechatpay' })).toThrow(/WECHATPAY_MCHID/);
  expect(() => settingsFrom({ NEARBY_PAY: 'paypal' })).toThrow(/NEARBY_PAY/);
  expect(() => settingsFrom({ NEARBY_PAY: 'wechatpay', WECHATPAY_MCHID: '1230000109', WECHAT_APPID: 'nope' })).toThrow(/WECHAT_APPID/);
  expect(settingsFrom({}).pay?.mode).toBe('sandbox');
});

it('answers FAILED_PRECONDITION naming the setting in the cloud, while the rest works', async () => {
  const fake = new FakeCloudbase();
  const world = {
    ...createCloudbaseWorld(() => cloudbasePorts(fake as unknown as CloudbaseDb, { WECHATPAY_MCHID: '1230000109' }), {}),
    caller: () => 'u1',
    log: () => {},
  };
  const bills = serve('bills', billsActions, world);
  expect(await bills({ action: 'pay', billId: 'UB:water:31000001:2026-10' })).toEqual({
    ok: false,
    error: { code: 'FAILED_PRECONDITION', message: expect.stringContaining('WECHAT_APPID'), reason: 'PAYMENTS_UNAVAILABLE' },
  });
  expect(await bills({ action: 'list' })).toEqual({ ok: true, data: { bills: [] } });
  expect(await bills({ action: 'bindAccount', accountType: 'gas', accountNo: '31000002', holderName: 'x' })).toMatchObject({
    ok: false,
    error: { code: 'NOT_FOUND' },
  });
  const notify = servePayNotify(world);
  expect(await notify({ httpMethod: 'POST', path: '/pay/notify', headers: {}, body: '{}', isBase64Encoded: false })).toMatchObject({
    statusCode: 503,
    body: expect.stringContaining('WECHAT_APPID'),
  });
  const sandboxed = serve('bills', billsActions, { ...world, deps: () => cloudbasePorts(fake as unknown as CloudbaseDb, { NEARBY_PAY: 'sandbox' }) });
  expect(await sandboxed({ action: 'pay', billId: 'x' })).toMatchObject({
    error: { code: 'FAILED_PRECONDITION', message: expect.stringContaining('NEARBY_PAY') },
  });
});
