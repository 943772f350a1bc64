import { describe, expect, it } from 'vitest';
import { SqlSyntaxError, type Token, TokenStream, tokenize } from '../../../src/sql/lexer.js';

/** `kind:value` of each token, without the final eof. */
function kv(sql: string): string[] {
  return tokenize(sql)
    .filter((t) => t.kind !== 'eof')
    .map((t) => `${t.kind}:${t.value}`);
}

describe('tokenize: identifiers', () => {
  it.each([
    ['select', ['ident:select']],
    ['SeLeCt a_b $x', ['ident:SeLeCt', 'ident:a_b', 'ident:$x']],
    ['`order`', ['quoted:order']],
    ['`a``b`', ['quoted:a`b']],
    ['````', ['quoted:`']],
    ['`with space`.`t`', ['quoted:with space', 'op:.', 'quoted:t']],
    ['db.tbl', ['ident:db', 'op:.', 'ident:tbl']],
    ['1abc', ['ident:1abc']],
    ['表名', ['ident:表名']],
    ['@@version_comment', ['op:@', 'op:@', 'ident:version_comment']],
  ])('%s', (sql, expected) => {
    expect(kv(sql)).toEqual(expected);
  });
});

describe('tokenize: strings', () => {
  it.each([
    ["'abc'", 'abc'],
    ['"abc"', 'abc'],
    ["''", ''],
    ["'it''s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ["'a\"b'", 'a"b'],
    ['"a\'b"', "a'b"],
    ["'a\\'b'", "a'b"],
    ["'a\\\\b'", 'a\\b'],
    ["'a\\nb'", 'a\nb'],
    ["'a\\tb'", 'a\tb'],
    ["'a\\rb'", 'a\rb'],
    ["'a\\0b'", 'a\0b'],
    ["'a\\Zb'", 'a\x1ab'],
    ["'a\\\"b'", 'a"b'],
    ["'中文'", '中文'],
  ])('%s', (sql, value) => {
    const tokens = tokenize(sql);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toEqual({ kind: 'string', value, pos: 0 });
  });
});

describe('tokenize: numbers', () => {
  it.each([
    ['42', '42'],
    ['3.14', '3.14'],
    ['.5', '.5'],
    ['5.', '5.'],
    ['1e10', '1e10'],
    ['1.5E-3', '1.5E-3'],
    ['2e+7', '2e+7'],
    ['00012', '00012'],
  ])('%s', (sql, value) => {
    expect(kv(sql)).toEqual([`number:${value}`]);
  });

  it('a minus sign is a separate operator', () => {
    expect(kv('-5')).toEqual(['op:-', 'number:5']);
    expect(kv('a-1')).toEqual(['ident:a', 'op:-', 'number:1']);
  });
});

describe('tokenize: operators', () => {
  it('prefers the longest operator', () => {
    expect(kv('a<=>b<=c>=d<>e!=f||g&&h')).toEqual([
      'ident:a',
      'op:<=>',
      'ident:b',
      'op:<=',
      'ident:c',
      'op:>=',
      'ident:d',
      'op:<>',
      'ident:e',
      'op:!=',
      'ident:f',
      'op:||',
      'ident:g',
      'op:&&',
      'ident:h',
    ]);
  });

  it('nested type brackets are single > tokens', () => {
    expect(kv('ARRAY<ARRAY<INT>>')).toEqual([
      'ident:ARRAY',
      'op:<',
      'ident:ARRAY',
      'op:<',
      'ident:INT',
      'op:>',
      'op:>',
    ]);
  });

  it.each(['(', ')', ',', '.', ';', '=', '<', '>', '+', '-', '*', '/', '%', '@', '?', ':', '[', ']'])(
    '%s',
    (op) => {
      expect(kv(op)).toEqual([`op:${op}`]);
    },
  );
});

describe('tokenize: comments and whitespace', () => {
  it.each([
    ['SELECT 1 -- comment\n, 2', ['ident:SELECT', 'number:1', 'op:,', 'number:2']],
    ['SELECT 1 --\n, 2', ['ident:SELECT', 'number:1', 'op:,', 'number:2']],
    ['SELECT 1 -- trailing', ['ident:SELECT', 'number:1']],
    ['SELECT 1 # hash comment\n, 2', ['ident:SELECT', 'number:1', 'op:,', 'number:2']],
    ['SELECT /* block\n comment */ 1', ['ident:SELECT', 'number:1']],
    ['SELECT 1 /* unterminated', ['ident:SELECT', 'number:1']],
    ['\t\r\n SELECT\n1', ['ident:SELECT', 'number:1']],
    ['1--2', ['number:1', 'op:-', 'op:-', 'number:2']],
    ["'-- not a comment'", ['string:-- not a comment']],
    ["'/* not */'", ['string:/* not */']],
  ])('%j', (sql, expected) => {
    expect(kv(sql)).toEqual(expected);
  });
});

describe('tokenize: positions and end', () => {
  it('records the start offset of every token and ends with eof', () => {
    const tokens = tokenize("SELECT `a`, 'x' FROM t");
    expect(tokens.map((t: Token) => [t.kind, t.pos])).toEqual([
      ['ident', 0],
      ['quoted', 7],
      ['op', 10],
      ['string', 12],
      ['ident', 16],
      ['ident', 21],
      ['eof', 22],
    ]);
  });

  it('an empty input is only eof', () => {
    expect(tokenize('')).toEqual([{ kind: 'eof', value: '', pos: 0 }]);
    expect(tokenize('  -- c')).toEqual([{ kind: 'eof', value: '', pos: 6 }]);
  });
});

describe('tokenize: errors name the position', () => {
  it.each([
    ["SELECT 'abc", /unterminated string literal at position 7/],
    ['SELECT "abc', /unterminated string literal at position 7/],
    ['SELECT `abc', /unterminated quoted identifier at position 7/],
    ["SELECT 'it''", /unterminated string literal at position 7/],
    ['SELECT ~1', /unexpected character '~' at position 7/],
    ['a ! b', /unexpected character '!' at position 2/],
    ['x ^ y', /unexpected character '\^' at position 2/],
  ])('%s', (sql, message) => {
    expect(() => tokenize(sql)).toThrow(SqlSyntaxError);
    expect(() => tokenize(sql)).toThrow(message);
  });
});

describe('TokenStream', () => {
  it('matches keywords case-insensitively and only unquoted', () => {
    const ts = TokenStream.of('if NOT exists `if`');
    expect(ts.isKeyword('IF')).toBe(true);
    expect(ts.acceptKeyword('IF', 'NOT', 'EXISTS')).toBe(true);
    expect(ts.isKeyword('IF')).toBe(false);
    expect(ts.identifier()).toBe('if');
    expect(ts.atEnd()).toBe(true);
  });

  it('acceptKeyword consumes nothing on a partial match', () => {
    const ts = TokenStream.of('IF EXISTS');
    expect(ts.acceptKeyword('IF', 'NOT', 'EXISTS')).toBe(false);
    expect(ts.peek().value).toBe('IF');
  });

  it('integer() accepts only unsigned integer tokens', () => {
    expect(TokenStream.of('12').integer()).toBe(12);
    expect(() => TokenStream.of('1.5').integer('a bucket count')).toThrow(
      "expected a bucket count near '1.5'",
    );
  });

  it('a trailing semicolon counts as the end', () => {
    const ts = TokenStream.of('x;');
    ts.identifier();
    expect(ts.atEnd()).toBe(true);
    expect(() => ts.expectEnd()).not.toThrow();
  });

  it('errors quote the text near the current token', () => {
    const ts = TokenStream.of('CREATE TABLE t (a INT) BOGUS STUFF');
    for (let i = 0; i < 7; i++) ts.next();
    const err = ts.error('expected something');
    expect(err).toBeInstanceOf(SqlSyntaxError);
    expect(err.message).toBe("expected something near 'BOGUS STUFF'");
  });

  it('errors at the end say end of input', () => {
    const ts = TokenStream.of('USE');
    ts.next();
    expect(() => ts.identifier('a database name')).toThrow('expected a database name near end of input');
  });

  it('the near text is clipped to 30 characters', () => {
    const ts = TokenStream.of(`x ${'y'.repeat(50)}`);
    ts.next();
    expect(() => ts.expectEnd()).toThrow(`unexpected input near '${'y'.repeat(30)}'`);
  });
});
