import type { Doc } from './sdk';

/**
 * Paging on CloudBase (docs/scale.md "Paging"). A query answers at most 1,000 documents (100 when no
 * limit is given), so every query that can match more reads page after page in a stable order: by
 * one field and then `_id`, a key that never repeats. Each next page asks for what comes after the
 * last document read (`key > last`, or `key = last` and `_id > last _id`) rather than `skip`ping:
 * `skip(n)` makes the server walk n documents again on every page, and a document inserted or
 * removed before the cursor between two pages would shift the rest (one read twice or one missed).
 */
export const PAGE_SIZE = 1000;

export interface PagedQuery {
  where(query: object): PagedQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): PagedQuery;
  limit(n: number): PagedQuery;
  get(): Promise<{ data: Doc[] }>;
}

export interface PagingCommand {
  gt(value: unknown): unknown;
  and(...conditions: object[]): object;
  or(...conditions: object[]): object;
}

/** Where a page ends: the last document's key value and `_id`. */
export interface Cursor {
  value: unknown;
  id: string;
}

/** A path's value in a document (`a.b`). */
const valueAt = (doc: Doc, path: string): unknown => path.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], doc);

/** The condition "after `cursor`" in (key, _id) order; by `_id` alone when the key is `_id`. */
export function after(_: PagingCommand, key: string, cursor: Cursor): object {
  if (key === '_id') return { _id: _.gt(cursor.id) };
  return _.or([{ [key]: _.gt(cursor.value) }, { [key]: cursor.value, _id: _.gt(cursor.id) }] as never);
}

/**
 * One page of `where` in ascending (key, _id) order after `cursor` (the first page when null),
 * and the cursor of the next page (null when this page was the last).
 */
export async function readPage(
  collection: () => PagedQuery,
  _: PagingCommand,
  where: object,
  key: string,
  cursor: Cursor | null,
  size = PAGE_SIZE,
): Promise<{ docs: Doc[]; next: Cursor | null }> {
  const condition = cursor === null ? where : _.and([where, after(_, key, cursor)] as never);
  let query = collection().where(condition).orderBy(key, 'asc');
  if (key !== '_id') query = query.orderBy('_id', 'asc');
  const { data } = await query.limit(size).get();
  const last = data[data.length - 1];
  return { docs: data, next: data.length < size || last === undefined ? null : { value: valueAt(last, key), id: last._id } };
}

/** Every document of `where`, read a page at a time in ascending (key, _id) order. */
export async function readAll(collection: () => PagedQuery, _: PagingCommand, where: object, key: string, size = PAGE_SIZE): Promise<Doc[]> {
  const out: Doc[] = [];
  let cursor: Cursor | null = null;
  do {
    const page: { docs: Doc[]; next: Cursor | null } = await readPage(collection, _, where, key, cursor, size);
    out.push(...page.docs);
    cursor = page.next;
  } while (cursor !== null);
  return out;
}

/** At most `max` documents of `where` in ascending (key, _id) order, read a page at a time (a sweep's batch). */
export async function readUpTo(collection: () => PagedQuery, _: PagingCommand, where: object, key: string, max: number, size = PAGE_SIZE): Promise<Doc[]> {
  const out: Doc[] = [];
  let cursor: Cursor | null = null;
  while (out.length < max) {
    const page: { docs: Doc[]; next: Cursor | null } = await readPage(collection, _, where, key, cursor, Math.min(size, max - out.length));
    out.push(...page.docs);
    cursor = page.next;
    if (cursor === null) break;
  }
  return out;
}
