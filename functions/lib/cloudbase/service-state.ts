import { decideForceRefresh, forceRefreshRecordOf } from '../../../shared/force-refresh';
import type { CloudbaseDb } from './db';
import type { ForceRefreshLedger } from '../ports';
import { inTransaction } from './transaction';

/** The collection of the deployment's own small records (cloudbase/database.json: deny-all rules). */
export const SERVICE_STATE_COLLECTION = 'service_state';

/** The document id of an AppID's force_refresh budget (the same key as SQLite's row). */
export const forceRefreshKey = (appId: string): string => `stable_token_force_refresh:${appId}`;

interface TxDocRef {
  get(): Promise<{ data: Record<string, unknown> | null }>;
  set(data: object): Promise<unknown>;
}
/** The slice of the SDK's database this adapter uses: one `doc(id)` read and write in a transaction. */
export interface ServiceStateDb {
  runTransaction<T>(run: (tx: { collection(name: string): { doc(id: string): TxDocRef } }) => Promise<T>, times?: number): Promise<T>;
}

/** The SDK's database as this adapter's narrow interface (its `runTransaction` is declared loosely by the SDK). */
export function asServiceStateDb(db: CloudbaseDb): ServiceStateDb {
  return db as unknown as ServiceStateDb;
}

/**
 * The force_refresh budget in CloudBase: one `runTransaction` of `doc(id)` get and set on
 * `service_state/stable_token_force_refresh:<appid>`, so that two instances taking it at once meet
 * on one document and one of them conflicts (then reruns and reads the other's record).
 */
export function cloudbaseForceRefreshLedger(db: ServiceStateDb, jitter: () => number = Math.random): ForceRefreshLedger {
  return {
    take(appId, now) {
      return inTransaction(
        db,
        async (tx) => {
          const ref = tx.collection(SERVICE_STATE_COLLECTION).doc(forceRefreshKey(appId));
          const { data } = await ref.get();
          const decision = decideForceRefresh(forceRefreshRecordOf(data), now.getTime());
          if (decision.ok) await ref.set({ ...decision.record, updatedAt: now.toISOString() });
          return decision;
        },
        jitter,
      );
    },
  };
}
