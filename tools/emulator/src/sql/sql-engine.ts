import type { AlterJobs } from '../catalog/alter-jobs.js';
import { typeToSql } from '../catalog/column-type.js';
import { buildTableSchema, DB_NAME_RE, planAlter } from '../catalog/ddl.js';
import { showCreateTable } from '../catalog/show-create-table.js';
import { storageTableName, type TableSchema } from '../catalog/table-schema.js';
import type { EmulatorContext } from '../context.js';
import { compileExpr, type Value } from '../load/expression-evaluator.js';
import { ErrorCode, MysqlError, type MysqlSession, MysqlType, type QueryResult } from '../mysql/index.js';
import { q } from '../storage/store.js';
import type { Expr } from './expression.js';
import { formatTime, informationSchemaTable } from './information-schema.js';
import { SqlSyntaxError } from './lexer.js';
import { parseStatement, UnsupportedStatementError } from './parser.js';
import { selectFromTable, selectFromVirtual, type VirtualTable } from './select-executor.js';
import type { SelectStatement, Statement, TableRef } from './statement.js';

/** What `SELECT current_version()` answers. */
export const EMULATED_VERSION = '3.3.0-emulator';
/** The MySQL server version StarRocks announces (`mysql_server_version`). */
export const MYSQL_SERVER_VERSION = '8.0.33';

const OK: QueryResult = { kind: 'ok' };
const V = { kind: 'VARCHAR', length: 65533 } as const;

const err = {
  noDb: () => new MysqlError('No database selected', 1046, '3D000'),
  // StarRocks ErrorCode: ERR_BAD_DB_ERROR(5501, "3F000"), ERR_BAD_TABLE_ERROR(5502, "42602")
  badDb: (db: string) => new MysqlError(`Unknown database '${db}'`, ErrorCode.BAD_DB, '3F000'),
  badTable: (db: string, t: string) =>
    new MysqlError(`Unknown table '${db}.${t}'`, ErrorCode.BAD_TABLE, '42602'),
};

/** Executes the SQL the emulator understands against its storage, for the MySQL listener. */
export class SqlEngine {
  readonly ctx: EmulatorContext;
  readonly alterJobs: AlterJobs;

  constructor(ctx: EmulatorContext, alterJobs: AlterJobs) {
    this.ctx = ctx;
    this.alterJobs = alterJobs;
  }

  /** The session variables StarRocks answers `SELECT @@x` / `SHOW VARIABLES` with. */
  variables(session: MysqlSession | null): Record<string, string> {
    return {
      version_comment: `StarRocks version ${EMULATED_VERSION}`,
      version: MYSQL_SERVER_VERSION,
      max_allowed_packet: '33554432',
      auto_increment_increment: '1',
      autocommit: '1',
      character_set_client: 'utf8',
      character_set_connection: 'utf8',
      character_set_results: 'utf8',
      character_set_server: 'utf8',
      collation_connection: 'utf8_general_ci',
      collation_database: 'utf8_general_ci',
      collation_server: 'utf8_general_ci',
      init_connect: '',
      interactive_timeout: '3600',
      language: '/starrocks/share/english/',
      license: 'Apache License 2.0',
      lower_case_table_names: '0',
      net_buffer_length: '16384',
      net_write_timeout: '60',
      performance_schema: '0',
      query_cache_size: '1048576',
      query_cache_type: '0',
      query_timeout: '300',
      sql_mode: 'ONLY_FULL_GROUP_BY',
      system_time_zone: 'UTC',
      time_zone: session?.variables.get('time_zone') ?? 'Asia/Shanghai',
      transaction_isolation: 'REPEATABLE-READ',
      tx_isolation: 'REPEATABLE-READ',
      tx_read_only: '0',
      transaction_read_only: '0',
      wait_timeout: '28800',
    };
  }

  async useDatabase(session: MysqlSession, db: string): Promise<void> {
    if (db.toLowerCase() !== 'information_schema' && !this.ctx.store.databases.has(db)) throw err.badDb(db);
    session.database = db;
  }

