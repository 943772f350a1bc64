import { describe, expect, it } from 'vitest';
import {
  formatStarRocksType,
  parseStarRocksType,
  type StarRocksType,
  TypeParseError,
  t,
} from '../../../src/index.js';

describe('parseStarRocksType: DDL spellings and server-printed forms', () => {
  const cases: [string, StarRocksType][] = [
    ['BOOLEAN', t.boolean()],
    ['bool', t.boolean()],
    ['boolean', t.boolean()],
    ['TINYINT', t.tinyint()],
    ['tinyint(4)', t.tinyint()],
    ['TINYINT(1)', t.tinyint()], // in DDL the width is only a display width
    ['SMALLINT', t.smallint()],
    ['smallint(6)', t.smallint()],
    ['INT', t.int()],
    ['int(11)', t.int()],
    ['INTEGER', t.int()],
    ['BIGINT', t.bigint()],
    ['bigint(20)', t.bigint()],
    ['LARGEINT', t.largeint()],
    ['largeint(40)', t.largeint()],
    ['bigint(20) unsigned', t.largeint()],
    ['bigint unsigned', t.largeint()],
    ['BIGINT UNSIGNED', t.largeint()],
    ['FLOAT', t.float()],
    ['double', t.double()],
    ['DATE', t.date()],
    ['datetime', t.datetime()],
    ['JSON', t.json()],
    ['BITMAP', { kind: 'BITMAP' }],
    ['hll', { kind: 'HLL' }],
    ['PERCENTILE', { kind: 'PERCENTILE' }],
    ['DECIMAL', t.decimal(10, 0)],
    ['DECIMAL(12)', t.decimal(12, 0)],
    ['DECIMAL(10,2)', t.decimal(10, 2)],
    ['decimal(10, 2)', t.decimal(10, 2)],
    ['decimal( 38 , 38 )', t.decimal(38, 38)],
    ['NUMERIC(5,1)', t.decimal(5, 1)],
    ['decimal32(9, 2)', t.decimal(9, 2)],
    ['decimal64(10, 2)', t.decimal(10, 2)],
    ['decimal128(38, 10)', t.decimal(38, 10)],
    ['DECIMAL256(76, 20)', t.decimal(76, 20)],
    ['DECIMAL(50, 0)', t.decimal(50, 0)],
    ['CHAR', t.char(1)],
    ['CHAR(255)', t.char(255)],
    ['char(10)', t.char(10)],
    ['VARCHAR', t.varchar(1)],
    ['VARCHAR(65533)', t.string()],
    ['varchar(1048576)', t.varchar(1_048_576)],
    ['STRING', t.string()],
    ['string', t.varchar(65_533)],
    ['VARBINARY', t.varbinary(null)],
    ['varbinary(16)', t.varbinary(16)],
    ['BINARY(8)', t.varbinary(8)],
    ['ARRAY<INT>', t.array(t.int())],
    ['array<int(11)>', t.array(t.int())],
    ['ARRAY<ARRAY<VARCHAR(10)>>', t.array(t.array(t.varchar(10)))],
    ['array<array<decimal(10, 2)>>', t.array(t.array(t.decimal(10, 2)))],
    ['MAP<VARCHAR(10),INT>', t.map(t.varchar(10), t.int())],
    ['map<varchar(10),array<int(11)>>', t.map(t.varchar(10), t.array(t.int()))],
    ['MAP<INT, MAP<INT, DATE>>', t.map(t.int(), t.map(t.int(), t.date()))],
    ['STRUCT<a INT, b VARCHAR(10)>', t.struct({ a: t.int(), b: t.varchar(10) })],
    ['struct<a int(11), b varchar(10)>', t.struct({ a: t.int(), b: t.varchar(10) })],
    ['STRUCT<a:INT,b:DATE>', t.struct({ a: t.int(), b: t.date() })],
    ['STRUCT<`a b` INT, `c``d` DATE>', t.struct({ 'a b': t.int(), 'c`d': t.date() })],
    ['struct<my field int(11), x varchar(3)>', t.struct({ 'my field': t.int(), x: t.varchar(3) })],
    ['struct<int int(11)>', t.struct({ int: t.int() })],
    ['struct<ü-name date>', t.struct({ 'ü-name': t.date() })],
    [
      'STRUCT<a ARRAY<STRUCT<b MAP<INT,VARCHAR(5)>>>, c DECIMAL(3,1)>',
      t.struct({ a: t.array(t.struct({ b: t.map(t.int(), t.varchar(5)) })), c: t.decimal(3, 1) }),
    ],
    ['  int  ', t.int()],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseStarRocksType(text)).toEqual(expected);
  });
});

describe("parseStarRocksType with source 'information_schema'", () => {
  const cases: [string, StarRocksType][] = [
    ['tinyint(1)', t.boolean()],
    ['tinyint(4)', t.tinyint()],
    ['bigint(20) unsigned', t.largeint()],
    ['array<tinyint(1)>', t.array(t.boolean())],
    ['array<bigint(20) unsigned>', t.array(t.largeint())],
    ['map<int(11),tinyint(1)>', t.map(t.int(), t.boolean())],
    ['struct<f tinyint(1), g tinyint(4)>', t.struct({ f: t.boolean(), g: t.tinyint() })],
    ['varchar(65533)', t.string()],
    ['decimal(27, 9)', t.decimal(27, 9)],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseStarRocksType(text, { source: 'information_schema' })).toEqual(expected);
  });
});

