import { InvalidOptionError } from '@srconnect/stream-load-sdk';

/** A literal a filter compares with. Dates are rendered as DATETIME text (UTC). */
export type FilterValue = string | number | bigint | boolean | Date;

/** A typed filter, rendered to SQL with quoted identifiers and escaped literals (never string-pasted). */
export type Filter =
  | {
      readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
      readonly column: string;
      readonly value: FilterValue;
    }
  | { readonly op: 'in'; readonly column: string; readonly values: readonly FilterValue[] }
  | { readonly op: 'isNull'; readonly column: string }
  | { readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly op: 'not'; readonly filter: Filter };

/** Builders for {@link Filter}s: `f.and(f.eq('city', 'oslo'), f.ge('score', 10))`. */
export const f = {
  eq: (column: string, value: FilterValue): Filter => ({ op: 'eq', column, value }),
  ne: (column: string, value: FilterValue): Filter => ({ op: 'ne', column, value }),
  lt: (column: string, value: FilterValue): Filter => ({ op: 'lt', column, value }),
  le: (column: string, value: FilterValue): Filter => ({ op: 'le', column, value }),
  gt: (column: string, value: FilterValue): Filter => ({ op: 'gt', column, value }),
  ge: (column: string, value: FilterValue): Filter => ({ op: 'ge', column, value }),
  in: (column: string, values: readonly FilterValue[]): Filter => ({ op: 'in', column, values }),
  isNull: (column: string): Filter => ({ op: 'isNull', column }),
  and: (...filters: Filter[]): Filter => ({ op: 'and', filters }),
  or: (...filters: Filter[]): Filter => ({ op: 'or', filters }),
  not: (filter: Filter): Filter => ({ op: 'not', filter }),
} as const;

const COMPARE: Record<string, string> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const BAD_COLUMN = /[\0=<>!*]/;

/** A backquoted identifier (embedded backquotes doubled); rejects names StarRocks cannot have. */
export function quoteIdentifier(name: string, what = 'column'): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 1024 ||
    (what === 'column' && BAD_COLUMN.test(name)) ||
    name.includes('\0')
  ) {
    throw new InvalidOptionError(`invalid ${what} name ${JSON.stringify(name)}`);
  }
  return `\`${name.replaceAll('`', '``')}\``;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A SQL literal for a value: strings single-quoted with MySQL escapes, numbers checked finite. */
export function sqlLiteral(v: FilterValue, column: string): string {
  if (typeof v === 'string') {
    return `'${v.replace(/[\\'\0\n\r\x1a]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z' })[c]!)}'`;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidOptionError(`filter on ${column}: ${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new InvalidOptionError(`filter on ${column}: invalid Date`);
    const us = `${pad(v.getUTCMilliseconds(), 3)}000`;
    return `'${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}.${us}'`;
  }
  throw new InvalidOptionError(`filter on ${column}: unsupported value ${String(v)} (${typeof v})`);
}

/** Renders a filter as a SQL boolean expression. */
export function renderFilter(filter: Filter): string {
  switch (filter.op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return `${quoteIdentifier(filter.column)} ${COMPARE[filter.op]} ${sqlLiteral(filter.value, filter.column)}`;
    case 'in':
      if (!Array.isArray(filter.values)) {
        throw new InvalidOptionError(`f.in(${JSON.stringify(filter.column)}, …) needs an array of values`);
      }
      if (filter.values.length === 0) return 'FALSE';
      return `${quoteIdentifier(filter.column)} IN (${filter.values.map((v) => sqlLiteral(v, filter.column)).join(', ')})`;
    case 'isNull':
      return `${quoteIdentifier(filter.column)} IS NULL`;
    case 'and':
    case 'or':
      if (!Array.isArray(filter.filters)) throw new InvalidOptionError(`f.${filter.op}(…) needs filters`);
      if (filter.filters.length === 0) return filter.op === 'and' ? 'TRUE' : 'FALSE';
      return `(${filter.filters.map(renderFilter).join(filter.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${renderFilter(filter.filter)})`;
    default:
      throw new InvalidOptionError(`unknown filter op ${JSON.stringify((filter as { op: unknown }).op)}`);
  }
}

/** Whether a filter holds for no row at all (an empty `in`, an empty `or`, …): no scan is needed. */
export function isAlwaysFalse(filter: Filter): boolean {
  switch (filter.op) {
    case 'in':
      return filter.values.length === 0;
    case 'or':
      return filter.filters.every(isAlwaysFalse);
    case 'and':
      return filter.filters.some(isAlwaysFalse);
    case 'not':
      return isAlwaysTrue(filter.filter);
    default:
      return false;
  }
}

function isAlwaysTrue(filter: Filter): boolean {
  switch (filter.op) {
    case 'and':
      return filter.filters.every(isAlwaysTrue);
    case 'or':
      return filter.filters.some(isAlwaysTrue);
    case 'not':
      return isAlwaysFalse(filter.filter);
    default:
      return false;
  }
}

/** The columns a filter reads. */
export function filterColumns(filter: Filter, out = new Set<string>()): Set<string> {
  switch (filter.op) {
    case 'and':
    case 'or':
      for (const x of filter.filters) filterColumns(x, out);
      break;
    case 'not':
      filterColumns(filter.filter, out);
      break;
    default:
      out.add(filter.column);
  }
  return out;
}
