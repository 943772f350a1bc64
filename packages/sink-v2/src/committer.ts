import { type ErrorCode, StarRocksError, type StreamLoadClient } from '@srconnect/stream-load-sdk';
import type { Committable } from './state.js';

/** Commits prepared transactions. */
export interface SinkCommitter {
  /**
   * Commits every committable. Idempotent: an already committed transaction is success. An aborted
   * one is a TransactionError naming its label; retriable failures are retried (the client's retry
   * policy). Every committable is tried even when one fails; then one failure is thrown as it is,
   * several as a {@link CommitFailedError} listing each — never swallowed.
   */
  commit(committables: readonly Committable[], signal?: AbortSignal): Promise<void>;
}

/** One committable that could not be committed, and why. */
export interface CommitFailure {
  readonly committable: Committable;
  readonly error: unknown;
}

/**
 * Several committables failed to commit (each was tried). `failures` lists every one; `code` is
 * their common code, or `SR_TXN_FAILED` when they differ; `retriable` only when all are.
 */
export class CommitFailedError extends StarRocksError {
  readonly failures: readonly CommitFailure[];
  constructor(message: string, failures: readonly CommitFailure[]) {
    const codes = new Set(failures.map((f) => (f.error instanceof StarRocksError ? f.error.code : null)));
    const [only] = codes;
    const code: ErrorCode = codes.size === 1 && only ? only : 'SR_TXN_FAILED';
    super(code, message, {
      retriable: failures.every((f) => f.error instanceof StarRocksError && f.error.retriable),
      cause: failures[0]?.error,
    });
    this.failures = failures;
  }
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Commits each committable in order, trying all of them; returns the labels committed and the
 * failures (the caller decides how to report them).
 */
export async function commitEach(
  client: StreamLoadClient,
  committables: readonly Committable[],
  signal?: AbortSignal,
): Promise<{ committed: string[]; failures: CommitFailure[] }> {
  const committed: string[] = [];
  const failures: CommitFailure[] = [];
  for (const c of committables) {
    try {
      await client.commitTransaction({ database: c.database, table: c.table, label: c.label, signal });
      committed.push(c.label);
    } catch (error) {
      failures.push({ committable: c, error });
      // an aborted run stops at once; what is left stays prepared for a later commit or restore
      if (signal?.aborted) break;
    }
  }
  return { committed, failures };
}

/** One failure as it is; several as one {@link CommitFailedError} naming every label. */
export function commitFailure(failures: readonly CommitFailure[], what = 'commit'): unknown {
  if (failures.length === 1) return failures[0]!.error;
  return new CommitFailedError(
    `${what}: ${failures.length} committables failed: ${failures
      .map((f) => `${f.committable.label} (checkpoint ${f.committable.checkpointId}): ${describe(f.error)}`)
      .join('; ')}`,
    failures,
  );
}

export function createCommitter(client: StreamLoadClient): SinkCommitter {
  return {
    async commit(committables, signal) {
      const { failures } = await commitEach(client, committables, signal);
      if (failures.length > 0) throw commitFailure(failures);
    },
  };
}
