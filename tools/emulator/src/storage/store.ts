import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ColumnType, duckdbType } from '../catalog/column-type.js';
import { type ColumnSchema, storageTableName, type TableSchema } from '../catalog/table-schema.js';
import { Mutex } from './mutex.js';

/** Quotes a DuckDB identifier. */
export function q(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a DuckDB string literal. */
export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface DatabaseRecord {
  readonly name: string;
  readonly id: number;
  readonly createTime: number;
}

/**
 * DuckDB-backed storage: metadata (databases, tables, transactions, alter jobs) and table data.
 * Every statement runs on one connection behind a mutex, so a critical section is atomic with
 * respect to other requests; `transaction()` wraps one in BEGIN/COMMIT.
 */
export class Store {
  readonly databases = new Map<string, DatabaseRecord>();
  /** Key: `${db}\0${table}`. */
  readonly tables = new Map<string, TableSchema>();
  readonly #mutex = new Mutex();
  #nextId = 10_000;

  private readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
  readonly persistent: boolean;

  constructor(instance: DuckDBInstance, conn: DuckDBConnection, persistent: boolean) {
    this.instance = instance;
    this.conn = conn;
    this.persistent = persistent;
  }

  /** Opens the store: in memory when `dataDir` is null, else `<dataDir>/emulator.duckdb`. */
  static async open(dataDir: string | null): Promise<Store> {
    let path = ':memory:';
    if (dataDir !== null) {
      mkdirSync(dataDir, { recursive: true });
      path = join(dataDir, 'emulator.duckdb');
    }
    const instance = await DuckDBInstance.create(path, { threads: '2' });
    const conn = await instance.connect();
    const store = new Store(instance, conn, dataDir !== null);
    await store.#init();
    return store;
  }

  async #init(): Promise<void> {
    await this.conn.run(`CREATE TABLE IF NOT EXISTS __sr_meta (k VARCHAR PRIMARY KEY, v VARCHAR)`);
    await this.conn.run(
      `CREATE TABLE IF NOT EXISTS __sr_databases (name VARCHAR PRIMARY KEY, id BIGINT, create_time BIGINT)`,
    );
    await this.conn.run(`CREATE TABLE IF NOT EXISTS __sr_tables (id BIGINT PRIMARY KEY, schema VARCHAR)`);
    await this.conn.run(`CREATE TABLE IF NOT EXISTS __sr_txns (txn_id BIGINT PRIMARY KEY, record VARCHAR)`);
    await this.conn.run(
      `CREATE TABLE IF NOT EXISTS __sr_alter_jobs (job_id BIGINT PRIMARY KEY, record VARCHAR)`,
    );
    const meta = await this.conn.runAndReadAll(`SELECT v FROM __sr_meta WHERE k = 'next_id'`);
    const row = meta.getRows()[0];
    if (row) this.#nextId = Number(row[0]);
    for (const [name, id, ct] of (
      await this.conn.runAndReadAll('SELECT name, id, create_time FROM __sr_databases')
    ).getRows()) {
      this.databases.set(String(name), { name: String(name), id: Number(id), createTime: Number(ct) });
    }
    for (const [schema] of (await this.conn.runAndReadAll('SELECT schema FROM __sr_tables')).getRows()) {
      const t = JSON.parse(String(schema)) as TableSchema;
      this.tables.set(tableKey(t.database, t.name), t);
    }
  }

  /** A separate connection (for long reads that must not hold the store's mutex; close it when done). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs `fn` exclusively (no other statement interleaves). */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#mutex.run(() => fn(this.conn));
  }

  /** Runs `fn` exclusively inside BEGIN/COMMIT; rolls back if it throws. */
  transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#mutex.run(async () => {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const r = await fn(this.conn);
        await this.conn.run('COMMIT');
        return r;
      } catch (err) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** A new unique id (database, table, transaction, job); persisted with the next metadata write. */
  allocateId(): number {
    return this.#nextId++;
  }

  /** Writes the id counter (call inside a critical section). */
  async saveIdCounter(conn: DuckDBConnection): Promise<void> {
    await conn.run(`INSERT OR REPLACE INTO __sr_meta VALUES ('next_id', $1)`, [String(this.#nextId)]);
  }

  getTable(db: string, name: string): TableSchema | undefined {
    return this.tables.get(tableKey(db, name));
  }

  tablesOf(db: string): TableSchema[] {
    return [...this.tables.values()]
      .filter((t) => t.database === db)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async createDatabase(name: string): Promise<void> {
    await this.transaction(async (conn) => {
      const rec = { name, id: this.allocateId(), createTime: Date.now() };
      await conn.run('INSERT INTO __sr_databases VALUES ($1, $2, $3)', [name, rec.id, rec.createTime]);
      await this.saveIdCounter(conn);
      this.databases.set(name, rec);
    });
  }

  async dropDatabase(name: string): Promise<void> {
    await this.transaction(async (conn) => {
      for (const t of this.tablesOf(name)) await this.#dropTableIn(conn, t);
      await conn.run('DELETE FROM __sr_databases WHERE name = $1', [name]);
    });
    this.databases.delete(name);
    for (const t of this.tablesOf(name)) this.tables.delete(tableKey(t.database, t.name));
  }

  /** Creates the storage table and records the schema. */
  async createTable(schema: TableSchema): Promise<void> {
    await this.transaction(async (conn) => {
      const cols = schema.columns.map((c) => `${q(c.storageName)} ${duckdbType(c.type)}`).join(', ');
      await conn.run(`CREATE TABLE ${q(storageTableName(schema))} (${cols})`);
      await conn.run('INSERT INTO __sr_tables VALUES ($1, $2)', [schema.id, JSON.stringify(schema)]);
      await this.saveIdCounter(conn);
    });
    this.tables.set(tableKey(schema.database, schema.name), schema);
  }

  /** Replaces a table's recorded schema (inside a critical section, with the storage changes). */
  async saveSchema(conn: DuckDBConnection, schema: TableSchema): Promise<void> {
    await conn.run('INSERT OR REPLACE INTO __sr_tables VALUES ($1, $2)', [schema.id, JSON.stringify(schema)]);
  }

  /** Updates the in-memory schema after `saveSchema` committed. */
  setSchema(schema: TableSchema, previousName?: string): void {
    if (previousName !== undefined) this.tables.delete(tableKey(schema.database, previousName));
    this.tables.set(tableKey(schema.database, schema.name), schema);
  }

  async dropTable(schema: TableSchema): Promise<void> {
    await this.transaction((conn) => this.#dropTableIn(conn, schema));
    this.tables.delete(tableKey(schema.database, schema.name));
  }

  async #dropTableIn(conn: DuckDBConnection, schema: TableSchema): Promise<void> {
    await conn.run(`DROP TABLE IF EXISTS ${q(storageTableName(schema))}`);
    await conn.run('DELETE FROM __sr_tables WHERE id = $1', [schema.id]);
  }

  async truncateTable(schema: TableSchema): Promise<void> {
    await this.exclusive((conn) => conn.run(`DELETE FROM ${q(storageTableName(schema))}`));
  }

  async close(): Promise<void> {
    await this.#mutex.run(async () => {
      if (this.persistent) await this.conn.run('CHECKPOINT').catch(() => undefined);
      this.conn.closeSync();
      this.instance.closeSync();
    });
  }
}

export function tableKey(db: string, table: string): string {
  return `${db}\u0000${table}`;
}

/**
 * SQL that casts a staged VARCHAR column to the column's storage type. A VARBINARY value is staged as
 * the hex of its bytes (any byte fits, which a VARCHAR does not allow).
 */
export function castStaged(column: ColumnSchema, source = ''): string {
  const ref = `${source}${q(column.storageName)}`;
  if (column.type.kind === 'VARBINARY') return `unhex(${ref})`;
  const t = duckdbType(column.type);
  return t === 'VARCHAR' ? ref : `CAST(${ref} AS ${t})`;
}

/**
 * SQL for a literal (a column DEFAULT) as a value of the column's storage type. VARBINARY takes the
 * UTF-8 bytes of the text: a cast to BLOB would read `\x..` escapes and reject non-ASCII characters.
 */
export function castLiteral(value: string, type: ColumnType): string {
  if (type.kind === 'VARBINARY') return `encode(${lit(value)})`;
  return `CAST(${lit(value)} AS ${duckdbType(type)})`;
}
