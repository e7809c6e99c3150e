import {
  canCancel,
  canCheckIn,
  canConfirm,
  checkInWindow,
  decideCreate,
  effectsOfMove,
  orderForCustomer,
  type Booking,
  type CreateFacts,
  type SlotRequest,
} from '../../shared/booking';

const booking = (over: Partial<Booking> = {}): Booking => ({
  id: 'bk_1',
  openid: 'alice',
  storeId: 'S1',
  start: '2026-11-25T10:00:00+08:00',
  end: '2026-11-25T11:00:00+08:00',
  slotDate: '2026-11-25',
  status: 'pending',
  code: 'ABCD2345',
  requestId: null,
  createdAt: '2026-11-24T00:00:00.000Z',
  updatedAt: '2026-11-24T00:00:00.000Z',
  ...over,
});
const at = (iso: string) => new Date(iso);

describe('cancel', () => {
  it('lets the owner cancel a pending or confirmed booking before it starts', () => {
    expect(canCancel(booking(), 'alice', at('2026-11-25T09:59:59+08:00'))).toEqual({ ok: true });
    expect(canCancel(booking({ status: 'confirmed' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toEqual({ ok: true });
  });
  it('refuses a stranger', () => {
    expect(canCancel(booking(), 'mallory', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
  });
  it('refuses once the slot has started', () => {
    expect(canCancel(booking(), 'alice', at('2026-11-25T10:00:00+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'STARTED' });
  });
  it('refuses a cancelled or checked-in booking', () => {
    expect(canCancel(booking({ status: 'cancelled' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'CANCELLED' });
    expect(canCancel(booking({ status: 'checked_in' }), 'alice', at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });
  });
});

describe('confirm', () => {
  it('confirms only a pending booking whose slot has not ended', () => {
    const now = at('2026-11-25T09:00:00+08:00');
    expect(canConfirm(booking(), now)).toEqual({ ok: true });
    expect(canConfirm(booking({ status: 'confirmed' }), now)).toMatchObject({ ok: false, reason: 'ALREADY_CONFIRMED' });
    expect(canConfirm(booking({ status: 'cancelled' }), now)).toMatchObject({ ok: false, reason: 'CANCELLED' });
    expect(canConfirm(booking(), at('2026-11-25T11:00:00+08:00'))).toMatchObject({ ok: false, reason: 'TOO_LATE' });
  });
});

describe('check-in window', () => {
  it('opens 30 minutes before the start and closes at the end', () => {
    expect(checkInWindow(booking())).toEqual({ opensAt: at('2026-11-25T09:30:00+08:00'), closesAt: at('2026-11-25T11:00:00+08:00') });
  });
  it('checks in a pending or confirmed booking inside the window', () => {
    expect(canCheckIn(booking(), at('2026-11-25T09:30:00+08:00'))).toEqual({ ok: true });
    expect(canCheckIn(booking({ status: 'confirmed' }), at('2026-11-25T10:59:59+08:00'))).toEqual({ ok: true });
  });
  it('says TOO_EARLY before the window and TOO_LATE after it', () => {
    expect(canCheckIn(booking(), at('2026-11-25T09:29:59+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'TOO_EARLY' });
    expect(canCheckIn(booking(), at('2026-11-25T11:00:00+08:00'))).toMatchObject({ ok: false, reason: 'TOO_LATE' });
  });
  it('says ALREADY_CHECKED_IN and CANCELLED whatever the time', () => {
    expect(canCheckIn(booking({ status: 'checked_in' }), at('2026-11-25T10:00:00+08:00'))).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });
    expect(canCheckIn(booking({ status: 'cancelled' }), at('2026-11-25T10:00:00+08:00'))).toMatchObject({ reason: 'CANCELLED' });
  });
});

describe('My bookings order', () => {
  it('puts upcoming bookings first, soonest first, then past ones, latest first', () => {
    const b = (id: string, start: string, end: string) => booking({ id, start, end });
    const list = [
      b('past-old', '2026-11-20T10:00:00+08:00', '2026-11-20T11:00:00+08:00'),
      b('later', '2026-11-27T10:00:00+08:00', '2026-11-27T11:00:00+08:00'),
      b('past-new', '2026-11-24T10:00:00+08:00', '2026-11-24T11:00:00+08:00'),
      b('now', '2026-11-25T10:00:00+08:00', '2026-11-25T11:00:00+08:00'),
    ];
    const ordered = orderForCustomer(list, at('2026-11-25T10:30:00+08:00')).map((x) => x.id);
    expect(ordered).toEqual(['now', 'later', 'past-new', 'past-old']);
  });
});

describe('the create decision', () => {
  const now = at('2026-11-25T09:00:00+08:00');
  const slot = { start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T11:00:00+08:00', date: '2026-11-26' };
  const request: SlotRequest = { ok: true, storeId: 'S1', slot, capacity: 2 };
  const held = (start: string, end: string, storeId = 'S1') => ({ storeId, start, end });
  const five = ['10', '11', '12', '13', '14'].map((h) => held(`2026-11-26T${h}:00:00+08:00`, `2026-11-26T${Number(h) + 1}:00:00+08:00`));
  const facts = (over: Partial<CreateFacts> = {}): CreateFacts => ({ replay: null, active: [], booked: 0, ...over });
  const reason = (d: ReturnType<typeof decideCreate>) => (d.kind === 'refuse' ? d.refusal.reason : d.kind);

  it('books a free slot', () => {
    expect(decideCreate(request, facts(), now)).toEqual({ kind: 'book', storeId: 'S1', slot });
  });
  it('replays before anything else, even a refused request', () => {
    const first = booking({ requestId: 'r1' });
    const refused: SlotRequest = { ok: false, refusal: { ok: false, code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED', message: 'start: started' } };
    expect(decideCreate(refused, facts({ replay: first, active: five, booked: 2 }), now)).toEqual({ kind: 'replay', booking: first });
    expect(reason(decideCreate(refused, facts({ active: five, booked: 2 }), now))).toBe('SLOT_STARTED');
  });
  it('says ALREADY_BOOKED before TOO_MANY_BOOKINGS before SLOT_FULL', () => {
    // The same slot written in another offset is the same slot.
    expect(reason(decideCreate(request, facts({ active: [...five.slice(1), held('2026-11-26T02:00:00Z', '2026-11-26T03:00:00Z')], booked: 2 }), now))).toBe(
      'ALREADY_BOOKED',
    );
    const atLimit = five.map((b, i) => ({ ...b, start: `2026-11-27T1${i}:00:00+08:00`, end: `2026-11-27T1${i}:30:00+08:00` }));
    expect(reason(decideCreate(request, facts({ active: atLimit, booked: 2 }), now))).toBe('TOO_MANY_BOOKINGS');
    expect(reason(decideCreate(request, facts({ active: atLimit.slice(1), booked: 2 }), now))).toBe('SLOT_FULL');
    // The same slot at another store is another slot.
    expect(reason(decideCreate(request, facts({ active: [held(slot.start, slot.end, 'S2')], booked: 1 }), now))).toBe('book');
  });
  it('counts only bookings whose slot has not ended at now', () => {
    const ended = five.map((b) => ({ ...b, start: '2026-11-25T07:00:00+08:00', end: '2026-11-25T08:00:00+08:00' }));
    expect(reason(decideCreate(request, facts({ active: ended }), now))).toBe('book');
    expect(reason(decideCreate(request, facts({ active: ended }), at('2026-11-25T07:30:00+08:00')))).toBe('TOO_MANY_BOOKINGS');
  });
});

describe('effects of a move', () => {
  it('frees the place on a cancel of an active booking only, and ends the hold when leaving the active states', () => {
    expect(effectsOfMove('pending', 'cancelled')).toEqual({ freesPlace: true, leavesActive: true });
    expect(effectsOfMove('confirmed', 'checked_in')).toEqual({ freesPlace: false, leavesActive: true });
    expect(effectsOfMove('pending', 'confirmed')).toEqual({ freesPlace: false, leavesActive: false });
    expect(effectsOfMove('cancelled', 'cancelled')).toEqual({ freesPlace: false, leavesActive: false });
  });
});
