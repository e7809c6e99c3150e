import type { ActiveHold, Booking, BookingStatus, Contact, Refusal, SlotRequest, Verdict } from '../../../shared/booking';

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

/**
 * What a create (or a reschedule) leaves behind, read or known inside the same atomic step (so the store page need
 * not ask again): the places taken in the booking's slot, and the caller's active bookings whose
 * slot has not ended at `now` (every store; the booking itself included while it is active).
 */
export interface AfterCreate {
  booked: number;
  active: Array<ActiveHold & { bookingId: string }>;
}

export type CreateBookingOutcome = ({ ok: true; booking: Booking; replayed: boolean } & AfterCreate) | { ok: false; refusal: Refusal };

export type MoveBookingOutcome = { ok: true; booking: Booking } | { ok: false; refusal: Refusal } | { ok: false; missing: true };

/**
 * A reschedule's outcome: a moved booking comes with `AfterCreate` of its new slot, and `left`: the
 * slot it left with the places still taken there after the move, from the same step.
 */
export type RescheduleOutcome =
  | ({ ok: true; booking: Booking; left: { start: string; end: string; booked: number } } & AfterCreate)
  | { ok: false; refusal: Refusal }
  | { ok: false; missing: true };

/**
 * Bookings and the per-slot counters that hold capacity. Every method that writes is one atomic
 * step that reads the facts, asks the rule in shared/booking.ts and writes its answer (or throws
 * `Contended`, having written nothing, when concurrent writes keep winning).
 */
export interface BookingStore {
  /**
   * Atomically: reads the caller's booking for the requestId, the caller's active bookings and
   * the slot's counter; `decideCreate` answers; on "book", takes the place and writes the booking
   * with a fresh unique code. A booking (new or replayed) comes with `AfterCreate`, from the same step.
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
   * slot's and rewrites the booking (same id and code), all or nothing. A moved booking comes with
   * `AfterCreate` of its new slot (the owner's holds after the move), from the same step.
   */
  reschedule(input: MovedBooking): Promise<RescheduleOutcome>;
  /** Ends of the customer's no-shows that can still matter (`NO_SHOW_MEMORY_MS`). */
  noShowsOf(openid: string, now: Date): Promise<string[]>;
  /** A customer's bookings: every upcoming one (slot not ended at `now`) and the latest `pastLimit` past ones. */
  ofCustomer(openid: string, now: Date, pastLimit: number): Promise<Booking[]>;
  /** A store's bookings of slots belonging to a local date, by start. */
  ofStoreDay(storeId: string, slotDate: string): Promise<Booking[]>;
  /** Places taken per slot start (keyed by the start as given), 0 for a slot nobody booked. */
  booked(storeId: string, starts: readonly string[]): Promise<Map<string, number>>;
}
