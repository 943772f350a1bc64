import { formatDateTime } from './format-date-time.js';
import { formatNumber } from './format-number.js';
import { jsonString } from './json-string.js';
import type { DateTimeZone } from './row-serializer.js';
import { BINARY_NOT_SUPPORTED, isBinary, serializationFailure } from './serialization-failure.js';

/**
 * Compact JSON text of a value, the way StarRocks reads ARRAY, MAP, STRUCT and JSON values:
 * - arrays (and Sets) → `[…]`, holes and `undefined` elements → `null`;
 * - plain objects → `{"k":v}` with their own enumerable keys, `undefined` values → `null` (explicit);
 * - Maps → objects with `String(key)` keys;
 * - strings → JSON strings; numbers → plain decimal text (no exponent; NaN/Infinity are errors);
 *   bigints → bare digits, exact; booleans → `true`/`false`; null → `null`;
 * - Dates → strings in DATETIME form (`YYYY-MM-DD HH:MM:SS.ffffff`), or DATE form with `dateOnly`;
 * - boxed primitives → their primitive; other objects with a `toJSON()` method → its result;
 * - binary values, functions, symbols and circular structures → `SerializationError`.
 */
export function renderNestedJson(
  value: unknown,
  dateOnly: boolean,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string {
  return walk(value, dateOnly, timeZone, column, rowIndex, []);
}

/** Wraps text known to need no JSON escaping (dates) in quotes. */
function quoted(text: string): string {
  return `"${text}"`;
}

/** Primitive wrapper objects (`new String('x')`, `Object(1n)`…) and their primitive. */
export function unboxPrimitive(value: object): { readonly boxed: boolean; readonly value: unknown } {
  if (
    value instanceof String ||
    value instanceof Number ||
    value instanceof Boolean ||
    value instanceof BigInt ||
    value instanceof Symbol
  ) {
    return { boxed: true, value: value.valueOf() };
  }
  return { boxed: false, value };
}

/** The `toJSON()` method of a non-collection object, if any (Decimal.js, Big.js, Luxon… define one). */
export function toJsonMethod(value: object): (() => unknown) | undefined {
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return undefined;
  const fn = (value as { toJSON?: unknown }).toJSON;
  return typeof fn === 'function' ? (fn as () => unknown) : undefined;
}

function walk(
  value: unknown,
  dateOnly: boolean,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
  stack: object[],
): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return formatNumber(value, column, rowIndex);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      throw serializationFailure(`a ${typeof value} cannot be serialized`, column, rowIndex);
  }
  if (value === null) return 'null';
  if (value instanceof Date) return quoted(formatDateTime(value, dateOnly, timeZone, column, rowIndex));
  if (isBinary(value)) throw serializationFailure(BINARY_NOT_SUPPORTED, column, rowIndex);
  if (stack.includes(value))
    throw serializationFailure('the value contains a circular reference', column, rowIndex);
  const unboxed = unboxPrimitive(value);
  if (unboxed.boxed) return walk(unboxed.value, dateOnly, timeZone, column, rowIndex, stack);
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += walk(value[i], dateOnly, timeZone, column, rowIndex, stack);
    }
    out += ']';
  } else if (value instanceof Set) {
    out = '[';
    let first = true;
    for (const item of value) {
      if (!first) out += ',';
      first = false;
      out += walk(item, dateOnly, timeZone, column, rowIndex, stack);
    }
    out += ']';
  } else if (value instanceof Map) {
    out = '{';
    let first = true;
    for (const [k, v] of value) {
      if (!first) out += ',';
      first = false;
      out += `${jsonString(String(k))}:${walk(v, dateOnly, timeZone, column, rowIndex, stack)}`;
    }
    out += '}';
  } else {
    const toJson = toJsonMethod(value);
    if (toJson !== undefined) {
      const replaced = toJson.call(value);
      out =
        replaced === value
          ? walkObject(value, dateOnly, timeZone, column, rowIndex, stack)
          : walk(replaced, dateOnly, timeZone, column, rowIndex, stack);
    } else {
      out = walkObject(value, dateOnly, timeZone, column, rowIndex, stack);
    }
  }
  stack.pop();
  return out;
}

function walkObject(
  value: object,
  dateOnly: boolean,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
  stack: object[],
): string {
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record)) {
    if (!first) out += ',';
    first = false;
    out += `${jsonString(key)}:${walk(record[key], dateOnly, timeZone, column, rowIndex, stack)}`;
  }
  return `${out}}`;
}
