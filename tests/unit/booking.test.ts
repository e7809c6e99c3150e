import {
  canCancel,
  canCheckIn,
  canConfirm,
  checkInWindow,
  decideCreate,
  canMarkNoShow,
  canReject,
  decideReschedule,
  effectsOfMove,
  noShowBlock,
  orderForCustomer,
  slotRequest,
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
  partySize: 1,
  contact: null,
  note: null,
  reason: null,
  moves: 0,
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
    expect(decideCreate(request, facts(), now)).toEqual({ kind: 'book', storeId: 'S1', slot, partySize: 1, status: 'pending' });
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

describe('party sizes: places are people', () => {
  const now = at('2026-11-25T09:00:00+08:00');
  const slot = { start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T11:00:00+08:00', date: '2026-11-26' };
  const facts = (booked: number): CreateFacts => ({ replay: null, active: [], booked });
  const ok = { ok: true as const, slot, code: 'OK' } as never;

  it('books a party of 3 into a slot of 4 with 1 taken, refuses it with 2 taken, saying how many are left', () => {
    const party3 = slotRequest('S1', 4, ok, { partySize: 3 });
    expect(decideCreate(party3, facts(1), now)).toEqual({ kind: 'book', storeId: 'S1', slot, partySize: 3, status: 'pending' });
    const refused = decideCreate(party3, facts(2), now);
    expect(refused.kind === 'refuse' && [refused.refusal.code, refused.refusal.reason, refused.refusal.message]).toEqual([
      'RESOURCE_EXHAUSTED',
      'SLOT_FULL',
      'start: the slot at 2026-11-26T10:00:00+08:00 has 2 places left, fewer than a party of 3',
    ]);
  });
  it('refuses a party larger than the slot as INVALID_ARGUMENT naming partySize, before the start is judged', () => {
    const started = { ok: false, code: 'FAILED_PRECONDITION', reason: 'SLOT_STARTED', message: 'start: started' } as never;
    const tooBig = slotRequest('S1', 4, started, { partySize: 5 });
    expect(tooBig.ok ? null : [tooBig.refusal.code, tooBig.refusal.reason, tooBig.refusal.message]).toEqual([
      'INVALID_ARGUMENT',
      'PARTY_TOO_LARGE',
      "partySize: must be at most 4, the slot's capacity",
    ]);
  });
  it('confirms at once at a store that confirms automatically', () => {
    expect(decideCreate(slotRequest('S1', 4, ok, { partySize: 2, autoConfirm: true }), facts(0), now)).toMatchObject({ kind: 'book', status: 'confirmed' });
  });
});

describe('no-shows', () => {
  const end = (day: string) => `2026-11-${day}T11:00:00+08:00`;
  it('blocks from the third no-show within 30 days until 7 days after its end', () => {
    const ends = [end('01'), end('10'), end('20')];
    expect(noShowBlock(ends.slice(0, 2), at('2026-11-21T00:00:00+08:00'))).toBeNull();
    expect(noShowBlock(ends, at('2026-11-21T00:00:00+08:00'))).toEqual({ until: '2026-11-27T03:00:00.000Z', count: 3 });
    // The last instant of the block, then free.
    expect(noShowBlock(ends, at('2026-11-27T10:59:59+08:00'))?.until).toBe('2026-11-27T03:00:00.000Z');
    expect(noShowBlock(ends, at('2026-11-27T11:00:00+08:00'))).toBeNull();
  });
  it('does not block three no-shows spread over more than 30 days', () => {
    expect(noShowBlock(['2026-10-01T11:00:00+08:00', end('01'), end('02')], at('2026-11-03T00:00:00+08:00'))).toBeNull();
  });
  it('blocks again on a fourth no-show within 30 days of the two before it', () => {
    const ends = [end('01'), end('02'), end('03'), end('25')];
    expect(noShowBlock(ends, at('2026-11-26T00:00:00+08:00'))).toEqual({ until: '2026-12-02T03:00:00.000Z', count: 4 });
  });
  it('says NO_SHOWS on create and reschedule while blocked, before any other refusal of the caller', () => {
    const now = at('2026-11-21T00:00:00+08:00');
    const slot = { start: '2026-11-26T10:00:00+08:00', end: '2026-11-26T11:00:00+08:00', date: '2026-11-26' };
    const request: SlotRequest = { ok: true, storeId: 'S1', slot, capacity: 1 };
    const d = decideCreate(request, { replay: null, active: [], booked: 1, noShowEnds: [end('01'), end('10'), end('20')] }, now);
    expect(d.kind === 'refuse' && [d.refusal.code, d.refusal.reason]).toEqual(['FAILED_PRECONDITION', 'NO_SHOWS']);
  });
});

describe('reject, no-show and reschedule', () => {
  const b = booking({ status: 'confirmed', partySize: 2 });
  it('lets staff reject an active booking before its start only', () => {
    expect(canReject(b, at('2026-11-25T09:59:59+08:00'))).toEqual({ ok: true });
    expect(canReject(b, at('2026-11-25T10:00:00+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'STARTED' });
    expect(canReject({ ...b, status: 'cancelled' }, at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'CANCELLED' });
    expect(canReject({ ...b, status: 'rejected' }, at('2026-11-25T09:00:00+08:00'))).toMatchObject({ reason: 'REJECTED' });
  });
  it('lets staff mark a no-show only from the slot end', () => {
    expect(canMarkNoShow(b, at('2026-11-25T10:59:59+08:00'))).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', reason: 'NOT_ENDED' });
    expect(canMarkNoShow(b, at('2026-11-25T11:00:00+08:00'))).toEqual({ ok: true });
    expect(canMarkNoShow({ ...b, status: 'checked_in' }, at('2026-11-25T12:00:00+08:00'))).toMatchObject({ reason: 'ALREADY_CHECKED_IN' });
  });
  it('frees the places on a reject, keeps them on a no-show', () => {
    expect(effectsOfMove('confirmed', 'rejected')).toEqual({ freesPlace: true, leavesActive: true });
    expect(effectsOfMove('pending', 'no_show')).toEqual({ freesPlace: false, leavesActive: true });
  });
  it('moves a booking under the rules of a create, leaving its own hold out of the facts', () => {
    const now = at('2026-11-25T09:00:00+08:00');
    const later = { start: '2026-11-25T12:00:00+08:00', end: '2026-11-25T13:00:00+08:00', date: '2026-11-25' };
    const request: SlotRequest = { ok: true, storeId: 'S1', slot: later, capacity: 3, partySize: 2 };
    const own = { bookingId: b.id, storeId: 'S1', start: b.start, end: b.end };
    const others = ['13', '14', '15', '16'].map((h) => ({ storeId: 'S1', start: `2026-11-26T${h}:00:00+08:00`, end: `2026-11-26T${h}:30:00+08:00` }));
    // Five upcoming including itself: the move does not add one.
    expect(decideReschedule(b, 'alice', request, { active: [own, ...others], booked: 1 }, now)).toEqual({ kind: 'move', slot: later, status: 'pending' });
    const reason = (d: ReturnType<typeof decideReschedule>) => (d.kind === 'refuse' ? d.refusal.reason : d.kind);
    expect(reason(decideReschedule(b, 'alice', request, { active: [own], booked: 2 }, now))).toBe('SLOT_FULL');
    expect(reason(decideReschedule(b, 'mallory', request, { active: [own], booked: 0 }, now))).toBe('NOT_OWNER');
    expect(reason(decideReschedule({ ...b, status: 'rejected' }, 'alice', request, { active: [], booked: 0 }, now))).toBe('REJECTED');
    expect(reason(decideReschedule({ ...b, status: 'cancelled' }, 'alice', request, { active: [], booked: 0 }, now))).toBe('CANCELLED');
    expect(reason(decideReschedule(b, 'alice', request, { active: [own], booked: 0 }, at('2026-11-25T10:00:00+08:00')))).toBe('STARTED');
    const same: SlotRequest = { ...request, slot: { start: b.start, end: b.end, date: b.slotDate } };
    expect(reason(decideReschedule(b, 'alice', same, { active: [own], booked: 2 }, now))).toBe('ALREADY_BOOKED');
    const auto: SlotRequest = { ...request, autoConfirm: true };
    expect(decideReschedule({ ...b, status: 'pending' }, 'alice', auto, { active: [own], booked: 0 }, now)).toMatchObject({ status: 'confirmed' });
  });
});
