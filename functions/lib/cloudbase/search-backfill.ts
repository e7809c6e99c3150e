/**
 * The `search` field of stored stores and stations, set where it is missing or stale
 * (`npm run places -- reindex`). geo.search on CloudBase matches that field (./places.ts); places
 * stored before geo.search existed have none, so a search misses them until this has run once.
 *
 * Each collection is read a page of 1,000 at a time in `_id` order, each page after the last `_id`
 * read (never `skip`: ./paging.ts). A document whose `search` differs from what the import would
 * write (`placeSearchText` of the place it holds, shared/search.ts) is rewritten as the import writes
 * it (`placeDoc`), in transactions of UPSERT_CHUNK documents, each document read again inside its
 * transaction: a place changed meanwhile is written as it now is, one set right meanwhile is left
 * alone, and a second run writes nothing. A dry run reads and counts only.
 */
import type { PlaceKind } from '../../../shared/places';
import { placeSearchText } from '../../../shared/search';
import { COLLECTIONS } from './db';
import { type Cursor, type PagedQuery, type PagingCommand, readPage } from './paging';
import { placeDoc, placeOf, UPSERT_CHUNK } from './places';
import type { AdapterDb, Doc } from './sdk';
import { inTransaction } from './transaction';

/** The kinds geo.search finds (a bike has no `search`). */
export const SEARCHABLE_KINDS = ['store', 'station'] as const satisfies readonly PlaceKind[];

/** What one kind's pass found and did. */
export interface ReindexCount {
  kind: (typeof SEARCHABLE_KINDS)[number];
  /** Documents read. */
  read: number;
  /** Of those, the ones whose `search` was missing or stale when read. */
  stale: number;
  /** Documents rewritten (0 on a dry run; fewer than `stale` when others set some right meanwhile). */
  written: number;
}

/** Whether a stored document's `search` is what the import writes for the place it holds. */
export const searchIsCurrent = (doc: Doc): boolean => doc.search === placeSearchText(placeOf(doc));

export async function reindexPlaceSearch(db: AdapterDb, options: { dryRun?: boolean; log?: (line: string) => void } = {}): Promise<ReindexCount[]> {
  const _ = db.command as unknown as PagingCommand;
  const counts: ReindexCount[] = [];
  for (const kind of SEARCHABLE_KINDS) {
    const name = COLLECTIONS[kind];
    const count: ReindexCount = { kind, read: 0, stale: 0, written: 0 };
    let cursor: Cursor | null = null;
    do {
      const page: { docs: Doc[]; next: Cursor | null } = await readPage(() => db.collection(name) as PagedQuery, _, {}, '_id', cursor);
      count.read += page.docs.length;
      const stale = page.docs.filter((doc) => !searchIsCurrent(doc)).map((doc) => doc._id);
      count.stale += stale.length;
      if (!options.dryRun) {
        for (let i = 0; i < stale.length; i += UPSERT_CHUNK) {
          const part = stale.slice(i, i + UPSERT_CHUNK);
          count.written += await inTransaction(db, async (tx) => {
            let wrote = 0;
            for (const id of part) {
              const ref = tx.collection(name).doc(id);
              const { data: doc } = await ref.get();
              if (!doc || searchIsCurrent(doc)) continue;
              await ref.set(placeDoc(db, placeOf(doc)));
              wrote++;
            }
            return wrote;
          });
        }
      }
      cursor = page.next;
    } while (cursor !== null);
    options.log?.(
      `${kind}: ${count.read} read, ${count.stale} without a current search field, ${options.dryRun ? 'none written (dry run)' : `${count.written} written`}`,
    );
    counts.push(count);
  }
  return counts;
}
