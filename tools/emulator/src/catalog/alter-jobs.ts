import type { DuckDBConnection } from '@duckdb/node-api';
import { castLiteral, q, type Store } from '../storage/store.js';
import { duckdbType } from './column-type.js';
import type { StorageChange } from './ddl.js';
import { storageTableName, type TableSchema } from './table-schema.js';

/** `AlterJobV2.JobState` names. */
export type AlterJobState = 'PENDING' | 'WAITING_TXN' | 'RUNNING' | 'FINISHED' | 'CANCELLED';

export interface AlterJob {
  readonly jobId: number;
  readonly db: string;
  readonly tableId: number;
  tableName: string;
  readonly createTime: number;
  finishTime: number | null;
  state: AlterJobState;
  msg: string;
  readonly schema: TableSchema;
  readonly changes: readonly StorageChange[];
  readonly transactionId: number;
  readonly timeoutSec: number;
}

/**
 * Asynchronous schema-change jobs (spec §7.5): a job is RUNNING for `delayMs`, then applies its
 * storage changes and the new schema atomically and becomes FINISHED (or CANCELLED with a message).
 */
export class AlterJobs {
  readonly #jobs: AlterJob[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  readonly store: Store;
  readonly delayMs: number;

  constructor(store: Store, delayMs: number) {
    this.store = store;
    this.delayMs = delayMs;
  }

  async recover(): Promise<void> {
    const rows = (
      await this.store.exclusive((c) => c.runAndReadAll('SELECT record FROM __sr_alter_jobs ORDER BY job_id'))
    ).getRows();
    for (const [json] of rows) this.#jobs.push(JSON.parse(String(json)) as AlterJob);
    for (const job of this.#jobs)
      if (job.state === 'RUNNING' || job.state === 'PENDING') await this.#finish(job);
  }

  list(db: string): AlterJob[] {
    return this.#jobs.filter((j) => j.db === db);
  }

  running(tableId: number): AlterJob | undefined {
    return this.#jobs.find(
      (j) =>
        j.tableId === tableId &&
        (j.state === 'RUNNING' || j.state === 'PENDING' || j.state === 'WAITING_TXN'),
    );
  }

  async #save(conn: DuckDBConnection, job: AlterJob): Promise<void> {
    await conn.run('INSERT OR REPLACE INTO __sr_alter_jobs VALUES ($1, $2)', [
      job.jobId,
      JSON.stringify(job),
    ]);
  }

  /** Starts a job that will turn the table into `schema`. */
  async submit(
    db: string,
    current: TableSchema,
    schema: TableSchema,
    changes: readonly StorageChange[],
  ): Promise<AlterJob> {
    const job: AlterJob = {
      jobId: this.store.allocateId(),
      db,
      tableId: current.id,
      tableName: current.name,
      createTime: Date.now(),
      finishTime: null,
      state: 'RUNNING',
      msg: '',
      schema,
      changes,
      transactionId: this.store.allocateId(),
      timeoutSec: 86400,
    };
    this.#jobs.push(job);
    await this.store.exclusive(async (conn) => {
      await this.#save(conn, job);
      await this.store.saveIdCounter(conn);
    });
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#finish(job).catch(() => undefined);
    }, this.delayMs);
    this.#timers.add(timer);
    return job;
  }

  async #finish(job: AlterJob): Promise<void> {
    const current = [...this.store.tables.values()].find((t) => t.id === job.tableId);
    if (!current) {
      job.state = 'CANCELLED';
      job.msg = 'table does not exist';
      job.finishTime = Date.now();
      await this.store.exclusive((conn) => this.#save(conn, job));
      return;
    }
    try {
      await this.store.transaction(async (conn) => {
        const target = q(storageTableName(current));
        for (const ch of job.changes) {
          if (ch.kind === 'add') {
            const t = duckdbType(ch.column.type);
            const d = ch.column.default;
            const dflt =
              d?.kind === 'literal'
                ? ` DEFAULT ${castLiteral(d.value, ch.column.type)}`
                : d?.kind === 'current_timestamp'
                  ? ' DEFAULT current_localtimestamp()'
                  : '';
            await conn.run(`ALTER TABLE ${target} ADD COLUMN ${q(ch.column.storageName)} ${t}${dflt}`);
            if (dflt)
              await conn.run(`ALTER TABLE ${target} ALTER COLUMN ${q(ch.column.storageName)} DROP DEFAULT`);
          } else if (ch.kind === 'drop') {
            await conn.run(`ALTER TABLE ${target} DROP COLUMN ${q(ch.storageName)}`);
          } else {
            await conn.run(
              `ALTER TABLE ${target} ALTER COLUMN ${q(ch.column.storageName)} TYPE ${duckdbType(ch.column.type)}`,
            );
          }
        }
        await this.store.saveSchema(conn, job.schema);
        await this.#save(conn, { ...job, state: 'FINISHED', finishTime: Date.now() });
      });
      // the new schema is in effect before anyone can see the job FINISHED
      this.store.setSchema(job.schema, current.name);
      job.finishTime = Date.now();
      job.state = 'FINISHED';
    } catch (err) {
      job.state = 'CANCELLED';
      job.msg = (err as Error).message;
      job.finishTime = Date.now();
      await this.store.exclusive((conn) => this.#save(conn, job));
    }
  }

  stopTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
