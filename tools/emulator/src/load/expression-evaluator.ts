import { createHash } from 'node:crypto';

import type { Expr } from '../sql/expression.js';
import {
  compileConverter,
  convertDate,
  convertDateTime,
  INVALID,
  JsonNumber,
  stagedBytes,
} from './value-converter.js';

/**
 * A value during load-time expression evaluation. Bytes that need not be UTF-8 (`unhex`, a
 * VARBINARY column) are a Buffer; string functions read it as UTF-8.
 */
export type Value = string | number | boolean | null | JsonNumber | object;

/** Reads a column (source or mapped) by lower-case name. */
export type Lookup = (lowerName: string) => Value;

export type Evaluator = (get: Lookup) => Value;

/** An expression the emulator cannot plan (unknown function, unsupported construct). */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

function num(v: Value): number | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return num(str(v));
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof JsonNumber) return Number(v.text);
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function str(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
  return JSON.stringify(v);
}

/**
 * StarRocks `unhex`: the bytes of a hex string; an empty string for an empty, odd-length or non-hex
 * input (`StringFunctions::unhex`).
 */
function unhex(v: Value): Value {
  const s = str(v);
  if (s === null) return null;
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return '';
  return Buffer.from(s, 'hex');
}

function isNumeric(v: Value): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof JsonNumber;
}

/** SQL comparison; null when either side is null. */
export function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (isNumeric(a) || isNumeric(b)) {
    const x = num(a);
    const y = num(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = str(a)!;
  const y = str(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

function truthy(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  const n = num(v);
  return n !== null && n !== 0;
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

type Fn = (args: Value[]) => Value;

const dateOf = (v: Value): string | null => {
  const s = str(v);
  if (s === null) return null;
  const d = convertDateTime(s);
  return d === INVALID ? null : d;
};

const FUNCTIONS: Record<string, { min: number; max: number; fn: Fn }> = {
  concat: { min: 1, max: 99, fn: (a) => (a.some((x) => x === null) ? null : a.map((x) => str(x)).join('')) },
  concat_ws: {
    min: 2,
    max: 99,
    fn: ([sep, ...rest]) =>
      sep === null
        ? null
        : rest
            .filter((x) => x !== null)
            .map((x) => str(x ?? null))
            .join(str(sep ?? null)!),
  },
  upper: { min: 1, max: 1, fn: ([a]) => str(a ?? null)?.toUpperCase() ?? null },
  lower: { min: 1, max: 1, fn: ([a]) => str(a ?? null)?.toLowerCase() ?? null },
  trim: { min: 1, max: 1, fn: ([a]) => str(a ?? null)?.trim() ?? null },
  ltrim: { min: 1, max: 1, fn: ([a]) => str(a ?? null)?.trimStart() ?? null },
  rtrim: { min: 1, max: 1, fn: ([a]) => str(a ?? null)?.trimEnd() ?? null },
  length: {
    min: 1,
    max: 1,
    fn: ([a]) =>
      a === null || a === undefined ? null : a instanceof Uint8Array ? a.length : Buffer.byteLength(str(a)!),
  },
  char_length: { min: 1, max: 1, fn: ([a]) => (a === null ? null : [...str(a ?? null)!].length) },
  substr: {
    min: 2,
    max: 3,
    fn: ([s, p, l]) => {
      const t = str(s ?? null);
      const pos = num(p ?? null);
      if (t === null || pos === null) return null;
      const chars = [...t];
      const start = pos > 0 ? pos - 1 : chars.length + pos;
      const len = l === undefined ? chars.length : num(l);
      if (len === null) return null;
      return chars.slice(start, start + Math.max(0, len)).join('');
    },
  },
  left: {
    min: 2,
    max: 2,
    fn: ([s, n]) =>
      s === null || n === null ? null : [...str(s ?? null)!].slice(0, num(n ?? null) ?? 0).join(''),
  },
  right: {
    min: 2,
    max: 2,
    fn: ([s, n]) => {
      if (s === null || n === null) return null;
      const c = [...str(s ?? null)!];
      const k = num(n ?? null) ?? 0;
      return k <= 0 ? '' : c.slice(-k).join('');
    },
  },
  replace: {
    min: 3,
    max: 3,
    fn: ([s, a, b]) =>
      s === null || a === null || b === null
        ? null
        : str(s ?? null)!
            .split(str(a ?? null)!)
            .join(str(b ?? null)!),
  },
  unhex: { min: 1, max: 1, fn: ([a]) => unhex(a ?? null) },
  ifnull: { min: 2, max: 2, fn: ([a, b]) => (a === null ? (b ?? null) : (a ?? null)) },
  coalesce: { min: 1, max: 99, fn: (a) => a.find((x) => x !== null) ?? null },
  nullif: {
    min: 2,
    max: 2,
    fn: ([a, b]) => (compareValues(a ?? null, b ?? null) === 0 ? null : (a ?? null)),
  },
  if: { min: 3, max: 3, fn: ([c, a, b]) => (truthy(c ?? null) ? (a ?? null) : (b ?? null)) },
  abs: { min: 1, max: 1, fn: ([a]) => (num(a ?? null) === null ? null : Math.abs(num(a ?? null)!)) },
  floor: { min: 1, max: 1, fn: ([a]) => (num(a ?? null) === null ? null : Math.floor(num(a ?? null)!)) },
  ceil: { min: 1, max: 1, fn: ([a]) => (num(a ?? null) === null ? null : Math.ceil(num(a ?? null)!)) },
  round: {
    min: 1,
    max: 2,
    fn: ([a, d]) => {
      const x = num(a ?? null);
      if (x === null) return null;
      const f = 10 ** (d === undefined ? 0 : (num(d) ?? 0));
      return Math.round(x * f) / f;
    },
  },
  year: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(0, 4))),
  },
  month: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(5, 7))),
  },
  day: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(8, 10))),
  },
  hour: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(11, 13))),
  },
  minute: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(14, 16))),
  },
  second: {
    min: 1,
    max: 1,
    fn: ([a]) => (dateOf(a ?? null) === null ? null : Number(dateOf(a ?? null)!.slice(17, 19))),
  },
  to_date: {
    min: 1,
    max: 1,
    fn: ([a]) => {
      const s = str(a ?? null);
      if (s === null) return null;
      const d = convertDate(s);
      return d === INVALID ? null : d;
    },
  },
  now: { min: 0, max: 0, fn: () => localNow() },
  current_timestamp: { min: 0, max: 0, fn: () => localNow() },
  md5: {
    min: 1,
    max: 1,
    fn: ([a]) =>
      a === null
        ? null
        : createHash('md5')
            .update(str(a ?? null)!)
            .digest('hex'),
  },
};
FUNCTIONS.substring = FUNCTIONS.substr!;
FUNCTIONS.day_of_month = FUNCTIONS.day!;
FUNCTIONS.dayofmonth = FUNCTIONS.day!;

