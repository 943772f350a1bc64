import { TypeParseError } from '../errors.js';
import {
  MAX_CHAR_LENGTH,
  MAX_DECIMAL256_PRECISION,
  MAX_VARCHAR_LENGTH_LIMIT,
  type SimpleTypeKind,
  STRING_LENGTH,
  type StarRocksType,
  type StructField,
} from './starrocks-type.js';

/** Options of {@link parseStarRocksType}. */
export interface ParseTypeOptions {
  /**
   * Where the text comes from.
   * - `'sql'` (default): StarRocks DDL and `SHOW CREATE TABLE`. `TINYINT(1)` is a TINYINT (the width
   *   is only a display width).
   * - `'information_schema'`: `information_schema.columns.COLUMN_TYPE`, where the server prints
   *   BOOLEAN as `tinyint(1)` (and TINYINT as `tinyint(4)`), so `tinyint(1)` is read as BOOLEAN.
   *
   * In both, `bigint(20) unsigned` / `bigint unsigned` (how information_schema prints LARGEINT) is
   * LARGEINT: StarRocks has no unsigned BIGINT.
   */
  readonly source?: 'sql' | 'information_schema';
}

interface Token {
  readonly kind: 'word' | 'quoted' | 'number' | 'punct' | 'end';
  readonly text: string;
  readonly pos: number;
}

const SIMPLE: Readonly<Record<string, SimpleTypeKind>> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  LARGEINT: 'LARGEINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  JSON: 'JSON',
  BITMAP: 'BITMAP',
  HLL: 'HLL',
  PERCENTILE: 'PERCENTILE',
};

/** Kinds that may carry a display width such as `int(11)`. */
const WIDTH_OK = new Set<SimpleTypeKind>(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'LARGEINT']);

/** Largest precision per DECIMAL spelling. */
const DECIMAL_MAX: Readonly<Record<string, number>> = {
  DECIMAL: MAX_DECIMAL256_PRECISION,
  NUMERIC: MAX_DECIMAL256_PRECISION,
  DECIMALV3: MAX_DECIMAL256_PRECISION,
  DECIMAL32: 9,
  DECIMAL64: 18,
  DECIMAL128: 38,
  DECIMAL256: MAX_DECIMAL256_PRECISION,
};

const KNOWN = [
  ...Object.keys(SIMPLE),
  ...Object.keys(DECIMAL_MAX),
  'CHAR',
  'VARCHAR',
  'STRING',
  'VARBINARY',
  'BINARY',
  'ARRAY',
  'MAP',
  'STRUCT',
];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      while (i < text.length && /\w/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      out.push({ kind: /^\d+$/.test(word) ? 'number' : 'word', text: word, pos: start });
    } else if (!'()<>,:`'.includes(c)) {
      // a word: type names, and struct field names as the server prints them (any characters)
      while (i < text.length && !/\s/.test(text[i]!) && !'()<>,:`'.includes(text[i]!)) i++;
      out.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else if (c === '`') {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw fail(text, start, 'an unterminated `quoted` name');
        if (text[i] === '`') {
          if (text[i + 1] === '`') {
            v += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i];
        i++;
      }
      out.push({ kind: 'quoted', text: v, pos: start });
    } else {
      out.push({ kind: 'punct', text: c, pos: start });
      i++;
    }
  }
  out.push({ kind: 'end', text: '', pos: text.length });
  return out;
}

function fail(text: string, pos: number, problem: string): TypeParseError {
  return new TypeParseError(
    `Invalid StarRocks type ${JSON.stringify(text)}: ${problem} at position ${pos}`,
    text,
    pos,
  );
}

class Parser {
  #i = 0;
  readonly tokens: Token[];
  readonly text: string;
  readonly infoSchema: boolean;

  constructor(text: string, infoSchema: boolean) {
    this.text = text;
    this.tokens = tokenize(text);
    this.infoSchema = infoSchema;
  }

