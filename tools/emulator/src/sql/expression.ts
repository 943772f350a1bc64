import { type ColumnType, parseColumnTypeFrom } from '../catalog/column-type.js';
import { type TokenStream, TokenStream as TS, tokenize } from './lexer.js';

/** Expressions of `columns`/`where` load headers and of SQL WHERE/SELECT lists. */
export type Expr =
  | { readonly k: 'lit'; readonly v: string | number | boolean | null; readonly text?: string }
  | { readonly k: 'col'; readonly name: string; readonly qualifier?: string }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'star' }
  | { readonly k: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'neg'; readonly e: Expr }
  | { readonly k: 'isnull'; readonly e: Expr; readonly not: boolean }
  | { readonly k: 'in'; readonly e: Expr; readonly list: readonly Expr[]; readonly not: boolean }
  | { readonly k: 'between'; readonly e: Expr; readonly lo: Expr; readonly hi: Expr; readonly not: boolean }
  | { readonly k: 'like'; readonly e: Expr; readonly pattern: Expr; readonly not: boolean }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly distinct?: boolean }
  | { readonly k: 'cast'; readonly e: Expr; readonly type: ColumnType };

const COMPARISON = new Set(['=', '!=', '<>', '<', '<=', '>', '>=', '<=>']);

/** Parses one expression from the stream (stops before a token that cannot continue it). */
export function parseExpression(ts: TokenStream): Expr {
  return parseOr(ts);
}

/** Parses a whole string as one expression. */
export function parseExpressionText(text: string): Expr {
  const ts = new TS(tokenize(text), text);
  const e = parseOr(ts);
  ts.expectEnd();
  return e;
}

function parseOr(ts: TokenStream): Expr {
  let l = parseAnd(ts);
  while (ts.acceptKeyword('OR') || ts.acceptOp('||')) l = { k: 'bin', op: 'OR', l, r: parseAnd(ts) };
  return l;
}

function parseAnd(ts: TokenStream): Expr {
  let l = parseNot(ts);
  while (ts.acceptKeyword('AND') || ts.acceptOp('&&')) l = { k: 'bin', op: 'AND', l, r: parseNot(ts) };
  return l;
}

function parseNot(ts: TokenStream): Expr {
  if (ts.acceptKeyword('NOT')) return { k: 'not', e: parseNot(ts) };
  return parsePredicate(ts);
}

function parsePredicate(ts: TokenStream): Expr {
  const e = parseAdditive(ts);
  for (;;) {
    const t = ts.peek();
    if (t.kind === 'op' && COMPARISON.has(t.value)) {
      ts.next();
      const op = t.value === '<>' ? '!=' : t.value;
      return { k: 'bin', op, l: e, r: parseAdditive(ts) };
    }
    if (ts.acceptKeyword('IS')) {
      const not = ts.acceptKeyword('NOT');
      if (ts.acceptKeyword('NULL')) return { k: 'isnull', e, not };
      if (ts.acceptKeyword('TRUE'))
        return wrapNot({ k: 'bin', op: '=', l: e, r: { k: 'lit', v: true } }, not);
      if (ts.acceptKeyword('FALSE'))
        return wrapNot({ k: 'bin', op: '=', l: e, r: { k: 'lit', v: false } }, not);
      throw ts.error('expected NULL after IS');
    }
    const not =
      ts.isKeyword('NOT') && (ts.isKeyword('IN', 1) || ts.isKeyword('BETWEEN', 1) || ts.isKeyword('LIKE', 1));
    if (not) ts.next();
    if (ts.acceptKeyword('IN')) {
      ts.expectOp('(');
      const list: Expr[] = [];
      do list.push(parseOr(ts));
      while (ts.acceptOp(','));
      ts.expectOp(')');
      return { k: 'in', e, list, not };
    }
    if (ts.acceptKeyword('BETWEEN')) {
      const lo = parseAdditive(ts);
      ts.expectKeyword('AND');
      const hi = parseAdditive(ts);
      return { k: 'between', e, lo, hi, not };
    }
    if (ts.acceptKeyword('LIKE')) return { k: 'like', e, pattern: parseAdditive(ts), not };
    if (not) throw ts.error('expected IN, BETWEEN or LIKE after NOT');
    return e;
  }
}

function wrapNot(e: Expr, not: boolean): Expr {
  return not ? { k: 'not', e } : e;
}

