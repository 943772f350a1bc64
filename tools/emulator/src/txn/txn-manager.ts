import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from '../catalog/table-schema.js';
import type { LoadBatch } from '../load/load-plan.js';
import type { Store } from '../storage/store.js';
import { q } from '../storage/store.js';
import {
  type ApplyMode,
  applyStaged,
  createStagingTable,
  dropStagingTable,
  stagingTableName,
} from './apply-staged.js';
import { emptyCounters, type TxnRecord, type TxnState } from './txn-record.js';

/** Thrown by `begin` when a non-aborted transaction holds the label. */
export class LabelExistsError extends Error {
  override readonly name = 'LabelExistsError';
  readonly existing: TxnRecord;

  constructor(existing: TxnRecord) {
    super(`Label [${existing.label}] has already been used.`);
    this.existing = existing;
  }
}

export interface TxnManagerOptions {
  /** How long finished labels are kept (spec §5.3 `label_keep_max_second`). */
  readonly labelKeepMaxSec: number;
  /** Default `prepared_timeout` (`prepared_transaction_default_timeout_second`). */
  readonly preparedTimeoutSec: number;
  /** `max_running_txn_num_per_db`. */
  readonly maxRunningTxnPerDb: number;
}

export interface BeginOptions {
  readonly db: string;
  readonly table: TableSchema;
  readonly label: string;
  readonly kind: 'stream' | 'txn';
  readonly timeoutSec: number;
  readonly idleTimeoutSec: number;
}

/**
 * The FE transaction table: labels, states and persistence, plus staging and applying of data.
 * All state changes go through the store's critical sections, so a commit is atomic with its data.
 */
export class TxnManager {
  readonly #txns = new Map<number, TxnRecord>();
  /** `${db}\0${label}` → txn ids, oldest first. */
  readonly #labels = new Map<string, number[]>();
  readonly #seq = new Map<number, number>();
  readonly #publishTimers = new Set<NodeJS.Timeout>();

  readonly store: Store;
  readonly options: TxnManagerOptions;

  constructor(store: Store, options: TxnManagerOptions) {
    this.store = store;
    this.options = options;
  }

  /** Loads persisted transactions and recovers from a restart (spec §4.8). */
  async recover(): Promise<void> {
    const rows = (
      await this.store.exclusive((c) => c.runAndReadAll('SELECT record FROM __sr_txns ORDER BY txn_id'))
    ).getRows();
    for (const [json] of rows) {
      const rec = JSON.parse(String(json)) as TxnRecord;
      this.#index(rec);
    }
    for (const rec of this.#txns.values()) {
      if (rec.state === 'PREPARE') {
        // open transactions lived in the BE's memory: they are lost with it
        await this.abort(rec, 'coordinator BE restarted, transaction aborted');
      } else if (rec.state === 'COMMITTED') {
        await this.#publish(rec);
      }
    }
  }

