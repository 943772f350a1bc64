import type { ColumnType } from '../catalog/column-type.js';
import { JsonNumber, parseJsonExact } from '../load/value-converter.js';
import { MysqlType, type MysqlTypeCode } from '../mysql/index.js';

/** The MySQL protocol type a StarRocks column type is reported as. */
export function mysqlTypeOf(t: ColumnType): MysqlTypeCode {
  switch (t.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
      return MysqlType.TINY;
    case 'SMALLINT':
      return MysqlType.SHORT;
    case 'INT':
      return MysqlType.LONG;
    case 'BIGINT':
      return MysqlType.LONGLONG;
    case 'FLOAT':
      return MysqlType.FLOAT;
    case 'DOUBLE':
      return MysqlType.DOUBLE;
    case 'DECIMAL':
      return MysqlType.NEWDECIMAL;
    case 'DATE':
      return MysqlType.DATE;
    case 'DATETIME':
      return MysqlType.DATETIME;
    default:
      return MysqlType.VAR_STRING;
  }
}

/** SQL (DuckDB) that renders a stored column as StarRocks prints it, or null when JS formats it. */
export function renderSql(t: ColumnType, ref: string): string {
  switch (t.kind) {
    case 'VARBINARY':
      // the raw bytes go to the client (formatValue turns the hex back into them)
      return `hex(${ref})`;
    case 'BOOLEAN':
      return `CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN '1' ELSE '0' END`;
    case 'DATETIME':
      return `CASE WHEN microsecond(${ref}) % 1000000 = 0 THEN strftime(${ref}, '%Y-%m-%d %H:%M:%S') ELSE strftime(${ref}, '%Y-%m-%d %H:%M:%S.%f') END`;
    default:
      return `CAST(${ref} AS VARCHAR)`;
  }
}

/** Whether values of this type need {@link formatValue} after the SQL rendering. */
export function needsJsFormat(t: ColumnType): boolean {
  return (
    t.kind === 'FLOAT' ||
    t.kind === 'DOUBLE' ||
    t.kind === 'JSON' ||
    t.kind === 'VARBINARY' ||
    t.kind === 'ARRAY' ||
    t.kind === 'MAP' ||
    t.kind === 'STRUCT'
  );
}

/** The shortest decimal that is the same float32 (StarRocks prints FLOAT 1.1 as `1.1`, whatever its double widening). */
function shortestFloat32(n: number): number {
  const f = Math.fround(n);
  for (let p = 1; p < 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9));
}

/**
 * Formats a rendered value (text) for types whose StarRocks form differs from DuckDB's. VARBINARY
 * gives the raw bytes: the BE sends them as they are (`MysqlRowBuffer::push_binary` encodes binary
 * values only inside ARRAY/MAP/STRUCT, or with `binary_encoding_level = all`).
 */
export function formatValue(t: ColumnType, text: string): string | Buffer {
  switch (t.kind) {
    case 'FLOAT':
    case 'DOUBLE': {
      const n = Number(text);
      if (Number.isNaN(n)) return 'nan';
      if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
      return t.kind === 'FLOAT' ? String(shortestFloat32(n)) : String(n);
    }
    case 'JSON':
      return jsonText(parseJsonExact(text));
    case 'VARBINARY':
      return Buffer.from(text, 'hex');
    default:
      return nestedText(t, JSON.parse(text) as unknown);
  }
}

/** StarRocks prints JSON with `", "` and `": "` separators. */
export function jsonText(v: unknown): string {
  if (v instanceof JsonNumber) return v.text;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(jsonText).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}: ${jsonText(x)}`)
    .join(', ')}}`;
}

/**
 * The JSON text of a JSON value inside a stored ARRAY/MAP/STRUCT. Such values are stored as their
 * JSON text (a JSON string), so that a JSON `null` stays apart from an SQL NULL element; a value in
 * the older stored form (the JSON value itself) is accepted too.
 */
export function nestedJsonText(v: unknown): string {
  if (typeof v !== 'string') return jsonText(v);
  try {
    return jsonText(parseJsonExact(v));
  } catch {
    return JSON.stringify(v);
  }
}

/**
 * A string inside ARRAY/MAP/STRUCT as the BE writes it (`MysqlRowBuffer::push_string` when nested):
 * between two `quote` characters, with only `quote` and `\` escaped by a backslash. Every other
 * character (newline, tab, non-ASCII) is sent as it is.
 */
export function quotedNested(s: string, quote: '"' | "'" = '"'): string {
  let out = quote;
  for (const c of s) out += c === quote || c === '\\' ? `\\${c}` : c;
  return out + quote;
}

/**
 * ARRAY/MAP/STRUCT text as StarRocks prints it: `[1,2]`, `{1:"a"}`, `{"f":1}`. Strings, dates and
 * struct field names are double-quoted, JSON values single-quoted (`JsonColumn::put_mysql_row_buffer`
 * pushes them with `'` as the quote), an SQL NULL element is a bare `null`.
 */
export function nestedText(t: ColumnType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'ARRAY':
      return `[${(v as unknown[]).map((x) => nestedText(t.element, x)).join(',')}]`;
    case 'MAP':
      return `{${(v as [unknown, unknown][]).map(([k, x]) => `${nestedText(t.key, k)}:${nestedText(t.value, x)}`).join(',')}}`;
    case 'STRUCT':
      return `{${t.fields.map((f) => `${quotedNested(f.name)}:${nestedText(f.type, (v as Record<string, unknown>)[f.name])}`).join(',')}}`;
    case 'DATETIME':
      return quotedNested(String(v).replace(/\.0{6}$/, ''));
    case 'CHAR':
    case 'VARCHAR':
    case 'DATE':
    case 'VARBINARY':
      return quotedNested(String(v));
    case 'JSON':
      return quotedNested(nestedJsonText(v), "'");
    case 'BOOLEAN':
      return v === true ? '1' : '0';
    default:
      return v instanceof JsonNumber ? v.text : String(v);
  }
}
