/**
 * A bills world for the bills port contract suite: the bills use cases over the SQLite adapter or
 * over the CloudBase adapter on the shared fake (functions/local/cloudbase-standin.ts), with the rides
 * adapter of the same back end (ride bills, the rider's unpaid-bills record) and the sandbox
 * playing WeChat Pay; the stored state read back for the invariants.
 */
import { randomBytes } from 'node:crypto';
import { cloudbaseBills } from '../../functions/lib/cloudbase/bills';
import { cloudbasePlaces } from '../../functions/lib/cloudbase/places';
import { cloudbaseRides } from '../../functions/lib/cloudbase/rides';
import { timedLock } from '../../functions/lib/lock';
import type { BillStore, RideStore } from '../../functions/lib/ports';
import { openDatabase, type Db } from '../../functions/lib/sqlite';
import { sqliteBills } from '../../functions/lib/sqlite/bills';
import { sqlitePlaces } from '../../functions/lib/sqlite/places';
import { sqliteRides } from '../../functions/lib/sqlite/rides';
import type { BillDeps } from '../../functions/lib/usecases/bills';
import { upsertPlaces } from '../../functions/lib/usecases/places';
import { endRide, unlock } from '../../functions/lib/usecases/ride';
import { sandboxPayments, type SandboxPayments } from '../../functions/lib/wechatpay/sandbox';
import { duplicateRefundNo } from '../../shared/payment';
import { upsertPlacesParams } from '../../shared/contract/admin';
import { DEFAULT_TARIFF } from '../../shared/tariff';
import { FakeCloudbase } from '../../functions/local/cloudbase-standin';
import type { Stoppable } from './port-suite';
import { stoppableSqlite } from './sqlite-stop';
import { HERE, PLACES } from './rides-world';

export type Adapter = 'sqlite' | 'cloudbase';
export const ADAPTERS: Adapter[] = ['sqlite', 'cloudbase'];
export const T0 = Date.parse('2026-11-25T00:00:00Z');
export const at = (sec: number) => new Date(T0 + sec * 1000);

let shared: SandboxPayments | undefined;
/** One sandbox a test file (its keys take a moment to make); orders have random numbers, so tests do not meet. */
export const sandbox = (): SandboxPayments => (shared ??= sandboxPayments());

export interface StoredState {
  bills: {
    id: string;
    type: string;
    openid: string | null;
    amountFen: number;
    status: string;
    paidBy: string | null;
    /** Each payer's open order. */
    openOrders: { openid: string; outTradeNo: string }[];
  }[];
  orders: { outTradeNo: string; billId: string; openid: string; amountFen: number; status: string; transactionId: string | null }[];
  refunds: { outRefundNo: string; outTradeNo: string; billId: string; status: string }[];
  /** CloudBase only: each rider's unpaid ride bills as their document lists them. */
  riders?: Map<string, string[]>;
}

export interface BillsWorld {
  adapter: Adapter;
  deps: BillDeps;
  rides: RideStore;
  sandbox: SandboxPayments;
  fake?: FakeCloudbase;
  db?: Db;
  /** Where a stop is injected: the CloudBase fake, or the SQLite database the bills adapter works on. */
  faults: Stoppable;
  /** A new adapter instance over the same data (what a restarted function gets). */
  fresh(): BillStore;
  state(): StoredState;
  /** A ride of `openid` on bike A ended after `sec` seconds: its bill id. */
  rideBill(openid: string, sec?: number): Promise<string>;
}

