import { AbortedError, TimeoutError } from '@srconnect/stream-load-sdk';
import { quoteIdentifier, validateDatabaseName } from '../ddl/identifier.js';
import { AlterJobError } from '../errors.js';
import { field, text } from '../internal/row-field.js';
import { sleep } from '../internal/sleep.js';
import type { QueryOptions, SqlExecutor } from '../sql-executor.js';

/** A row of `SHOW ALTER TABLE COLUMN`. */
export interface AlterJob {
  readonly jobId: string;
  readonly tableName: string;
  /** Server time, whole seconds (`YYYY-MM-DD HH:MM:SS`). */
  readonly createTime: string | null;
  readonly finishTime: string | null;
  /** `PENDING`, `WAITING_TXN`, `RUNNING`, `FINISHED`, `CANCELLED` (or `FINISHED_REWRITING`). */
  readonly state: string;
  /** The server's message (why a job was cancelled). */
  readonly msg: string;
}

/** How a schema change ended. */
export interface AlterResult {
  /** The jobs the statement started (none for changes the server applies at once, e.g. RENAME COLUMN). */
  readonly jobs: readonly AlterJob[];
}

/** Thrown when a schema-change job is still running at the bound; it goes on on the server. */
export class AlterTimeoutError extends TimeoutError {
  readonly database: string;
  readonly table: string;
  readonly jobIds: readonly string[];
  constructor(
    message: string,
    timeoutMs: number,
    where: { database: string; table: string; jobIds: string[] },
  ) {
    super(message, timeoutMs);
    this.database = where.database;
    this.table = where.table;
    this.jobIds = where.jobIds;
  }
}

const TERMINAL = new Set(['FINISHED', 'CANCELLED']);

/** Options of waiting for alter jobs. */
export interface AlterWaitOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly signal?: AbortSignal;
  /** Bound on each poll statement. Default: what is left of `timeoutMs`. */
  readonly queryTimeoutMs?: number;
}

/** `SHOW ALTER TABLE COLUMN FROM db WHERE TableName = ? ORDER BY CreateTime DESC` (every job of the table). */
export async function listAlterJobs(
  exec: SqlExecutor,
  database: string,
  table: string,
  options: QueryOptions = {},
): Promise<AlterJob[]> {
  const rows = await exec.query(
    `SHOW ALTER TABLE COLUMN FROM ${quoteIdentifier(validateDatabaseName(database))} WHERE TableName = ? ORDER BY CreateTime DESC`,
    [table],
    options,
  );
  return rows.map((r) => ({
    jobId: text(r, 'JobId'),
    tableName: text(r, 'TableName'),
    createTime: field(r, 'CreateTime') == null ? null : text(r, 'CreateTime'),
    finishTime: field(r, 'FinishTime') == null ? null : text(r, 'FinishTime'),
    state: text(r, 'State').toUpperCase(),
    msg: text(r, 'Msg'),
  }));
}

/**
 * Polls the table's alter jobs until none is unfinished. Jobs whose ids are in `before` existed
 * before our statement: they are waited for but their outcome is not ours. A new job that ends
 * CANCELLED throws {@link AlterJobError} with the server's `Msg`. Bounded by `timeoutMs`
 * ({@link AlterTimeoutError}); back-off from `pollIntervalMs` doubling to `maxPollIntervalMs`.
 */
export async function waitForAlterJobs(
  exec: SqlExecutor,
  database: string,
  table: string,
  before: ReadonlySet<string>,
  o: AlterWaitOptions,
): Promise<AlterJob[]> {
  const deadline = Date.now() + o.timeoutMs;
  let delay = o.pollIntervalMs;
  for (;;) {
    if (o.signal?.aborted) throw new AbortedError('the operation was aborted', o.signal.reason);
    // each poll has the statement bound, not what is left of the wait: the last poll before the
    // deadline must still be able to answer (the total is at most timeoutMs + one statement)
    const jobs = await listAlterJobs(exec, database, table, {
      ...(o.signal ? { signal: o.signal } : {}),
      timeoutMs: Math.max(1, o.queryTimeoutMs ?? deadline - Date.now()),
    });
    const ours = jobs.filter((j) => !before.has(j.jobId));
    const cancelled = ours.find((j) => j.state === 'CANCELLED');
    if (cancelled) {
      throw new AlterJobError(
        `The schema change of ${database}.${table} was cancelled (job ${cancelled.jobId}): ${cancelled.msg || '(no message)'}`,
        { database, table, jobId: cancelled.jobId, state: cancelled.state, serverMessage: cancelled.msg },
      );
    }
    const unfinished = jobs.filter((j) => !TERMINAL.has(j.state));
    if (unfinished.length === 0) return ours.reverse();
    const now = Date.now();
    if (now >= deadline) {
      throw new AlterTimeoutError(
        `The schema change of ${database}.${table} did not finish within ${o.timeoutMs} ms (job ${unfinished
          .map((j) => `${j.jobId} ${j.state}`)
          .join(', ')}); it goes on on the server`,
        o.timeoutMs,
        { database, table, jobIds: unfinished.map((j) => j.jobId) },
      );
    }
    await sleep(Math.min(delay, deadline - now), o.signal);
    delay = Math.min(delay * 2, o.maxPollIntervalMs);
  }
}