describe('formatStarRocksType', () => {
  const cases: [StarRocksType, string][] = [
    [t.boolean(), 'BOOLEAN'],
    [t.largeint(), 'LARGEINT'],
    [t.decimal(10, 2), 'DECIMAL(10,2)'],
    [t.string(), 'VARCHAR(65533)'],
    [t.char(3), 'CHAR(3)'],
    [t.varbinary(null), 'VARBINARY'],
    [t.varbinary(4), 'VARBINARY(4)'],
    [t.array(t.array(t.int())), 'ARRAY<ARRAY<INT>>'],
    [t.map(t.varchar(3), t.double()), 'MAP<VARCHAR(3),DOUBLE>'],
    [t.struct({ a: t.int(), 'b`c': t.date() }), 'STRUCT<`a` INT, `b``c` DATE>'],
  ];
  it.each(cases)('%j → %s', (type, text) => {
    expect(formatStarRocksType(type)).toBe(text);
  });

  it('round-trips every type through parse(format(t))', () => {
    const all: StarRocksType[] = [
      t.boolean(),
      t.tinyint(),
      t.smallint(),
      t.int(),
      t.bigint(),
      t.largeint(),
      t.float(),
      t.double(),
      t.date(),
      t.datetime(),
      t.json(),
      { kind: 'BITMAP' },
      { kind: 'HLL' },
      { kind: 'PERCENTILE' },
      t.decimal(1, 0),
      t.decimal(38, 38),
      t.decimal(76, 10),
      t.char(1),
      t.char(255),
      t.varchar(1),
      t.varchar(2_147_482_624),
      t.varbinary(null),
      t.varbinary(1_048_576),
      t.array(t.json()),
      t.map(t.date(), t.array(t.struct({ 'x y': t.decimal(5, 2), '`': t.boolean() }))),
      t.struct([
        { name: 'SELECT', type: t.int() },
        { name: 'a,b<c>', type: t.varchar(1) },
      ]),
    ];
    for (const type of all) expect(parseStarRocksType(formatStarRocksType(type))).toEqual(type);
  });

  it('refuses a struct field name with NUL', () => {
    expect(() => formatStarRocksType(t.struct({ 'a\0b': t.int() }))).toThrow(/NUL/);
  });
});

describe('parseStarRocksType: malformed input gives a TypeParseError naming the problem and position', () => {
  const cases: [string, RegExp, number][] = [
    ['', /empty type/, 0],
    ['   ', /empty type/, 0],
    ['INTEGRAL', /unknown type "INTEGRAL"/, 0],
    ['TEXT', /unknown type "TEXT"/, 0],
    ['VARCHAR(', /expected a VARCHAR length but found the end/, 8],
    ['VARCHAR(abc)', /expected a VARCHAR length but found "abc"/, 8],
    ['VARCHAR(10', /expected "\)" but found the end/, 10],
    ['VARCHAR(0)', /VARCHAR length must be 1 to 2147482624, got 0/, 8],
    ['CHAR(256)', /CHAR length must be 1 to 255, got 256/, 5],
    ['DECIMAL(0)', /DECIMAL precision must be 1 to 76, got 0/, 8],
    ['DECIMAL(77,2)', /precision must be 1 to 76, got 77/, 8],
    ['DECIMAL(5,6)', /scale must be 0 to the precision \(5\), got 6/, 10],
    ['DECIMAL64(19,2)', /DECIMAL64 precision must be 1 to 18, got 19/, 10],
    ['DECIMAL(10,2', /expected "\)"/, 12],
    ['DATE(3)', /DATE takes no length/, 5],
    ['JSON(1)', /JSON takes no length/, 5],
    ['int unsigned', /"bigint unsigned".*is accepted/, 4],
    ['ARRAY<INT', /expected ">" but found the end/, 9],
    ['ARRAY<>', /expected a type name but found ">"/, 6],
    ['ARRAY INT', /expected "<" but found "INT"/, 6],
    ['MAP<INT>', /expected "," but found ">"/, 7],
    ['MAP<ARRAY<INT>,INT>', /a MAP key must be a scalar type/, 4],
    ['STRUCT<>', /expected a STRUCT field name but found ">"/, 7],
    ['STRUCT<a INT, a DATE>', /duplicate STRUCT field "a"/, 14],
    ['STRUCT<a>', /expected a type name but found ">"/, 8],
    ['STRUCT<`a INT>', /unterminated `quoted` name/, 7],
    ['INT INT', /unexpected "INT" after the type/, 4],
    ['INT)', /unexpected "\)" after the type/, 3],
    ['VARCHAR(99999999999999999999)', /too large/, 8],
    ['INT; DROP TABLE x', /unknown type "INT;"/, 0],
  ];
  it.each(cases)('%j', (text, message, position) => {
    let error: unknown;
    try {
      parseStarRocksType(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeParseError);
    const e = error as TypeParseError;
    expect(e.code).toBe('SR_TYPE');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(JSON.stringify(text));
    expect(e.input).toBe(text);
    if (position > 0) expect(e.position).toBe(position);
  });
});
