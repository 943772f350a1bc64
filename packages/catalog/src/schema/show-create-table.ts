import { AGGREGATE_FUNCTIONS, type AggregateFunction } from './table-schema.js';

/** What {@link parseShowCreateColumns} reads from one column line. */
export interface ShowCreateColumn {
  readonly name: string;
  /** The type as printed (`int(11)`, `struct<a int(11)>`). */
  readonly type: string;
  readonly aggregate: AggregateFunction | null;
}

const AGGREGATES = new Set<string>(AGGREGATE_FUNCTIONS);

/**
 * Reads the column lines of `SHOW CREATE TABLE` (spec §7.3:
 * `` `name` <type> [AGG] NULL|NOT NULL [DEFAULT "v"] COMMENT "..." ``): the name (backquoted,
 * doubled backticks), the type text, and the aggregate function of AGGREGATE KEY value columns,
 * which no information_schema table reports.
 */
export function parseShowCreateColumns(ddl: string): ShowCreateColumn[] {
  const open = columnListStart(ddl);
  if (open < 0) return [];
  const out: ShowCreateColumn[] = [];
  let i = open + 1;
  const n = ddl.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(ddl[i]!)) i++;
  };
  for (;;) {
    skipSpace();
    if (ddl[i] !== '`') break; // end of the column list (or an INDEX line)
    let name = '';
    i++;
    while (i < n) {
      if (ddl[i] === '`') {
        if (ddl[i + 1] === '`') {
          name += '`';
          i += 2;
          continue;
        }
        i++;
        break;
      }
      name += ddl[i];
      i++;
    }
    skipSpace();
    // the type: a word, then any (...) / <...> groups at depth 0, then "unsigned"-like words are not expected
    const typeStart = i;
    while (i < n && /\w/.test(ddl[i]!)) i++;
    let depth = 0;
    while (i < n) {
      const c = ddl[i]!;
      if (c === '(' || c === '<') depth++;
      else if (c === ')' || c === '>') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (/\s/.test(c) || c === ',')) break;
      else if (c === '"' || c === "'") i = skipString(ddl, i) - 1;
      i++;
    }
    const type = ddl.slice(typeStart, i);
    skipSpace();
    const word = /^\w+/.exec(ddl.slice(i))?.[0]?.toUpperCase() ?? '';
    const aggregate = AGGREGATES.has(word) ? (word as AggregateFunction) : null;
    out.push({ name, type, aggregate });
    // skip to the end of the line's definition: the next ',' or ')' at depth 0 outside strings
    depth = 0;
    while (i < n) {
      const c = ddl[i]!;
      if (c === '"' || c === "'") {
        i = skipString(ddl, i);
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        i++;
        break;
      }
      i++;
    }
    if (ddl[i] === ')') break;
  }
  return out;
}

/** The `(` opening the column list, skipping backquoted names (a table may be named `` `a(b` ``). */
function columnListStart(ddl: string): number {
  let i = 0;
  while (i < ddl.length) {
    const c = ddl[i]!;
    if (c === '`') {
      i++;
      while (i < ddl.length && !(ddl[i] === '`' && ddl[i + 1] !== '`')) i += ddl[i] === '`' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '(') return i;
    i++;
  }
  return -1;
}

function skipString(s: string, start: number): number {
  const q = s[start];
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\') i += 2;
    else if (s[i] === q) return i + 1;
    else i++;
  }
  return i;
}