  #index(rec: TxnRecord): void {
    this.#txns.set(rec.txnId, rec);
    const key = `${rec.db}\u0000${rec.label}`;
    const list = this.#labels.get(key) ?? [];
    list.push(rec.txnId);
    this.#labels.set(key, list);
  }

  get(txnId: number): TxnRecord | undefined {
    return this.#txns.get(txnId);
  }

  /** The latest transaction with this label in the db. */
  byLabel(db: string, label: string): TxnRecord | undefined {
    const ids = this.#labels.get(`${db}\u0000${label}`);
    const id = ids?.[ids.length - 1];
    return id === undefined ? undefined : this.#txns.get(id);
  }

  all(): TxnRecord[] {
    return [...this.#txns.values()];
  }

  runningCount(db: string): number {
    let n = 0;
    for (const t of this.#txns.values())
      if (t.db === db && (t.state === 'PREPARE' || t.state === 'PREPARED')) n++;
    return n;
  }

  /** Begins a transaction (FE `loadTxnBegin`): label uniqueness and the running-txn limit. */
  async begin(o: BeginOptions): Promise<TxnRecord> {
    const ids = this.#labels.get(`${o.db}\u0000${o.label}`) ?? [];
    for (const id of ids) {
      const t = this.#txns.get(id)!;
      if (t.state !== 'ABORTED') throw new LabelExistsError(t);
    }
    const running = this.runningCount(o.db);
    if (running >= this.options.maxRunningTxnPerDb) {
      const dbId = this.store.databases.get(o.db)?.id ?? 0;
      throw new Error(
        `current running txns on db ${dbId} is ${running}, larger than limit ${this.options.maxRunningTxnPerDb}`,
      );
    }
    const rec: TxnRecord = {
      txnId: this.store.allocateId(),
      db: o.db,
      table: o.table.name,
      tableId: o.table.id,
      label: o.label,
      kind: o.kind,
      state: 'PREPARE',
      reason: null,
      beginMs: Date.now(),
      preparedMs: null,
      finishMs: null,
      timeoutSec: o.timeoutSec,
      idleTimeoutSec: o.idleTimeoutSec,
      preparedTimeoutSec: null,
      apply: null,
      visibleAtMs: null,
      counters: emptyCounters(),
      errorUrl: null,
    };
    this.#index(rec);
    await this.store.exclusive(async (conn) => {
      await this.#save(conn, rec);
      await this.store.saveIdCounter(conn);
    });
    return rec;
  }

  async #save(conn: DuckDBConnection, rec: TxnRecord): Promise<void> {
    await conn.run('INSERT OR REPLACE INTO __sr_txns VALUES ($1, $2)', [rec.txnId, JSON.stringify(rec)]);
  }

  /** Appends a load's rows to the transaction's staging table. */
  async stage(rec: TxnRecord, table: TableSchema, batch: LoadBatch, apply: ApplyMode): Promise<void> {
    rec.apply ??= apply;
    if (batch.rows.length === 0) return;
    await this.store.exclusive(async (conn) => {
      await createStagingTable(conn, table, rec.txnId);
      const appender = await conn.createAppender(stagingTableName(rec.txnId));
      let seq = this.#seq.get(rec.txnId) ?? (await this.#maxSeq(conn, rec.txnId));
      try {
        const width = table.columns.length;
        const { rows, ops } = batch;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          for (let i = 0; i < width; i++) {
            const v = row[i];
            if (v === null || v === undefined) appender.appendNull();
            else appender.appendVarchar(v);
          }
          appender.appendTinyInt(ops[r]!);
          appender.appendInteger(seq++);
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      this.#seq.set(rec.txnId, seq);
    });
  }

  async #maxSeq(conn: DuckDBConnection, txnId: number): Promise<number> {
    const r = await conn.runAndReadAll(
      `SELECT coalesce(max(__seq) + 1, 0) FROM ${q(stagingTableName(txnId))}`,
    );
    return Number(r.getRows()[0]?.[0] ?? 0);
  }

  /** PREPARE → PREPARED (data stays staged, durably). */
  async prepare(rec: TxnRecord, preparedTimeoutSec: number | null): Promise<void> {
    await this.store.exclusive(async (conn) => {
      rec.state = 'PREPARED';
      rec.preparedMs = Date.now();
      rec.preparedTimeoutSec = preparedTimeoutSec ?? this.options.preparedTimeoutSec;
      await this.#save(conn, rec);
    });
  }

  /**
   * Commits: the data becomes visible atomically with the state change. With `publishDelayMs`
   * the transaction is COMMITTED now and VISIBLE after the delay (a `Publish Timeout`).
   */
  async commit(rec: TxnRecord, table: TableSchema | undefined, publishDelayMs = 0): Promise<void> {
    if (publishDelayMs > 0) {
      await this.store.exclusive(async (conn) => {
        rec.state = 'COMMITTED';
        rec.visibleAtMs = Date.now() + publishDelayMs;
        await this.#save(conn, rec);
      });
      const timer = setTimeout(() => {
        this.#publishTimers.delete(timer);
        void this.#publish(rec).catch(() => undefined);
      }, publishDelayMs);
      this.#publishTimers.add(timer);
      return;
    }
    await this.#publish(rec, table);
  }

  async #publish(rec: TxnRecord, table?: TableSchema): Promise<void> {
    const schema = table ?? [...this.store.tables.values()].find((t) => t.id === rec.tableId);
    await this.store.transaction(async (conn) => {
      if (schema && rec.apply && (await this.#hasStaging(conn, rec.txnId))) {
        await applyStaged(conn, schema, rec.txnId, rec.apply);
      }
      await dropStagingTable(conn, rec.txnId);
      rec.state = 'VISIBLE';
      rec.finishMs = Date.now();
      rec.visibleAtMs = null;
      await this.#save(conn, rec);
    });
    this.#seq.delete(rec.txnId);
  }

  async #hasStaging(conn: DuckDBConnection, txnId: number): Promise<boolean> {
    const r = await conn.runAndReadAll(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 AND NOT temporary`,
      [stagingTableName(txnId)],
    );
    return Number(r.getRows()[0]?.[0] ?? 0) > 0;
  }

  /** Aborts: staged data is dropped. */
  async abort(rec: TxnRecord, reason: string): Promise<void> {
    await this.store.exclusive(async (conn) => {
      await dropStagingTable(conn, rec.txnId);
      rec.state = 'ABORTED';
      rec.reason = reason;
      rec.finishMs = Date.now();
      await this.#save(conn, rec);
    });
    this.#seq.delete(rec.txnId);
  }

  /** Removes finished labels older than the retention, and aborts expired PREPARED transactions. */
  async sweep(now = Date.now()): Promise<void> {
    for (const rec of [...this.#txns.values()]) {
      if (rec.state === 'PREPARED' && rec.preparedMs !== null && rec.preparedTimeoutSec !== null) {
        if (now - rec.preparedMs > rec.preparedTimeoutSec * 1000) {
          await this.abort(rec, 'transaction is aborted by prepared timeout.');
        }
      }
      if ((rec.state === 'VISIBLE' || rec.state === 'ABORTED') && rec.finishMs !== null) {
        if (now - rec.finishMs > this.options.labelKeepMaxSec * 1000) await this.#forget(rec);
      }
    }
  }

  async #forget(rec: TxnRecord): Promise<void> {
    this.#txns.delete(rec.txnId);
    const key = `${rec.db}\u0000${rec.label}`;
    const ids = (this.#labels.get(key) ?? []).filter((id) => id !== rec.txnId);
    if (ids.length > 0) this.#labels.set(key, ids);
    else this.#labels.delete(key);
    await this.store.exclusive((conn) => conn.run('DELETE FROM __sr_txns WHERE txn_id = $1', [rec.txnId]));
  }

  /** Forgets every transaction of a database (DROP DATABASE). */
  async forgetDatabase(db: string): Promise<void> {
    for (const rec of [...this.#txns.values()]) if (rec.db === db) await this.#forget(rec);
  }

  stopTimers(): void {
    for (const t of this.#publishTimers) clearTimeout(t);
    this.#publishTimers.clear();
  }

  isTerminal(state: TxnState): boolean {
    return state === 'VISIBLE' || state === 'ABORTED';
  }
}