function localNow(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Compiles an expression into a closure; throws {@link PlanError} for what cannot be planned. */
export function compileExpr(e: Expr): Evaluator {
  switch (e.k) {
    case 'lit': {
      const v = e.v;
      return () => v;
    }
    case 'col': {
      const name = e.name.toLowerCase();
      return (get) => get(name);
    }
    case 'neg': {
      const f = compileExpr(e.e);
      return (g) => {
        const x = num(f(g));
        return x === null ? null : -x;
      };
    }
    case 'not': {
      const f = compileExpr(e.e);
      return (g) => {
        const t = truthy(f(g));
        return t === null ? null : !t;
      };
    }
    case 'isnull': {
      const f = compileExpr(e.e);
      return (g) => (f(g) === null) !== e.not;
    }
    case 'in': {
      const f = compileExpr(e.e);
      const list = e.list.map(compileExpr);
      return (g) => {
        const v = f(g);
        if (v === null) return null;
        let sawNull = false;
        for (const item of list) {
          const c = compareValues(v, item(g));
          if (c === null) sawNull = true;
          else if (c === 0) return !e.not;
        }
        return sawNull ? null : e.not;
      };
    }
    case 'between': {
      const f = compileExpr(e.e);
      const lo = compileExpr(e.lo);
      const hi = compileExpr(e.hi);
      return (g) => {
        const v = f(g);
        const a = compareValues(v, lo(g));
        const b = compareValues(v, hi(g));
        if (a === null || b === null) return null;
        return (a >= 0 && b <= 0) !== e.not;
      };
    }
    case 'like': {
      const f = compileExpr(e.e);
      const p = compileExpr(e.pattern);
      return (g) => {
        const v = str(f(g));
        const pat = str(p(g));
        if (v === null || pat === null) return null;
        return likeToRegExp(pat).test(v) !== e.not;
      };
    }
    case 'cast': {
      const f = compileExpr(e.e);
      const conv = compileConverter(e.type);
      const numeric = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE'].includes(e.type.kind);
      const binary = e.type.kind === 'VARBINARY';
      return (g) => {
        const raw = f(g);
        const v = conv(typeof raw === 'number' ? String(raw) : raw);
        if (v === INVALID) return null;
        if (binary && v !== null) return stagedBytes(v);
        return numeric && v !== null ? Number(v) : v;
      };
    }
    case 'call': {
      const def = FUNCTIONS[e.name];
      if (!def || e.args.length < def.min || e.args.length > def.max) {
        throw new PlanError(
          `No matching function with signature: ${e.name}(${e.args.map(() => 'varchar').join(', ')}).`,
        );
      }
      const args = e.args.map(compileExpr);
      return (g) => def.fn(args.map((a) => a(g)));
    }
    case 'bin':
      return compileBinary(e.op, compileExpr(e.l), compileExpr(e.r));
    case 'star':
    case 'var':
      throw new PlanError(`unsupported expression in load: ${e.k === 'star' ? '*' : e.name}`);
  }
}

function compileBinary(op: string, l: Evaluator, r: Evaluator): Evaluator {
  switch (op) {
    case 'AND':
      return (g) => {
        const a = truthy(l(g));
        if (a === false) return false;
        const b = truthy(r(g));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR':
      return (g) => {
        const a = truthy(l(g));
        if (a === true) return true;
        const b = truthy(r(g));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case '=':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c === 0);
    case '<=>':
      return (g) => {
        const a = l(g);
        const b = r(g);
        if (a === null || b === null) return a === b;
        return compareValues(a, b) === 0;
      };
    case '!=':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c !== 0);
    case '<':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c < 0);
    case '<=':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c <= 0);
    case '>':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c > 0);
    case '>=':
      return (g) => nullable(compareValues(l(g), r(g)), (c) => c >= 0);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case 'DIV':
      return (g) => {
        const a = num(l(g));
        const b = num(r(g));
        if (a === null || b === null) return null;
        switch (op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return b === 0 ? null : a / b;
          case '%':
            return b === 0 ? null : a % b;
          default:
            return b === 0 ? null : Math.trunc(a / b);
        }
      };
    default:
      throw new PlanError(`unsupported operator ${op}`);
  }
}

function nullable(c: number | null, f: (c: number) => boolean): boolean | null {
  return c === null ? null : f(c);
}
