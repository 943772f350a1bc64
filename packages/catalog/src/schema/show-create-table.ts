import { AGGREGATE_FUNCTIONS, type AggregateFunction, type ColumnDefault } from './table-schema.js';

/** What {@link parseShowCreateColumns} reads from one column line. */
export interface ShowCreateColumn {
  readonly name: string;
  /** The type as printed (`int(11)`, `struct<a int(11)>`). */
  readonly type: string;
  readonly aggregate: AggregateFunction | null;
  /**
   * The default as printed (`Column.toSql`): `DEFAULT "v"` is a literal, `DEFAULT CURRENT_TIMESTAMP`
   * is `current_timestamp`, `DEFAULT (expr)` an expression; `null` without a DEFAULT clause.
   */
  readonly default: ColumnDefault | null;
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
    let columnDefault: ColumnDefault | null = null;
    // the rest of the definition, up to the next ',' or ')' at depth 0
    while (i < n) {
      const c = ddl[i]!;
      if (c === ',') {
        i++;
        break;
      }
      if (c === ')') break;
      if (c === '"' || c === "'") {
        i = skipString(ddl, i);
        continue;
      }
      if (c === '(') {
        i = skipGroup(ddl, i);
        continue;
      }
      const w = /^\w+/.exec(ddl.slice(i))?.[0];
      if (w === undefined) {
        i++;
        continue;
      }
      i += w.length;
      const upper = w.toUpperCase();
      if (upper === 'DEFAULT') {
        skipSpace();
        const d = ddl[i];
        if (d === '"' || d === "'") {
          const end = skipString(ddl, i);
          columnDefault = { kind: 'literal', value: unescapeJava(ddl.slice(i + 1, end - 1)) };
          i = end;
        } else if (d === '(') {
          const end = skipGroup(ddl, i);
          columnDefault = { kind: 'expression', expression: ddl.slice(i + 1, end - 1).trim() };
          i = end;
        } else {
          const word = /^\w+(\(\s*\))?/.exec(ddl.slice(i))?.[0] ?? '';
          i += word.length;
          columnDefault = /^(current_timestamp|now)\b/i.test(word)
            ? { kind: 'current_timestamp' }
            : word.toUpperCase() === 'NULL'
              ? null
              : { kind: 'expression', expression: word };
        }
      } else if (upper === 'COMMENT') {
        skipSpace();
        if (ddl[i] === '"' || ddl[i] === "'") i = skipComment(ddl, i);
      }
    }
    out.push({ name, type, aggregate, default: columnDefault });
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

/** The end (after the closing parenthesis) of the group opening at `start`, skipping strings. */
function skipGroup(s: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      i = skipString(s, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/**
 * The end of a column comment. Older servers print comments unescaped (`COMMENT "a 12" screen"`),
 * so a quote only closes the comment when the column definition ends right after it (`,` and a
 * line break, a line break, or the end of the text); escaped quotes of newer servers are skipped.
 */
function skipComment(s: string, start: number): number {
  const q = s[start];
  let i = start + 1;
  let lastQuote = -1;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === q) {
      lastQuote = i;
      if (/^[ \t]*(,[ \t]*\r?\n|\r?\n|$)/.test(s.slice(i + 1, i + 64))) return i + 1;
    }
    i++;
  }
  return lastQuote < 0 ? i : lastQuote + 1;
}

/** Undoes `StringEscapeUtils.escapeJava` as far as SHOW CREATE TABLE uses it. */
function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' }[e] ?? e;
  });
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
