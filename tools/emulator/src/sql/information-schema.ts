import { type ColumnType, mysqlColumnType, mysqlDataType } from '../catalog/column-type.js';
import type { ColumnSchema, TableSchema } from '../catalog/table-schema.js';
import type { Value } from '../load/expression-evaluator.js';
import type { VirtualTable } from './select-executor.js';

const V: ColumnType = { kind: 'VARCHAR', length: 65533 };
const B: ColumnType = { kind: 'BIGINT' };

function vt(name: string, cols: [string, ColumnType][], rows: Record<string, Value>[]): VirtualTable {
  return { name, columns: cols.map(([n, type]) => ({ name: n, type })), rows };
}

function bq(list: readonly string[]): string {
  return list.map((n) => `\`${n}\``).join(', ');
}

export function formatTime(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function numericPrecision(t: ColumnType): number | null {
  switch (t.kind) {
    case 'BOOLEAN':
      return 1;
    case 'TINYINT':
      return 3;
    case 'SMALLINT':
      return 5;
    case 'INT':
      return 10;
    case 'BIGINT':
      return 19;
    case 'LARGEINT':
      return 39;
    case 'FLOAT':
      return 12;
    case 'DOUBLE':
      return 22;
    case 'DECIMAL':
      return t.precision;
    default:
      return null;
  }
}

function columnRow(t: TableSchema, c: ColumnSchema, i: number): Record<string, Value> {
  const isChar = c.type.kind === 'CHAR' || c.type.kind === 'VARCHAR' || c.type.kind === 'VARBINARY';
  const prec = numericPrecision(c.type);
  const keyTag = c.isKey ? { DUP_KEYS: 'DUP', PRIMARY_KEYS: 'PRI', UNIQUE_KEYS: 'UNI' }[t.keysType] : '';
  return {
    table_catalog: 'def',
    table_schema: t.database,
    table_name: t.name,
    column_name: c.name,
    ordinal_position: i + 1,
    column_default:
      c.default === null ? null : c.default.kind === 'literal' ? c.default.value : 'CURRENT_TIMESTAMP',
    is_nullable: c.nullable ? 'YES' : 'NO',
    data_type: mysqlDataType(c.type),
    character_maximum_length: isChar ? (c.type as { length: number }).length : null,
    character_octet_length: isChar ? (c.type as { length: number }).length : null,
    numeric_precision: prec,
    numeric_scale:
      c.type.kind === 'DECIMAL'
        ? c.type.scale
        : prec !== null && c.type.kind !== 'FLOAT' && c.type.kind !== 'DOUBLE'
          ? 0
          : null,
    datetime_precision: c.type.kind === 'DATETIME' ? 0 : null,
    character_set_name: isChar ? 'utf8' : null,
    collation_name: isChar ? 'utf8_general_ci' : null,
    column_type: mysqlColumnType(c.type),
    column_key: keyTag,
    extra: c.autoIncrement ? 'auto_increment' : '',
    privileges: 'select,insert,update,references',
    column_comment: c.comment,
    column_size: prec ?? (isChar ? (c.type as { length: number }).length : null),
    decimal_digits: c.type.kind === 'DECIMAL' ? c.type.scale : null,
    generation_expression: null,
    srs_id: null,
  };
}

/** Builds an information_schema table (spec §7.1–7.2); `rowCounts` gives TABLE_ROWS. */
export function informationSchemaTable(
  name: string,
  databases: readonly string[],
  tables: readonly TableSchema[],
  rowCounts: ReadonlyMap<number, number>,
): VirtualTable | null {
  switch (name.toLowerCase()) {
    case 'schemata':
      return vt(
        'schemata',
        [
          ['CATALOG_NAME', V],
          ['SCHEMA_NAME', V],
          ['DEFAULT_CHARACTER_SET_NAME', V],
          ['DEFAULT_COLLATION_NAME', V],
          ['SQL_PATH', V],
        ],
        ['information_schema', ...databases].map((d) => ({
          catalog_name: null,
          schema_name: d,
          default_character_set_name: 'utf8',
          default_collation_name: 'utf8_general_ci',
          sql_path: null,
        })),
      );
    case 'tables':
      return vt(
        'tables',
        [
          ['TABLE_CATALOG', V],
          ['TABLE_SCHEMA', V],
          ['TABLE_NAME', V],
          ['TABLE_TYPE', V],
          ['ENGINE', V],
          ['VERSION', B],
          ['ROW_FORMAT', V],
          ['TABLE_ROWS', B],
          ['AVG_ROW_LENGTH', B],
          ['DATA_LENGTH', B],
          ['MAX_DATA_LENGTH', B],
          ['INDEX_LENGTH', B],
          ['DATA_FREE', B],
          ['AUTO_INCREMENT', B],
          ['CREATE_TIME', { kind: 'DATETIME' }],
          ['UPDATE_TIME', { kind: 'DATETIME' }],
          ['CHECK_TIME', { kind: 'DATETIME' }],
          ['TABLE_COLLATION', V],
          ['CHECKSUM', B],
          ['CREATE_OPTIONS', V],
          ['TABLE_COMMENT', V],
        ],
        tables.map((t) => ({
          table_catalog: 'def',
          table_schema: t.database,
          table_name: t.name,
          table_type: 'BASE TABLE',
          engine: 'StarRocks',
          version: null,
          row_format: null,
          table_rows: rowCounts.get(t.id) ?? 0,
          avg_row_length: 0,
          data_length: 0,
          max_data_length: null,
          index_length: null,
          data_free: null,
          auto_increment: null,
          create_time: formatTime(t.createTime),
          update_time: null,
          check_time: null,
          table_collation: 'utf8_general_ci',
          checksum: null,
          create_options: null,
          table_comment: t.comment,
        })),
      );
    case 'columns':
      return vt(
        'columns',
        [
          ['TABLE_CATALOG', V],
          ['TABLE_SCHEMA', V],
          ['TABLE_NAME', V],
          ['COLUMN_NAME', V],
          ['ORDINAL_POSITION', B],
          ['COLUMN_DEFAULT', V],
          ['IS_NULLABLE', V],
          ['DATA_TYPE', V],
          ['CHARACTER_MAXIMUM_LENGTH', B],
          ['CHARACTER_OCTET_LENGTH', B],
          ['NUMERIC_PRECISION', B],
          ['NUMERIC_SCALE', B],
          ['DATETIME_PRECISION', B],
          ['CHARACTER_SET_NAME', V],
          ['COLLATION_NAME', V],
          ['COLUMN_TYPE', V],
          ['COLUMN_KEY', V],
          ['EXTRA', V],
          ['PRIVILEGES', V],
          ['COLUMN_COMMENT', V],
          ['COLUMN_SIZE', B],
          ['DECIMAL_DIGITS', B],
          ['GENERATION_EXPRESSION', V],
          ['SRS_ID', B],
        ],
        tables.flatMap((t) => t.columns.map((c, i) => columnRow(t, c, i))),
      );
    case 'tables_config':
      return vt(
        'tables_config',
        [
          ['TABLE_SCHEMA', V],
          ['TABLE_NAME', V],
          ['TABLE_ENGINE', V],
          ['TABLE_MODEL', V],
          ['PRIMARY_KEY', V],
          ['PARTITION_KEY', V],
          ['DISTRIBUTE_KEY', V],
          ['DISTRIBUTE_TYPE', V],
          ['DISTRIBUTE_BUCKET', B],
          ['SORT_KEY', V],
          ['PROPERTIES', V],
          ['TABLE_ID', B],
        ],
        tables.map((t) => ({
          table_schema: t.database,
          table_name: t.name,
          table_engine: 'OLAP',
          table_model: t.keysType,
          primary_key: t.keysType === 'DUP_KEYS' ? '' : bq(t.keys),
          partition_key: '',
          distribute_key: bq(t.distribution.columns),
          distribute_type: t.distribution.type,
          distribute_bucket: t.distribution.buckets ?? 0,
          sort_key: bq(t.orderBy ?? t.keys),
          properties: JSON.stringify(t.properties),
          table_id: t.id,
        })),
      );
    default:
      return null;
  }
}
