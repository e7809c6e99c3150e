import type { LatLng, Polygon } from '../../shared/geo';
import type { Place, PlaceKind } from '../../shared/places';
import type { Booking, BookingStatus, Contact, Refusal, SlotRequest, Verdict } from '../../shared/booking';
import type { RandomSource } from '../../shared/checkin-code';
import type { Bike, Station } from '../../shared/places';
import type { Tariff } from '../../shared/tariff';
import type {
  AbortCause,
  EndDecision,
  Ending,
  HoldRecord,
  HoldRefusal,
  ReportDecision,
  ReportRecord,
  ResolveDecision,
  RideRecord,
  UnlockRefusal,
} from '../../shared/ride';
import type { ReportCategory } from '../../shared/ride-rules';

/** Who calls and when: read from the function context by the world, never from the event. */
export interface Call {
  caller: string | null;
  now: Date;
}
export interface UserCall extends Call {
  caller: string;
}

/**
 * A write that lost to concurrent writes of the same records every time it was tried: nothing of
 * it was written, and the same request may simply be sent again (serve answers it as
 * RESOURCE_EXHAUSTED with reason CONTENDED, never as a bug).
 */
export class Contended extends Error {
  readonly retryable = true;
}

/** A clock for work outside a call (timers, an outbox); a call's "now" is `Call.now`, set by the world. */
export interface Clock {
  now(): Date;
}

export interface NearbyQuery {
  kind: PlaceKind;
  center: LatLng;
  radiusM: number;
  limit: number;
  category?: string;
  /** A filter the store cannot index (open now): applied nearest first until `limit` places pass. */
  accept?: (place: Place) => boolean;
}

export interface PlaceHit {
  place: Place;
  /** Metres from the query centre (the contract's haversine). */
  distance: number;
}

/** A text search (geo.search): `key` is the query in shared/search.ts `searchKey` form, never empty. */
export interface SearchQuery {
  kind: 'store' | 'station';
  key: string;
  /** Nearest first from here (with distances) when given, else by name then id. */
  center?: LatLng;
  limit: number;
}

export interface SearchHit {
  place: Station | Extract<Place, { kind: 'store' }>;
  /** Metres from the query centre, when there is one. */
  distance?: number;
}

export interface PlaceStore {
  /**
   * Inserts or replaces every place, all or nothing. Fails with ALREADY_EXISTS for a bike code held
   * by another bike. A ridden bike stays `riding` (shared/ride.ts `importedBike`); `deferred` lists
   * the ridden bikes whose `maintenance` waits for their ride's end.
   */
  upsert(places: Place[]): Promise<{ ok: true; deferred: string[] } | { ok: false; conflict: string }>;
  /** Places of one kind within the radius, nearest first, ties by id, at most `limit` (bikes: available only). */
  nearby(query: NearbyQuery): Promise<PlaceHit[]>;
  /** How many available bikes stand inside a zone (its boundary included). */
  countAvailableBikesIn(zone: Polygon): Promise<number>;
  /** The same for several zones at once (a nearby answer's stations): one query where the store allows, never one per zone. */
  countAvailableBikesInZones(zones: readonly Polygon[]): Promise<number[]>;
  /** The ids among `ids` that name no place of that kind. */
  missing(kind: PlaceKind, ids: string[]): Promise<string[]>;
  get<K extends PlaceKind>(kind: K, id: string): Promise<Extract<Place, { kind: K }> | null>;
  /** The places of one kind among `ids`, by id (ids naming none left out): one read, never one per id. */
  getMany<K extends PlaceKind>(kind: K, ids: readonly string[]): Promise<Map<string, Extract<Place, { kind: K }>>>;
  /** Stores or stations whose name (or a store's address) holds the query, at most `limit`. */
  search(query: SearchQuery): Promise<SearchHit[]>;
}

export interface StaffStore {
  /** Replaces the stores a staff member works for; an empty list removes them from staff. */
  set(openid: string, storeIds: string[]): Promise<void>;
  storesOf(openid: string): Promise<string[]>;
  /** Who works for a store (the `newBooking` message goes to each). */
  staffOf(storeId: string): Promise<string[]>;
}

