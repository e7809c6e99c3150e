// Bills from their real entry points, driving the real pages against a real local host with the
// WeChat Pay sandbox: the unlock refusal's "去支付", a bill opened cold from a message, binding a
// demo utility account and paying its bill. Only the phone is played (device.ts); in local mode
// the pay service completes a payment through the host's `POST /sandbox/pay/{outTradeNo}`, which
// sends payNotify a signed notification through the real verification code.
import fs from 'node:fs';
import path from 'node:path';
import { type Answer, bikesByAStation, dataOf, journeySuite } from '../support/journey';
import { sandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { DEMO_ACCOUNTS } from '../../functions/local/seed-bills';
import { flush, tap, texts, wxMock } from './harness';
import { hostCall, lastNavigation, playDevice, until, setNow, fakeDateOnly, openUrl } from './device';

const T0 = new Date('2026-11-25T01:00:00Z'); // 09:00 in Shanghai
const suite = journeySuite(T0, { fakeDateOnly, openUrl }, { sandbox: sandboxPayments() });
const { visit } = suite;

describe('a rider who owes a ride bill', () => {
  it('is refused at unlock with 去支付, pays in the sandbox, sees 已支付 and unlocks again', async () => {
    const { bikes, station } = await bikesByAStation(suite.cloud.url, 2);
    const rider = 'journey-owes';
    // A 10-minute ride, ended at the station: a bill of one half-hour.
    const ride = dataOf(
      await hostCall<Answer<{ ride: { id: string } }>>(
        suite.cloud.url,
        'rides',
        { action: 'unlock', bikeCode: bikes[0].code, lat: bikes[0].lat, lng: bikes[0].lng },
        { openid: rider, now: T0 },
      ),
    );
    const later = new Date(T0.getTime() + 10 * 60_000);
    const ended = dataOf(
      await hostCall<Answer<{ ride: { feeFen: number; billId: string } }>>(
        suite.cloud.url,
        'rides',
        { action: 'end', rideId: ride.ride.id, lat: station.lat, lng: station.lng },
        { openid: rider, now: later },
      ),
    );
    // The default tariff: 120 s free, then 150 fen per started 30 min: 10 min = 1 half-hour = 150 fen.
    expect(ended.ride.feeFen).toBe(150);

    const device = playDevice(suite.cloud.url, rider, { position: { lat: bikes[1].lat, lng: bikes[1].lng }, privacyAgreed: true, locationScope: true });
    setNow(device, new Date(later.getTime() + 60_000));
    const unlock = await visit(`/packageRide/pages/unlock/index?code=${bikes[1].code}`);
    await until(() => unlock.data.state === 'ready', 'the bike card');
    await tap(unlock, '.unlock-btn');
    await until(() => unlock.data.errorText !== '', 'the refusal');
    expect(texts(unlock, '.error-text')).toEqual(['你有未支付的骑行账单，支付后才能开始新的骑行']);
    expect(texts(unlock, '.follow-up')).toEqual(['去支付']);

    await tap(unlock, '.follow-up');
    const billUrl = lastNavigation('navigateTo');
    expect(billUrl).toBe('/packageBill/pages/bill/index?ride=unpaid');
    const bill = await visit(billUrl);
    await until(() => bill.data.state === 'unpaid', 'the ride bill');
    expect(texts(bill, '.bill-title')).toEqual(['骑行费']);
    expect(texts(bill, '.amount')).toEqual(['¥1.50']);
    expect(texts(bill, '.status')).toEqual(['待支付']);

    await tap(bill, '.pay-btn');
    await until(() => bill.data.state === 'paid', 'the payment confirmed');
    expect(texts(bill, '.status')).toEqual(['已支付']);
    expect(texts(bill, '.paid-at')).toHaveLength(1);
    // The sandbox played the payer: WeChat's sheet was never asked for a sandbox prepay id.
    expect(wxMock().requestPayment).not.toHaveBeenCalled();
    expect(texts(bill, '.ride-on-btn')).toEqual(['继续用车']);
    await tap(bill, '.ride-on-btn');
    expect(wxMock().navigateBack).toHaveBeenCalled();

    // Back on the unlock page (WeChat shows it again: onShow), the refusal and its 去支付 are gone
    // and the same tap now starts the ride (issue 17: it used to keep saying the bill was unpaid).
    await unlock.instance.onShow();
    await until(() => unlock.data.errorText === '', 'the refusal cleared');
    expect(texts(unlock, '.follow-up')).toEqual([]);
    await tap(unlock, '.unlock-btn');
    await until(() => wxMock().redirectTo.mock.calls.length > 0, 'the riding page');
    expect(lastNavigation('redirectTo')).toMatch(/^\/packageRide\/pages\/riding\/index\?rideId=/);

    // The bill opened later from a message (cold, by id) says it is paid, and offers no payment.
    const fromMessage = await visit(`/packageBill/pages/bill/index?billId=${encodeURIComponent(ended.ride.billId)}`);
    await until(() => fromMessage.data.state === 'paid', 'the paid bill');
    expect(texts(fromMessage, '.status')).toEqual(['已支付']);
    expect(fromMessage.querySelectorAll('.pay-btn')).toHaveLength(0);
  });
});

describe('a household paying its water bill', () => {
  it('binds the demo water account by city, type and company (a wrong name refused first, a repeat says 已绑定), pays a bill and finds its record', async () => {
    const water = DEMO_ACCOUNTS.find((a) => a.accountType === 'water')!;
    const device = playDevice(suite.cloud.url, 'journey-household', { privacyAgreed: true, locationScope: true });
    setNow(device, T0);

    const accounts = await visit('/packageBill/pages/accounts/index');
    await until(() => accounts.data.state === 'list' && accounts.data.cityNote === '已按当前位置选择城市', 'the accounts and the city');
    expect(texts(accounts, '.no-accounts')).toEqual(['还没有绑定户号']);
    expect(texts(accounts, '.city-chip .chip-on')).toEqual(['上海']);
    expect(texts(accounts, '.types .chip')).toEqual(['水', '电', '燃气']);
    await tap(accounts, '.types .type-chip', 2); // 燃气: the demo city's two gas companies
    expect(texts(accounts, '.company-row')).toEqual(['上海燃气✓', '上海大众燃气']);
    await tap(accounts, '.company-row', 1);
    expect(texts(accounts, '.hint')).toEqual(['燃气卡背面的“客户号”，如 DZ-2100301']);
    await tap(accounts, '.types .type-chip', 0);
    expect(texts(accounts, '.company-row')).toEqual(['上海城投水务✓']);
    accounts.querySelector('.account-no')!.dispatchEvent('input', { detail: { value: water.accountNo } });
    accounts.querySelector('.holder-name')!.dispatchEvent('input', { detail: { value: '李四' } });
    await flush();
    await tap(accounts, '.bind-btn');
    await until(() => accounts.data.formError !== '', 'the refusal');
    expect(texts(accounts, '.form-error')).toEqual(['户号或户主姓名不正确，请核对缴费单上的信息']);

    accounts.querySelector('.holder-name')!.dispatchEvent('input', { detail: { value: ` ${water.holderName} ` } });
    await flush();
    await tap(accounts, '.label-chip', 0); // 我家
    await tap(accounts, '.bind-btn');
    await until(() => accounts.data.groups.length === 1, 'the bound account');
    expect(texts(accounts, '.household-label')).toEqual(['我家']);
    expect(texts(accounts, '.account-title')).toEqual([`上海城投水务 · ${water.accountNo}`]);
    expect(texts(accounts, '.holder')).toEqual(['水 · 户主 张*']);
    expect(texts(accounts, '.bind-done')).toEqual(['绑定成功']);
    // The same account again: 已绑定, nothing new.
    accounts.querySelector('.account-no')!.dispatchEvent('input', { detail: { value: water.accountNo } });
    accounts.querySelector('.holder-name')!.dispatchEvent('input', { detail: { value: water.holderName } });
    await flush();
    await tap(accounts, '.bind-btn');
    await until(() => accounts.data.done === '已绑定', '已绑定');
    expect(texts(accounts, '.account-title')).toEqual([`上海城投水务 · ${water.accountNo}`]);

    const bills = await visit('/packageBill/pages/bills/index');
    await until(() => bills.data.state === 'list', 'the bills');
    expect(texts(bills, '.household-label')).toEqual(['我家']);
    // The button says what the page it opens is titled (accounts/index.json): one wording, MANAGE_ACCOUNTS.
    expect(texts(bills, '.accounts-btn')).toEqual(['管理户号']);
    expect(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../miniprogram/packageBill/pages/accounts/index.json'), 'utf8')).navigationBarTitleText).toBe(
      '管理户号',
    );
    const unpaidTitles = texts(bills, '.unpaid .bill-title');
    expect(unpaidTitles).toEqual([`上海城投水务 · ${water.accountNo}`, `上海城投水务 · ${water.accountNo}`]);
    const amounts = texts(bills, '.unpaid .bill-amount');
    // The demo water account's two bills (functions/local/seed-bills.ts): 4280 fen and 3960 fen.
    expect([...amounts].sort()).toEqual(['¥39.60', '¥42.80']);

    await tap(bills, '.unpaid .bill-row', 0);
    const bill = await visit(lastNavigation('navigateTo'));
    await until(() => bill.data.state === 'unpaid', 'the water bill');
    expect(texts(bill, '.company')).toEqual(['上海城投水务 · 我家']);
    expect(texts(bill, '.holder')).toEqual(['户主 张*']);
    const amount = texts(bill, '.amount')[0];
    expect(amount).toBe(amounts[0]);
    await tap(bill, '.pay-btn');
    await until(() => bill.data.state === 'paid', 'the payment confirmed');
    expect(texts(bill, '.status')).toEqual(['已支付']);
    expect(texts(bill, '.transaction-id')[0]).toMatch(/\S+/);

    // Back from the bill: WeChat shows the list again.
    bills.instance.onShow();
    await until(() => texts(bills, '.paid .bill-row').length === 1, 'the paid bill listed');
    expect(texts(bills, '.unpaid .bill-amount')).toEqual([amounts[1]]);
    expect(texts(bills, '.paid .bill-status')).toEqual(['已支付']);

    // 缴费记录: the payment, with its transaction, and its receipt.
    const records = await visit('/packageBill/pages/records/index');
    await until(() => records.data.state === 'list', 'the records');
    expect(texts(records, '.record-company')).toEqual(['上海城投水务']);
    expect(texts(records, '.record-amount')).toEqual([amount]);
    expect(texts(records, '.small')[0]).toContain(`交易单号 ${texts(bill, '.transaction-id')[0]}`);
    await tap(records, '.record-row', 0);
    const receipt = await visit(lastNavigation('navigateTo'));
    await until(() => receipt.data.state === 'receipt', 'the receipt');
    expect(texts(receipt, '.amount')).toEqual([amount]);
  });
});