function parseAdditive(ts: TokenStream): Expr {
  let l = parseMultiplicative(ts);
  for (;;) {
    if (ts.isOp('+') || ts.isOp('-')) {
      const op = ts.next().value;
      l = { k: 'bin', op, l, r: parseMultiplicative(ts) };
    } else return l;
  }
}

function parseMultiplicative(ts: TokenStream): Expr {
  let l = parseUnary(ts);
  for (;;) {
    if (ts.isOp('*') || ts.isOp('/') || ts.isOp('%') || ts.isKeyword('DIV') || ts.isKeyword('MOD')) {
      const t = ts.next().value.toUpperCase();
      const op = t === 'DIV' ? 'DIV' : t === 'MOD' ? '%' : t;
      l = { k: 'bin', op, l, r: parseUnary(ts) };
    } else return l;
  }
}

function parseUnary(ts: TokenStream): Expr {
  if (ts.acceptOp('-')) {
    const e = parseUnary(ts);
    if (e.k === 'lit' && typeof e.v === 'number') return { k: 'lit', v: -e.v, text: `-${e.text ?? e.v}` };
    return { k: 'neg', e };
  }
  if (ts.acceptOp('+')) return parseUnary(ts);
  return parsePrimary(ts);
}

function parsePrimary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (t.kind === 'number') {
    ts.next();
    return { k: 'lit', v: Number(t.value), text: t.value };
  }
  if (t.kind === 'string') {
    ts.next();
    return { k: 'lit', v: t.value };
  }
  if (t.kind === 'op' && t.value === '(') {
    ts.next();
    const e = parseOr(ts);
    ts.expectOp(')');
    return e;
  }
  if (t.kind === 'op' && t.value === '*') {
    ts.next();
    return { k: 'star' };
  }
  if (t.kind === 'op' && t.value === '@') {
    ts.next();
    const system = ts.acceptOp('@');
    let name = ts.identifier('a variable name');
    if (system && ts.acceptOp('.')) name = `${name}.${ts.identifier('a variable name')}`;
    return { k: 'var', name: system ? name : `@${name}` };
  }
  if (t.kind === 'ident') {
    const upper = t.value.toUpperCase();
    if (upper === 'NULL') {
      ts.next();
      return { k: 'lit', v: null };
    }
    if (upper === 'TRUE' || upper === 'FALSE') {
      ts.next();
      return { k: 'lit', v: upper === 'TRUE' };
    }
    if (upper === 'CAST' && ts.isOp('(', 1)) {
      ts.next();
      ts.next();
      const e = parseOr(ts);
      ts.expectKeyword('AS');
      const type = parseColumnTypeFrom(ts);
      ts.expectOp(')');
      return { k: 'cast', e, type };
    }
    if (upper === 'CASE') throw ts.error('CASE expressions are not supported by the emulator');
  }
  if (t.kind === 'ident' || t.kind === 'quoted') {
    ts.next();
    if (t.kind === 'ident' && ts.isOp('(')) {
      ts.next();
      const args: Expr[] = [];
      const distinct = ts.acceptKeyword('DISTINCT');
      if (!ts.isOp(')')) {
        do args.push(parseOr(ts));
        while (ts.acceptOp(','));
      }
      ts.expectOp(')');
      return { k: 'call', name: t.value.toLowerCase(), args, distinct };
    }
    if (ts.isOp('.')) {
      ts.next();
      if (ts.acceptOp('*')) return { k: 'star' };
      const name = ts.identifier('a column name');
      if (ts.isOp('.')) {
        // db.table.column
        ts.next();
        return { k: 'col', name: ts.identifier('a column name'), qualifier: name };
      }
      return { k: 'col', name, qualifier: t.value };
    }
    return { k: 'col', name: t.value };
  }
  throw ts.error('expected an expression');
}

/** Column names an expression reads. */
export function referencedColumns(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case 'col':
      out.add(e.name.toLowerCase());
      break;
    case 'bin':
      referencedColumns(e.l, out);
      referencedColumns(e.r, out);
      break;
    case 'not':
    case 'neg':
    case 'isnull':
    case 'cast':
      referencedColumns(e.e, out);
      break;
    case 'in':
      referencedColumns(e.e, out);
      for (const x of e.list) referencedColumns(x, out);
      break;
    case 'between':
      referencedColumns(e.e, out);
      referencedColumns(e.lo, out);
      referencedColumns(e.hi, out);
      break;
    case 'like':
      referencedColumns(e.e, out);
      referencedColumns(e.pattern, out);
      break;
    case 'call':
      for (const x of e.args) referencedColumns(x, out);
      break;
    default:
      break;
  }
  return out;
}
