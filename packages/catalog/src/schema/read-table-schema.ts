import { ProtocolError } from '@srconnect/stream-load-sdk';
import { qualifiedTableName, validateDatabaseName, validateTableName } from '../ddl/identifier.js';
import { NotFoundError, TypeParseError } from '../errors.js';
import { field, text } from '../internal/row-field.js';
import type { QueryOptions, SqlExecutor, SqlRow } from '../sql-executor.js';

/** Options for each statement: fixed, or computed per statement (a deadline shared by a call). */
export type StatementOptions = QueryOptions | (() => QueryOptions);

const optionsOf = (o: StatementOptions): QueryOptions => (typeof o === 'function' ? o() : o);

import { parseStarRocksType } from '../types/parse-type.js';
import type { StarRocksType } from '../types/starrocks-type.js';
import { parseShowCreateColumns } from './show-create-table.js';
import type {
  AggregateFunction,
  ColumnDefault,
  ColumnSchema,
  KeyModel,
  TableSchema,
} from './table-schema.js';

const COLUMNS_SQL = `SELECT COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position, DATA_TYPE AS data_type,
 COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, COLUMN_KEY AS column_key, COLUMN_DEFAULT AS column_default,
 COLUMN_COMMENT AS column_comment
 FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const TABLES_CONFIG_SQL = `SELECT TABLE_MODEL AS table_model, PRIMARY_KEY AS primary_key, DISTRIBUTE_KEY AS distribute_key,
 DISTRIBUTE_TYPE AS distribute_type, DISTRIBUTE_BUCKET AS distribute_bucket, SORT_KEY AS sort_key, PROPERTIES AS properties
 FROM information_schema.tables_config WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`;

const TABLES_SQL = `SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type, TABLE_COMMENT AS table_comment
 FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`;

const SCHEMATA_SQL =
  'SELECT SCHEMA_NAME AS schema_name FROM information_schema.schemata WHERE SCHEMA_NAME = ?';

/**
 * `TABLE_MODEL` per key model. Real servers print `KeysType.toString()` (`PRIMARY_KEYS`,
 * `UNIQUE_KEYS`, `DUP_KEYS`, `AGG_KEYS`); the abbreviated `PRI_KEYS`/`UNQ_KEYS` of older
 * emulator builds and docs are accepted too.
 */
const MODELS: Readonly<Record<string, KeyModel>> = {
  DUP_KEYS: 'DUPLICATE',
  AGG_KEYS: 'AGGREGATE',
  UNIQUE_KEYS: 'UNIQUE',
  UNQ_KEYS: 'UNIQUE',
  PRIMARY_KEYS: 'PRIMARY',
  PRI_KEYS: 'PRIMARY',
};

/** `TABLE_COMMENT` values the server prints for a table without a comment (its engine/type name). */
const NO_COMMENT = new Set(['OLAP', 'MATERIALIZED_VIEW', 'CLOUD_NATIVE', 'CLOUD_NATIVE_MATERIALIZED_VIEW']);

/**
 * Splits a key list as `tables_config` prints it (`` `a`, `b` ``; unquoted `a, b` too) into the
 * table's column names. Names are matched against the known columns (case-insensitively), so names
 * containing backticks, commas or spaces are found even though the server does not escape them.
 */
export function parseColumnList(textValue: string, columns: readonly string[]): string[] | null {
  const s = textValue.trim();
  if (s === '') return [];
  const lowerToName = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const sorted = [...columns].sort((a, b) => b.length - a.length);
  const out: string[] = [];
  const at = (pos: number): boolean => {
    if (pos === s.length) return true;
    for (const name of sorted) {
      for (const form of [`\`${name}\``, `\`${name.replaceAll('`', '``')}\``, name]) {
        if (s.slice(pos, pos + form.length).toLowerCase() !== form.toLowerCase()) continue;
        const end = pos + form.length;
        const sep = /^\s*,\s*/.exec(s.slice(end));
        if (end === s.length || sep) {
          out.push(lowerToName.get(name.toLowerCase()) ?? name);
          if (at(end === s.length ? end : end + sep![0].length)) return true;
          out.pop();
        }
      }
    }
    return false;
  };
  return at(0) ? out : null;
}

/** A COLUMN_DEFAULT that could be an expression default (a function call). */
const MAYBE_EXPRESSION = /\(.*\)/s;

