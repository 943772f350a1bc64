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

/** Formats a rendered value (text) for types whose StarRocks form differs from DuckDB's. */
export function formatValue(t: ColumnType, text: string): string {
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

/** ARRAY/MAP/STRUCT text as StarRocks prints it: `[1,2]`, `{1:"a"}`, `{"f":1}`. */
export function nestedText(t: ColumnType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'ARRAY':
      return `[${(v as unknown[]).map((x) => nestedText(t.element, x)).join(',')}]`;
    case 'MAP':
      return `{${(v as [unknown, unknown][]).map(([k, x]) => `${nestedText(t.key, k)}:${nestedText(t.value, x)}`).join(',')}}`;
    case 'STRUCT':
      return `{${t.fields.map((f) => `${JSON.stringify(f.name)}:${nestedText(f.type, (v as Record<string, unknown>)[f.name])}`).join(',')}}`;
    case 'DATETIME':
      return JSON.stringify(String(v).replace(/\.0{6}$/, ''));
    case 'CHAR':
    case 'VARCHAR':
    case 'DATE':
    case 'VARBINARY':
      return JSON.stringify(String(v));
    case 'JSON':
      return jsonText(v);
    case 'BOOLEAN':
      return v === true ? '1' : '0';
    default:
      return String(v);
  }
}
