import type { QueryOptions, SqlExecutor, SqlRow, SqlValue } from '../../src/index.js';

/** One statement the fake executor saw. */
export interface Seen {
  readonly sql: string;
  readonly params: readonly SqlValue[] | undefined;
  readonly options: QueryOptions | undefined;
}

/** A SqlExecutor that answers through `handler` and records every statement. */
export function fakeExecutor(
  handler: (sql: string, params: readonly SqlValue[] | undefined) => SqlRow[] | Promise<SqlRow[]>,
): SqlExecutor & { readonly seen: Seen[]; closed: boolean } {
  const seen: Seen[] = [];
  const exec = {
    seen,
    closed: false,
    async query(sql: string, params?: readonly SqlValue[], options?: QueryOptions) {
      seen.push({ sql, params, options });
      return handler(sql, params);
    },
    async close() {
      exec.closed = true;
    },
  };
  return exec;
}

/** A row of SHOW ALTER TABLE COLUMN. */
export function job(jobId: number, state: string, msg = '', tableName = 't'): SqlRow {
  return {
    JobId: String(jobId),
    TableName: tableName,
    CreateTime: '2026-01-01 00:00:00',
    FinishTime: state === 'FINISHED' || state === 'CANCELLED' ? '2026-01-01 00:00:01' : null,
    IndexName: tableName,
    State: state,
    Msg: msg,
  };
}
