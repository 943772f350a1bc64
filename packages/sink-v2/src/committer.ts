import type { StreamLoadClient } from '@srconnect/stream-load-sdk';
import type { Committable } from './state.js';

/** Commits prepared transactions. */
export interface SinkCommitter {
  /**
   * Commits every committable. Idempotent: an already committed transaction is success. An aborted
   * one is a TransactionError naming its label; retriable failures are retried (the client's retry
   * policy); a final failure is thrown, never swallowed.
   */
  commit(committables: readonly Committable[], signal?: AbortSignal): Promise<void>;
}

export function createCommitter(client: StreamLoadClient): SinkCommitter {
  return {
    async commit(committables, signal) {
      for (const c of committables) {
        await client.commitTransaction({ database: c.database, table: c.table, label: c.label, signal });
      }
    },
  };
}