export type { RideRecord };

/** A reservation: the rule (shared/ride.ts `decideUnlock`) is asked inside the adapter's atomic step. */
export interface ReserveInput {
  rideId: string;
  openid: string;
  bikeCode: string;
  position: LatLng;
  now: Date;
  lockTimeoutMs: number;
}

export interface AbortInput {
  rideId: string;
  cause: AbortCause;
  now: Date;
  lockTimeoutMs: number;
}

export interface FinishInput {
  rideId: string;
  ending: Ending;
  now: Date;
  tariff: Tariff;
  /** The bill's id, used iff the rule finds a fee above 0. */
  billId: string;
}

/**
 * Rides and ride bills. Every method that writes is one atomic step that reads the facts, asks the
 * rule of shared/ride.ts and writes what it answers; an adapter never decides or words a refusal.
 */
export interface RideStore {
  bikeByCode(code: string): Promise<Bike | null>;
  /** The rider's open ride (unlocking or active), if any. */
  openRideOf(openid: string): Promise<RideRecord | null>;
  get(rideId: string): Promise<RideRecord | null>;
  /** Stations whose zone may hold the position (a superset: `stationAt` of shared/ride.ts decides). */
  zonesNear(position: LatLng): Promise<Station[]>;
  /**
   * Atomically: reads the bike by its code, the rider's open ride, the bike's open ride and whether
   * the rider has an unpaid ride bill; asks `decideUnlock`; aborts the stale unlocks it names; on a
   * yes takes the bike (`riding`) and writes the ride (`unlocking`).
   */
  reserve(input: ReserveInput): Promise<{ ok: true; ride: RideRecord } | { ok: false; refusal: UnlockRefusal }>;
  /** unlocking -> active with `startAt`; null when the ride is no longer unlocking. */
  confirm(rideId: string, startAt: Date): Promise<RideRecord | null>;
  /**
   * Atomically, when `mayAbort` says so: unlocking -> aborted, the bike (`bikeStatusAfterRide`)
   * where it stood, the rider free. The aborted ride, or null when nothing was aborted.
   */
  abort(input: AbortInput): Promise<RideRecord | null>;
  /**
   * Atomically: reads the ride, asks `decideEnd`, and on a yes writes the ride ended, the bill (iff
   * it has a `billId`), the bike (`bikeStatusAfterRide`) at the end position, the rider free.
   */
  finish(input: FinishInput): Promise<EndDecision>;
  /** Ids of rides still `unlocking` since before `before`, oldest first, at most `limit`. */
  staleUnlocks(before: Date, limit: number): Promise<string[]>;
  /**
   * Atomically: reads the bike by its code, the rider's open ride, unpaid ride bills, latest
   * reservation and lapses, the bike's open ride; asks `decideHold`; on a yes holds the bike for the
   * rider (the bike's `heldBy`/`heldUntil`, the rider's reservation).
   */
  hold(input: HoldInput): Promise<{ ok: true; hold: HoldRecord } | { ok: false; refusal: HoldRefusal }>;
  /** Atomically: `decideCancelHold` on the rider's latest reservation; the cancelled one, or null. */
  cancelHold(openid: string, now: Date): Promise<HoldRecord | null>;
  /** The rider's latest reservation still held (live, or lapsed: a hold used or cancelled is none), or null. */
  holdOf(openid: string): Promise<HoldRecord | null>;
  /** Atomically: `decideReport` on the bike, the rider's report of today and the bike's open reports; writes the report and the bike. */
  report(input: ReportInput): Promise<ReportDecision>;
  /** Reports, newest first (ties by id), of one status or all, at most `limit`. */
  reports(status: 'open' | 'resolved' | undefined, limit: number): Promise<ReportRecord[]>;
  /** Atomically: `decideResolve` on the report and its bike; writes both. */
  resolveReport(input: { reportId: string; bikeStatus?: 'available' | 'maintenance'; now: Date }): Promise<ResolveDecision>;
  /** The rider's ended rides that ended before `before`, latest first, at most `limit`, with their bill's status. */
  history(openid: string, before: Date | null, limit: number): Promise<Array<RideRecord & { billStatus: 'unpaid' | 'paid' | null }>>;
}

