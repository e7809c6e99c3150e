/** What the "我的" tab lists: entries to the booking and ride flows (in subpackages). Pure. */
import { PAGES, pageUrl } from '../../shared/index';

export interface MeEntry {
  key: string;
  title: string;
  note: string;
  url: string;
}

export const ENTRIES: readonly MeEntry[] = [
  { key: 'ride', title: '扫码用车', note: '扫描车身二维码或输入编号开锁', url: pageUrl(PAGES.unlock) },
  { key: 'rides', title: '行程', note: '骑过的车、时长、费用和账单', url: pageUrl(PAGES.history) },
  { key: 'bookings', title: '我的预约', note: '查看、取消到店预约', url: pageUrl(PAGES.myBookings) },
  { key: 'bills', title: '生活缴费', note: '水费、电费、燃气费和骑行账单', url: pageUrl(PAGES.bills) },
];

const STAFF_ENTRY: MeEntry = { key: 'staff', title: '店员工作台', note: '当日预约、确认与核销', url: pageUrl(PAGES.staff) };

/**
 * The entries for this user: the staff desk only for staff, with the names of their stores.
 * @example meEntries(['街角咖啡']).map((e) => e.key) // => ['ride', 'rides', 'bookings', 'bills', 'staff']
 */
export function meEntries(staffStoreNames: readonly string[]): MeEntry[] {
  if (staffStoreNames.length === 0) return [...ENTRIES];
  return [...ENTRIES, { ...STAFF_ENTRY, note: `${STAFF_ENTRY.note} · ${staffStoreNames.join('、')}` }];
}
