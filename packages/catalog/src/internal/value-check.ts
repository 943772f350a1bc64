import { FLOAT_MAX, INTEGER_RANGES, jsValueMapping } from '../types/js-value.js';
import type { StarRocksType } from '../types/starrocks-type.js';

/** A problem with a value, at a path below the column. */
export interface ValueIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** A short description of a value's kind for messages; string contents are never shown. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `a string of ${utf8Length(v)} bytes`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : `${v}`;
  if (typeof v === 'bigint') return `the bigint ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid Date' : 'a Date';
  if (v instanceof Uint8Array) return `${v.byteLength} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Map) return 'a Map';
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function asInteger(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : null;
  if (typeof v === 'string' && INTEGER_TEXT.test(v)) return BigInt(v);
  return null;
}

/** Integer and fraction digit counts of a decimal value (exponents expanded), or null when not a number. */
export function decimalDigits(v: unknown): { intDigits: number; fracDigits: number } | null {
  let s: string;
  if (typeof v === 'bigint') s = v.toString();
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    s = String(v);
  } else if (typeof v === 'string') s = v.trim();
  else return null;
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  let intPart = m[1]!;
  let frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return null;
  if (exp > 0) {
    const move = frac.slice(0, exp).padEnd(exp, '0');
    intPart += move;
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const k = -exp;
    const padded = intPart.padStart(k, '0');
    frac = padded.slice(padded.length - k) + frac;
    intPart = padded.slice(0, padded.length - k);
  }
  intPart = intPart.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  return { intDigits: intPart.length, fracDigits: frac.length };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function checkJson(v: unknown, path: (string | number)[], out: ValueIssue[], seen: Set<object>): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(v)) out.push({ path, message: `JSON has no ${v}` });
      return;
    case 'object': {
      if (v === null) return;
      if (seen.has(v)) {
        out.push({ path, message: 'a JSON value cannot contain itself (cycle)' });
        return;
      }
      if (Array.isArray(v)) {
        seen.add(v);
        v.forEach((x, i) => {
          checkJson(x, [...path, i], out, seen);
        });
        seen.delete(v);
        return;
      }
      if (isPlainObject(v)) {
        seen.add(v);
        for (const [k, x] of Object.entries(v)) checkJson(x, [...path, k], out, seen);
        seen.delete(v);
        return;
      }
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return;
      out.push({ path, message: `expected a JSON value, got ${describeValue(v)}` });
      return;
    }
    default:
      out.push({ path, message: `expected a JSON value, got ${describeValue(v)}` });
  }
}

/**
 * Checks one non-null value against a StarRocks type, appending issues (with paths below the
 * column) to `out`. Nested elements, map values and struct fields may be null.
 */