export interface HoldInput {
  holdId: string;
  openid: string;
  bikeCode: string;
  position: LatLng;
  now: Date;
  lockTimeoutMs: number;
}

export interface ReportInput {
  reportId: string;
  openid: string;
  bikeCode: string;
  category: ReportCategory;
  note: string | null;
  photos: string[];
  now: Date;
}

/**
 * A bike's lock (see functions/lib/lock): sends the unlock command and answers when the lock
 * confirms ('ok') or refuses ('failed').
 */
export interface BikeLock {
  unlock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
  /**
   * Closes the lock again if it is open for `rideId`: it confirmed after that ride was aborted (a
   * late answer, or one that lost the race to whoever expired the ride), and the bike is offered to
   * others. A lock opened since for another ride is left alone ('ok': nothing of this ride to
   * close). Idempotent (`rideId` is the key); an offline lock resolves 'failed', never throws.
   * Every real adapter implements it; optional only so that a test's one-line lock stays one line.
   */
  relock?(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
}

/** A lock bounded by its timeout (`timedLock`): an unlock older than `timeoutMs` can no longer confirm. */
export interface TimedLock extends BikeLock {
  readonly timeoutMs: number;
  /** `BikeLock.relock`, bounded by the timeout too ('failed' for a lock without it). */
  relock(bikeId: string, rideId: string): Promise<'ok' | 'failed'>;
}

/** A create as the use case hands it to the store: the request's own verdict; the facts are read inside. */
export interface NewBooking {
  openid: string;
  requestId: string | null;
  /** The store's slot (and its `slot.capacity` at booking time, the party, autoConfirm), or why the request has none. */
  request: SlotRequest;
  now: Date;
  /** Who is coming and what they ask (stored with the booking; shown to the store's staff). */
  contact?: Contact | null;
  note?: string | null;
}

/** A reschedule as the use case hands it to the store: the new start's verdict (of the booking's store); the facts are read inside. */
export interface MovedBooking {
  bookingId: string;
  caller: string;
  request: SlotRequest;
  now: Date;
}

export type CreateBookingOutcome = { ok: true; booking: Booking; replayed: boolean } | { ok: false; refusal: Refusal };

export type MoveBookingOutcome = { ok: true; booking: Booking } | { ok: false; refusal: Refusal } | { ok: false; missing: true };

/**
 * Bookings and the per-slot counters that hold capacity. Every method that writes is one atomic
 * step that reads the facts, asks the rule in shared/booking.ts and writes its answer (or throws
 * `Contended`, having written nothing, when concurrent writes keep winning).
 */
export interface BookingStore {
  /**
   * Atomically: reads the caller's booking for the requestId, the caller's active bookings and
   * the slot's counter; `decideCreate` answers; on "book", takes the place and writes the booking
   * with a fresh unique code.
   */
  create(input: NewBooking): Promise<CreateBookingOutcome>;
  get(bookingId: string): Promise<Booking | null>;
  /** The booking holding this check-in code (codes are never reused). */
  byCode(code: string): Promise<Booking | null>;
  /**
   * Atomically: reads the booking, asks `rule` (canCancel, canConfirm, canCheckIn with their
   * caller and now), and when it agrees moves the booking to `to` with the move's effects
   * (`effectsOfMove`: a cancel frees the place once; leaving the active states ends the hold).
   */
  move(bookingId: string, rule: (booking: Booking) => Verdict, to: BookingStatus, now: Date, extra?: { reason?: string }): Promise<MoveBookingOutcome>;
  /**
   * Atomically: reads the booking, the owner's active bookings and no-shows and the new slot's
   * counter; `decideReschedule` answers; on "move" frees the old slot's places, takes the new
   * slot's and rewrites the booking (same id and code), all or nothing.
   */
  reschedule(input: MovedBooking): Promise<MoveBookingOutcome>;
  /** Ends of the customer's no-shows that can still matter (`NO_SHOW_MEMORY_MS`). */
  noShowsOf(openid: string, now: Date): Promise<string[]>;
  /** A customer's bookings: every upcoming one (slot not ended at `now`) and the latest `pastLimit` past ones. */
  ofCustomer(openid: string, now: Date, pastLimit: number): Promise<Booking[]>;
  /** A store's bookings of slots belonging to a local date, by start. */
  ofStoreDay(storeId: string, slotDate: string): Promise<Booking[]>;
  /** Places taken per slot start (keyed by the start as given), 0 for a slot nobody booked. */
  booked(storeId: string, starts: readonly string[]): Promise<Map<string, number>>;
}

/** Everything the use cases can reach; each use case takes only the ports it needs. */
export interface Ports {
  places: PlaceStore;
  staff: StaffStore;
  rides: RideStore;
  /** The bikes' locks, already bounded by the lock timeout (a late answer counts as 'failed'). */
  lock: TimedLock;
  tariff: Tariff;
  bookings: BookingStore;
  /** Where ids and codes come from: `node:crypto` in the functions, seeded in tests. */
  random: RandomSource;
  /** Reminders (issue 12; the block at the end of this file). */
  reminders: ReminderStore;
  bookingReminders: BookingReminderQueries;
  /** The bills issue's query; null until it exists (bill reminders are then not sent). */
  billReminders: BillReminderSource | null;
  notify: Notify;
  /** Accounts, bills, pay orders and refunds. */
  bills: BillStore;
  /** WeChat Pay (or the local sandbox), or the setting that is missing. */
  pay: PaySetup;
}

/**
 * Subscribe messages (functions/lib/messenger): the WeChat HTTPS API in the cloud, an outbox
 * locally. `send` never throws for anything WeChat or the network does: every answer is a
 * `SendOutcome` (shared/reminders.ts) naming its cause, which the reminder rules settle.
 * (Types imported inline: this block stays self-contained at the end of the file.)
 */
export type SendOutcome = import('../../shared/reminders').SendOutcome;

/** A message for one user: template key, page (with query) and data from shared/subscribe-message. */
export type MessageToSend = import('../../shared/subscribe-message').SubscribeMessage & { openid: string };

export interface Messenger {
  /** `at`: the run's "now", for the local outbox's `sentAt` (WeChat stamps its own). */
  send(message: MessageToSend, at?: Date): Promise<SendOutcome>;
}

/**
 * WeChat Pay API v3, as the bills use cases need it (functions/lib/wechatpay: the real adapter and
 * the local sandbox). Money in integer fen, times as Dates. Calls that reach WeChat Pay answer a
 * typed failure instead of throwing; nothing here decides whether a bill is paid (shared/payment does).
 */
// (Types imported inline: this block stays self-contained at the end of the file.)
export type PayTransaction = import('../../shared/payment').PayTransaction;
export type PayRefund = import('../../shared/payment').PayRefund;
export type TradeState = import('../../shared/payment').TradeState;
export type RefundStatus = import('../../shared/payment').RefundStatus;

/** Why a call to WeChat Pay did not give an answer we can trust. */
export type PayFailure =
  /** No answer within the request timeout. */
  | { kind: 'timeout'; message: string }
  /** The connection failed (DNS, refused, reset). */
  | { kind: 'network'; message: string }
  /** WeChat Pay answered an error: its HTTP status and its `code` (ORDERPAID, ORDER_NOT_EXIST, SYSTEM_ERROR...). */
  | { kind: 'http'; status: number; code: string; message: string }
  /** A 2xx answer whose signature did not verify (or named a key we do not have): treated as no answer. */
  | { kind: 'bad-signature'; message: string }
  /** A verified answer we could not read. */
  | { kind: 'malformed'; message: string }
  /** We refused to send it (an amount that is not integer fen, a bad order number). */
  | { kind: 'invalid'; message: string };

export type PayOutcome<T> = { ok: true; value: T } | { ok: false; failure: PayFailure };

export interface NewPayOrder {
  /** Ours, unique per merchant: 6..32 of `0-9A-Za-z_-*`. */
  outTradeNo: string;
  /** Shown to the payer (at most 127 bytes of UTF-8 are sent). */
  description: string;
  amountFen: number;
  payerOpenid: string;
  /** After this WeChat Pay refuses payment (`time_expire`). */
  expiresAt: Date;
  /** Echoed back by query and notification (`attach`, at most 128 characters). */
  attach?: string;
}

/** The arguments of `wx.requestPayment` (API v3). */
export interface RequestPaymentArgs {
  /** Seconds since the epoch, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=...` */
  package: string;
  signType: 'RSA';
  /** SHA256withRSA of `appId\ntimeStamp\nnonceStr\npackage\n` with the merchant key, base64. */
  paySign: string;
}

export interface NewRefund {
  outTradeNo: string;
  /** Ours: one per refund, a retried request with it refunds once. */
  outRefundNo: string;
  refundFen: number;
  /** The order's `amount.total`. */
  totalFen: number;
  reason?: string;
}

/** The `Wechatpay-*` headers (any case) and the raw body of a notification, as received. */
export interface ReceivedNotification {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A notification whose signature, time and encryption checked out; its content is judged by shared/payment. */
export type PayNotification =
  | { kind: 'transaction'; id: string; eventType: 'TRANSACTION.SUCCESS'; createdAt: Date | null; transaction: PayTransaction }
  | { kind: 'refund'; id: string; eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'; createdAt: Date | null; refund: PayRefund };

export type NotificationRefusal =
  /** A `Wechatpay-*` header is missing or not of its shape. */
  | 'MISSING_HEADER'
  /** `Wechatpay-Signature` starts with `WECHATPAY/SIGNTEST/`: WeChat Pay checking that we verify. */
  | 'SIGNATURE_PROBE'
  /** `Wechatpay-Timestamp` more than 5 minutes away from now. */
  | 'STALE_TIMESTAMP'
  /** `Wechatpay-Serial` names no key we were given (no key is ever downloaded for it). */
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  /** Not the JSON of a notification, or a decrypted resource missing its fields. */
  | 'MALFORMED'
  /** AEAD_AES_256_GCM failed: wrong key, or ciphertext, nonce or associated data changed. */
  | 'DECRYPTION_FAILED'
  /** An `event_type` other than TRANSACTION.SUCCESS and REFUND.*. */
  | 'UNSUPPORTED_EVENT';

export type VerifiedNotification = { ok: true; notification: PayNotification } | { ok: false; refusal: NotificationRefusal; message: string };

export interface Payments {
  /** The merchant (`mchid`) and the mini program (`appid`) this adapter takes payments for. */
  readonly merchant: { mchId: string; appId: string };
  /** JSAPI order (`POST /v3/pay/transactions/jsapi`): the prepay id, valid 2 hours. */
  createJsapiOrder(order: NewPayOrder): Promise<PayOutcome<{ prepayId: string }>>;
  /** `wx.requestPayment` arguments for a prepay id, timestamped `now`. */
  requestPaymentArgs(prepayId: string, now: Date): RequestPaymentArgs;
  /** Order query by `out_trade_no`; an unknown order is `{ kind: 'http', status: 404, code: 'ORDER_NOT_EXIST' }`. */
  queryOrder(outTradeNo: string): Promise<PayOutcome<PayTransaction>>;
  /** Closes an unpaid order (a paid one answers `http` ORDERPAID). */
  closeOrder(outTradeNo: string): Promise<PayOutcome<null>>;
  /** Refund request (`POST /v3/refund/domestic/refunds`); usually PROCESSING at first. */
  refund(refund: NewRefund): Promise<PayOutcome<PayRefund>>;
  queryRefund(outRefundNo: string): Promise<PayOutcome<PayRefund>>;
  /** Verifies and decrypts a notification; never calls the network. */
  verifyNotification(received: ReceivedNotification, now: Date): VerifiedNotification;
}

/**
 * Reminders (issue 12, docs/reminders.md): the quota ledger, the claims that make a send happen at
 * most once, and the queries that find what is due. Every write is one transaction that reads the
 * facts and writes what shared/reminders.ts answers. (Types imported inline: this block stays
 * self-contained at the end of the file.)
 */
type TemplateKeyOf = import('../../shared/subscribe-message').TemplateKey;
export type QuotaIncrements = import('../../shared/reminders').QuotaIncrements;
export type ReminderRecord = import('../../shared/reminders').ReminderRecord;
export type ClaimDecision = import('../../shared/reminders').ClaimDecision;
export type SettledSend = import('../../shared/reminders').SettledSend;

/** What a reminder is about: a booking (`bookings/{id}`) or a utility bill (`bills/{id}`). */
export interface ReminderSubject {
  kind: 'booking' | 'bill';
  id: string;
}

export interface ReminderClaim {
  /** `reminderKey(templateKey, subject.id, openid)`: the record's id. */
  key: string;
  openid: string;
  templateKey: TemplateKeyOf;
  subject: ReminderSubject;
  now: Date;
}

export interface ReminderSettle {
  /** The record this run's claim wrote; the settle writes only while the stored record is still it. */
  claimed: ReminderRecord;
  openid: string;
  templateKey: TemplateKeyOf;
  outcome: SendOutcome;
  now: Date;
}

export interface ReminderStore {
  /** Atomically: the user's ledger plus the increments (`applyGrant`); answers the ledger after. */
  grant(openid: string, increments: QuotaIncrements, now: Date): Promise<QuotaIncrements>;
  quota(openid: string): Promise<QuotaIncrements>;
  /**
   * Atomically: reads the record, the user's ledger and the subject's facts (`subjectDue`), asks
   * `claimReminder`, and writes its answer (the claim and one quota taken, or the final record).
   */
  claim(claim: ReminderClaim): Promise<ClaimDecision>;
  /**
   * Atomically: when the stored record is still this claim (status `claimed`, same attempt),
   * writes `settleSend`'s record and moves the ledger (`quotaAfter`); null when it is not.
   */
  settle(settle: ReminderSettle): Promise<SettledSend | null>;
  get(key: string): Promise<ReminderRecord | null>;
  /** Of these keys, the ones whose reminder is over (sent, skipped or failed): no run looks at them again. */
  done(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Claims whose lease passed at `now` (their sender died): every run looks at them, so that one
   * no query finds any more (its booking started, its bill was paid) is still resolved.
   */
  expiredClaims(now: Date): Promise<Omit<ReminderClaim, 'now'>[]>;
}

/** The bookings port's reminder queries (a block of their own: the bookings adapters are the bookings issue's). */
export interface BookingReminderQueries {
  /** Pending or confirmed bookings with start − 30 min ≤ now < start. */
  startingSoon(now: Date): Promise<Booking[]>;
  /** Bookings confirmed (status `confirmed`, `updatedAt` ≥ since) whose slot has not ended at `now`. */
  confirmedSince(since: Date, now: Date): Promise<Booking[]>;
  /** Bookings waiting for staff (status `pending`, made or moved at `updatedAt` ≥ since) whose slot has not ended (issue 19, `newBooking`). */
  pendingSince(since: Date, now: Date): Promise<Booking[]>;
  /** Bookings staff rejected (status `rejected`, `updatedAt` ≥ since) whose slot has not ended (issue 19, `bookingChanged`). */
  rejectedSince(since: Date, now: Date): Promise<Booking[]>;
}

/** An unpaid utility bill and every user bound to its account. */
export interface DueBill {
  bill: import('../../shared/subscribe-message').BillFacts;
  openids: string[];
}

/** The bills issue's query for bill reminders (issue 11 implements it on its bills port). */
export interface BillReminderSource {
  /** Unpaid utility bills with fromDate ≤ dueDate ≤ toDate ("YYYY-MM-DD"), each with every user bound to its account. */
  unpaidDueBetween(fromDate: string, toDate: string): Promise<DueBill[]>;
}

/** The messenger and the settings the reminders need: template ids, field maps, what blocks a template. */
export interface Notify {
  messenger: Messenger;
  /** This deployment's template ids (only the configured ones). */
  templateIds: Partial<Record<TemplateKeyOf, string>>;
  fieldMaps: import('../../shared/subscribe-message').FieldMaps;
  /** The setting problem that stops a template's reminders (naming its variable), or null. */
  blocked(key: TemplateKeyOf): { variable: string; message: string } | null;
  /** The local outbox when messages go there: what the local host's `GET /outbox` lists. */
  outbox?: { messages(): import('./messenger/outbox').OutboxMessage[] };
}

/**
 * Accounts, utility and ride bills, pay orders and refunds (functions/lib/sqlite/bills.ts,
 * functions/lib/cloudbase/bills.ts). Every method that writes several records is one atomic step
 * that reads the facts, asks the rule of shared/bills.ts or shared/payment.ts and writes its answer.
 * An order record is also the payment record: once paid it holds WeChat Pay's transaction.
 * (Types imported inline: this block stays self-contained at the end of the file.)
 */
export type AccountType = import('../../shared/bills').AccountType;
export type BillView = import('../../shared/bills').BillView;
export type ImportRow = import('../../shared/bills').ImportRow;
export type Biller = import('../../shared/bills').Biller;
export type PayerOrder = import('../../shared/payment').PayerOrder;

export interface StoredBill extends BillView {
  /** Ride bills: their rider; utility bills: null (their account's bound users see them). */
  openid: string | null;
  /** The order that paid it. */
  paidBy: string | null;
  /** Its payers' open orders (one a payer: household members pay with orders of their own). */
  openOrders: PayerOrder[];
  /** Utility bills: the utility's name for the holder (unmasked: the use case masks it). */
  holderName: string | null;
}

export interface AccountBinding {
  billerId: string;
  accountType: AccountType;
  accountNo: string;
  /** The utility's name for the holder (unmasked: the use case masks it). */
  holderName: string;
  /** The caller's household label, if given. */
  label: string | null;
  boundAt: Date;
}

export type PayOrderStatus = 'open' | 'paid' | 'closed';

export interface PayOrder {
  outTradeNo: string;
  billId: string;
  openid: string;
  amountFen: number;
  status: PayOrderStatus;
  createdAt: Date;
  /** WeChat Pay refuses payment after this (`time_expire`). */
  expiresAt: Date;
  prepayId: string | null;
  prepayIssuedAt: Date | null;
  /** Once paid: WeChat Pay's transaction id and time. */
  transactionId: string | null;
  paidAt: Date | null;
}

export type RefundState = import('../../shared/payment').RefundState;

export interface OwedRefund {
  outRefundNo: string;
  outTradeNo: string;
  billId: string;
  refundFen: number;
  totalFen: number;
  status: RefundState;
  createdAt: Date;
}

export type BindOutcome = import('../../shared/bills').BindDecision & { binding?: AccountBinding };

/** What `openOrder` did: the plan of `planPay`, and the order as it now stands (null when already paid). */
export type OpenOrderOutcome =
  | { kind: 'not-found' }
  | { kind: 'already-paid' }
  | { kind: 'not-payable'; amountFen: number }
  | { kind: 'reuse' | 'refresh-prepay' | 'new-order'; order: PayOrder; bill: StoredBill };

export type RecordPaymentOutcome = import('../../shared/payment').PaymentDecision;

export interface BillStore {
  /** Atomically, all or nothing: each biller written (created or replaced by id). */
  upsertBillers(billers: readonly Biller[], now: Date): Promise<{ upserted: number }>;
  /** Billers of a city and/or type, or of these ids; by city, type, id (every page read). */
  billers(filter: { city?: string; type?: AccountType; ids?: readonly string[] }): Promise<Biller[]>;
  /**
   * Atomically, all or nothing: the billers `create` names are made (a type's biller, `planImport`);
   * each row whose (biller, number, period) is new becomes an unpaid bill (id from
   * `utilityBillId`), and its account becomes known with the row's holder name; rows already
   * imported are left as they are and reported by index.
   */
  importBills(rows: readonly ImportRow[], now: Date, create?: readonly Biller[]): Promise<{ imported: number; duplicateRows: number[] }>;
  /**
   * Atomically: reads the caller's failed binds, the number's failed binds, the account and the
   * caller's binding; asks `decideBind`; writes the binding, or one more failure of the caller and
   * of the number (not-found), or nothing (rate-limited, already bound).
   */
  bind(input: { openid: string; biller: Biller; accountNo: string; holderName: string; label: string | null; now: Date }): Promise<BindOutcome>;
  /** Removes the caller's binding; false when there was none. */
  unbind(openid: string, billerId: string, accountNo: string, now: Date): Promise<boolean>;
  accountsOf(openid: string): Promise<AccountBinding[]>;
  /** The caller's utility bills (of accounts bound now) and ride bills. */
  billsOf(openid: string): Promise<StoredBill[]>;
  /** A bill the caller may see (their ride bill, or a bill of an account they have bound), or null. */
  billOf(openid: string, billId: string): Promise<StoredBill | null>;
  /**
   * Atomically: reads the bill, whether the caller may see it and the caller's open order of it;
   * asks `decideOpenOrder`; on `new-order` writes the order (`outTradeNo`, open, no prepay id yet)
   * and the bill's open orders (an older one of the caller stays open until the sweeper settles it).
   */
  openOrder(input: { openid: string; billId: string; outTradeNo: string; now: Date }): Promise<OpenOrderOutcome>;
  /** Stores the prepay id WeChat Pay gave the (still open) order. */
  setPrepay(outTradeNo: string, prepayId: string, issuedAt: Date): Promise<void>;
  order(outTradeNo: string): Promise<PayOrder | null>;
  /**
   * Atomically: reads the order and its bill; asks `decidePayment`; on record-payment marks the
   * order paid with the transaction and the bill paid by it (a ride bill also leaves the rider's
   * unpaid bills); on refund-duplicate marks the order paid and writes a pending refund.
   */
  recordPayment(tx: PayTransaction, merchant: { mchId: string; appId: string }, now: Date): Promise<RecordPaymentOutcome>;
  /** Atomically: an open order -> closed (and no longer its bill's open order); false when it was not open. */
  closeOrder(outTradeNo: string, now: Date): Promise<boolean>;
  /** Open orders past `before` (their `expiresAt`), oldest first. */
  expiredOrders(before: Date, limit: number): Promise<PayOrder[]>;
  /** Refunds still owed (pending or sent), oldest first. */
  owedRefunds(limit: number): Promise<OwedRefund[]>;
  /** pending -> sent, or sent/pending -> refunded | failed; false when it was already settled. */
  markRefund(outRefundNo: string, status: 'sent' | 'refunded' | 'failed', now: Date): Promise<boolean>;
  refund(outRefundNo: string): Promise<OwedRefund | null>;
}

/** The payments adapter of a deployment, or the setting that keeps it from working (pay actions answer FAILED_PRECONDITION). */
export type PaySetup = { ok: true; payments: Payments } | { ok: false; variable: string; message: string };

// --- stable_token force_refresh budget (issue 15) ---------------------------------------------
// (Types imported inline: this block stays self-contained at the end of the file.)

/**
 * WeChat's `stable_token` force_refresh budget of an AppID (30 s apart, 20 a day), kept in the
 * database so that every function instance spends one budget (functions/lib/messenger/wechat.ts).
 * One small record per AppID: SQLite `service_state`, CloudBase `service_state/{key}`.
 */
export interface ForceRefreshLedger {
  /** Atomically: reads the AppID's record, asks `decideForceRefresh` (shared/force-refresh.ts), writes the record it answers. */
  take(appId: string, now: Date): Promise<import('../../shared/force-refresh').ForceRefreshDecision>;
}