  async query(session: MysqlSession, sql: string): Promise<QueryResult> {
    let stmt: Statement;
    try {
      stmt = parseStatement(sql);
    } catch (e) {
      if (e instanceof SqlSyntaxError)
        throw new MysqlError(`Getting syntax error. Detail message: ${e.message}.`, 1064, '42000');
      if (e instanceof UnsupportedStatementError) throw new MysqlError(e.message, 1064, 'HY000');
      throw e;
    }
    return this.#execute(session, stmt);
  }

  #db(session: MysqlSession, ref: TableRef | null = null): string {
    const db = ref?.db ?? session.database;
    if (!db) throw err.noDb();
    return db;
  }

  #table(session: MysqlSession, ref: TableRef): TableSchema {
    const db = this.#db(session, ref);
    if (!this.ctx.store.databases.has(db)) throw err.badDb(db);
    const t = this.ctx.store.getTable(db, ref.name);
    if (!t) throw err.badTable(db, ref.name);
    return t;
  }

  async #execute(session: MysqlSession, s: Statement): Promise<QueryResult> {
    const store = this.ctx.store;
    switch (s.kind) {
      case 'noop':
        return OK;
      case 'set':
        return OK;
      case 'use':
        await this.useDatabase(session, s.db);
        return OK;
      case 'show_databases': {
        let names = ['information_schema', ...[...store.databases.keys()].sort()];
        if (s.like !== null) names = names.filter((n) => likeMatch(n, s.like!));
        return rowsResult(
          ['Database'],
          names.map((n) => [n]),
        );
      }
      case 'show_tables': {
        const db = s.db ?? this.#db(session);
        if (!store.databases.has(db)) throw err.badDb(db);
        let tables = store.tablesOf(db).map((t) => t.name);
        if (s.like !== null) tables = tables.filter((n) => likeMatch(n, s.like!));
        if (s.full)
          return rowsResult(
            [`Tables_in_${db}`, 'Table_type'],
            tables.map((n) => [n, 'BASE TABLE']),
          );
        return rowsResult(
          [`Tables_in_${db}`],
          tables.map((n) => [n]),
        );
      }
      case 'create_database':
        if (store.databases.has(s.name)) {
          if (s.ifNotExists) return OK;
          throw new MysqlError(`Can't create database '${s.name}'; database exists`, 1007, 'HY000');
        }
        if (!DB_NAME_RE.test(s.name))
          throw new MysqlError(`Incorrect database name '${s.name}'`, 1102, '42000');
        await store.createDatabase(s.name);
        return OK;
      case 'drop_database':
        if (!store.databases.has(s.name)) {
          if (s.ifExists) return OK;
          throw new MysqlError(`Can't drop database '${s.name}'; database doesn't exist`, 1008, 'HY000');
        }
        for (const c of this.ctx.beTxns.all())
          if (c.db === s.name) await this.ctx.beTxns.abort(c, 'database dropped');
        await this.ctx.txns.forgetDatabase(s.name);
        await store.dropDatabase(s.name);
        if (session.database === s.name) session.database = null;
        return OK;
      case 'create_table': {
        const db = this.#db(session, s.table);
        if (!store.databases.has(db)) throw err.badDb(db);
        if (store.getTable(db, s.table.name)) {
          if (s.ifNotExists) return OK;
          throw new MysqlError(`Table '${s.table.name}' already exists`, 1050, '42S01');
        }
        await store.createTable(buildTableSchema(s, db, store.allocateId()));
        return OK;
      }
      case 'drop_table': {
        const db = this.#db(session, s.table);
        if (!store.databases.has(db)) throw err.badDb(db);
        const t = store.getTable(db, s.table.name);
        if (!t) {
          if (s.ifExists) return OK;
          throw err.badTable(db, s.table.name);
        }
        await store.dropTable(t);
        return OK;
      }
      case 'truncate_table':
        await store.truncateTable(this.#table(session, s.table));
        return OK;
      case 'show_create_table': {
        const t = this.#table(session, s.table);
        return rowsResult(['Table', 'Create Table'], [[t.name, showCreateTable(t)]]);
      }
      case 'describe': {
        const t = this.#table(session, s.table);
        const rows = t.columns.map((c) => [
          c.name,
          typeToSql(c.type),
          c.nullable ? 'YES' : 'NO',
          c.isKey ? 'true' : 'false',
          c.default === null ? null : c.default.kind === 'literal' ? c.default.value : 'CURRENT_TIMESTAMP',
          '',
          ...(s.full ? [c.comment] : []),
        ]);
        return rowsResult(
          ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra', ...(s.full ? ['Comment'] : [])],
          rows,
        );
      }
      case 'alter_table':
        return this.#alter(session, s.table, s.ops);
      case 'show_alter': {
        const db = s.db ?? this.#db(session);
        if (!store.databases.has(db)) throw err.badDb(db);
        const cols = [
          'JobId',
          'TableName',
          'CreateTime',
          'FinishTime',
          'IndexName',
          'IndexId',
          'OriginIndexId',
          'SchemaVersion',
          'TransactionId',
          'State',
          'Msg',
          'Progress',
          'Timeout',
        ];
        const table: VirtualTable = {
          name: 'alter',
          columns: cols.map((name) => ({ name, type: V })),
          rows: this.alterJobs.list(db).map((j) => ({
            jobid: String(j.jobId),
            tablename: j.tableName,
            createtime: formatTime(j.createTime),
            finishtime: formatTime(j.finishTime),
            indexname: j.tableName,
            indexid: String(j.jobId + 1),
            originindexid: String(j.tableId + 1),
            schemaversion: `${j.schema.schemaVersion}:0`,
            transactionid: String(j.transactionId),
            state: j.state,
            msg: j.msg,
            progress: j.state === 'FINISHED' ? 'N/A' : 'N/A',
            timeout: String(j.timeoutSec),
          })),
        };
        return selectFromVirtual(table, {
          items: [{ expr: { k: 'star' }, alias: null, text: '*' }],
          where: s.where,
          orderBy: s.orderBy,
          limit: s.limit,
          offset: 0,
        });
      }
      case 'show_variables': {
        const vars = Object.entries(this.variables(session)).filter(
          ([k]) => s.like === null || likeMatch(k, s.like),
        );
        return rowsResult(
          ['Variable_name', 'Value'],
          vars.map(([k, v]) => [k, v]),
        );
      }
      case 'select':
        return this.#select(session, s);
    }
  }

  async #alter(
    session: MysqlSession,
    ref: TableRef,
    ops: Extract<Statement, { kind: 'alter_table' }>['ops'],
  ): Promise<QueryResult> {
    const t = this.#table(session, ref);
    const running = this.alterJobs.running(t.id);
    if (running) {
      throw new MysqlError(
        `Table[${t.name}]'s state(SCHEMA_CHANGE) does not allow doing ALTER ops`,
        1064,
        'HY000',
      );
    }
    const { schema, changes } = planAlter(t, ops);
    if (schema.name !== t.name && this.ctx.store.getTable(t.database, schema.name)) {
      throw new MysqlError(`Table '${schema.name}' already exists`, 1050, '42S01');
    }
    if (changes.length === 0) {
      // metadata only (rename, properties): synchronous
      await this.ctx.store.exclusive((conn) => this.ctx.store.saveSchema(conn, schema));
      this.ctx.store.setSchema(schema, t.name);
      return OK;
    }
    await this.alterJobs.submit(t.database, t, schema, changes);
    return OK;
  }

  async #select(session: MysqlSession, s: SelectStatement): Promise<QueryResult> {
    if (!s.from) return this.#selectConstants(session, s);
    const db = this.#db(session, s.from);
    if (db.toLowerCase() === 'information_schema') {
      const store = this.ctx.store;
      const tables = [...store.tables.values()].sort(
        (a, b) => a.database.localeCompare(b.database) || a.name.localeCompare(b.name),
      );
      const counts = new Map<number, number>();
      if (s.from.name.toLowerCase() === 'tables') {
        for (const t of tables) {
          const r = await store.exclusive((c) =>
            c.runAndReadAll(`SELECT count(*) FROM ${q(storageTableName(t))}`),
          );
          counts.set(t.id, Number(r.getRows()[0]?.[0] ?? 0));
        }
      }
      const v = informationSchemaTable(s.from.name, [...store.databases.keys()].sort(), tables, counts);
      if (!v)
        throw new MysqlError(
          `Unknown table 'information_schema.${s.from.name}' (not emulated)`,
          ErrorCode.BAD_TABLE,
          '42602',
        );
      return selectFromVirtual(v, s);
    }
    const t = this.#table(session, s.from);
    return selectFromTable(this.ctx.store, t, s);
  }

  #selectConstants(session: MysqlSession, s: SelectStatement): QueryResult {
    const vars = this.variables(session);
    const subst = (e: Expr): Expr => {
      switch (e.k) {
        case 'var': {
          const name = e.name.replace(/^(session|global|local)\./i, '').toLowerCase();
          if (name.startsWith('@')) return { k: 'lit', v: session.variables.get(name) ?? null };
          const v = vars[name];
          if (v === undefined) throw new MysqlError(`Unknown system variable '${name}'`, 1193, 'HY000');
          return { k: 'lit', v: /^\d+$/.test(v) ? Number(v) : v, text: v };
        }
        case 'call': {
          const args = e.args.map(subst);
          switch (e.name) {
            case 'current_version':
              return { k: 'lit', v: EMULATED_VERSION };
            case 'version':
              return { k: 'lit', v: MYSQL_SERVER_VERSION };
            case 'database':
            case 'schema':
              return { k: 'lit', v: session.database };
            case 'user':
            case 'session_user':
            case 'system_user':
              return { k: 'lit', v: `'${session.user}'@'${session.remoteAddress}'` };
            case 'current_user':
              return { k: 'lit', v: `'${session.user}'@'%'` };
            case 'connection_id':
              return { k: 'lit', v: session.id };
            case 'last_query_id':
              return { k: 'lit', v: '00000000-0000-0000-0000-000000000000' };
            default:
              return { ...e, args };
          }
        }
        case 'bin':
          return { ...e, l: subst(e.l), r: subst(e.r) };
        case 'not':
        case 'neg':
          return { ...e, e: subst(e.e) };
        case 'col':
          throw new MysqlError(`Unknown column '${e.name}' in 'field list'`, ErrorCode.BAD_FIELD, '42S22');
        default:
          return e;
      }
    };
    const values: (string | null)[] = [];
    const types: number[] = [];
    for (const item of s.items) {
      let v: Value;
      try {
        v = compileExpr(subst(item.expr))(() => null);
      } catch (e) {
        if (e instanceof MysqlError) throw e;
        throw new MysqlError((e as Error).message, 1064, 'HY000');
      }
      values.push(
        v === null
          ? null
          : typeof v === 'boolean'
            ? v
              ? '1'
              : '0'
            : typeof v === 'object'
              ? JSON.stringify(v)
              : String(v),
      );
      types.push(
        typeof v === 'number' && Number.isInteger(v)
          ? MysqlType.LONGLONG
          : typeof v === 'number'
            ? MysqlType.DOUBLE
            : MysqlType.VAR_STRING,
      );
    }
    const rows = s.where && compileExpr(subst(s.where))(() => null) !== true ? [] : [values];
    return {
      kind: 'rows',
      columns: s.items.map((i, k) => ({
        name: i.alias ?? i.text,
        type: types[k] as (typeof MysqlType)[keyof typeof MysqlType],
      })),
      rows: s.limit === 0 ? [] : rows,
    };
  }
}

function rowsResult(names: string[], rows: (string | null)[][]): QueryResult {
  return { kind: 'rows', columns: names.map((name) => ({ name, type: MysqlType.VAR_STRING })), rows };
}

function likeMatch(value: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'i').test(value);
}
