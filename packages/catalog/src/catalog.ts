import { AbortedError, ClosedError, TimeoutError } from '@srconnect/stream-load-sdk';
import { addColumnsSql, dropColumnsSql, modifyColumnSql, renameColumnSql } from './ddl/alter-table-sql.js';
import { createTableSql } from './ddl/create-table-sql.js';
import {
  qualifiedTableName,
  quoteIdentifier,
  validateColumnName,
  validateDatabaseName,
  validateTableName,
} from './ddl/identifier.js';
import { NotFoundError, SqlError } from './errors.js';
import { text } from './internal/row-field.js';
import { sleep } from './internal/sleep.js';
import { type CatalogOptions, type ResolvedCatalogOptions, resolveCatalogOptions } from './options.js';
import {
  type AlterJob,
  type AlterResult,
  type AlterWaitOptions,
  listAlterJobs,
  waitForAlterJobs,
} from './schema/alter-jobs.js';
import {
  type ResolvedColumn,
  resolveAddColumns,
  resolveColumnDefinition,
  resolveTableDefinition,
  resolveType,
} from './schema/definition-schema.js';
import { databaseExists, readTableSchema, tableNotFound } from './schema/read-table-schema.js';
import {
  type AddColumnDefinition,
  type ColumnDefinition,
  findColumn,
  type TableDefinition,
  type TableSchema,
} from './schema/table-schema.js';
import { createMysqlExecutor, type QueryOptions, type SqlExecutor } from './sql-executor.js';
import type { StarRocksType } from './types/starrocks-type.js';

/** Options every call accepts. */
export interface CallOptions {
  /** Aborts the call (`AbortedError`); a running statement's connection is closed. */
  readonly signal?: AbortSignal;
  /** Bound on the whole call (every statement it runs). Default: the catalog's `queryTimeoutMs` per statement. */
  readonly timeoutMs?: number;
}

/** Options of schema changes. */
export interface AlterOptions {
  /** Aborts the call, waiting included. */
  readonly signal?: AbortSignal;
  /** Bound on each statement (the ALTER, each poll). Default: the catalog's `queryTimeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * Bound on waiting for schema-change jobs: for a running one before the ALTER and for ours after
   * it (one deadline for both). Default: the catalog's `alter.timeoutMs`.
   */
  readonly alterTimeoutMs?: number;
  /** Wait until the job finishes. With `false` the call returns once the server accepted the ALTER. @default true */
  readonly wait?: boolean;
}

/**
 * Databases, tables, schemas and schema changes of one StarRocks cluster, over the MySQL protocol.
 * Every name is validated (spec §8) and backquoted; every value is a placeholder or an escaped
 * string literal. Every method rejects with a `StarRocksError` (match on `code`).
 */
