import { parseStarRocksType } from '@srconnect/catalog';
import { describe, expect, it } from 'vitest';
import { parseTextValue } from '../../src/text-value.js';

const read = (text: string | Uint8Array, type: string) =>
  parseTextValue(text, parseStarRocksType(type, { source: 'information_schema' }));

describe('scalars (top level)', () => {
  it.each([
    ['1', 'tinyint(1)', true],
    ['0', 'boolean', false],
    ['-128', 'tinyint(4)', -128],
    ['32767', 'smallint(6)', 32767],
    ['-2147483648', 'int(11)', -2147483648],
    ['-9223372036854775808', 'bigint(20)', -9223372036854775808n],
    ['9223372036854775807', 'bigint(20)', 9223372036854775807n],
    [
      '170141183460469231731687303715884105727',
      'bigint(20) unsigned',
      '170141183460469231731687303715884105727',
    ],
    ['-170141183460469231731687303715884105727', 'largeint(40)', '-170141183460469231731687303715884105727'],
    ['1.5', 'double', 1.5],
    ['1e+300', 'double', 1e300],
    ['-1E-5', 'double', -1e-5],
    ['inf', 'double', Number.POSITIVE_INFINITY],
    ['-inf', 'float', Number.NEGATIVE_INFINITY],
    ['nan', 'double', Number.NaN],
    ['1.1', 'float', 1.1],
    ['1.10000002', 'float', 1.1],
    ['3.4028235e+38', 'float', 3.4028235e38],
    ['16777217', 'float', 16777216],
    ['12.50', 'decimal(10, 2)', '12.50'],
    ['12.5', 'decimal(10, 2)', '12.50'],
    ['-0.001', 'decimal(9, 3)', '-0.001'],
    ['42', 'decimal(9, 0)', '42'],
    ['42.000', 'decimal(9, 0)', '42'],
    ['12345678901234567890123456.0123456789', 'decimal(38, 10)', '12345678901234567890123456.0123456789'],
    ['a', 'char(1)', 'a'],
    ['", ]\\ é日本 😀', 'varchar(65533)', '", ]\\ é日本 😀'],
    ['2024-02-29', 'date', '2024-02-29'],
    ['2024-02-29 23:59:59', 'datetime', '2024-02-29 23:59:59'],
    ['2024-02-29 23:59:59.000001', 'datetime', '2024-02-29 23:59:59.000001'],
    ['{"a": [1, 2.50], "b": null}', 'json', '{"a": [1, 2.50], "b": null}'],
    ['null', 'json', 'null'],
  ] as [string, string, unknown][])('%j as %s', (text, type, want) => {
    expect(read(text, type)).toEqual(want);
    expect(read(Buffer.from(text, 'utf8'), type)).toEqual(want);
  });

  it('reads VARBINARY as the raw bytes (a copy)', () => {
    const bytes = Buffer.from([0, 1, 0xff, 0x22, 0x5c]);
    const v = read(bytes, 'varbinary(10)');
    expect(v).toEqual(bytes);
    expect(Buffer.isBuffer(v)).toBe(true);
    bytes[0] = 9;
    expect((v as Buffer)[0]).toBe(0);
    expect(read('abc', 'varbinary')).toEqual(Buffer.from('abc'));
  });

  it.each([
    ['x', 'int(11)'],
    ['1.5', 'bigint(20)'],
    ['2', 'boolean'],
    ['abc', 'double'],
    ['', 'float'],
    ['1e3', 'decimal(10, 2)'],
  ])('rejects %j as %s naming the type', (text, type) => {
    expect(() => read(text, type)).toThrow(/^invalid [A-Z].* text "/);
  });
});

describe('nested values', () => {
  it('reads arrays of every element type, NULL elements as null', () => {
    expect(read('[1,null,-3]', 'array<int(11)>')).toEqual([1, null, -3]);
    expect(read('[1,0,null]', 'array<boolean>')).toEqual([true, false, null]);
    expect(read('[-9223372036854775808,7]', 'array<bigint(20)>')).toEqual([-9223372036854775808n, 7n]);
    expect(read('[-170141183460469231731687303715884105727]', 'array<largeint(40)>')).toEqual([
      '-170141183460469231731687303715884105727',
    ]);
    expect(read('[12.50,-0.01,null,0.00]', 'array<decimal(10, 2)>')).toEqual([
      '12.50',
      '-0.01',
      null,
      '0.00',
    ]);
    expect(read('[1.5,100000000000000000000,0.1,inf]', 'array<double>')).toEqual([1.5, 1e20, 0.1, Infinity]);
    expect(read('["2024-01-01","2024-01-02"]', 'array<date>')).toEqual(['2024-01-01', '2024-01-02']);
    expect(read('["2024-01-01 00:00:00","2024-01-01 01:02:03.500000"]', 'array<datetime>')).toEqual([
      '2024-01-01 00:00:00',
      '2024-01-01 01:02:03.500000',
    ]);
  });

  it('reads strings with separators, quotes and backslashes escaped as StarRocks prints them', () => {
    // StarRocks escapes only `"` and `\`; other characters (a newline too) are as they are
    expect(
      read(
        '["a,b","q\\"u","back\\\\slash","br]ack}","co:lon","line\nnext","null",null,""]',
        'array<varchar(20)>',
      ),
    ).toEqual(['a,b', 'q"u', 'back\\slash', 'br]ack}', 'co:lon', 'line\nnext', 'null', null, '']);
  });

  it('reads JSON escapes too (\\n, \\t, \\u00e9, surrogate pairs)', () => {
    expect(read('["line\\nnext","tab\\tx","\\u00e9","\\ud83d\\ude00","a\\/b"]', 'array<string>')).toEqual([
      'line\nnext',
      'tab\tx',
      'é',
      '😀',
      'a/b',
    ]);
  });

  it('reads unicode as it is', () => {
    expect(read('["é日本","😀"]', 'array<varchar(20)>')).toEqual(['é日本', '😀']);
    expect(read(Buffer.from('{"k":"ünï"}', 'utf8'), 'struct<k varchar(10)>')).toEqual({ k: 'ünï' });
  });

  it('reads empty collections', () => {
    expect(read('[]', 'array<int(11)>')).toEqual([]);
    expect(read('{}', 'map<int(11),varchar(10)>')).toEqual(new Map());
    expect(read('[[],[]]', 'array<array<int(11)>>')).toEqual([[], []]);
  });

  it('reads maps into Map with keys and values of their types', () => {
    const m = read('{1:"x",2:null,-3:"a,b"}', 'map<int(11),varchar(10)>');
    expect(m).toBeInstanceOf(Map);
    expect(m).toEqual(
      new Map<number, string | null>([
        [1, 'x'],
        [2, null],
        [-3, 'a,b'],
      ]),
    );
    expect(read('{"k:1":12.50,"k}2":-1.00}', 'map<varchar(10),decimal(10, 2)>')).toEqual(
      new Map([
        ['k:1', '12.50'],
        ['k}2', '-1.00'],
      ]),
    );
    expect(read('{9223372036854775807:1}', 'map<bigint(20),boolean>')).toEqual(
      new Map([[9223372036854775807n, true]]),
    );
  });

  it('reads nested ARRAY<MAP<..>> and ARRAY<ARRAY<..>>', () => {
    expect(read('[{1:[1.50,null]},null,{}]', 'array<map<int(11),array<decimal(10, 2)>>>')).toEqual([
      new Map([[1, ['1.50', null]]]),
      null,
      new Map(),
    ]);
    expect(read('[[1,2],[],null,[3]]', 'array<array<int(11)>>')).toEqual([[1, 2], [], null, [3]]);
  });

  it('reads structs into plain objects in declared field order, with ARRAY fields', () => {
    const v = read(
      '{"a":1,"b":"y\\"z","c":[1,null],"d":{"x":"2024-01-01"}}',
      'struct<a int(11), b varchar(10), c array<int(11)>, d struct<x date>>',
    );
    expect(v).toEqual({ a: 1, b: 'y"z', c: [1, null], d: { x: '2024-01-01' } });
    expect(Object.keys(v as object)).toEqual(['a', 'b', 'c', 'd']);
    expect(read('{"a":null,"b":null}', 'struct<a int(11), b varchar(10)>')).toEqual({ a: null, b: null });
    // field names matched case-insensitively, and bare names (older servers) too
    expect(read('{b:"x",A:2}', 'struct<a int(11), b varchar(10)>')).toEqual({ a: 2, b: 'x' });
    expect(read('{"my field":1}', 'struct<`my field` int(11)>')).toEqual({ 'my field': 1 });
  });

  it('reads JSON elements as their text, quoted (StarRocks) or bare (emulator)', () => {
    expect(read(`['{"a": 1}','null','"it\\'s"',null]`, 'array<json>')).toEqual([
      '{"a": 1}',
      'null',
      `"it's"`,
      null,
    ]);
    expect(read('[{"a": [1, "]"]},"s",1.50,null]', 'array<json>')).toEqual([
      '{"a": [1, "]"]}',
      '"s"',
      '1.50',
      null,
    ]);
  });

  it('reads VARBINARY elements as hex (StarRocks 4.1+), or raw bytes when not hex', () => {
    expect(read('["00ff41",""]', 'array<varbinary>')).toEqual([
      Buffer.from([0, 0xff, 0x41]),
      Buffer.alloc(0),
    ]);
    expect(read('["hi"]', 'array<varbinary>')).toEqual([Buffer.from('hi')]);
  });

  it('allows white space between tokens', () => {
    expect(read(' [ 1 , 2 ] ', 'array<int(11)>')).toEqual([1, 2]);
    expect(read('{ 1 : "a" }', 'map<int(11),varchar(1)>')).toEqual(new Map([[1, 'a']]));
  });

  it.each([
    ['[1,2', 'array<int(11)>', /expected "," or "\]"/],
    ['[1 2]', 'array<int(11)>', /expected "," or "\]"/],
    ['["abc]', 'array<varchar(5)>', /unterminated string/],
    ['[1]x', 'array<int(11)>', /unexpected text after the value/],
    ['{1 "a"}', 'map<int(11),varchar(1)>', /expected ":"/],
    [
      '{1"a"}',
      'map<int(11),varchar(1)>',
      /invalid MAP<INT,VARCHAR\(1\)> text .*"1\\"a\\"" is not an integer at position 5/,
    ],
    ['[x]', 'array<int(11)>', /"x" is not an integer/],
    ['{"a":1,"zz":2}', 'struct<a int(11)>', /unknown STRUCT field "zz"/],
    ['1', 'array<int(11)>', /expected "\["/],
  ])('rejects %j as %s', (text, type, message) => {
    expect(() => read(text, type)).toThrow(message);
  });
});
