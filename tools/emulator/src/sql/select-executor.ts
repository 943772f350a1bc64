import { type ColumnType, duckdbType } from '../catalog/column-type.js';
import { findColumn, storageTableName, type TableSchema } from '../catalog/table-schema.js';
import { compareValues, compileExpr, type Value } from '../load/expression-evaluator.js';
import { ErrorCode, MysqlError, MysqlType, type QueryResult, type ResultColumn } from '../mysql/index.js';
import type { Store } from '../storage/store.js';
import { lit, q } from '../storage/store.js';
import type { Expr } from './expression.js';
import type { SelectStatement } from './statement.js';
import { formatValue, mysqlTypeOf, needsJsFormat, renderSql } from './value-format.js';

const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg']);

/** SQL functions passed through to DuckDB (same meaning in StarRocks). */
const PASS_THROUGH: Record<string, string> = {
  abs: 'abs',
  upper: 'upper',
  lower: 'lower',
  length: 'strlen',
  char_length: 'length',
  concat: 'concat',
  coalesce: 'coalesce',
  ifnull: 'ifnull',
  year: 'year',
  month: 'month',
  day: 'day',
  round: 'round',
  floor: 'floor',
  ceil: 'ceil',
  substr: 'substr',
  substring: 'substr',
};

function unknownColumn(name: string, where: string): MysqlError {
  return new MysqlError(`Unknown column '${name}' in '${where}'`, ErrorCode.BAD_FIELD, '42S22');
}

function isAggregate(e: Expr): boolean {
  return e.k === 'call' && AGGREGATES.has(e.name);
}

/** Translates an expression over a table's columns into DuckDB SQL. */
export function toDuck(e: Expr, t: TableSchema): string {
  switch (e.k) {
    case 'lit':
      if (e.v === null) return 'NULL';
      if (typeof e.v === 'boolean') return e.v ? 'true' : 'false';
      if (typeof e.v === 'number') return e.text ?? String(e.v);
      return lit(e.v);
    case 'col': {
      const c = findColumn(t, e.name);
      if (!c) throw unknownColumn(e.name, 'where clause');
      return q(c.storageName);
    }
    case 'bin': {
      const op =
        e.op === '!=' ? '<>' : e.op === 'DIV' ? '//' : e.op === '<=>' ? 'IS NOT DISTINCT FROM' : e.op;
      return `(${toDuck(e.l, t)} ${op} ${toDuck(e.r, t)})`;
    }
    case 'not':
      return `(NOT ${toDuck(e.e, t)})`;
    case 'neg':
      return `(-${toDuck(e.e, t)})`;
    case 'isnull':
      return `(${toDuck(e.e, t)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${toDuck(e.e, t)} ${e.not ? 'NOT ' : ''}IN (${e.list.map((x) => toDuck(x, t)).join(', ')}))`;
    case 'between':
      return `(${toDuck(e.e, t)} ${e.not ? 'NOT ' : ''}BETWEEN ${toDuck(e.lo, t)} AND ${toDuck(e.hi, t)})`;
    case 'like':
      return `(${toDuck(e.e, t)} ${e.not ? 'NOT ' : ''}LIKE ${toDuck(e.pattern, t)} ESCAPE '\\')`;
    case 'cast':
      return `TRY_CAST(${toDuck(e.e, t)} AS ${duckdbType(e.type)})`;
    case 'call': {
      if (e.name === 'count') {
        if (e.args.length === 1 && e.args[0]!.k === 'star') return 'count(*)';
        return `count(${e.distinct ? 'DISTINCT ' : ''}${e.args.map((a) => toDuck(a, t)).join(', ')})`;
      }
      if (AGGREGATES.has(e.name)) return `${e.name}(${e.args.map((a) => toDuck(a, t)).join(', ')})`;
      const fn = PASS_THROUGH[e.name];
      if (!fn)
        throw new MysqlError(
          `No matching function with signature: ${e.name}(...). (unsupported by the emulator)`,
          1064,
          'HY000',
        );
      return `${fn}(${e.args.map((a) => toDuck(a, t)).join(', ')})`;
    }
    case 'star':
      throw new MysqlError("'*' is only allowed alone in the select list or in count(*)", 1064, 'HY000');
    case 'var':
      throw new MysqlError(`variables are not supported in queries over tables: ${e.name}`, 1064, 'HY000');
  }
}