export interface Catalog {
  /** The executor the catalog runs SQL through (for statements the catalog does not cover). */
  readonly executor: SqlExecutor;
  /** `SELECT current_version()`, e.g. `3.3.5-5d1d4b8`. */
  getVersion(options?: CallOptions): Promise<string>;
  /** Every database name (`information_schema.schemata`), system ones included, sorted. */
  listDatabases(options?: CallOptions): Promise<string[]>;
  databaseExists(database: string, options?: CallOptions): Promise<boolean>;
  /** `CREATE DATABASE [IF NOT EXISTS]`; `ifNotExists` defaults to true. */
  createDatabase(database: string, options?: CallOptions & { readonly ifNotExists?: boolean }): Promise<void>;
  /** `DROP DATABASE [IF EXISTS] … [FORCE]`. A missing database is a `NotFoundError` unless `ifExists`. */
  dropDatabase(
    database: string,
    options?: CallOptions & { readonly ifExists?: boolean; readonly force?: boolean },
  ): Promise<void>;
  /** The database's tables (`TABLE_TYPE = 'BASE TABLE'`), sorted. `NotFoundError` for a missing database. */
  listTables(database: string, options?: CallOptions): Promise<string[]>;
  tableExists(database: string, table: string, options?: CallOptions): Promise<boolean>;
  /** The table's typed schema; `NotFoundError` when the database or table is missing. */
  getTable(database: string, table: string, options?: CallOptions): Promise<TableSchema>;
  /** The CREATE TABLE statement `createTable` would run (validated; nothing is sent). */
  createTableSql(definition: TableDefinition, options?: { readonly ifNotExists?: boolean }): string;
  /** Creates a table from a definition (a `getTable` result is one). */
  createTable(
    definition: TableDefinition,
    options?: CallOptions & { readonly ifNotExists?: boolean },
  ): Promise<void>;
  /** `DROP TABLE [IF EXISTS] … [FORCE]`. A missing table is a `NotFoundError` unless `ifExists`. */
  dropTable(
    database: string,
    table: string,
    options?: CallOptions & { readonly ifExists?: boolean; readonly force?: boolean },
  ): Promise<void>;
  /** `TRUNCATE TABLE`. */
  truncateTable(database: string, table: string, options?: CallOptions): Promise<void>;
  /** `ALTER TABLE … ADD COLUMN …[, ADD COLUMN …]` (one job), with `FIRST`/`AFTER` per column; waits for the job. */
  addColumns(
    database: string,
    table: string,
    columns: readonly AddColumnDefinition[],
    options?: AlterOptions,
  ): Promise<AlterResult>;
  /** `ALTER TABLE … DROP COLUMN …[, DROP COLUMN …]`; waits for the job. */
  dropColumns(
    database: string,
    table: string,
    columns: readonly string[],
    options?: AlterOptions,
  ): Promise<AlterResult>;
  /** `ALTER TABLE … RENAME COLUMN a TO b` (the server applies it at once; no job). */
  renameColumn(
    database: string,
    table: string,
    from: string,
    to: string,
    options?: AlterOptions,
  ): Promise<AlterResult>;
  /**
   * `ALTER TABLE … MODIFY COLUMN <definition>` (the whole definition: type, nullability, default,
   * comment); waits. Without `nullable` the column keeps its current nullability.
   */
  modifyColumn(
    database: string,
    table: string,
    column: ColumnDefinition,
    options?: AlterOptions,
  ): Promise<AlterResult>;
  /** Changes only a column's type, keeping its nullability, default, comment and aggregate; waits. */
  modifyColumnType(
    database: string,
    table: string,
    column: string,
    type: StarRocksType | string,
    options?: AlterOptions,
  ): Promise<AlterResult>;
  /** The table's schema-change jobs (`SHOW ALTER TABLE COLUMN`), newest first. */
  listAlterJobs(database: string, table: string, options?: CallOptions): Promise<AlterJob[]>;
  /** Waits until the table has no unfinished schema-change job (e.g. after an `AlterTimeoutError`). */
  waitForSchemaChange(database: string, table: string, options?: AlterOptions): Promise<void>;
  /** Closes the executor (the connection pool). Later calls reject with `ClosedError`. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A deadline shared by the statements of one call. */
class Budget {
  readonly #deadline: number | null;
  readonly #timeoutMs: number | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(o: CallOptions) {
    this.#timeoutMs = o.timeoutMs;
    this.#deadline = o.timeoutMs === undefined ? null : Date.now() + o.timeoutMs;
    this.#signal = o.signal;
  }

