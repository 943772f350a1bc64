import { describe, expect, it } from 'vitest';
import { parseColumnType } from '../../../src/catalog/column-type.js';
import {
  canonicalJson,
  compileConverter,
  conversionError,
  convertDate,
  convertDateTime,
  convertDecimal,
  INVALID,
  JsonNumber,
  parseJsonExact,
  tryParseJson,
} from '../../../src/load/value-converter.js';

type Out = string | null | typeof INVALID;

const conv = (type: string) => compileConverter(parseColumnType(type));

/** Runs `[input, expected]` rows through the converter of `type`. */
function table(type: string, rows: readonly (readonly [unknown, Out])[]) {
  describe(type, () => {
    const c = conv(type);
    it.each(
      rows.map(([input, out]) => ({
        input,
        out,
        shown: typeof input === 'string' ? JSON.stringify(input) : String(input),
      })),
    )('$shown -> $out', ({ input, out }) => {
      expect(c(input)).toBe(out);
    });
  });
}

const LARGE_MAX = '170141183460469231731687303715884105727'; // 2^127 - 1
const LARGE_MAX_PLUS_1 = '170141183460469231731687303715884105728';

describe('integers from CSV text', () => {
  table('TINYINT', [
    ['0', '0'],
    ['-128', '-128'],
    ['127', '127'],
    ['128', INVALID],
    ['-129', INVALID],
    ['+5', '5'],
    ['007', '7'],
    [' 12 ', '12'],
    ['-0', '0'],
    ['1.5', INVALID],
    ['1e2', INVALID],
    ['', INVALID],
    ['abc', INVALID],
    ['12abc', INVALID],
  ]);
  table('SMALLINT', [
    ['-32768', '-32768'],
    ['32767', '32767'],
    ['32768', INVALID],
    ['-32769', INVALID],
  ]);
  table('INT', [
    ['-2147483648', '-2147483648'],
    ['2147483647', '2147483647'],
    ['2147483648', INVALID],
    ['-2147483649', INVALID],
    ['99999999999999999999', INVALID],
  ]);
  table('BIGINT', [
    ['0', '0'],
    ['123456789012345', '123456789012345'],
    ['9007199254740993', '9007199254740993'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['9223372036854775808', INVALID],
    ['-9223372036854775809', INVALID],
    ['00000000000000000042', '42'],
    ['1.0', INVALID],
    ['', INVALID],
  ]);
  table('LARGEINT', [
    ['1', '1'],
    ['12345678901234567890', '12345678901234567890'],
    [LARGE_MAX, LARGE_MAX],
    [`-${LARGE_MAX}`, `-${LARGE_MAX}`],
    [LARGE_MAX_PLUS_1, INVALID],
    [`-${LARGE_MAX_PLUS_1}`, INVALID],
    ['999999999999999999999999999999999999999999', INVALID],
    ['1e3', INVALID],
  ]);
});

describe('integers from JSON values', () => {
  it.each([
    ['TINYINT', 5, '5'],
    ['TINYINT', -128, '-128'],
    ['TINYINT', 200, INVALID],
    ['INT', true, '1'],
    ['INT', false, '0'],
    ['INT', '42', '42'],
    ['INT', { a: 1 }, INVALID],
    ['INT', [1], INVALID],
    ['BIGINT', new JsonNumber('9223372036854775807'), '9223372036854775807'],
    ['BIGINT', new JsonNumber('9223372036854775808'), INVALID],
    ['BIGINT', 12n, '12'],
    ['LARGEINT', new JsonNumber(LARGE_MAX), LARGE_MAX],
    ['LARGEINT', new JsonNumber(LARGE_MAX_PLUS_1), INVALID],
    ['LARGEINT', 7, '7'],
  ] as [string, unknown, Out][])('%s %o -> %s', (type, input, out) => {
    expect(conv(type)(input)).toBe(out);
  });
});

describe('booleans', () => {
  table('BOOLEAN', [
    ['true', 'true'],
    ['TRUE', 'true'],
    [' True ', 'true'],
    ['false', 'false'],
    ['FALSE', 'false'],
    ['1', 'true'],
    ['0', 'false'],
    ['2', 'true'],
    ['-1', 'true'],
    ['0.0', 'false'],
    ['yes', INVALID],
    ['', INVALID],
    [true, 'true'],
    [false, 'false'],
    [1, 'true'],
    [0, 'false'],
    [{}, INVALID],
  ]);
});

describe('float / double', () => {
  table('DOUBLE', [
    ['1.5', '1.5'],
    ['-2e3', '-2000'],
    ['.5', '0.5'],
    ['5.', '5'],
    [' 3 ', '3'],
    ['+1.25E-2', '0.0125'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'],
    ['1e309', INVALID],
    ['NaN', INVALID],
    ['Infinity', INVALID],
    ['inf', INVALID],
    ['0x10', INVALID],
    ['', INVALID],
    ['abc', INVALID],
    [1.25, '1.25'],
    [new JsonNumber('0.1000000000000000055511'), '0.1'],
    [{ a: 1 }, INVALID],
  ]);
  table('FLOAT', [
    ['3.4e38', '3.4e+38'],
    ['3.5e38', INVALID],
    ['-3.5e38', INVALID],
    ['0.25', '0.25'],
  ]);
});

describe('DECIMAL: exact, half-up rounding, overflow -> INVALID', () => {
  table('DECIMAL(10, 2)', [
    ['0', '0.00'],
    ['1', '1.00'],
    ['1.5', '1.50'],
    ['1.005', '1.01'],
    ['1.004', '1.00'],
    ['1.0049999', '1.00'],
    ['-1.005', '-1.01'],
    ['-1.004', '-1.00'],
    ['2.675', '2.68'],
    ['0.5', '0.50'],
    ['.5', '0.50'],
    ['5.', '5.00'],
    ['+3.1', '3.10'],
    [' 2.5 ', '2.50'],
    ['007.5', '7.50'],
    ['-0.001', '0.00'],
    ['-0', '0.00'],
    ['-0.00', '0.00'],
    ['12345678.99', '12345678.99'],
    ['-12345678.99', '-12345678.99'],
    ['99999999.994', '99999999.99'],
    ['99999999.995', INVALID],
    ['123456789', INVALID],
    ['123456789.00', INVALID],
    ['1e2', '100.00'],
    ['1.5E-1', '0.15'],
    ['1.234e1', '12.34'],
    ['5e-3', '0.01'],
    ['4e-3', '0.00'],
    ['1e8', INVALID],
    ['1e9999', INVALID],
    ['', INVALID],
    ['.', INVALID],
    ['abc', INVALID],
    ['1.2.3', INVALID],
    ['1,5', INVALID],
    [12.345, '12.35'],
    [new JsonNumber('12345678.994999999999999999'), '12345678.99'],
    [true, INVALID],
  ]);
  table('DECIMAL', [
    ['1.5', '2'],
    ['-2.5', '-3'],
    ['2.4', '2'],
    ['9999999999', '9999999999'],
    ['10000000000', INVALID],
  ]);
  table('DECIMAL(38, 0)', [
    ['9'.repeat(38), '9'.repeat(38)],
    [`-${'9'.repeat(38)}`, `-${'9'.repeat(38)}`],
    ['1'.repeat(39), INVALID],
    [new JsonNumber('12345678901234567890123456789012345678'), '12345678901234567890123456789012345678'],
  ]);
  table('DECIMAL(38, 30)', [
    ['0.12345678901234567890123', '0.123456789012345678901230000000'],
    [new JsonNumber('0.12345678901234567890123'), '0.123456789012345678901230000000'],
    ['12345678.1', '12345678.100000000000000000000000000000'],
    ['123456789', INVALID],
  ]);
  table('DECIMAL(5, 5)', [
    ['0.123456', '0.12346'],
    ['0.999994', '0.99999'],
    ['0.999995', INVALID],
    ['1', INVALID],
  ]);

  it('convertDecimal is usable directly', () => {
    expect(convertDecimal('1.235', 4, 2)).toBe('1.24');
    expect(convertDecimal('100', 4, 2)).toBe(INVALID);
  });
});

describe('DATE', () => {
  table('DATE', [
    ['2023-01-02', '2023-01-02'],
    ['2023-1-2', '2023-01-02'],
    ['20230102', '2023-01-02'],
    [' 2023-01-02 ', '2023-01-02'],
    ['2023-01-02 03:04:05', '2023-01-02'],
    ['2023-01-02T03:04:05.123', '2023-01-02'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['2023-02-29', INVALID],
    ['1900-02-29', INVALID],
    ['2023-04-31', INVALID],
    ['2023-13-01', INVALID],
    ['2023-00-10', INVALID],
    ['2023-01-00', INVALID],
    ['0000-01-01', '0000-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['2023/01/02', INVALID],
    ['23-01-02', INVALID],
    ['', INVALID],
    ['abc', INVALID],
  ]);

  it('a JSON number is read as its text, then cast (spec §3.2)', () => {
    expect(conv('DATE')(20230102)).toBe('2023-01-02');
  });

  it('a JSON number into DATETIME is read as its text, then cast (spec §3.2)', () => {
    expect(conv('DATETIME')(20230102030405)).toBe('2023-01-02 03:04:05.000000');
  });

  it('convertDate', () => {
    expect(convertDate('2023-12-31')).toBe('2023-12-31');
    expect(convertDate('2023-02-30')).toBe(INVALID);
  });
});

describe('DATETIME (microsecond precision kept)', () => {
  table('DATETIME', [
    ['2023-01-02 03:04:05', '2023-01-02 03:04:05.000000'],
    ['2023-01-02T03:04:05', '2023-01-02 03:04:05.000000'],
    ['2023-01-02 03:04:05.123456', '2023-01-02 03:04:05.123456'],
    ['2023-01-02 03:04:05.1', '2023-01-02 03:04:05.100000'],
    ['2023-01-02 03:04:05.000001', '2023-01-02 03:04:05.000001'],
    ['2023-01-02 03:04:05.1234567', '2023-01-02 03:04:05.123456'],
    ['2023-01-02 03:04', '2023-01-02 03:04:00.000000'],
    ['2023-01-02', '2023-01-02 00:00:00.000000'],
    ['2023-1-2 3:4:5', '2023-01-02 03:04:05.000000'],
    ['20230102030405', '2023-01-02 03:04:05.000000'],
    ['2024-02-29 23:59:59', '2024-02-29 23:59:59.000000'],
    ['9999-12-31 23:59:59', '9999-12-31 23:59:59.000000'],
    ['2023-02-29 00:00:00', INVALID],
    ['2023-01-02 24:00:00', INVALID],
    ['2023-01-02 23:60:00', INVALID],
    ['2023-01-02 23:59:60', INVALID],
    ['2023-01-02 03:04:05 PM', INVALID],
    ['', INVALID],
    ['now', INVALID],
  ]);

  it('a JSON string is accepted', () => {
    expect(convertDateTime('2023-06-07 08:09:10.5')).toBe('2023-06-07 08:09:10.500000');
  });
});

describe('CHAR / VARCHAR byte-length limits (UTF-8)', () => {
  table('VARCHAR(3)', [
    ['', ''],
    ['abc', 'abc'],
    ['abcd', INVALID],
    ['é', 'é'], // 2 bytes
    ['éa', 'éa'], // 3 bytes
    ['éé', INVALID], // 4 bytes
    ['中', '中'], // 3 bytes
    ['中a', INVALID], // 4 bytes
    ['😀', INVALID], // 4 bytes
    ['  a ', INVALID],
    [12, '12'],
    [1234, INVALID],
    [true, INVALID], // 'true' is 4 bytes
    [new JsonNumber('123'), '123'],
  ]);
  table('CHAR(4)', [
    ['😀', '😀'],
    ['abcd', 'abcd'],
    ['abcde', INVALID],
    ['中中', INVALID],
  ]);
  table('VARCHAR(30)', [
    [true, 'true'],
    [{ a: 1, b: [true, null] }, '{"a":1,"b":[true,null]}'],
    [[1, 'x'], '[1,"x"]'],
    ['  spaces kept  ', '  spaces kept  '],
    ['\\N', '\\N'],
  ]);

  it('STRING holds 65533 bytes', () => {
    const c = conv('STRING');
    expect(c('a'.repeat(65533))).toBe('a'.repeat(65533));
    expect(c('a'.repeat(65534))).toBe(INVALID);
    expect(c('中'.repeat(21844))).toBe('中'.repeat(21844)); // 65532 bytes
    expect(c('中'.repeat(21845))).toBe(INVALID); // 65535 bytes
  });

  it('CHAR(255) holds 255 bytes', () => {
    const c = conv('CHAR(255)');
    expect(c('x'.repeat(255))).toBe('x'.repeat(255));
    expect(c('x'.repeat(256))).toBe(INVALID);
  });
});

describe('VARBINARY: the UTF-8 bytes of the text (staged as hex), limit in bytes', () => {
  table('VARBINARY(4)', [
    ['', ''],
    ['ab', '6162'],
    ['é', 'c3a9'], // 2 bytes
    ['éé', 'c3a9c3a9'],
    ['ééa', INVALID], // 5 bytes
    ['\\x41', '5c783431'], // no escape reading: four characters, four bytes
    ['\u0000', '00'],
    [12, '3132'],
    [Buffer.from([0x00, 0xff]), '00ff'],
    [new Uint8Array([1, 2, 3, 4, 5]), INVALID],
  ]);
});

describe('JSON columns: canonical text, exact numbers', () => {
  table('JSON', [
    ['{"b": 1, "a": [1, 2]}', '{"b":1,"a":[1,2]}'],
    [' { "x" : { "y" : null } } ', '{"x":{"y":null}}'],
    ['[1, "two", true]', '[1,"two",true]'],
    ['"str"', '"str"'],
    ['123', '123'],
    ['true', 'true'],
    ['null', 'null'],
    ['{"n": 12345678901234567890}', '{"n":12345678901234567890}'],
    ['12345678901234567890', '12345678901234567890'],
    ['0.12345678901234567890123', '0.12345678901234567890123'],
    ['{"n": 0.12345678901234567890123}', '{"n":0.12345678901234567890123}'],
    ['{"n": -98765432109876543210.5}', '{"n":-98765432109876543210.5}'],
    ['{"s": "12345678901234567890"}', '{"s":"12345678901234567890"}'],
    ['{"u": "\\u00e9\\n"}', '{"u":"é\\n"}'],
    ['not json', INVALID],
    ['{"a":', INVALID],
    ['', INVALID],
    [{ a: 1, b: 'x' }, '{"a":1,"b":"x"}'],
    [{ n: new JsonNumber('12345678901234567890') }, '{"n":12345678901234567890}'],
    [[1, { z: null }], '[1,{"z":null}]'],
    [5, '5'],
    [true, 'true'],
  ]);
});

describe('parseJsonExact / canonicalJson', () => {
  it.each([
    '12345678901234567890',
    '-12345678901234567890',
    '0.12345678901234567890123',
    '-0.12345678901234567890123',
    '[12345678901234567890,0.12345678901234567890123]',
    '{"a":12345678901234567890,"b":{"c":[0.12345678901234567890123]}}',
    '{"a":"12345678901234567890","b":12345678901234567890}',
    '{"s":"x\\"12345678901234567890","n":12345678901234567890}',
    '[1,2.5,-3,true,false,null,"s"]',
    '1234567890123456.5',
  ])('%s stays exact', (text) => {
    expect(canonicalJson(parseJsonExact(text))).toBe(text);
  });

  it('long numbers become JsonNumber, short ones plain numbers', () => {
    const v = parseJsonExact(
      '{"big":12345678901234567890,"small":42,"dec":0.12345678901234567890123}',
    ) as Record<string, unknown>;
    expect(v.big).toBeInstanceOf(JsonNumber);
    expect((v.big as JsonNumber).text).toBe('12345678901234567890');
    expect(v.small).toBe(42);
    expect(v.dec).toBeInstanceOf(JsonNumber);
    expect((v.dec as JsonNumber).text).toBe('0.12345678901234567890123');
  });

  it('a top-level long integer', () => {
    const big = parseJsonExact('12345678901234567890');
    expect(big).toBeInstanceOf(JsonNumber);
    expect((big as JsonNumber).text).toBe('12345678901234567890');
  });

  it('a top-level long decimal', () => {
    const dec = parseJsonExact('0.12345678901234567890123');
    expect(dec).toBeInstanceOf(JsonNumber);
    expect((dec as JsonNumber).text).toBe('0.12345678901234567890123');
  });

  it('digits inside strings are untouched', () => {
    expect(parseJsonExact('{"a":"12345678901234567890"}')).toEqual({ a: '12345678901234567890' });
  });

  it('malformed JSON throws, tryParseJson returns INVALID', () => {
    expect(() => parseJsonExact('{"a":12345678901234567890')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{')).toThrow(SyntaxError);
    expect(tryParseJson('{')).toBe(INVALID);
    expect(tryParseJson('[1]')).toEqual([1]);
  });

  it('canonicalJson drops undefined members and keeps key order', () => {
    expect(canonicalJson({ z: 1, a: undefined, m: 'x' })).toBe('{"z":1,"m":"x"}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
  });
});

describe('nested types (stored as JSON text)', () => {
  table('ARRAY<INT>', [
    ['[1, 2, 3]', '[1,2,3]'],
    ['[]', '[]'],
    ['[1, null]', '[1,null]'],
    ['["7", 8]', '[7,8]'],
    ['[1, "x"]', INVALID],
    ['[2147483648]', INVALID],
    ['{"a": 1}', INVALID],
    ['1', INVALID],
    ['not json', INVALID],
    [[4, 5], '[4,5]'],
  ]);
  table('ARRAY<TINYINT>', [
    ['[127, -128]', '[127,-128]'],
    ['[128]', INVALID],
  ]);
  table('ARRAY<BOOLEAN>', [['[true, 0, "false"]', '[true,false,false]']]);
  table('ARRAY<DOUBLE>', [['[1.5, -2e3]', '[1.5,-2000]']]);
  table('ARRAY<DATE>', [
    ['["2023-01-02", null]', '["2023-01-02",null]'],
    ['["2023-02-29"]', INVALID],
  ]);
  table('ARRAY<DECIMAL(10, 2)>', [['[1.005, "2"]', '["1.01","2.00"]']]);
  table('ARRAY<VARCHAR(3)>', [
    ['["abc", "中"]', '["abc","中"]'],
    ['["abcd"]', INVALID],
  ]);
  table('ARRAY<ARRAY<INT>>', [
    ['[[1, 2], [], null]', '[[1,2],[],null]'],
    ['[[1, "x"]]', INVALID],
  ]);
  table('MAP<VARCHAR(5),INT>', [
    ['{"a": 1, "b": null}', '[["a",1],["b",null]]'],
    ['{}', '[]'],
    ['{"a": "x"}', INVALID],
    ['{"toolong": 1}', INVALID],
    ['[1, 2]', INVALID],
  ]);
  table('MAP<INT,BOOLEAN>', [
    ['{"1": true, "2": 0}', '[[1,true],[2,false]]'],
    ['{"x": true}', INVALID],
  ]);
  table('ARRAY<MAP<INT,ARRAY<VARCHAR(10)>>>', [
    ['[{"1": ["a", "b"]}, {"2": []}]', '[[[1,["a","b"]]],[[2,[]]]]'],
    ['[{"1": null}]', '[[[1,null]]]'],
    ['[{"1": ["0123456789X"]}]', INVALID],
    ['[{"k": ["a"]}]', INVALID],
  ]);
  table('STRUCT<a INT, b DECIMAL(10, 2)>', [
    ['{"a": 1, "b": 1.005}', '{"a":1,"b":"1.01"}'],
    ['{"b": "2", "a": 3}', '{"a":3,"b":"2.00"}'],
    ['{"a": 1}', '{"a":1,"b":null}'],
    ['{"a": 1, "b": 2, "c": 3}', '{"a":1,"b":"2.00"}'],
    ['[1, "2.5"]', '{"a":1,"b":"2.50"}'],
    ['[1]', INVALID],
    ['{"a": "x", "b": 1}', INVALID],
    ['{"a": 1, "b": 123456789}', INVALID],
    ['5', INVALID],
  ]);

  it('JSON values (already parsed) convert the same way', () => {
    expect(conv('ARRAY<INT>')([1, null, '3'])).toBe('[1,null,3]');
    expect(conv('MAP<VARCHAR(5),INT>')({ k: 2 })).toBe('[["k",2]]');
    expect(conv('STRUCT<a INT, b DECIMAL(10, 2)>')({ a: 1, b: new JsonNumber('0.125') })).toBe(
      '{"a":1,"b":"0.13"}',
    );
  });

  it('big integers and LARGEINT inside nested values keep every digit', () => {
    expect(conv('ARRAY<LARGEINT>')(`[${LARGE_MAX}, 1]`)).toContain(LARGE_MAX);
    expect(conv('ARRAY<LARGEINT>')(`[${LARGE_MAX_PLUS_1}]`)).toBe(INVALID);
    expect(conv('ARRAY<BIGINT>')('[9223372036854775807]')).toContain('9223372036854775807');
    expect(conv('ARRAY<DECIMAL(38, 0)>')(`[${'9'.repeat(38)}]`)).toBe(`["${'9'.repeat(38)}"]`);
  });

  it('JSON inside ARRAY keeps big numbers exact', () => {
    expect(conv('ARRAY<JSON>')('[{"a": 12345678901234567890}, 1]')).toBe(
      '["{\\"a\\":12345678901234567890}","1"]',
    );
  });

  it('JSON inside ARRAY is stored as its text: a JSON null element is not an SQL NULL one', () => {
    // CSV: a quoted "null" element is the JSON value null, a bare null is SQL NULL
    expect(conv('ARRAY<JSON>')('[{"a": 1}, "null", null]')).toBe('["{\\"a\\":1}","null",null]');
  });

  it('VARBINARY inside ARRAY keeps its text', () => {
    expect(conv('ARRAY<VARBINARY(8)>')('["é\\n", null]')).toBe('["é\\n",null]');
    expect(conv('ARRAY<VARBINARY(1)>')('["é"]')).toBe(INVALID);
  });
});

describe('null stays null for every type', () => {
  it.each([
    'BOOLEAN',
    'TINYINT',
    'SMALLINT',
    'INT',
    'BIGINT',
    'LARGEINT',
    'FLOAT',
    'DOUBLE',
    'DECIMAL(10, 2)',
    'DATE',
    'DATETIME',
    'CHAR(3)',
    'VARCHAR(3)',
    'STRING',
    'VARBINARY(4)',
    'JSON',
    'ARRAY<INT>',
    'MAP<INT,INT>',
    'STRUCT<a INT>',
  ])('%s', (type) => {
    const c = conv(type);
    expect(c(null)).toBeNull();
    expect(c(undefined)).toBeNull();
  });
});

describe('conversionError', () => {
  it('names the column, its type and the value', () => {
    expect(conversionError('c', parseColumnType('INT'), 'abc')).toBe(
      "Value 'abc' is invalid for column 'c' of type int(11)",
    );
    expect(conversionError('d', parseColumnType('DECIMAL(5, 2)'), { x: 1 })).toBe(
      "Value '{\"x\":1}' is invalid for column 'd' of type decimal(5, 2)",
    );
    expect(conversionError('s', parseColumnType('VARCHAR(1)'), 'y'.repeat(150))).toBe(
      `Value '${'y'.repeat(100)}...' is invalid for column 's' of type varchar(1)`,
    );
  });
});
