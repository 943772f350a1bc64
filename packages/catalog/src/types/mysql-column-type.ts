import { TypeMappingError } from '../errors.js';

/** A MySQL/MariaDB column type, parsed from `information_schema.COLUMNS.COLUMN_TYPE` or DDL. */
export interface MysqlColumnType {
  /**
   * The base type, lower case and with synonyms resolved: `int` (for INTEGER, INT4), `decimal` (for
   * DEC, NUMERIC, FIXED), `double` (for REAL, DOUBLE PRECISION), `char`/`varchar` (for NCHAR,
   * NATIONAL VARCHAR, CHARACTER VARYING), `mediumtext` (for LONG, LONG VARCHAR), `bigint` (for
   * SERIAL, which is also unsigned), `geometrycollection` (for GEOMCOLLECTION)…
   */
  readonly name: string;
  /** UNSIGNED (ZEROFILL implies it). */
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  /** The numbers in parentheses: `[11]` for `int(11)`, `[10, 2]` for `decimal(10,2)`, `[6]` for `datetime(6)`. */
  readonly params: readonly number[];
  /** ENUM/SET members, unquoted. */
  readonly values: readonly string[];
  /** The text as given. */
  readonly text: string;
}

const SYNONYMS: Readonly<Record<string, string>> = {
  integer: 'int',
  int1: 'tinyint',
  int2: 'smallint',
  int3: 'mediumint',
  middleint: 'mediumint',
  int4: 'int',
  int8: 'bigint',
  dec: 'decimal',
  numeric: 'decimal',
  fixed: 'decimal',
  real: 'double',
  float4: 'float',
  float8: 'double',
  bool: 'boolean',
  character: 'char',
  nchar: 'char',
  nvarchar: 'varchar',
  varcharacter: 'varchar',
  long: 'mediumtext',
  geomcollection: 'geometrycollection',
};

/** Multi-word spellings, matched on the lower-cased, space-normalised text. */
const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/^double precision\b/, 'double'],
  [/^character varying\b/, 'varchar'],
  [/^char varying\b/, 'varchar'],
  [/^national character varying\b/, 'varchar'],
  [/^national char varying\b/, 'varchar'],
  [/^national varchar\b/, 'varchar'],
  [/^national character\b/, 'char'],
  [/^national char\b/, 'char'],
  [/^nchar varchar\b/, 'varchar'],
  [/^nchar varying\b/, 'varchar'],
  [/^long varchar\b/, 'mediumtext'],
  [/^long varbinary\b/, 'mediumblob'],
  [/^long char varying\b/, 'mediumtext'],
];

function bad(text: string, problem: string): TypeMappingError {
  return new TypeMappingError(`Cannot parse the MySQL column type ${JSON.stringify(text)}: ${problem}`, text);
}

/**
 * Parses a MySQL/MariaDB column type such as `int(10) unsigned zerofill`, `tinyint(1)`,
 * `decimal(65,30)`, `varchar(255)`, `datetime(6)`, `enum('a','b')`, `set('x','y')`, `bit(1)`,
 * `double precision`, `varchar(20) character set latin1 collate latin1_bin`, or MariaDB's
 * `datetime /* mariadb-5.3 *\/`. Character sets, collations, `BINARY`/`ASCII`/`UNICODE` attributes
 * and comments are ignored.
 *
 * @throws {TypeMappingError} (`SR_TYPE`) for text that is not a column type.
 */
export function parseMysqlColumnType(text: string): MysqlColumnType {
  if (typeof text !== 'string') throw bad(String(text), 'not a string');
  let rest = text.replace(/\/\*[\s\S]*?\*\//g, ' ').trim();
  if (rest.length === 0) throw bad(text, 'empty');
  const lowered = rest.toLowerCase().replace(/\s+/g, ' ');
  let name: string | undefined;
  for (const [re, n] of PHRASES) {
    const m = re.exec(lowered);
    if (m) {
      name = n;
      // consume the same number of words from the original text
      const words = m[0].split(' ').length;
      for (let i = 0; i < words; i++) rest = rest.replace(/^\s*\S+?(?=[\s(]|$)/, '');
      break;
    }
  }
  if (name === undefined) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!m) throw bad(text, 'expected a type name');
    const word = m[1]!.toLowerCase();
    name = SYNONYMS[word] ?? word;
    rest = rest.slice(m[1]!.length);
  }
  let unsigned = name === 'serial';
  if (name === 'serial') name = 'bigint';
  let zerofill = false;
  const params: number[] = [];
  const values: string[] = [];
  rest = rest.trimStart();
  if (rest.startsWith('(')) {
    if (name === 'enum' || name === 'set') {
      const parsed = parseMembers(text, rest);
      values.push(...parsed.values);
      rest = parsed.rest;
    } else {
      const close = rest.indexOf(')');
      if (close < 0) throw bad(text, 'missing ")"');
      const inner = rest.slice(1, close).trim();
      for (const part of inner.split(',')) {
        const p = part.trim();
        if (!/^\d+$/.test(p)) throw bad(text, `expected a number in parentheses, got ${JSON.stringify(p)}`);
        params.push(Number(p));
      }
      rest = rest.slice(close + 1);
    }
  } else if (name === 'enum' || name === 'set') {
    throw bad(text, `${name.toUpperCase()} needs its members in parentheses`);
  }
  const words = rest
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'unsigned') unsigned = true;
    else if (w === 'zerofill') {
      zerofill = true;
      unsigned = true;
    } else if (w === 'signed' || w === 'binary' || w === 'ascii' || w === 'unicode' || w === 'byte') {
      // attributes without a bearing on the StarRocks type
    } else if (w === 'character' && words[i + 1] === 'set') i += 2;
    else if (w === 'charset' || w === 'collate') i += 1;
    else throw bad(text, `unexpected ${JSON.stringify(w)}`);
  }
  return { name, unsigned, zerofill, params, values, text };
}

function parseMembers(text: string, rest: string): { values: string[]; rest: string } {
  const values: string[] = [];
  let i = 1;
  for (;;) {
    while (/\s/.test(rest[i] ?? '')) i++;
    if (rest[i] === ')' && values.length === 0) return { values, rest: rest.slice(i + 1) };
    const quote = rest[i];
    if (quote !== "'" && quote !== '"') throw bad(text, 'expected a quoted member');
    i++;
    let v = '';
    for (;;) {
      if (i >= rest.length) throw bad(text, 'an unterminated member');
      const c = rest[i]!;
      if (c === '\\' && i + 1 < rest.length) {
        const e = rest[i + 1]!;
        v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
        i += 2;
      } else if (c === quote && rest[i + 1] === quote) {
        v += quote;
        i += 2;
      } else if (c === quote) {
        i++;
        break;
      } else {
        v += c;
        i++;
      }
    }
    values.push(v);
    while (/\s/.test(rest[i] ?? '')) i++;
    if (rest[i] === ',') {
      i++;
      continue;
    }
    if (rest[i] === ')') return { values, rest: rest.slice(i + 1) };
    throw bad(text, 'expected "," or ")" after a member');
  }
}