  /** Options for the next statement. */
  next(): QueryOptions {
    if (this.#signal?.aborted) throw new AbortedError('the operation was aborted', this.#signal.reason);
    const base = this.#signal ? { signal: this.#signal } : {};
    if (this.#deadline === null) return base;
    const remaining = this.#deadline - Date.now();
    if (remaining <= 0)
      throw new TimeoutError(`The call did not finish within ${this.#timeoutMs} ms`, this.#timeoutMs ?? 0);
    return { ...base, timeoutMs: remaining };
  }
}

/** A budget whose every statement gets the full `timeoutMs` (alter calls bound waits separately). */
class StatementBudget extends Budget {
  readonly #o: AlterOptions;
  constructor(o: AlterOptions) {
    super({});
    this.#o = o;
  }
  override next(): QueryOptions {
    if (this.#o.signal?.aborted) throw new AbortedError('the operation was aborted', this.#o.signal.reason);
    return {
      ...(this.#o.signal ? { signal: this.#o.signal } : {}),
      ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
    };
  }
}

const statementBudget = (o: AlterOptions): Budget => new StatementBudget(o);

/** Unknown database: ERR_BAD_DB_ERROR (5501 on current StarRocks, 1049 on older ones). */
const BAD_DB_ERRNOS: ReadonlySet<number> = new Set([5501, 1049]);
/** Unknown table: ERR_BAD_TABLE_ERROR (5502; 1051 before) and MySQL's ER_NO_SUCH_TABLE (1146). */
const BAD_TABLE_ERRNOS: ReadonlySet<number> = new Set([5502, 1051, 1146]);
/** Unknown column: ERR_BAD_FIELD_ERROR (5509; 1054 before). */
const BAD_FIELD_ERRNOS: ReadonlySet<number> = new Set([5509, 1054]);
/** ERR_PARSE_ERROR / analysis errors of some 3.x versions: confirmed with an existence check. */
const AMBIGUOUS_ERRNO = 1064;

const TERMINAL_STATES: ReadonlySet<string> = new Set(['FINISHED', 'CANCELLED']);

/**
 * The server refused an ALTER because a schema change is running on the table
 * (`Table[t]'s state[SCHEMA_CHANGE] does not allow doing ALTER ops`, SchemaChangeHandler).
 */
function isTableBusy(err: unknown): boolean {
  return (
    err instanceof SqlError &&
    /state[[(]SCHEMA_CHANGE[\])] does not allow doing ALTER ops/i.test(err.serverMessage || err.message)
  );
}

function errnoOf(err: unknown): number | null {
  return err instanceof SqlError ? err.errno : null;
}

/**
 * Creates a catalog. Connection: `url` (`mysql://user:password@host:9030`) or
 * `host`/`port`/`user`/`password`, `tls`, `pool`, timeouts; or an `executor` of your own.
 * Nothing connects until the first call.
 *
 * @throws {InvalidOptionError} whose lines name each invalid option.
 */
export function createCatalog(options: CatalogOptions = {}): Catalog {
  const o: ResolvedCatalogOptions = resolveCatalogOptions(options);
  const { executor: given, alter, table: tableDefaults, ...connection } = o;
  const exec: SqlExecutor = given ?? createMysqlExecutor({ ...connection, url: null });
  let closed = false;

  const open = () => {
    if (closed) throw new ClosedError('the catalog was closed');
  };

  const run = async (sql: string, params: readonly (string | number)[] | undefined, b: Budget) =>
    exec.query(sql, params, b.next());

  /**
   * Re-throws server "unknown database/table" errors as NotFoundError. Current servers use
   * 5501/5502 (ERR_BAD_DB_ERROR/ERR_BAD_TABLE_ERROR), older ones 1049 and 1051/1146; some 3.x
   * versions report an analysis error as 1064, which is only taken as "not found" after checking
   * that the database or table is really missing.
   */
  const notFound = async (
    err: unknown,
    database: string,
    table: string | null,
    b: Budget,
  ): Promise<never> => {
    const errno = errnoOf(err);
    if (errno !== null && BAD_DB_ERRNOS.has(errno))
      throw new NotFoundError(`Database ${database} does not exist`, 'database', { database }, err);
    if (table !== null && errno !== null && BAD_TABLE_ERRNOS.has(errno))
      throw await tableNotFound(exec, database, table, () => b.next(), err);
    if (errno === AMBIGUOUS_ERRNO) await confirmMissing(err, database, table, null, b);
    throw err;
  };

  /**
   * For an ambiguous error (1064): throws NotFoundError when the database, table or one of the
   * columns is really missing; returns otherwise (the caller re-throws the original error).
   */
  const confirmMissing = async (
    err: unknown,
    database: string,
    table: string | null,
    columns: readonly string[] | null,
    b: Budget,
  ): Promise<void> => {
    let missing: NotFoundError | null = null;
    try {
      if (!(await databaseExists(exec, database, b.next())))
        missing = new NotFoundError(`Database ${database} does not exist`, 'database', { database }, err);
      else if (table !== null) {
        const rows = await run(
          'SELECT COLUMN_NAME AS column_name FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
          [database, table],
          b,
        );
        if (rows.length === 0)
          missing = new NotFoundError(
            `Table ${database}.${table} does not exist`,
            'table',
            { database, table },
            err,
          );
        else if (columns !== null) {
          const have = new Set(rows.map((r) => text(r, 'column_name').toLowerCase()));
          const column = columns.find((c) => !have.has(c.toLowerCase()));
          if (column !== undefined) missing = columnNotFound(err, database, table, column);
        }
      }
    } catch {
      // the check itself failed: report the original error
      return;
    }
    if (missing !== null) throw missing;
  };

  const columnNotFound = (err: unknown, database: string, table: string, column: string) =>
    new NotFoundError(
      `Column ${column} of ${database}.${table} does not exist${
        err instanceof SqlError ? `: ${err.serverMessage}` : ''
      }`,
      'column',
      { database, table, column },
      err,
    );

  const waitOptions = (opts: AlterOptions, deadline: number): AlterWaitOptions => ({
    timeoutMs: Math.max(1, deadline - Date.now()),
    pollIntervalMs: alter.pollIntervalMs,
    maxPollIntervalMs: alter.maxPollIntervalMs,
    queryTimeoutMs: opts.timeoutMs ?? connection.queryTimeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  /** Runs one ALTER statement and waits for the job it started (see README "Schema changes"). */
  const runAlter = async (
    database: string,
    table: string,
    sql: string,
    opts: AlterOptions,
    columnHint: readonly string[] | null = null,
  ): Promise<AlterResult> => {
    open();
    const b = statementBudget(opts);
    const deadline = Date.now() + (opts.alterTimeoutMs ?? alter.timeoutMs);
    let jobs: AlterJob[];
    try {
      jobs = await listAlterJobs(exec, database, table, b.next());
    } catch (err) {
      return notFound(err, database, table, b);
    }
    if (jobs.some((j) => j.state !== 'FINISHED' && j.state !== 'CANCELLED')) {
      // only one schema change may run on a table: wait for the running one first
      await waitForAlterJobs(
        exec,
        database,
        table,
        new Set(jobs.map((j) => j.jobId)),
        waitOptions(opts, deadline),
      );
      jobs = await listAlterJobs(exec, database, table, b.next());
    }
    let before = new Set(jobs.map((j) => j.jobId));
    for (;;) {
      try {
        await run(sql, undefined, b);
        break;
      } catch (err) {
        if (isTableBusy(err) && Date.now() < deadline) {
          // another client's schema change started between our check and our ALTER: wait for it
          // (bounded by the same deadline) and try again
          const current = await listAlterJobs(exec, database, table, b.next());
          if (current.some((j) => !TERMINAL_STATES.has(j.state)))
            await waitForAlterJobs(
              exec,
              database,
              table,
              new Set(current.map((j) => j.jobId)),
              waitOptions(opts, deadline),
            );
          else await sleep(Math.min(alter.pollIntervalMs, Math.max(1, deadline - Date.now())), opts.signal);
          before = new Set((await listAlterJobs(exec, database, table, b.next())).map((j) => j.jobId));
          continue;
        }
        if (isTableBusy(err)) throw err;
        const errno = errnoOf(err);
        if (errno !== null && BAD_FIELD_ERRNOS.has(errno) && columnHint !== null)
          throw columnNotFound(err, database, table, columnHint.join(', '));
        if (errno === AMBIGUOUS_ERRNO) await confirmMissing(err, database, table, columnHint, b);
        return notFound(err, database, table, b);
      }
    }
    if (opts.wait === false) {
      const after = await listAlterJobs(exec, database, table, b.next());
      return { jobs: after.filter((j) => !before.has(j.jobId)).reverse() };
    }
    return { jobs: await waitForAlterJobs(exec, database, table, before, waitOptions(opts, deadline)) };
  };

  const getTable = async (database: string, table: string, opts: CallOptions = {}) => {
    open();
    const b = new Budget(opts);
    return readTableSchema(exec, database, table, () => b.next());
  };

  const currentColumn = async (database: string, table: string, name: string, opts: CallOptions) => {
    const schema = await getTable(database, table, opts);
    const column = findColumn(schema, name);
    if (!column)
      throw new NotFoundError(`Column ${name} of ${database}.${table} does not exist`, 'column', {
        database,
        table,
        column: name,
      });
    return { schema, column };
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    await exec.close();
  };

  return {
    executor: exec,

    async getVersion(opts = {}) {
      open();
      const rows = await run('SELECT current_version() AS version', undefined, new Budget(opts));
      return rows[0] === undefined ? '' : text(rows[0], 'version');
    },

    async listDatabases(opts = {}) {
      open();
      const rows = await run(
        'SELECT SCHEMA_NAME AS schema_name FROM information_schema.schemata ORDER BY SCHEMA_NAME',
        undefined,
        new Budget(opts),
      );
      return rows.map((r) => text(r, 'schema_name'));
    },

    async databaseExists(database, opts = {}) {
      open();
      return databaseExists(exec, database, new Budget(opts).next());
    },

    async createDatabase(database, opts = {}) {
      open();
      const sql = `CREATE DATABASE ${opts.ifNotExists === false ? '' : 'IF NOT EXISTS '}${quoteIdentifier(
        validateDatabaseName(database),
      )}`;
      await run(sql, undefined, new Budget(opts));
    },

    async dropDatabase(database, opts = {}) {
      open();
      const b = new Budget(opts);
      const sql = `DROP DATABASE ${opts.ifExists ? 'IF EXISTS ' : ''}${quoteIdentifier(validateDatabaseName(database))}${
        opts.force ? ' FORCE' : ''
      }`;
      try {
        await run(sql, undefined, b);
      } catch (err) {
        // 1008: can't drop database; database doesn't exist
        const errno = errnoOf(err);
        if (errno !== null && (errno === 1008 || BAD_DB_ERRNOS.has(errno)))
          throw new NotFoundError(`Database ${database} does not exist`, 'database', { database }, err);
        return notFound(err, database, null, b);
      }
    },

    async listTables(database, opts = {}) {
      open();
      validateDatabaseName(database);
      const b = new Budget(opts);
      const rows = await run(
        "SELECT TABLE_NAME AS table_name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        [database],
        b,
      );
      if (rows.length === 0 && !(await databaseExists(exec, database, b.next())))
        throw new NotFoundError(`Database ${database} does not exist`, 'database', { database });
      return rows.map((r) => text(r, 'table_name'));
    },

    async tableExists(database, table, opts = {}) {
      open();
      validateDatabaseName(database);
      validateTableName(table);
      const rows = await run(
        'SELECT TABLE_NAME AS table_name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [database, table],
        new Budget(opts),
      );
      return rows.length > 0;
    },

    getTable,

    createTableSql(definition, opts = {}) {
      return createTableSql(resolveTableDefinition(definition, tableDefaults), opts);
    },

    async createTable(definition, opts = {}) {
      open();
      const resolved = resolveTableDefinition(definition, tableDefaults);
      const b = new Budget(opts);
      try {
        await run(createTableSql(resolved, opts), undefined, b);
      } catch (err) {
        return notFound(err, resolved.database, null, b);
      }
    },

    async dropTable(database, table, opts = {}) {
      open();
      const b = new Budget(opts);
      const sql = `DROP TABLE ${opts.ifExists ? 'IF EXISTS ' : ''}${qualifiedTableName(database, table)}${
        opts.force ? ' FORCE' : ''
      }`;
      try {
        await run(sql, undefined, b);
      } catch (err) {
        return notFound(err, database, table, b);
      }
    },

    async truncateTable(database, table, opts = {}) {
      open();
      const b = new Budget(opts);
      try {
        await run(`TRUNCATE TABLE ${qualifiedTableName(database, table)}`, undefined, b);
      } catch (err) {
        return notFound(err, database, table, b);
      }
    },

    async addColumns(database, table, columns, opts = {}) {
      const resolved = resolveAddColumns(columns);
      const sql = addColumnsSql(database, table, resolved);
      const after = resolved.find((c) => c.after !== null)?.after ?? null;
      return runAlter(database, table, sql, opts, after === null ? null : [after]);
    },

    async dropColumns(database, table, columns, opts = {}) {
      const sql = dropColumnsSql(database, table, columns);
      return runAlter(database, table, sql, opts, columns);
    },

    async renameColumn(database, table, from, to, opts = {}) {
      return runAlter(database, table, renameColumnSql(database, table, from, to), opts, [from]);
    },

    async modifyColumn(database, table, column, opts = {}) {
      const resolved = resolveColumnDefinition(column);
      const { column: current } = await currentColumn(database, table, resolved.name, opts);
      // nullability not given: keep the column's (a NOT NULL column must not become NULL)
      const nullable = column.nullable ?? current.nullable;
      const sql = modifyColumnSql(
        database,
        table,
        { ...resolved, name: current.name, nullable },
        { key: current.isKey },
      );
      return runAlter(database, table, sql, opts, [current.name]);
    },

    async modifyColumnType(database, table, name, type, opts = {}) {
      validateColumnName(name);
      const newType = resolveType(type);
      const { column: current } = await currentColumn(database, table, name, opts);
      const next: ResolvedColumn = {
        name: current.name,
        type: newType,
        nullable: current.nullable,
        default: current.default,
        comment: current.comment,
        aggregate: current.aggregate,
      };
      return runAlter(database, table, modifyColumnSql(database, table, next, { key: current.isKey }), opts, [
        current.name,
      ]);
    },

    async listAlterJobs(database, table, opts = {}) {
      open();
      validateTableName(table);
      const b = new Budget(opts);
      try {
        return await listAlterJobs(exec, database, table, b.next());
      } catch (err) {
        return notFound(err, database, table, b);
      }
    },

    async waitForSchemaChange(database, table, opts = {}) {
      open();
      validateTableName(table);
      const b = statementBudget(opts);
      const deadline = Date.now() + (opts.alterTimeoutMs ?? alter.timeoutMs);
      let jobs: AlterJob[];
      try {
        jobs = await listAlterJobs(exec, database, table, b.next());
      } catch (err) {
        return notFound(err, database, table, b);
      }
      // every job that exists now is waited for; none is "ours", so a cancelled one is not an error
      await waitForAlterJobs(
        exec,
        database,
        table,
        new Set(jobs.map((j) => j.jobId)),
        waitOptions(opts, deadline),
      );
    },

    close,
    [Symbol.asyncDispose]: close,
  };
}
