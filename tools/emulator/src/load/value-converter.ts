import { type ColumnType, typeToSql } from '../catalog/column-type.js';
import { parseJsonExact } from './json-exact.js';
import { JsonNumber } from './json-number.js';

export { JsonNumber, parseJsonExact };

/** Returned by a converter when the value cannot become the column type. */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * Converts a source value (a CSV field as text, or a parsed JSON value) to the canonical text the
 * emulator stores (castable by DuckDB), `null` for SQL NULL, or {@link INVALID}. VARBINARY gives the
 * hex of its bytes (see {@link stagedBytes}).
 */
export type Converter = (raw: unknown) => string | null | typeof INVALID;

const INT_RANGES: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
  LARGEINT: [-(2n ** 127n) + 1n, 2n ** 127n - 1n],
};
const SMALL_INT_RANGES: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
};

const INT_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?$/;
const COMPACT_DATETIME_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** Text form of a scalar source value, or undefined when it is an object/array. */
function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  // bytes from a load function (unhex): text columns keep their UTF-8 reading
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8');
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (raw instanceof JsonNumber) return raw.text;
  return undefined;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  if (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1] ?? 0;
}

function pad(n: number | string, w: number): string {
  return String(n).padStart(w, '0');
}

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function convertDate(text: string): string | typeof INVALID {
  const s = text.trim();
  let m = DATE_RE.exec(s) ?? COMPACT_DATE_RE.exec(s);
  if (!m) {
    const dt = convertDateTime(s);
    return dt === INVALID ? INVALID : dt.slice(0, 10);
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return INVALID;
  m = null;
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
}

export function convertDateTime(text: string): string | typeof INVALID {
  const s = text.trim();
  const m = DATETIME_RE.exec(s) ?? COMPACT_DATETIME_RE.exec(s);
  if (!m) return INVALID;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const se = Number(m[6] ?? 0);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || se > 59) return INVALID;
  const frac = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(se, 2)}.${frac}`;
}

/** Exact decimal conversion with half-up rounding to `scale`; INVALID when the integer part overflows. */
const PLAIN_DECIMAL_RE = /^(-?)(\d+)(?:\.(\d*))?$/;

export function convertDecimal(text: string, precision: number, scale: number): string | typeof INVALID {
  // fast path: plain digits that need no rounding
  const p = PLAIN_DECIMAL_RE.exec(text);
  if (p && (p[3] ?? '').length <= scale) {
    const intDigits = p[2]!.replace(/^0+(?=\d)/, '');
    if ((intDigits === '0' ? 0 : intDigits.length) > precision - scale) return INVALID;
    const frac = (p[3] ?? '').padEnd(scale, '0');
    const zero = intDigits === '0' && /^0*$/.test(frac);
    const body = scale > 0 ? `${intDigits}.${frac}` : intDigits;
    return p[1] === '-' && !zero ? `-${body}` : body;
  }
  const m = DECIMAL_RE.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return INVALID;
  const neg = m[1] === '-';
  let intPart = m[2] ?? '';
  let fracPart = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  if (exp !== 0) {
    if (Math.abs(exp) > 400) return INVALID;
    const digits = intPart + fracPart;
    let point = intPart.length + exp;
    if (point < 0) {
      intPart = '';
      fracPart = '0'.repeat(-point) + digits;
    } else {
      const padded = point > digits.length ? digits + '0'.repeat(point - digits.length) : digits;
      intPart = padded.slice(0, point);
      fracPart = padded.slice(point);
      point = 0;
    }
  }
  let units = BigInt((intPart.replace(/^0+/, '') || '0') + fracPart.slice(0, scale).padEnd(scale, '0'));
  const rest = fracPart.slice(scale);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) units += 1n;
  const limit = 10n ** BigInt(precision);
  if (units >= limit) return INVALID;
  let digits = units.toString().padStart(scale + 1, '0');
  if (scale > 0) digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg && units !== 0n ? `-${digits}` : digits;
}

function utf8Length(s: string): number {
  // fast path for ASCII
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      n = Buffer.byteLength(s, 'utf8');
      break;
    }
  }
  return n;
}

/** Builds the converter for one column type. */
export function compileConverter(type: ColumnType): Converter {
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const [lo, hi] = SMALL_INT_RANGES[type.kind]!;
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (typeof raw === 'boolean') return raw ? '1' : '0';
        const s = scalarText(raw);
        if (s === undefined) return INVALID;
        const t = s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.trim() : s;
        if (!INT_RE.test(t)) return INVALID;
        const v = Number(t);
        return v < lo || v > hi ? INVALID : String(v);
      };
    }
    case 'BIGINT':
    case 'LARGEINT': {
      const [lo, hi] = INT_RANGES[type.kind]!;
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (typeof raw === 'boolean') return raw ? '1' : '0';
        const s = scalarText(raw);
        if (s === undefined) return INVALID;
        const t = s.trim();
        if (!INT_RE.test(t)) return INVALID;
        if (t.length < 16) return String(Number(t));
        const v = BigInt(t);
        return v < lo || v > hi ? INVALID : v.toString();
      };
    }
    case 'BOOLEAN':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (typeof raw === 'boolean') return raw ? 'true' : 'false';
        const s = scalarText(raw);
        if (s === undefined) return INVALID;
        const t = s.trim().toLowerCase();
        if (t === 'true' || t === '1') return 'true';
        if (t === 'false' || t === '0') return 'false';
        const n = Number(t);
        if (t !== '' && Number.isFinite(n)) return n !== 0 ? 'true' : 'false';
        return INVALID;
      };
    case 'FLOAT':
    case 'DOUBLE':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const s = scalarText(raw);
        if (s === undefined || typeof raw === 'boolean') return INVALID;
        const t = s.trim();
        if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return INVALID;
        const v = Number(t);
        if (!Number.isFinite(v) || (type.kind === 'FLOAT' && Math.abs(v) > 3.4028234663852886e38))
          return INVALID;
        return String(v);
      };
    case 'DECIMAL':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const s = scalarText(raw);
        if (s === undefined || typeof raw === 'boolean') return INVALID;
        return convertDecimal(s, type.precision, type.scale);
      };
    case 'DATE':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const s = typeof raw === 'boolean' ? undefined : scalarText(raw);
        return s === undefined ? INVALID : convertDate(s);
      };
    case 'DATETIME':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const s = typeof raw === 'boolean' ? undefined : scalarText(raw);
        return s === undefined ? INVALID : convertDateTime(s);
      };
    case 'CHAR':
    case 'VARCHAR': {
      const max = type.length;
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const s = scalarText(raw) ?? canonicalJson(raw);
        return utf8Length(s) > max ? INVALID : s;
      };
    }
    case 'VARBINARY':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const bytes = binaryBytes(raw);
        if (bytes === undefined || bytes.length > type.length) return INVALID;
        return bytes.toString('hex');
      };
    case 'JSON':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (typeof raw === 'string') {
          const parsed = tryParseJson(raw);
          return parsed === INVALID ? INVALID : canonicalJson(parsed);
        }
        return canonicalJson(raw);
      };
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT': {
      const nested = compileNested(type);
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        let value: unknown = raw;
        if (typeof raw === 'string') {
          const parsed = tryParseJson(raw);
          if (parsed === INVALID) return INVALID;
          value = parsed;
        }
        const v = nested(value);
        return v === INVALID ? INVALID : canonicalJson(v);
      };
    }
  }
}

/**
 * The bytes a VARBINARY value holds: the UTF-8 bytes of text (StarRocks stores the bytes of the field
 * as they are), or the bytes themselves (from `unhex`). Undefined for an object or array.
 */
function binaryBytes(raw: unknown): Buffer | undefined {
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const s = scalarText(raw);
  return s === undefined ? undefined : Buffer.from(s, 'utf8');
}

/** The bytes of a converted (staged) VARBINARY value, the hex text {@link compileConverter} returns. */
export function stagedBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/**
 * Nested values are stored as JSON: arrays as arrays, structs as objects keyed by field name, maps as
 * arrays of [key, value] pairs (keys of any type). Scalars inside keep their canonical text for exact
 * types (DECIMAL, LARGEINT, DATE, DATETIME) and are numbers/booleans/strings otherwise. A JSON value
 * is stored as its JSON text (a JSON string), so that a JSON `null` element (`"null"`) differs from
 * an SQL NULL one (`null`); VARBINARY as its text.
 */
type NestedConverter = (raw: unknown) => unknown;

function compileNested(type: ColumnType): NestedConverter {
  switch (type.kind) {
    case 'ARRAY': {
      const el = compileNested(type.element);
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (!Array.isArray(raw)) return INVALID;
        const out: unknown[] = [];
        for (const item of raw) {
          const v = el(item);
          if (v === INVALID) return INVALID;
          out.push(v);
        }
        return out;
      };
    }
    case 'MAP': {
      const k = compileNested(type.key);
      const val = compileNested(type.value);
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        if (typeof raw !== 'object' || Array.isArray(raw)) return INVALID;
        const out: unknown[] = [];
        for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
          const kv = k(key);
          const vv = val(value);
          if (kv === INVALID || vv === INVALID || kv === null) return INVALID;
          out.push([kv, vv]);
        }
        return out;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({ name: f.name, conv: compileNested(f.type) }));
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const out: Record<string, unknown> = {};
        if (Array.isArray(raw)) {
          if (raw.length !== fields.length) return INVALID;
          for (let i = 0; i < fields.length; i++) {
            const v = fields[i]!.conv(raw[i]);
            if (v === INVALID) return INVALID;
            out[fields[i]!.name] = v;
          }
          return out;
        }
        if (typeof raw !== 'object') return INVALID;
        const obj = raw as Record<string, unknown>;
        for (const f of fields) {
          const v = f.conv(obj[f.name]);
          if (v === INVALID) return INVALID;
          out[f.name] = v;
        }
        return out;
      };
    }
    case 'VARBINARY':
      return (raw) => {
        if (raw === null || raw === undefined) return null;
        const bytes = binaryBytes(raw);
        if (bytes === undefined || bytes.length > type.length) return INVALID;
        return bytes.toString('utf8');
      };
    default: {
      const conv = compileConverter(type);
      const numeric = ['TINYINT', 'SMALLINT', 'INT', 'FLOAT', 'DOUBLE', 'BIGINT'].includes(type.kind);
      return (raw) => {
        const v = conv(raw);
        if (v === null || v === INVALID) return v;
        if (type.kind === 'BOOLEAN') return v === 'true';
        if (numeric && Number.isSafeInteger(Number(v))) return Number(v);
        if (type.kind === 'FLOAT' || type.kind === 'DOUBLE') return Number(v);
        return v;
      };
    }
  }
}

/** Parses JSON keeping numbers exact (as {@link JsonNumber} when they would lose precision). */
export function tryParseJson(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return INVALID;
  }
}

/** Compact JSON text that keeps {@link JsonNumber} values exact. */
export function canonicalJson(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A readable description of why a value was rejected, naming the column and its type. */
export function conversionError(column: string, type: ColumnType, raw: unknown): string {
  const shown = scalarText(raw) ?? canonicalJson(raw);
  const clipped = shown.length > 100 ? `${shown.slice(0, 100)}...` : shown;
  return `Value '${clipped}' is invalid for column '${column}' of type ${typeToSql(type)}`;
}
