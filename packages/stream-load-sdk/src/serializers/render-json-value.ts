import { compactJsonText } from './compact-json-text.js';
import { formatDateTime } from './format-date-time.js';
import { formatNumber } from './format-number.js';
import { jsonString } from './json-string.js';
import { renderNestedJson, toJsonMethod, unboxPrimitive } from './nested-json.js';
import type { DateTimeZone } from './row-serializer.js';
import { BINARY_NOT_SUPPORTED, isBinary, serializationFailure } from './serialization-failure.js';
import type { TypeHint } from './type-hint.js';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * JSON text of one top-level column value in a JSON-format body (the JSON counterpart of
 * `renderScalar`):
 * - `null`/`undefined` → `null`, always written (a missing key would mean the same to StarRocks,
 *   but explicit is clearer, and unlike the Java connector nothing is dropped);
 * - strings → JSON strings; for a JSON column, a string that is valid JSON text is embedded as
 *   that JSON value (compacted), anything else stays a JSON string;
 * - numbers → bare plain-decimal numbers (finite only);
 * - bigints → bare numbers with all digits when within [-2^63, 2^64−1], which StarRocks reads
 *   exactly as 64-bit integers. Outside that range (LARGEINT, wide DECIMAL) they are written as
 *   JSON strings of the digits: StarRocks' JSON reader parses a bare number that wide through a
 *   double (losing digits or overflowing), but casts a string exactly. For a JSON column (and
 *   inside arrays/objects) bigints are always bare numbers;
 * - booleans → `true`/`false`; `1`/`0` for numeric columns; `"true"`/`"false"` for string columns;
 * - Dates → DATETIME (or DATE) strings; arrays/objects/Maps → nested JSON (`renderNestedJson`);
 * - binary values, functions and symbols → `SerializationError`.
 */
export function renderJsonValue(
  value: unknown,
  hint: TypeHint,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string {
  switch (typeof value) {
    case 'string':
      if (hint.kind === 'json') {
        const json = compactJsonText(value);
        if (json !== undefined) return json;
      }
      return jsonString(value);
    case 'number':
      return formatNumber(value, column, rowIndex);
    case 'bigint':
      if (hint.kind === 'json' || (value >= INT64_MIN && value <= UINT64_MAX)) return value.toString();
      return `"${value.toString()}"`;
    case 'boolean':
      if (hint.kind === 'numeric') return value ? '1' : '0';
      if (hint.kind === 'string') return value ? '"true"' : '"false"';
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      return value === null ? 'null' : renderObjectJson(value, hint, timeZone, column, rowIndex);
    default:
      throw serializationFailure(`a ${typeof value} cannot be serialized`, column, rowIndex);
  }
}

function renderObjectJson(
  value: object,
  hint: TypeHint,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string {
  if (value instanceof Date)
    return `"${formatDateTime(value, hint.kind === 'date', timeZone, column, rowIndex)}"`;
  if (isBinary(value)) throw serializationFailure(BINARY_NOT_SUPPORTED, column, rowIndex);
  const unboxed = unboxPrimitive(value);
  if (unboxed.boxed) return renderJsonValue(unboxed.value, hint, timeZone, column, rowIndex);
  const toJson = toJsonMethod(value);
  if (toJson !== undefined) {
    const replaced = toJson.call(value);
    if (replaced !== value) return renderJsonValue(replaced, hint, timeZone, column, rowIndex);
  }
  return renderNestedJson(value, hint.nestedDateOnly, timeZone, column, rowIndex);
}