/** The StarRocks type of an expression's result, when known. */
function typeOf(e: Expr, t: TableSchema): ColumnType | null {
  if (e.k === 'col') return findColumn(t, e.name)?.type ?? null;
  if (e.k === 'call') {
    if (e.name === 'count') return { kind: 'BIGINT' };
    if ((e.name === 'min' || e.name === 'max') && e.args[0]) return typeOf(e.args[0], t);
    if (e.name === 'sum' || e.name === 'avg') return { kind: 'DOUBLE' };
  }
  if (e.k === 'cast') return e.type;
  return null;
}

interface OutputColumn {
  readonly label: string;
  readonly type: ColumnType | null;
  readonly sql: string;
  readonly orgName: string;
}

/** SELECT over a user table, executed by DuckDB. */
export async function selectFromTable(
  store: Store,
  t: TableSchema,
  s: SelectStatement,
): Promise<QueryResult> {
  const out: OutputColumn[] = [];
  for (const item of s.items) {
    if (item.expr.k === 'star') {
      for (const c of t.columns)
        out.push({ label: c.name, type: c.type, sql: renderSql(c.type, q(c.storageName)), orgName: c.name });
      continue;
    }
    const type = typeOf(item.expr, t);
    const sql = toDuck(item.expr, t);
    const label =
      item.alias ?? (item.expr.k === 'col' ? (findColumn(t, item.expr.name)?.name ?? item.text) : item.text);
    out.push({
      label,
      type,
      sql: type ? renderSql(type, sql) : `CAST(${sql} AS VARCHAR)`,
      orgName: item.expr.k === 'col' ? label : '',
    });
  }
  const hasAgg = s.items.some((i) => isAggregate(i.expr));
  if (hasAgg && !s.items.every((i) => isAggregate(i.expr) || i.expr.k === 'lit')) {
    throw new MysqlError(
      'select list expression not produced by aggregation output (missing from GROUP BY clause?)',
      1064,
      'HY000',
    );
  }
  let sql = `SELECT ${out.map((o, i) => `${o.sql} AS o${i}`).join(', ')} FROM ${q(storageTableName(t))}`;
  if (s.where) sql += ` WHERE ${toDuck(s.where, t)}`;
  if (s.orderBy.length > 0) {
    sql += ` ORDER BY ${s.orderBy
      .map((o) => {
        let e = o.expr;
        if (e.k === 'lit' && typeof e.v === 'number') {
          const item = s.items[e.v - 1];
          if (!item) throw new MysqlError(`ORDER BY position ${e.v} is not in select list`, 1064, 'HY000');
          e = item.expr;
        } else if (e.k === 'col') {
          const alias = s.items.find(
            (i) => i.alias !== null && i.alias.toLowerCase() === (e as { name: string }).name.toLowerCase(),
          );
          if (alias && !findColumn(t, e.name)) e = alias.expr;
        }
        return `${toDuck(e, t)} ${o.desc ? 'DESC' : 'ASC'} NULLS ${o.desc ? 'LAST' : 'FIRST'}`;
      })
      .join(', ')}`;
  }
  if (s.limit !== null) sql += ` LIMIT ${s.limit} OFFSET ${s.offset}`;
  const reader = await store.exclusive((conn) => conn.runAndReadAll(sql));
  const rows = reader.getRows() as (string | Buffer | null)[][];
  const jsCols = out.map((o, i) => (o.type && needsJsFormat(o.type) ? i : -1)).filter((i) => i >= 0);
  if (jsCols.length > 0) {
    for (const row of rows) {
      for (const i of jsCols) {
        const v = row[i];
        if (typeof v === 'string') row[i] = formatValue(out[i]!.type!, v);
      }
    }
  }
  return {
    kind: 'rows',
    columns: out.map((o) => column(o.label, o.type, t)),
    rows,
  };
}

function column(name: string, type: ColumnType | null, t: TableSchema | null): ResultColumn {
  return {
    name,
    type: type ? mysqlTypeOf(type) : MysqlType.VAR_STRING,
    table: t?.name ?? '',
    schema: t?.database ?? '',
    decimals: type?.kind === 'DECIMAL' ? type.scale : undefined,
    unsigned: false,
  };
}