  peek(): Token {
    return this.tokens[this.#i]!;
  }
  next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'end') this.#i++;
    return tok;
  }
  describe(tok: Token): string {
    return tok.kind === 'end' ? 'the end' : JSON.stringify(tok.text);
  }
  error(problem: string, tok: Token = this.peek()): TypeParseError {
    return fail(this.text, tok.pos, problem);
  }
  isPunct(p: string): boolean {
    const tok = this.peek();
    return tok.kind === 'punct' && tok.text === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.next();
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw this.error(`expected "${p}" but found ${this.describe(this.peek())}`);
  }
  integer(what: string): number {
    const tok = this.peek();
    if (tok.kind !== 'number') throw this.error(`expected ${what} but found ${this.describe(tok)}`);
    this.next();
    const n = Number(tok.text);
    if (!Number.isSafeInteger(n)) throw this.error(`${what} ${tok.text} is too large`, tok);
    return n;
  }
  /** `(n)` or nothing. */
  optionalLength(what: string): { value: number; tok: Token } | null {
    if (!this.isPunct('(')) return null;
    this.next();
    const tok = this.peek();
    const value = this.integer(what);
    this.expectPunct(')');
    return { value, tok };
  }

  parseType(): StarRocksType {
    const tok = this.peek();
    if (tok.kind !== 'word') throw this.error(`expected a type name but found ${this.describe(tok)}`);
    this.next();
    const word = tok.text.toUpperCase();
    const simple = SIMPLE[word];
    if (simple !== undefined) return this.parseSimple(simple, tok);
    const decimalMax = DECIMAL_MAX[word];
    if (decimalMax !== undefined) return this.parseDecimal(word, decimalMax, tok);
    switch (word) {
      case 'CHAR':
      case 'VARCHAR': {
        const max = word === 'CHAR' ? MAX_CHAR_LENGTH : MAX_VARCHAR_LENGTH_LIMIT;
        const len = this.optionalLength(`a ${word} length`);
        const length = len?.value ?? 1;
        if (length < 1 || length > max)
          throw this.error(`${word} length must be 1 to ${max}, got ${length}`, len?.tok ?? tok);
        return { kind: word, length };
      }
      case 'STRING':
        return { kind: 'VARCHAR', length: STRING_LENGTH };
      case 'VARBINARY':
      case 'BINARY': {
        const len = this.optionalLength('a VARBINARY length');
        if (len && (len.value < 1 || len.value > MAX_VARCHAR_LENGTH_LIMIT))
          throw this.error(
            `VARBINARY length must be 1 to ${MAX_VARCHAR_LENGTH_LIMIT}, got ${len.value}`,
            len.tok,
          );
        return { kind: 'VARBINARY', length: len?.value ?? null };
      }
      case 'ARRAY': {
        this.expectPunct('<');
        const element = this.parseType();
        this.expectPunct('>');
        return { kind: 'ARRAY', element };
      }
      case 'MAP': {
        this.expectPunct('<');
        const keyTok = this.peek();
        const key = this.parseType();
        if (key.kind === 'ARRAY' || key.kind === 'MAP' || key.kind === 'STRUCT' || key.kind === 'JSON')
          throw this.error('a MAP key must be a scalar type', keyTok);
        this.expectPunct(',');
        const value = this.parseType();
        this.expectPunct('>');
        return { kind: 'MAP', key, value };
      }
      case 'STRUCT':
        return this.parseStruct();
      default:
        throw this.error(`unknown type ${JSON.stringify(tok.text)} (known: ${KNOWN.join(', ')})`, tok);
    }
  }

  parseSimple(kind: SimpleTypeKind, tok: Token): StarRocksType {
    let result: StarRocksType = { kind };
    const width = this.optionalLength('a display width');
    if (width) {
      if (!WIDTH_OK.has(kind)) throw this.error(`${kind} takes no length`, width.tok);
      if (this.infoSchema && kind === 'TINYINT' && width.value === 1) result = { kind: 'BOOLEAN' };
    }
    const after = this.peek();
    if (after.kind === 'word' && /^(UNSIGNED|SIGNED|ZEROFILL)$/i.test(after.text)) {
      this.next();
      const flag = after.text.toUpperCase();
      if (flag !== 'UNSIGNED' || kind !== 'BIGINT') {
        throw this.error(
          `${tok.text} ${after.text} is not a StarRocks type (only "bigint unsigned", how information_schema prints LARGEINT, is accepted)`,
          after,
        );
      }
      result = { kind: 'LARGEINT' };
    }
    return result;
  }

  parseDecimal(word: string, max: number, tok: Token): StarRocksType {
    let precision = 10;
    let scale = 0;
    let pTok = tok;
    let sTok = tok;
    if (this.acceptPunct('(')) {
      pTok = this.peek();
      precision = this.integer('a DECIMAL precision');
      if (this.acceptPunct(',')) {
        sTok = this.peek();
        scale = this.integer('a DECIMAL scale');
      }
      this.expectPunct(')');
    }
    if (precision < 1 || precision > max)
      throw this.error(`${word} precision must be 1 to ${max}, got ${precision}`, pTok);
    if (scale > precision)
      throw this.error(`DECIMAL scale must be 0 to the precision (${precision}), got ${scale}`, sTok);
    return { kind: 'DECIMAL', precision, scale };
  }

  parseStruct(): StarRocksType {
    this.expectPunct('<');
    const fields: StructField[] = [];
    const seen = new Set<string>();
    do {
      const tok = this.peek();
      if (tok.kind !== 'word' && tok.kind !== 'quoted')
        throw this.error(`expected a STRUCT field name but found ${this.describe(tok)}`);
      const { name, type } = tok.kind === 'quoted' ? this.quotedField() : this.bareField();
      if (name.length === 0 || name.includes('\0'))
        throw this.error('a STRUCT field name must be non-empty and without NUL', tok);
      const lower = name.toLowerCase();
      if (seen.has(lower)) throw this.error(`duplicate STRUCT field ${JSON.stringify(name)}`, tok);
      seen.add(lower);
      fields.push({ name, type });
    } while (this.acceptPunct(','));
    this.expectPunct('>');
    return { kind: 'STRUCT', fields };
  }

  quotedField(): StructField {
    const name = this.next().text;
    this.acceptPunct(':');
    return { name, type: this.parseType() };
  }

  /**
   * A field name without quotes. The server prints names as they are (`struct<my field int(11)>`),
   * so the name runs up to the first word where a type parses and is followed by "," or ">".
   */
  bareField(): StructField {
    const start = this.#i;
    const first = this.tokens[start]!;
    if (this.tokens[start + 1]?.kind === 'punct' && this.tokens[start + 1]?.text === ':') {
      this.#i = start + 2;
      return { name: first.text, type: this.parseType() };
    }
    for (let k = start + 1; this.tokens[k]?.kind === 'word' || this.tokens[k]?.kind === 'number'; k++) {
      this.#i = k;
      try {
        const type = this.parseType();
        if (this.isPunct(',') || this.isPunct('>')) {
          const last = this.tokens[k - 1]!;
          return { name: this.text.slice(first.pos, last.pos + last.text.length), type };
        }
      } catch (err) {
        if (!(err instanceof TypeParseError)) throw err;
      }
    }
    // no split works: report the error of the simple reading (one-word name)
    this.#i = start + 1;
    return { name: first.text, type: this.parseType() };
  }
}

/**
 * Parses a StarRocks type string: DDL spellings (`INT`, `DECIMAL(10,2)`, `STRING`, `ARRAY<INT>`,
 * `STRUCT<a INT, b VARCHAR(10)>`, case-insensitive) and the server's printed forms (`int(11)`,
 * `decimal(10, 2)`, `decimal64(10, 2)`, `largeint(40)`, `bigint(20) unsigned`, `varchar(65533)`,
 * `array<int(11)>`, `map<varchar(10),int(11)>`, backquoted struct field names).
 *
 * @throws {TypeParseError} (`SR_TYPE`) naming the problem and its position, for malformed input,
 *   unknown type names and out-of-range parameters.
 */
export function parseStarRocksType(text: string, options: ParseTypeOptions = {}): StarRocksType {
  const parser = new Parser(text, options.source === 'information_schema');
  if (parser.peek().kind === 'end') throw fail(text, 0, 'empty type');
  const type = parser.parseType();
  const rest = parser.peek();
  if (rest.kind !== 'end') throw parser.error(`unexpected ${parser.describe(rest)} after the type`, rest);
  return type;
}
