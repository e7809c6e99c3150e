import { decideForceRefresh, forceRefreshRecordOf } from '../../../shared/force-refresh';
import type { ForceRefreshLedger } from '../ports';
import { atomically, type Db } from './db';

/** The `service_state` key of an AppID's force_refresh budget (the same key as CloudBase's document id). */
export const forceRefreshKey = (appId: string): string => `stable_token_force_refresh:${appId}`;

/** The force_refresh budget in SQLite: one IMMEDIATE transaction reads the row, asks the rule, writes its answer. */
export function sqliteForceRefreshLedger(db: Db): ForceRefreshLedger {
  const read = db.prepare('SELECT body FROM service_state WHERE key = ?').pluck();
  const write = db.prepare(
    `INSERT INTO service_state (key, body, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
  );
  return {
    async take(appId, now) {
      return atomically(db, () => {
        const key = forceRefreshKey(appId);
        const body = read.get(key) as string | undefined;
        const decision = decideForceRefresh(forceRefreshRecordOf(body === undefined ? null : JSON.parse(body)), now.getTime());
        if (decision.ok) write.run(key, JSON.stringify(decision.record), now.toISOString());
        return decision;
      });
    },
  };
}
