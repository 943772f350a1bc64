import { ProtocolError } from '@srconnect/stream-load-sdk';
import { qualifiedTableName, validateDatabaseName, validateTableName } from '../ddl/identifier.js';
import { NotFoundError, TypeParseError } from '../errors.js';
import { field, text } from '../internal/row-field.js';
import type { QueryOptions, SqlExecutor } from '../sql-executor.js';

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

const MODELS: Readonly<Record<string, KeyModel>> = {
  DUP_KEYS: 'DUPLICATE',
  AGG_KEYS: 'AGGREGATE',
  UNQ_KEYS: 'UNIQUE',
  PRI_KEYS: 'PRIMARY',
};

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

function parseDefault(raw: unknown, type: StarRocksType): ColumnDefault | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw);
  if (type.kind === 'DATETIME' && /^current_timestamp(\(\))?$/i.test(value))
    return { kind: 'current_timestamp' };
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
  const modelName = text(config, 'table_model').toUpperCase();
  const keyModel = MODELS[modelName];
  if (keyModel === undefined)
    throw new ProtocolError(
      `Unknown TABLE_MODEL ${JSON.stringify(modelName)} for ${database}.${table}`,
      modelName,
    );

  let aggregates = new Map<string, AggregateFunction | null>();
  if (keyModel === 'AGGREGATE') {
    const ddlRows = await exec.query(
      `SHOW CREATE TABLE ${qualifiedTableName(database, table)}`,
      undefined,
      optionsOf(options),
    );
    const ddl = ddlRows[0] === undefined ? '' : text(ddlRows[0], 'Create Table');
    aggregates = new Map(parseShowCreateColumns(ddl).map((c) => [c.name.toLowerCase(), c.aggregate]));
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
      throw new TypeParseError(
        `Column ${name} of ${database}.${table}: ${err.message}`,
        err.input,
        err.position,
      );
    }
    if (dataType === 'boolean') type = { kind: 'BOOLEAN' };
    if (dataType === 'bigint unsigned' || dataType === 'largeint') type = { kind: 'LARGEINT' };
    const key = text(r, 'column_key').toUpperCase();
    return {
      name,
      type,
      columnType,
      nullable: text(r, 'is_nullable').toUpperCase() === 'YES',
      default: parseDefault(field(r, 'column_default'), type),
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
    comment: tableRows[0] === undefined ? '' : text(tableRows[0], 'table_comment'),
    properties: parseProperties(text(config, 'properties')),
  };
}
