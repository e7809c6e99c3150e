/** The pure bills rules (shared/bills.ts). */
import { accountNoProblem, BIND_WINDOW_SEC, decideBind, maskName, namesMatch, normalName, sortBills, utilityBillId, type BillView } from '../../shared/bills';

const T = Date.parse('2026-11-25T00:00:00Z');
const at = (sec: number) => new Date(T + sec * 1000);

it('checks account numbers per type', () => {
  expect(accountNoProblem('water', '31000001')).toBeNull();
  expect(accountNoProblem('water', '3100001')).toBe('a water account number is 8 to 12 digits');
  expect(accountNoProblem('electricity', '3100000001')).toBeNull();
  expect(accountNoProblem('electricity', '31000000012')).toBe('a electricity account number is 10 or 13 digits');
  expect(accountNoProblem('electricity', '3100000000123')).toBeNull();
  expect(accountNoProblem('gas', '3100000１')).not.toBeNull(); // a full-width digit is not a digit of the utility's
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
  it('binds on a match, refuses a wrong name and an unknown number alike', () => {
    expect(decideBind({ failures: [], account, holderName: '张 三', alreadyBound: false }, at(0))).toEqual({ kind: 'bind', alreadyBound: false });
    expect(decideBind({ failures: [], account, holderName: '李四', alreadyBound: false }, at(0))).toEqual({ kind: 'not-found' });
    expect(decideBind({ failures: [], account: null, holderName: '张三', alreadyBound: false }, at(0))).toEqual({ kind: 'not-found' });
  });
  it('allows 5 failures within the hour; the next attempt, right or wrong, waits for the oldest to age out', () => {
    expect(decideBind({ failures: failures([0, 1, 2, 3]), account, holderName: 'x', alreadyBound: false }, at(10)).kind).toBe('not-found');
    expect(decideBind({ failures: failures([0, 1, 2, 3, 4]), account, holderName: '张三', alreadyBound: false }, at(10))).toEqual({
      kind: 'rate-limited',
      retryAt: at(BIND_WINDOW_SEC),
    });
    expect(decideBind({ failures: failures([0, 1, 2, 3, 4]), account, holderName: '张三', alreadyBound: false }, at(BIND_WINDOW_SEC)).kind).toBe('bind');
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
  expect(utilityBillId({ accountType: 'water', accountNo: '31000001', period: '2026-09/2026-10' })).toBe('UB:water:31000001:2026-09_2026-10');
});