export async function billsWorld(adapter: Adapter): Promise<BillsWorld> {
  const pay = { ok: true as const, payments: sandbox() };
  const random = { bytes: (n: number) => randomBytes(n) };
  const lock = timedLock({ unlock: async () => 'ok' as const }, 3000);
  let w: BillsWorld;
  if (adapter === 'sqlite') {
    const db = openDatabase(':memory:');
    const rides = sqliteRides(db);
    const places = sqlitePlaces(db);
    await upsertPlaces({ places }, upsertPlacesParams.parse({ places: PLACES }));
    // The bills adapter works on the stoppable wrapper; the invariants read the database itself.
    const stoppable = stoppableSqlite(db);
    w = {
      adapter,
      db,
      faults: stoppable.faults,
      rides,
      sandbox: pay.payments,
      deps: { bills: sqliteBills(stoppable.db), pay, random },
      fresh: () => sqliteBills(stoppable.db),
      state: () => ({
        bills: (
          db.prepare('SELECT id, type, openid, amount_fen AS amountFen, status, paid_by AS paidBy, open_orders AS openOrders FROM bills').all() as (Omit<
            StoredState['bills'][number],
            'openOrders'
          > & { openOrders: string })[]
        ).map((b) => ({ ...b, openOrders: JSON.parse(b.openOrders) })),
        orders: db
          .prepare(
            'SELECT out_trade_no AS outTradeNo, bill_id AS billId, openid, amount_fen AS amountFen, status, transaction_id AS transactionId FROM pay_orders',
          )
          .all() as StoredState['orders'],
        refunds: db
          .prepare('SELECT out_refund_no AS outRefundNo, out_trade_no AS outTradeNo, bill_id AS billId, status FROM pay_refunds')
          .all() as StoredState['refunds'],
      }),
      rideBill: async () => '',
    };
  } else {
    const fake = new FakeCloudbase({ unique: { places_bike: ['code'] } });
    const rides = cloudbaseRides(fake);
    await upsertPlaces({ places: cloudbasePlaces(fake) }, upsertPlacesParams.parse({ places: PLACES }));
    const rows = (name: string) => [...fake.table(name).entries()].map(([id, doc]) => ({ ...doc, _id: id }) as Record<string, any>);
    w = {
      adapter,
      fake,
      faults: fake,
      rides,
      sandbox: pay.payments,
      deps: { bills: cloudbaseBills(fake), pay, random },
      fresh: () => cloudbaseBills(fake),
      state: () => ({
        bills: rows('bills').map((b) => ({
          id: b._id,
          type: b.type,
          openid: b.openid ?? null,
          amountFen: b.amountFen,
          status: b.status,
          paidBy: b.paidBy ?? null,
          openOrders: b.openOrders ?? [],
        })),
        orders: rows('pay_orders').map((o) => ({
          outTradeNo: o._id,
          billId: o.billId,
          openid: o.openid,
          amountFen: o.amountFen,
          status: o.status,
          transactionId: o.transactionId ?? null,
        })),
        refunds: rows('pay_refunds').map((r) => ({ outRefundNo: r._id, outTradeNo: r.outTradeNo, billId: r.billId, status: r.status })),
        riders: new Map(rows('riders').map((r) => [r._id, (r.unpaidRideBills ?? []) as string[]])),
      }),
      rideBill: async () => '',
    };
  }
  w.rideBill = async (openid, sec = 600) => {
    const deps = { rides: w.rides, lock, tariff: DEFAULT_TARIFF, random };
    const started = await unlock(deps, { bikeCode: 'A', ...HERE }, { caller: openid, now: at(0) });
    if (!started.ok) throw new Error(started.error.message);
    const ended = await endRide(deps, { rideId: started.data.ride.id, ...HERE }, { caller: openid, now: at(sec) });
    if (!ended.ok || !ended.data.ride.billId) throw new Error('no ride bill');
    return ended.data.ride.billId;
  };
  return w;
}

/**
 * Every invariant of bills and payments on what is stored: no bill paid twice (its `paidBy` is one
 * paid order of that bill and amount); no paid bill without its payment; every other paid order of
 * a bill (a duplicate payment) has its refund (`duplicateRefundNo`); a bill's open order exists and
 * is there, of the payer it names, one a payer (no order lost); on CloudBase, each rider's document lists exactly their unpaid ride bills.
 */
export function checkBillInvariants(state: StoredState): void {
  const orders = new Map(state.orders.map((o) => [o.outTradeNo, o]));
  const refunds = new Map(state.refunds.map((r) => [r.outTradeNo, r]));
  for (const bill of state.bills) {
    if (bill.status === 'paid') {
      const order = orders.get(bill.paidBy ?? '');
      if (!order || order.status !== 'paid' || order.billId !== bill.id || order.amountFen !== bill.amountFen || !order.transactionId) {
        throw new Error(`bill ${bill.id} is paid by ${bill.paidBy} without its payment (${JSON.stringify(order)})`);
      }
    } else if (bill.paidBy !== null) throw new Error(`unpaid bill ${bill.id} names payment ${bill.paidBy}`);
    if (bill.status === 'paid' && bill.openOrders.length > 0) throw new Error(`paid bill ${bill.id} still lists open orders`);
    const payers = new Set<string>();
    for (const entry of bill.openOrders) {
      const open = orders.get(entry.outTradeNo);
      if (!open || open.billId !== bill.id || open.openid !== entry.openid) throw new Error(`bill ${bill.id}'s open order ${entry.outTradeNo} is lost`);
      if (payers.has(entry.openid)) throw new Error(`bill ${bill.id} lists two open orders of ${entry.openid}`);
      payers.add(entry.openid);
    }
  }
  const bills = new Map(state.bills.map((b) => [b.id, b]));
  for (const order of state.orders) {
    if (!bills.has(order.billId)) throw new Error(`order ${order.outTradeNo} of no bill`);
    if (order.status !== 'paid') continue;
    const bill = bills.get(order.billId)!;
    if (bill.paidBy === order.outTradeNo) {
      if (refunds.has(order.outTradeNo)) throw new Error(`order ${order.outTradeNo} paid bill ${bill.id} and is refunded too`);
      continue;
    }
    const refund = refunds.get(order.outTradeNo);
    if (!refund || refund.outRefundNo !== duplicateRefundNo(order.outTradeNo))
      throw new Error(`order ${order.outTradeNo}'s money (bill ${bill.id} ${bill.status}) has no refund`);
  }
  if (state.riders) {
    const riders = new Set([...state.riders.keys(), ...state.bills.filter((b) => b.type === 'ride').map((b) => b.openid!)]);
    for (const openid of riders) {
      const unpaid = state.bills
        .filter((b) => b.type === 'ride' && b.openid === openid && b.status === 'unpaid')
        .map((b) => b.id)
        .sort();
      const listed = [...(state.riders.get(openid) ?? [])].sort();
      if (JSON.stringify(unpaid) !== JSON.stringify(listed)) throw new Error(`rider ${openid}'s document lists ${listed}, unpaid ride bills are ${unpaid}`);
    }
  }
}
