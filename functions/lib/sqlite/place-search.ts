/**
 * Text search of stores and stations in SQLite (shared/search.ts): a row of `place_search` per
 * store and station, and its pieces (`place_grams`). Part of the places adapter (places.ts), which
 * calls `indexText` in every write of a place and `search` for `PlaceStore.search`.
 */
import { byDistanceThenId, distancesFromM } from '../../../shared/geo';
import type { Place } from '../../../shared/places';
import { byNameThenId, placeSearchText, queryGrams, searchGrams } from '../../../shared/search';
import type { SearchHit, SearchQuery } from '../ports';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export interface PlaceSearch {
  /** Keeps a store's or station's search row and pieces as its name and address now read (a bike: nothing). */
  indexText(pk: number, place: Place): void;
  /** `PlaceStore.search`, in one read transaction on a file. */
  search(q: SearchQuery): SearchHit[];
}

/** `bodiesOf`: the places' JSON bodies by pk, in one statement (the places adapter's). */
export function sqlitePlaceSearch(db: Db, bodiesOf: (pks: number[]) => Map<number, string>): PlaceSearch {
  const searchRowOf = db.prepare('SELECT kind, text FROM place_search WHERE pk = ?');
  const writeSearchRow = db.prepare('INSERT OR REPLACE INTO place_search (pk, kind, id, name, text) VALUES (?, ?, ?, ?, ?)');
  // One statement a place for all its pieces (json_each): a statement call costs more than the B-tree insert.
  const dropGrams = db.prepare('DELETE FROM place_grams WHERE kind = ? AND pk = ? AND gram IN (SELECT value FROM json_each(?))');
  const addGrams = db.prepare('INSERT OR IGNORE INTO place_grams (kind, gram, pk) SELECT ?, value, ? FROM json_each(?)');
  const unindexed = db.prepare(`SELECT pk, body FROM places WHERE kind IN ('store', 'station') AND pk NOT IN (SELECT pk FROM place_search)`).raw();
  /** Keeps a store's or station's search row and pieces as its name and address now read. */
  function indexText(pk: number, place: Place): void {
    if (place.kind === 'bike') return;
    const text = placeSearchText(place);
    const before = searchRowOf.get(pk) as { kind: string; text: string } | undefined;
    if (before !== undefined && before.kind === place.kind && before.text === text) {
      writeSearchRow.run(pk, place.kind, place.id, place.name, text);
      return;
    }
    if (before !== undefined) dropGrams.run(before.kind, pk, JSON.stringify(searchGrams(before.text)));
    writeSearchRow.run(pk, place.kind, place.id, place.name, text);
    addGrams.run(place.kind, pk, JSON.stringify(searchGrams(text)));
  }
  // Places written before the search index existed (a database of an older version) are indexed once, here.
  const backlog = unindexed.all() as [number, string][];
  if (backlog.length > 0) {
    db.transaction(() => {
      for (const [pk, body] of backlog) indexText(pk, JSON.parse(body) as Place);
    })();
  }
  /**
   * The places whose text holds the query: the pieces' postings intersected (one piece for a query
   * of one or two characters, which is then certainly a match), then the whole query checked.
   * One statement per count of pieces, prepared on first use; `ordered` adds name order and a limit.
   */
  const matchStatements = new Map<string, Statement<unknown[]>>();
  function matching(grams: string[], ordered: boolean): Statement<unknown[]> {
    const name = `${grams.length}:${ordered}`;
    let stmt = matchStatements.get(name);
    if (stmt === undefined) {
      const postings = grams.map(() => 'SELECT pk FROM place_grams WHERE kind = ? AND gram = ?').join(' INTERSECT ');
      stmt = db
        .prepare<unknown[]>(
          `SELECT s.pk, s.id, s.name, p.lat, p.lng FROM place_search s JOIN places p ON p.pk = s.pk
           WHERE s.pk IN (${postings}) AND instr(s.text, ?) > 0${ordered ? ' ORDER BY s.name, s.id LIMIT ?' : ''}`,
        )
        .raw();
      matchStatements.set(name, stmt);
    }
    return stmt;
  }
  function search(q: SearchQuery): SearchHit[] {
    const grams = queryGrams(q.key);
    const params: unknown[] = grams.flatMap((gram) => [q.kind, gram]);
    params.push(q.key);
    if (q.center === undefined) {
      const rows = matching(grams, true).all(...params, q.limit) as [number, string, string, number, number][];
      const bodies = rows.length > 0 ? bodiesOf(rows.map((r) => r[0])) : new Map<number, string>();
      const hits = rows.map(([pk]) => ({ place: JSON.parse(bodies.get(pk) as string) as SearchHit['place'] }));
      return hits.sort((a, b) => byNameThenId(a.place, b.place));
    }
    // Nearest first: every match is measured (from columns), and only the first `limit` are read whole.
    const measure = distancesFromM(q.center);
    const found: { pk: number; id: string; distance: number }[] = [];
    for (const [pk, id, , lat, lng] of matching(grams, false).all(...params) as [number, string, string, number, number][]) {
      found.push({ pk, id, distance: measure(lat, lng) });
    }
    found.sort(byDistanceThenId);
    if (found.length > q.limit) found.length = q.limit;
    if (found.length === 0) return [];
    // At most 50 (the contract's limit): one statement.
    const bodies = bodiesOf(found.map((c) => c.pk));
    return found.map((c) => ({ place: JSON.parse(bodies.get(c.pk) as string) as SearchHit['place'], distance: c.distance }));
  }
  return { indexText, search: db.memory ? search : db.transaction(search) };
}