/**
 * A column's default from `COLUMN_DEFAULT` (`Column.getMetaDefaultValue`: the literal, `CURRENT_TIMESTAMP`
 * for `now()`, else the expression text), told apart with SHOW CREATE TABLE's form when read.
 */
function parseDefault(
  raw: unknown,
  type: StarRocksType,
  shown: ColumnDefault | null | undefined,
): ColumnDefault | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw);
  if (shown?.kind === 'expression' || shown?.kind === 'current_timestamp') return shown;
  if (shown?.kind === 'literal') return { kind: 'literal', value };
  if (type.kind === 'DATETIME' && /^current_timestamp(\(\))?$/i.test(value))
    return { kind: 'current_timestamp' };
  // without SHOW CREATE TABLE: a bare function call is taken for an expression
  if (shown === undefined && /^[A-Za-z_]\w*\(\s*\)$/.test(value.trim()))
    return { kind: 'expression', expression: value.trim() };
  return { kind: 'literal', value };
}

function parseProperties(raw: string): Record<string, string> {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ProtocolError('information_schema.tables_config.PROPERTIES is not JSON', raw);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProtocolError('information_schema.tables_config.PROPERTIES is not a JSON object', raw);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * The table comment. `information_schema.tables.TABLE_COMMENT` falls back to the table's type name
 * (`OLAP`, `MATERIALIZED_VIEW`…) when the table has no comment; those mean "no comment".
 */
function tableComment(row: SqlRow | undefined): string {
  if (row === undefined) return '';
  const c = text(row, 'table_comment');
  return NO_COMMENT.has(c) ? '' : c;
}

/** Whether a database exists (`information_schema.schemata`). */
export async function databaseExists(
  exec: SqlExecutor,
  database: string,
  options: StatementOptions = {},
): Promise<boolean> {
  validateDatabaseName(database);
  return (await exec.query(SCHEMATA_SQL, [database], optionsOf(options))).length > 0;
}

/** The not-found error for a table: says whether the database or the table is missing. */
export async function tableNotFound(
  exec: SqlExecutor,
  database: string,
  table: string,
  options: StatementOptions,
  cause?: unknown,
): Promise<NotFoundError> {
  if (!(await databaseExists(exec, database, options)))
    return new NotFoundError(`Database ${database} does not exist`, 'database', { database }, cause);
  return new NotFoundError(`Table ${database}.${table} does not exist`, 'table', { database, table }, cause);
}

/**
 * Reads a table's schema from `information_schema.columns` (names, types, nullability, defaults,
 * comments, key flags, positions), `information_schema.tables_config` (key model, key order,
 * distribution, buckets, sort key, properties) and `information_schema.tables` (comment). For
 * AGGREGATE KEY tables it also reads `SHOW CREATE TABLE`, the only place aggregate functions appear.
 *
 * Types come from `COLUMN_TYPE` read with `source: 'information_schema'`: `tinyint(1)` is BOOLEAN
 * (TINYINT prints `tinyint(4)`) and `bigint(20) unsigned` is LARGEINT (StarRocks has no unsigned
 * BIGINT); `DATA_TYPE` (`tinyint`/`bigint unsigned`) is checked to agree.
 *
 * @throws {NotFoundError} when the database or table does not exist.
 */
export async function readTableSchema(
  exec: SqlExecutor,
  database: string,
  table: string,
  options: StatementOptions = {},
): Promise<TableSchema> {
  validateDatabaseName(database);
  validateTableName(table);
  const params = [database, table];
  const columnRows = await exec.query(COLUMNS_SQL, params, optionsOf(options));
  if (columnRows.length === 0) throw await tableNotFound(exec, database, table, options);
  const configRows = await exec.query(TABLES_CONFIG_SQL, params, optionsOf(options));
  const config = configRows[0];
  if (config === undefined) {
    throw new NotFoundError(
      `Table ${database}.${table} has no information_schema.tables_config row (not a native table, e.g. a view)`,
      'table',
      { database, table },
    );
  }
  const tableRows = await exec.query(TABLES_SQL, params, optionsOf(options));
  const modelName = text(config, 'table_model').trim().toUpperCase();
  if (modelName === '') {
    // views, external and other non-OLAP tables have a row with an empty TABLE_MODEL
    throw new NotFoundError(
      `Table ${database}.${table} is not a native table (e.g. a view or an external table)`,
      'table',
      { database, table },
    );
  }
  const keyModel = MODELS[modelName];
  if (keyModel === undefined)
    throw new ProtocolError(
      `Unknown TABLE_MODEL ${JSON.stringify(modelName)} for ${database}.${table}`,
      modelName,
    );

  // AGGREGATE KEY tables: aggregate functions appear only in SHOW CREATE TABLE. Defaults that may
  // be expressions (COLUMN_DEFAULT prints `uuid()` and the literal "uuid()" alike): SHOW CREATE
  // TABLE tells `DEFAULT "v"` from `DEFAULT (expr)`.
  const ambiguousDefault = columnRows.some((r) => {
    const d = field(r, 'column_default');
    return d !== null && d !== undefined && MAYBE_EXPRESSION.test(String(d));
  });
  let aggregates = new Map<string, AggregateFunction | null>();
  let shown: Map<string, ColumnDefault | null> | null = null;
  if (keyModel === 'AGGREGATE' || ambiguousDefault) {
    let ddl: string | null = null;
    try {
      const ddlRows = await exec.query(
        `SHOW CREATE TABLE ${qualifiedTableName(database, table)}`,
        undefined,
        optionsOf(options),
      );
      ddl = ddlRows[0] === undefined ? '' : text(ddlRows[0], 'Create Table');
    } catch (err) {
      if (keyModel === 'AGGREGATE') throw err;
    }
    if (ddl !== null) {
      const parsed = parseShowCreateColumns(ddl);
      aggregates = new Map(parsed.map((c) => [c.name.toLowerCase(), c.aggregate]));
      if (parsed.length > 0) shown = new Map(parsed.map((c) => [c.name.toLowerCase(), c.default]));
    }
  }

  const columns: ColumnSchema[] = columnRows.map((r) => {
    const name = text(r, 'column_name');
    const columnType = text(r, 'column_type');
    const dataType = text(r, 'data_type').toLowerCase();
    let type: StarRocksType;
    try {
      type = parseStarRocksType(columnType, { source: 'information_schema' });
    } catch (err) {
      if (!(err instanceof TypeParseError)) throw err;
      // a type this library does not know (a newer server's): reported, not fatal for the table
      type = { kind: 'OPAQUE', text: columnType };
    }
    if (dataType === 'boolean') type = { kind: 'BOOLEAN' };
    if (dataType === 'bigint unsigned' || dataType === 'largeint') type = { kind: 'LARGEINT' };
    const key = text(r, 'column_key').toUpperCase();
    return {
      name,
      type,
      columnType,
      nullable: text(r, 'is_nullable').toUpperCase() === 'YES',
      default: parseDefault(field(r, 'column_default'), type, shown?.get(name.toLowerCase())),
      comment: text(r, 'column_comment'),
      isKey: key !== '',
      position: Number(text(r, 'ordinal_position')),
      aggregate: aggregates.get(name.toLowerCase()) ?? null,
    };
  });
  const names = columns.map((c) => c.name);
  const list = (label: string): string[] => {
    const raw = text(config, label);
    const parsed = parseColumnList(raw, names);
    if (parsed === null)
      throw new ProtocolError(
        `Cannot match tables_config.${label.toUpperCase()} ${JSON.stringify(raw)} to the columns`,
        raw,
      );
    return parsed;
  };
  const primaryKey = list('primary_key');
  const keyColumns = primaryKey.length > 0 ? primaryKey : columns.filter((c) => c.isKey).map((c) => c.name);
  const distributionType = text(config, 'distribute_type').toUpperCase() === 'RANDOM' ? 'RANDOM' : 'HASH';
  const bucketsRaw = Number(text(config, 'distribute_bucket'));
  return {
    database,
    name: tableRows[0] === undefined ? table : text(tableRows[0], 'table_name') || table,
    keyModel,
    columns,
    keyColumns,
    distributionType,
    distributionKeys: distributionType === 'RANDOM' ? [] : list('distribute_key'),
    buckets: Number.isInteger(bucketsRaw) && bucketsRaw > 0 ? bucketsRaw : null,
    sortKeys: list('sort_key'),
    comment: tableComment(tableRows[0]),
    properties: parseProperties(text(config, 'properties')),
  };
}
