/** The pure bills rules (shared/bills.ts). */
import {
  accountNoProblem,
  BIND_WINDOW_SEC,
  billVisibleTo,
  decideBind,
  limitedUntil,
  maskName,
  namesMatch,
  normalName,
  patternProblem,
  planImport,
  rideBill,
  sortBills,
  utilityBillId,
  type Biller,
  type BillView,
} from '../../shared/bills';

const T = Date.parse('2026-11-25T00:00:00Z');
const at = (sec: number) => new Date(T + sec * 1000);

it('checks account numbers against the biller’s own format, else 4 to 32 letters, digits or -', () => {
  const water = { name: '上海城投水务', accountNoPattern: '\\d{8}' };
  expect(accountNoProblem(water, '31000001')).toBeNull();
  expect(accountNoProblem(water, '3100001')).toBe('is not a 上海城投水务 account number');
  expect(accountNoProblem(water, '310000011')).toBe('is not a 上海城投水务 account number'); // matched whole
  expect(accountNoProblem({ name: 'x', accountNoPattern: '\\d{10}|\\d{13}' }, '3100000000123')).toBeNull();
  expect(accountNoProblem({ name: 'x' }, 'BJ-0042')).toBeNull();
  expect(accountNoProblem({ name: 'x' }, '123')).toBe('must be 4 to 32 letters, digits or -');
  expect(accountNoProblem({ name: 'x' }, '3100000１')).toBe('must be letters, digits or - (at most 32)'); // a full-width digit
  expect(accountNoProblem({ name: 'x', accountNoPattern: '.+' }, 'a b')).toBe('must be letters, digits or - (at most 32)');
});

it('refuses a pattern that does not compile, or that repeats a repeating or alternating group', () => {
  expect(patternProblem('\\d{8,12}')).toBeNull();
  expect(patternProblem('DZ-\\d{7}|\\d{8}')).toBeNull();
  expect(patternProblem('(-\\d+)?\\d{4}')).toBeNull();
  expect(patternProblem('(\\d{4}){2}')).toBeNull();
  expect(patternProblem('[(]+\\d')).toBeNull(); // a class is not a group
  expect(patternProblem('(\\d')).toMatch(/^is not a valid regular expression/);
  expect(patternProblem('(\\d+)+')).toBe('repeats a group that itself repeats or alternates: it could run for long');
  expect(patternProblem('(a|ab)*c')).toBe('repeats a group that itself repeats or alternates: it could run for long');
  expect(patternProblem('((\\d)+x)*')).toBe('repeats a group that itself repeats or alternates: it could run for long');
  expect(patternProblem('(?:[0-9]*){3,}')).toBe('repeats a group that itself repeats or alternates: it could run for long');
  expect(patternProblem('(a)\\1')).toBe('must not use back-references');
  expect(patternProblem('')).toBe('must not be empty');
});

it('compares holder names ignoring case, spaces and full-width letters; an empty name matches nothing', () => {
  expect(normalName(' Li\u3000 Lei ')).toBe('lilei');
  expect(namesMatch('ＬＩ lei', 'Li Lei')).toBe(true);
  expect(namesMatch('张 三', '张三')).toBe(true);
  expect(namesMatch('张四', '张三')).toBe(false);
  expect(namesMatch('  ', '')).toBe(false);
});

it('masks all but the first character', () => {
  expect(maskName('张三')).toBe('张*');
  expect(maskName('欧阳娜娜')).toBe('欧***');
  expect(maskName('Li Lei')).toBe('L****');
  expect(maskName('王')).toBe('*');
});

