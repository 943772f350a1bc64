const STRING_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', Z: '\x1a', b: '\b' };

/** A token of the small SQL dialect the emulator understands. */
export interface Token {
  readonly kind: 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof';
  /** Identifier text (unquoted as written), string value (unescaped), number text, or operator. */
  readonly value: string;
  readonly pos: number;
}

/** Thrown for SQL the emulator cannot tokenize or parse; the message names what was found. */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
}

const OPS = [
  '<=>',
  '<=',
  '>=',
  '<>',
  '!=',
  '||',
  '&&',
  '(',
  ')',
  ',',
  '.',
  ';',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '?',
  ':',
  '[',
  ']',
];

/** Splits SQL into tokens. Comments (`-- `, `#`, block comments) are dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    const start = i;
    if (c === '`') {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) throw new SqlSyntaxError(`unterminated quoted identifier at position ${start}`);
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            v += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += sql[i];
        i++;
      }
      tokens.push({ kind: 'quoted', value: v, pos: start });
      continue;
    }
    if (c === "'" || c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) throw new SqlSyntaxError(`unterminated string literal at position ${start}`);
        const ch = sql[i]!;
        if (ch === '\\' && i + 1 < n) {
          const e = sql[i + 1]!;
          // MySQL keeps the backslash of \% and \_ so that LIKE still sees an escaped wildcard
          v += STRING_ESCAPES[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
          i += 2;
          continue;
        }
        if (ch === c) {
          if (sql[i + 1] === c) {
            v += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += ch;
        i++;
      }
      tokens.push({ kind: 'string', value: v, pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      if (i < n && /[A-Za-z_]/.test(sql[i]!)) {
        // identifiers may start with digits in MySQL (e.g. 1abc)
        while (i < n && /[\w$]/.test(sql[i]!)) i++;
        tokens.push({ kind: 'ident', value: sql.slice(start, i), pos: start });
      } else {
        tokens.push({ kind: 'number', value: m[0], pos: start });
      }
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      while (i < n && /[\w$\u0080-\uffff]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'ident', value: sql.slice(start, i), pos: start });
      continue;
    }
    const op = OPS.find((o) => sql.startsWith(o, i));
    if (!op) throw new SqlSyntaxError(`unexpected character '${c}' at position ${i}`);
    tokens.push({ kind: 'op', value: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: 'eof', value: '', pos: n });
  return tokens;
}

/** A cursor over tokens with the helpers every parser here needs. */
export class TokenStream {
  #i = 0;
  readonly tokens: Token[];
  readonly source: string;

  constructor(tokens: Token[], source: string) {
    this.tokens = tokens;
    this.source = source;
  }

  static of(sql: string): TokenStream {
    return new TokenStream(tokenize(sql), sql);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.#i + offset, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.#i < this.tokens.length - 1) this.#i++;
    return t;
  }
  get position(): number {
    return this.#i;
  }
  set position(p: number) {
    this.#i = p;
  }
  atEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || (t.kind === 'op' && t.value === ';' && this.peek(1).kind === 'eof');
  }
  /** True (and consumes) when the next token is the keyword `kw` (case-insensitive, unquoted). */
  acceptKeyword(...kws: string[]): boolean {
    for (let k = 0; k < kws.length; k++) {
      const t = this.peek(k);
      if (t.kind !== 'ident' || t.value.toUpperCase() !== kws[k]) return false;
    }
    for (let k = 0; k < kws.length; k++) this.next();
    return true;
  }
  isKeyword(kw: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value.toUpperCase() === kw;
  }
  expectKeyword(...kws: string[]): void {
    if (!this.acceptKeyword(...kws)) throw this.error(`expected ${kws.join(' ')}`);
  }
  acceptOp(op: string): boolean {
    const t = this.peek();
    if (t.kind === 'op' && t.value === op) {
      this.next();
      return true;
    }
    return false;
  }
  isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === op;
  }
  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(`expected '${op}'`);
  }
  /** An identifier, quoted or not. */
  identifier(what = 'identifier'): string {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'quoted') {
      this.next();
      return t.value;
    }
    throw this.error(`expected ${what}`);
  }
  string(what = 'string literal'): string {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return t.value;
    }
    throw this.error(`expected ${what}`);
  }
  integer(what = 'integer'): number {
    const t = this.peek();
    if (t.kind === 'number' && /^\d+$/.test(t.value)) {
      this.next();
      return Number(t.value);
    }
    throw this.error(`expected ${what}`);
  }
  expectEnd(): void {
    this.acceptOp(';');
    if (this.peek().kind !== 'eof') throw this.error('unexpected input');
  }
  error(message: string): SqlSyntaxError {
    const t = this.peek();
    const near = t.kind === 'eof' ? 'end of input' : `'${this.source.slice(t.pos, t.pos + 30)}'`;
    return new SqlSyntaxError(`${message} near ${near}`);
  }
}