export function checkValue(
  type: StarRocksType,
  v: unknown,
  path: (string | number)[],
  out: ValueIssue[],
): void {
  const expected = () => `expected ${jsValueMapping(type).description}, got ${describeValue(v)}`;
  switch (type.kind) {
    case 'BOOLEAN':
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) out.push({ path, message: expected() });
      return;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'LARGEINT': {
      const n = asInteger(v);
      const [lo, hi] = INTEGER_RANGES[type.kind];
      if (n === null) {
        const hint =
          typeof v === 'number' && Number.isInteger(v)
            ? ' (beyond 2^53 a number is not exact: pass a bigint or a string)'
            : '';
        out.push({ path, message: `${expected()}${hint}` });
      } else if (n < lo || n > hi) out.push({ path, message: `${type.kind} out of range: ${expected()}` });
      return;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      let n: number | null = null;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'string' && FLOAT_TEXT.test(v.trim())) n = Number(v);
      if (n === null || !Number.isFinite(n)) out.push({ path, message: expected() });
      else if (type.kind === 'FLOAT' && Math.abs(n) > FLOAT_MAX)
        out.push({ path, message: `FLOAT out of range: ${expected()}` });
      return;
    }
    case 'DECIMAL': {
      const d = decimalDigits(v);
      if (d === null) out.push({ path, message: expected() });
      else if (d.intDigits > type.precision - type.scale || d.fracDigits > type.scale)
        out.push({
          path,
          message: `does not fit DECIMAL(${type.precision},${type.scale}): ${d.intDigits} integer and ${d.fracDigits} fraction digits, at most ${type.precision - type.scale} and ${type.scale} allowed`,
        });
      return;
    }
    case 'CHAR':
    case 'VARCHAR':
      if (typeof v !== 'string') out.push({ path, message: expected() });
      else if (LONE_SURROGATE.test(v))
        out.push({
          path,
          message: 'the string is not valid Unicode (a lone surrogate; StarRocks needs UTF-8)',
        });
      else if (utf8Length(v) > type.length)
        out.push({
          path,
          message: `too long for ${type.kind}(${type.length}): ${utf8Length(v)} UTF-8 bytes`,
        });
      return;
    case 'VARBINARY': {
      const len = typeof v === 'string' ? utf8Length(v) : v instanceof Uint8Array ? v.byteLength : null;
      if (len === null) out.push({ path, message: expected() });
      else if (type.length !== null && len > type.length)
        out.push({ path, message: `too long for VARBINARY(${type.length}): ${len} bytes` });
      return;
    }
    case 'DATE':
    case 'DATETIME': {
      if (v instanceof Date) {
        const y = v.getUTCFullYear();
        if (Number.isNaN(v.getTime()) || y < 0 || y > 9999)
          out.push({ path, message: `${expected()} (years 0000–9999)` });
        return;
      }
      const m = typeof v === 'string' ? (type.kind === 'DATE' ? DATE_TEXT : DATETIME_TEXT).exec(v) : null;
      if (!m) {
        out.push({ path, message: expected() });
        return;
      }
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as number[];
      if (!validDate(y!, mo!, d!) || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59)
        out.push({ path, message: `not a valid ${type.kind.toLowerCase()}: ${expected()}` });
      return;
    }
    case 'JSON':
      if (typeof v === 'string') {
        try {
          JSON.parse(v);
        } catch {
          out.push({ path, message: 'a string for a JSON column must be JSON text' });
        }
        return;
      }
      checkJson(v, path, out, new Set());
      return;
    case 'ARRAY':
      if (!Array.isArray(v)) {
        out.push({ path, message: expected() });
        return;
      }
      v.forEach((x, i) => {
        if (x !== null && x !== undefined) checkValue(type.element, x, [...path, i], out);
      });
      return;
    case 'MAP': {
      let entries: [unknown, unknown][];
      if (v instanceof Map) entries = [...v.entries()];
      else if (isPlainObject(v)) entries = Object.entries(v);
      else {
        out.push({ path, message: expected() });
        return;
      }
      for (const [k, x] of entries) {
        const keyPath = [...path, String(k)];
        if (k === null || k === undefined) out.push({ path: keyPath, message: 'a MAP key cannot be null' });
        else {
          const before = out.length;
          checkValue(type.key, k, keyPath, out);
          for (let i = before; i < out.length; i++)
            out[i] = { path: out[i]!.path, message: `map key: ${out[i]!.message}` };
        }
        if (x !== null && x !== undefined) checkValue(type.value, x, keyPath, out);
      }
      return;
    }
    case 'STRUCT': {
      if (!isPlainObject(v)) {
        out.push({ path, message: expected() });
        return;
      }
      const fields = new Map(type.fields.map((f) => [f.name, f.type]));
      for (const [k, x] of Object.entries(v)) {
        const ft = fields.get(k);
        if (ft === undefined)
          out.push({ path: [...path, k], message: `no field ${JSON.stringify(k)} in ${type.kind}` });
        else if (x !== null && x !== undefined) checkValue(ft, x, [...path, k], out);
      }
      return;
    }
    default:
      return;
  }
}