/** A small in-memory table (information_schema, SHOW results) a SELECT can run over in JS. */
export interface VirtualTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly rows: readonly Record<string, Value>[];
}

/** SELECT over a virtual table, evaluated in JS. Row keys are lower-case column names. */
export function selectFromVirtual(
  v: VirtualTable,
  s: Pick<SelectStatement, 'items' | 'where' | 'orderBy' | 'limit' | 'offset'>,
): QueryResult {
  const colNames = new Set(v.columns.map((c) => c.name.toLowerCase()));
  const check = (e: Expr) => {
    if (e.k === 'col' && !colNames.has(e.name.toLowerCase())) throw unknownColumn(e.name, 'field list');
  };
  const walk = (e: Expr): void => {
    check(e);
    if (e.k === 'bin') {
      walk(e.l);
      walk(e.r);
    } else if (e.k === 'not' || e.k === 'neg' || e.k === 'isnull' || e.k === 'cast') walk(e.e);
    else if (e.k === 'in') [e.e, ...e.list].forEach(walk);
    else if (e.k === 'between') [e.e, e.lo, e.hi].forEach(walk);
    else if (e.k === 'like') [e.e, e.pattern].forEach(walk);
    else if (e.k === 'call') {
      for (const a of e.args) if (a.k !== 'star') walk(a);
    }
  };
  if (s.where) walk(s.where);
  let rows = [...v.rows];
  if (s.where) {
    const f = compileExpr(s.where);
    rows = rows.filter((r) => f((n) => r[n] ?? null) === true);
  }
  const items = s.items.flatMap((i) =>
    i.expr.k === 'star'
      ? v.columns.map((c) => ({ expr: { k: 'col', name: c.name } as Expr, alias: null, text: c.name }))
      : [i],
  );
  for (const i of items) walk(i.expr);
  if (items.some((i) => isAggregate(i.expr))) {
    const values = items.map((i) => {
      const e = i.expr;
      if (e.k === 'call' && e.name === 'count') {
        if (e.args[0]?.k === 'star' || e.args.length === 0) return String(rows.length);
        const f = compileExpr(e.args[0]!);
        return String(rows.filter((r) => f((n) => r[n] ?? null) !== null).length);
      }
      throw new MysqlError(
        `aggregate ${e.k === 'call' ? e.name : ''} is not supported on information_schema by the emulator`,
        1064,
        'HY000',
      );
    });
    return {
      kind: 'rows',
      columns: items.map((i) => column(i.alias ?? i.text, { kind: 'BIGINT' }, null)),
      rows: [values],
    };
  }
  for (const o of [...s.orderBy].reverse()) {
    let e = o.expr;
    if (e.k === 'lit' && typeof e.v === 'number') e = items[e.v - 1]?.expr ?? e;
    walk(e);
    const f = compileExpr(e);
    rows.sort((a, b) => {
      const x = f((n) => a[n] ?? null);
      const y = f((n) => b[n] ?? null);
      if (x === null || y === null) return x === y ? 0 : (x === null ? -1 : 1) * (o.desc ? -1 : 1);
      return (compareValues(x, y) ?? 0) * (o.desc ? -1 : 1);
    });
  }
  if (s.limit !== null) rows = rows.slice(s.offset, s.offset + s.limit);
  const fns = items.map((i) => compileExpr(i.expr));
  const types = items.map((i) =>
    i.expr.k === 'col'
      ? (v.columns.find((c) => c.name.toLowerCase() === (i.expr as { name: string }).name.toLowerCase())
          ?.type ?? null)
      : null,
  );
  return {
    kind: 'rows',
    columns: items.map((i, k) => ({
      name:
        i.alias ??
        (i.expr.k === 'col'
          ? (v.columns.find((c) => c.name.toLowerCase() === (i.expr as { name: string }).name.toLowerCase())
              ?.name ?? i.text)
          : i.text),
      type: types[k] ? mysqlTypeOf(types[k]!) : MysqlType.VAR_STRING,
      table: v.name,
      schema: 'information_schema',
    })),
    rows: rows.map((r) =>
      fns.map((f) => {
        const x = f((n) => r[n] ?? null);
        return x === null
          ? null
          : typeof x === 'object'
            ? JSON.stringify(x)
            : typeof x === 'boolean'
              ? x
                ? '1'
                : '0'
              : String(x);
      }),
    ),
  };
}