describe('decideBind', () => {
  const account = { holderName: '张三' };
  const failures = (secs: number[]) => secs.map(at);
  const facts = (over: Partial<Parameters<typeof decideBind>[0]> = {}) => ({
    callerFailures: [],
    accountFailures: [],
    account,
    holderName: '张三',
    binding: null,
    label: '我家',
    ...over,
  });
  it('binds on a match with the label given; a repeated bind keeps its own label; a wrong name and an unknown number alike', () => {
    expect(decideBind(facts({ holderName: '张 三' }), at(0))).toEqual({ kind: 'bind', alreadyBound: false, label: '我家' });
    expect(decideBind(facts({ binding: { label: '父母家' } }), at(0))).toEqual({ kind: 'bind', alreadyBound: true, label: '父母家' });
    expect(decideBind(facts({ holderName: '李四' }), at(0))).toEqual({ kind: 'not-found' });
    expect(decideBind(facts({ account: null }), at(0))).toEqual({ kind: 'not-found' });
  });
  it('after 5 failures of the caller within the hour, every bind waits until an hour after the fifth', () => {
    expect(decideBind(facts({ callerFailures: failures([0, 1, 2, 3]), holderName: 'x' }), at(10)).kind).toBe('not-found');
    expect(decideBind(facts({ callerFailures: failures([0, 1, 2, 3, 4]) }), at(10))).toEqual({ kind: 'rate-limited', retryAt: at(BIND_WINDOW_SEC + 4) });
    expect(decideBind(facts({ callerFailures: failures([0, 1, 2, 3, 4]) }), at(BIND_WINDOW_SEC + 3)).kind).toBe('rate-limited');
    expect(decideBind(facts({ callerFailures: failures([0, 1, 2, 3, 4]) }), at(BIND_WINDOW_SEC + 4)).kind).toBe('bind');
    // Five failures spread over more than an hour never reach the limit.
    expect(decideBind(facts({ callerFailures: failures([0, 1000, 2000, 3000, 3700]) }), at(3800)).kind).toBe('bind');
  });
  it('after 10 failures of the number within the hour (by anybody), every bind of it waits', () => {
    const ten = failures([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(decideBind(facts({ accountFailures: ten.slice(0, 9) }), at(20)).kind).toBe('bind');
    expect(decideBind(facts({ accountFailures: ten }), at(20))).toEqual({ kind: 'rate-limited', retryAt: at(BIND_WINDOW_SEC + 9) });
  });
  it('limitedUntil takes the latest failure that reached the limit', () => {
    expect(limitedUntil(failures([0, 10, 20, 4000]), 3, at(4001))).toBeNull();
    expect(limitedUntil(failures([0, 10, 20, 4000, 4010]), 3, at(4020))).toBeNull();
    expect(limitedUntil(failures([0, 10, 20, 4000, 4010, 4015]), 3, at(4020))).toEqual(at(4015 + BIND_WINDOW_SEC));
  });
});

it('lets a rider see their ride bill, and anybody with the account bound see a utility bill', () => {
  const ride = { type: 'ride' as const, openid: 'u1' };
  const gas = { type: 'gas' as const, openid: null, billerId: 'sh-gas', accountNo: '31000002' };
  expect(billVisibleTo('u1', ride, [])).toBe(true);
  expect(billVisibleTo('u2', ride, ['sh-gas:31000002'])).toBe(false);
  expect(billVisibleTo('u2', gas, ['sh-gas:31000002'])).toBe(true);
  expect(billVisibleTo('u2', gas, ['sh-gas-dz:31000002'])).toBe(false);
});

describe('planImport', () => {
  const gas: Biller = { id: 'sh-gas', name: '上海燃气', type: 'gas', city: '上海', accountNoPattern: '\\d{8}' };
  const dz: Biller = { id: 'sh-gas-dz', name: '大众燃气', type: 'gas', city: '上海' };
  const row = { accountNo: '31000002', holderName: 'x', period: '2026-10', amountFen: 1, dueDate: '2026-11-20' };
  it('resolves each row’s biller; a type with no biller stands for one named after it, made in the same step', () => {
    const plan = planImport(
      [
        { ...row, billerId: 'sh-gas' },
        { ...row, accountType: 'water' },
      ],
      { byId: new Map([['sh-gas', gas]]), ofType: new Map() },
    );
    expect(plan).toEqual({
      ok: true,
      rows: [
        { ...row, billerId: 'sh-gas', accountType: 'gas' },
        { ...row, billerId: 'water', accountType: 'water' },
      ],
      create: [{ id: 'water', name: '水费', type: 'water', city: '' }],
    });
  });
  it('names the row: an unknown biller, a number of another format, a type of two billers, a repeated bill', () => {
    const facts = { byId: new Map([['sh-gas', gas]]), ofType: new Map([['gas' as const, [gas, dz]]]) };
    const plan = (...rows: Parameters<typeof planImport>[0]) => planImport(rows, facts);
    expect(plan({ ...row, billerId: 'sh-gas' }, { ...row, billerId: 'x' })).toMatchObject({
      error: { code: 'NOT_FOUND', message: 'bills[1].billerId: no biller "x"' },
    });
    expect(plan({ ...row, billerId: 'sh-gas', accountNo: '3100000' })).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: 'bills[0].accountNo: is not a 上海燃气 account number' },
    });
    expect(plan({ ...row, accountType: 'gas' })).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^bills\[0\]\.billerId: /) },
    });
    expect(plan({ ...row, billerId: 'sh-gas' }, { ...row, billerId: 'sh-gas' })).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: 'bills[1].period: repeats bills[0] (sh-gas 31000002 2026-10)' },
    });
  });
});

it('shapes a ride bill once: unpaid, of its rider and ride, no order yet', () => {
  expect(rideBill({ billId: 'RB1', openid: 'u1', rideId: 'R1', feeFen: 150, endAt: '2026-11-25T00:10:00.000Z' })).toEqual({
    id: 'RB1',
    openid: 'u1',
    type: 'ride',
    amountFen: 150,
    status: 'unpaid',
    rideId: 'R1',
    createdAt: '2026-11-25T00:10:00.000Z',
    paidAt: null,
    paidBy: null,
    openOrders: [],
  });
});

it('lists unpaid first (ride bills, then by due date), then paid ones latest first', () => {
  const bill = (id: string, over: Partial<BillView>): BillView => ({ id, type: 'water', amountFen: 1, status: 'unpaid', ...over });
  const sorted = sortBills([
    bill('p1', { status: 'paid', paidAt: '2026-11-01T00:00:00Z' }),
    bill('u2', { dueDate: '2026-12-01' }),
    bill('r1', { type: 'ride' }),
    bill('p2', { status: 'paid', paidAt: '2026-11-20T00:00:00Z' }),
    bill('u1', { dueDate: '2026-11-15' }),
  ]);
  expect(sorted.map((b) => b.id)).toEqual(['r1', 'u1', 'u2', 'p2', 'p1']);
});

it('names a utility bill by its dedup key', () => {
  expect(utilityBillId({ billerId: 'water', accountNo: '31000001', period: '2026-09/2026-10' })).toBe('UB:water:31000001:2026-09_2026-10');
});
