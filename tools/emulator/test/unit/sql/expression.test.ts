import { describe, expect, it } from 'vitest';
import { type Expr, parseExpressionText, referencedColumns } from '../../../src/sql/expression.js';
import { SqlSyntaxError } from '../../../src/sql/lexer.js';

/** A compact, fully parenthesised rendering of an expression tree, for precedence tests. */
function show(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return e.v === null ? 'NULL' : typeof e.v === 'string' ? `'${e.v}'` : String(e.v);
    case 'col':
      return e.qualifier ? `${e.qualifier}.${e.name}` : e.name;
    case 'var':
      return `@@${e.name}`;
    case 'star':
      return '*';
    case 'bin':
      return `(${show(e.l)} ${e.op} ${show(e.r)})`;
    case 'not':
      return `(NOT ${show(e.e)})`;
    case 'neg':
      return `(-${show(e.e)})`;
    case 'isnull':
      return `(${show(e.e)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${show(e.e)} ${e.not ? 'NOT ' : ''}IN [${e.list.map(show).join(', ')}])`;
    case 'between':
      return `(${show(e.e)} ${e.not ? 'NOT ' : ''}BETWEEN ${show(e.lo)} AND ${show(e.hi)})`;
    case 'like':
      return `(${show(e.e)} ${e.not ? 'NOT ' : ''}LIKE ${show(e.pattern)})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(show).join(', ')})`;
    case 'cast':
      return `CAST(${show(e.e)} AS ${e.type.kind})`;
  }
}

const p = (text: string) => show(parseExpressionText(text));

