/**
 * Paging in SQLite, as on CloudBase (functions/lib/cloudbase/paging.ts): a query that can match
 * many rows reads them in pages of `SQL_PAGE` in the order of a key that never repeats (a row value
 * ending in the primary key), each page asking for the rows after the last one read
 * (`(k1, k2) > (?, ?)`), never OFFSET. Memory per page stays bounded and the same rows come back
 * in the same order on both back ends.
 */
export const SQL_PAGE = 1000;

/**
 * Every row, page after page: `page(after)` answers at most `size` rows after the cursor (`after`
 * is null for the first page), and `cursorOf` is the key of a row.
 */
export function allPages<R, C>(page: (after: C | null, size: number) => R[], cursorOf: (row: R) => C, size = SQL_PAGE): R[] {
  const out: R[] = [];
  let after: C | null = null;
  for (;;) {
    const rows = page(after, size);
    out.push(...rows);
    if (rows.length < size) return out;
    after = cursorOf(rows[rows.length - 1]);
  }
}
