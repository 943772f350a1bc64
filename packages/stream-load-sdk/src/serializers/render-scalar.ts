import { compactJsonText } from './compact-json-text.js';
import { formatDateTime } from './format-date-time.js';
import { formatNumber } from './format-number.js';
import { renderNestedJson, toJsonMethod, unboxPrimitive } from './nested-json.js';
import type { DateTimeZone } from './row-serializer.js';
import { BINARY_NOT_SUPPORTED, isBinary, serializationFailure } from './serialization-failure.js';
import { parseTypeHint, type TypeHint } from './type-hint.js';

/**
 * Renders one JS value as the text StarRocks parses for it, or `null` for SQL NULL. This is the
 * text of a CSV field before any CSV quoting or escaping (the CSV serializer adds those, and writes
 * `null` as `\N`); the JSON serializer follows the same rules with JSON syntax.
 *
 * | value | text |
 * |---|---|
 * | `null`, `undefined` | `null` (SQL NULL) |
 * | string | as is — so DECIMAL values passed as strings stay exact. For a JSON column (`typeHint` `JSON`), valid JSON text is compacted (whitespace outside strings removed) |
 * | number | finite only (NaN/±Infinity → `SerializationError`); shortest round-trip digits, never exponent notation (`1e21` → `1000000000000000000000`) |
 * | bigint | decimal digits, exact (BIGINT, LARGEINT up to ±(2^127−1), DECIMAL) |
 * | boolean | `1`/`0`; `true`/`false` for string (CHAR/VARCHAR/STRING) and JSON columns |
 * | Date | `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (or local wall time with `timeZone: 'local'`); `YYYY-MM-DD` for a DATE column. Invalid Dates and years outside 0000–9999 → `SerializationError` |
 * | array, Set, plain object, Map | compact JSON text (see `renderNestedJson`): how StarRocks reads ARRAY, MAP, STRUCT and JSON |
 * | boxed primitive | its primitive |
 * | other object with `toJSON()` (Decimal.js, Big.js…) | the rendering of what `toJSON()` returns |
 * | Buffer, typed array, ArrayBuffer | `SerializationError`: text formats cannot carry raw bytes (even for VARBINARY) |
 * | function, symbol | `SerializationError` |
 *
 * @param column  Named in error messages.
 * @param typeHint  The column's StarRocks type (e.g. `'DATE'`, `'VARCHAR(20)'`, `'JSON'`), optional.
 */
export function renderScalar(
  value: unknown,
  column: string,
  typeHint?: string,
  timeZone: DateTimeZone = 'utc',
): string | null {
  return renderText(value, parseTypeHint(typeHint), timeZone, column, -1);
}

/** {@link renderScalar} with a parsed hint and the row index for error messages (-1 when unknown). */
export function renderText(
  value: unknown,
  hint: TypeHint,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string | null {
  switch (typeof value) {
    case 'string':
      return hint.kind === 'json' ? (compactJsonText(value) ?? value) : value;
    case 'number':
      return formatNumber(value, column, rowIndex);
    case 'bigint':
      return value.toString();
    case 'boolean':
      if (hint.kind === 'string' || hint.kind === 'json') return value ? 'true' : 'false';
      return value ? '1' : '0';
    case 'undefined':
      return null;
    case 'object':
      return value === null ? null : renderObjectText(value, hint, timeZone, column, rowIndex);
    default:
      throw serializationFailure(`a ${typeof value} cannot be serialized`, column, rowIndex);
  }
}

function renderObjectText(
  value: object,
  hint: TypeHint,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string | null {
  if (value instanceof Date) return formatDateTime(value, hint.kind === 'date', timeZone, column, rowIndex);
  if (isBinary(value)) throw serializationFailure(BINARY_NOT_SUPPORTED, column, rowIndex);
  const unboxed = unboxPrimitive(value);
  if (unboxed.boxed) return renderText(unboxed.value, hint, timeZone, column, rowIndex);
  const toJson = toJsonMethod(value);
  if (toJson !== undefined) {
    const replaced = toJson.call(value);
    if (replaced !== value) return renderText(replaced, hint, timeZone, column, rowIndex);
  }
  return renderNestedJson(value, hint.nestedDateOnly, timeZone, column, rowIndex);
}
