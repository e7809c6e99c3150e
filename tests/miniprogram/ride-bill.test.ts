/** The full ride bill: the bill page says which ride (bills.get): date, bike, duration, fee and surcharge. */
jest.mock('../../miniprogram/services/bills', () => ({ listBills: jest.fn(), refreshBill: jest.fn() }));
jest.mock('../../miniprogram/services/rides', () => ({ rideBill: jest.fn() }));
jest.mock('../../miniprogram/services/pay', () => ({ payForBill: jest.fn() }));
jest.mock('../../miniprogram/services/subscribe', () => ({
  SUBSCRIBE_FOR: { billRemindMe: ['billDue'], billPaid: ['billDue'] },
  prefetchTemplates: jest.fn(() => Promise.resolve()),
  subscribeFor: jest.fn(() => Promise.resolve({ asked: true, results: {}, granted: true })),
}));
import { loadPage, openPage, texts } from './harness';

const bills = jest.requireMock('../../miniprogram/services/bills') as { refreshBill: jest.Mock };
const rides = jest.requireMock('../../miniprogram/services/rides') as { rideBill: jest.Mock };

const BILL = { id: 'RB1', type: 'ride', amountFen: 650, status: 'unpaid', rideId: 'R1' };
const RIDE = { bikeCode: 'B0042', startAt: '2026-11-25T15:50:00.000Z', endAt: '2026-11-25T16:12:05.000Z', durationSec: 1325, feeFen: 650, surchargeFen: 500 };

let pageId: string;
beforeAll(() => {
  pageId = loadPage('packageBill/pages/bill/index');
});

it('shows the ride of a ride bill: when (Shanghai time, past midnight), bike, duration, fee and surcharge apart', async () => {
  bills.refreshBill.mockResolvedValue({ ok: true, data: { bill: BILL } });
  rides.rideBill.mockResolvedValue({ ok: true, data: { bill: { ...BILL, ...RIDE } } });
  const page = await openPage(pageId, { billId: 'RB1' });
  expect(rides.rideBill).toHaveBeenCalledWith('RB1');
  expect(texts(page, '.ride-line')).toEqual(['骑行时间11月25日 23:50–次日00:12', '单车B0042', '骑行时长22 分 5 秒', '骑行费¥1.50', '停车区外加收¥5.00']);
  expect(texts(page, '.amount')).toEqual(['¥6.50']);
});

it('shows the bill alone when its ride cannot be read', async () => {
  bills.refreshBill.mockResolvedValue({ ok: true, data: { bill: BILL } });
  rides.rideBill.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: 'x' } });
  const page = await openPage(pageId, { billId: 'RB1' });
  expect(page.querySelectorAll('.ride-line')).toHaveLength(0);
  expect(texts(page, '.amount')).toEqual(['¥6.50']);
});