describe('operator precedence: OR < AND < NOT < comparison < + - < * / %', () => {
  it.each([
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c', '((a AND b) OR c)'],
    ['a OR b OR c', '((a OR b) OR c)'],
    ['a || b && c', '(a OR (b AND c))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT a OR b', '((NOT a) OR b)'],
    ['NOT a = 1', '(NOT (a = 1))'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = 1 OR b = 2 AND c = 3', '((a = 1) OR ((b = 2) AND (c = 3)))'],
    ['a + 1 = b * 2', '((a + 1) = (b * 2))'],
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['10 % 3 * 2', '((10 % 3) * 2)'],
    ['a + b % c', '(a + (b % c))'],
    ['7 DIV 2', '(7 DIV 2)'],
    ['7 MOD 2', '(7 % 2)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['(a OR b) AND c', '((a OR b) AND c)'],
    ['a < b', '(a < b)'],
    ['a <= b', '(a <= b)'],
    ['a > b', '(a > b)'],
    ['a >= b', '(a >= b)'],
    ['a != b', '(a != b)'],
    ['a <> b', '(a != b)'],
    ['a <=> b', '(a <=> b)'],
    ['-a', '(-a)'],
    ['- -a', '(-(-a))'],
    ['+a', 'a'],
    ['-5', '-5'],
    ['-2 * 3', '(-2 * 3)'],
    ['a - -1', '(a - -1)'],
  ])('%s', (text, expected) => {
    expect(p(text)).toBe(expected);
  });
});

describe('predicates', () => {
  it.each([
    ['a IN (1, 2, 3)', '(a IN [1, 2, 3])'],
    ["a NOT IN ('x')", "(a NOT IN ['x'])"],
    ['a IN (1, NULL)', '(a IN [1, NULL])'],
    ['a + 1 IN (b, c * 2)', '((a + 1) IN [b, (c * 2)])'],
    ['a BETWEEN 1 AND 5', '(a BETWEEN 1 AND 5)'],
    ['a NOT BETWEEN 1 AND 5', '(a NOT BETWEEN 1 AND 5)'],
    ['a BETWEEN 1 AND 5 AND b = 2', '((a BETWEEN 1 AND 5) AND (b = 2))'],
    ['a BETWEEN b + 1 AND c * 2', '(a BETWEEN (b + 1) AND (c * 2))'],
    ["name LIKE 'a%'", "(name LIKE 'a%')"],
    ["name NOT LIKE '_b'", "(name NOT LIKE '_b')"],
    ['a IS NULL', '(a IS NULL)'],
    ['a IS NOT NULL', '(a IS NOT NULL)'],
    ['a IS NULL OR b IS NOT NULL', '((a IS NULL) OR (b IS NOT NULL))'],
    ['NOT a IS NULL', '(NOT (a IS NULL))'],
    ['a IS TRUE', '(a = true)'],
    ['a IS NOT FALSE', '(NOT (a = false))'],
  ])('%s', (text, expected) => {
    expect(p(text)).toBe(expected);
  });

  it('keeps the IN list and the not flag', () => {
    expect(parseExpressionText('x NOT IN (1, 2)')).toEqual({
      k: 'in',
      e: { k: 'col', name: 'x' },
      list: [
        { k: 'lit', v: 1, text: '1' },
        { k: 'lit', v: 2, text: '2' },
      ],
      not: true,
    });
  });
});

describe('primaries', () => {
  it.each([
    ['42', { k: 'lit', v: 42, text: '42' }],
    ['1.50', { k: 'lit', v: 1.5, text: '1.50' }],
    ['-3', { k: 'lit', v: -3, text: '-3' }],
    ["'txt'", { k: 'lit', v: 'txt' }],
    ['"dq"', { k: 'lit', v: 'dq' }],
    ['NULL', { k: 'lit', v: null }],
    ['null', { k: 'lit', v: null }],
    ['TRUE', { k: 'lit', v: true }],
    ['false', { k: 'lit', v: false }],
    ['col', { k: 'col', name: 'col' }],
    ['`my col`', { k: 'col', name: 'my col' }],
    ['t.c', { k: 'col', name: 'c', qualifier: 't' }],
    ['`t`.`c`', { k: 'col', name: 'c', qualifier: 't' }],
    ['*', { k: 'star' }],
    ['t.*', { k: 'star' }],
    ['@@version_comment', { k: 'var', name: 'version_comment' }],
    ['@@session.auto_increment_increment', { k: 'var', name: 'session.auto_increment_increment' }],
    ['@@GLOBAL.max_allowed_packet', { k: 'var', name: 'GLOBAL.max_allowed_packet' }],
    ['@user_var', { k: 'var', name: '@user_var' }],
  ] as [string, Expr][])('%s', (text, expected) => {
    expect(parseExpressionText(text)).toEqual(expected);
  });
});

describe('function calls and CAST', () => {
  it.each([
    ["CONCAT(a, 'x')", "concat(a, 'x')"],
    ['now()', 'now()'],
    ['COUNT(*)', 'count(*)'],
    ['count(DISTINCT a)', 'count(DISTINCT a)'],
    ['coalesce(a, b + 1, NULL)', 'coalesce(a, (b + 1), NULL)'],
    ['upper(lower(x))', 'upper(lower(x))'],
    ['if(a > 1, 1, 0) + 2', '(if((a > 1), 1, 0) + 2)'],
    ['CAST(a AS INT)', 'CAST(a AS INT)'],
    ['cast(a + 1 AS BIGINT) * 2', '(CAST((a + 1) AS BIGINT) * 2)'],
  ])('%s', (text, expected) => {
    expect(p(text)).toBe(expected);
  });

  it('CAST carries the full target type', () => {
    expect(parseExpressionText('CAST(x AS DECIMAL(10, 2))')).toEqual({
      k: 'cast',
      e: { k: 'col', name: 'x' },
      type: { kind: 'DECIMAL', precision: 10, scale: 2 },
    });
    expect(parseExpressionText('CAST(x AS VARCHAR(10))')).toMatchObject({
      type: { kind: 'VARCHAR', length: 10 },
    });
    expect(parseExpressionText('CAST(x AS ARRAY<INT>)')).toMatchObject({
      type: { kind: 'ARRAY', element: { kind: 'INT' } },
    });
  });

  it('a quoted name followed by ( is not a call', () => {
    expect(() => parseExpressionText('`f`(1)')).toThrow(SqlSyntaxError);
  });

  it('a column named cast is still a column', () => {
    expect(parseExpressionText('cast')).toEqual({ k: 'col', name: 'cast' });
  });
});

describe('syntax errors name the position', () => {
  it.each([
    ['a +', /expected an expression near end of input/],
    ['a = = 1', /expected an expression near '= 1'/],
    ['a NOT 1', /unexpected input near 'NOT 1'/],
    ['a IS 5', /expected NULL after IS near '5'/],
    ['(a', /expected '\)' near end of input/],
    ['a b', /unexpected input near 'b'/],
    ['a IN 1', /expected '\(' near '1'/],
    ['a IN (1, 2', /expected '\)' near end of input/],
    ['a BETWEEN 1 OR 2', /expected AND near 'OR 2'/],
    ['CAST(a INT)', /expected AS near 'INT\)'/],
    ['CAST(a AS NOPE)', /Unknown type: NOPE/],
    ['CASE WHEN a THEN 1 END', /CASE expressions are not supported/],
    ['f(a,)', /expected an expression near '\)'/],
    ['', /expected an expression near end of input/],
  ])('%s', (text, message) => {
    expect(() => parseExpressionText(text)).toThrow(SqlSyntaxError);
    expect(() => parseExpressionText(text)).toThrow(message);
  });
});

describe('referencedColumns', () => {
  it('collects lower-cased column names from every node kind', () => {
    const e = parseExpressionText(
      'NOT A = 1 AND b IN (c, 2) OR d BETWEEN e AND f OR g LIKE h OR i IS NULL OR fn(J, -k) > CAST(l AS INT)',
    );
    expect([...referencedColumns(e)].sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
      'k',
      'l',
    ]);
  });

  it('literals and variables reference nothing', () => {
    expect(referencedColumns(parseExpressionText("1 + 'a' + @@x")).size).toBe(0);
  });
});
