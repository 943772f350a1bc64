import { afterEach, describe, expect, it } from 'vitest';
import { SerializationError } from '../../../src/errors.js';
import { renderScalar } from '../../../src/serializers/index.js';

const LARGEINT_MAX = 2n ** 127n - 1n;
/** `[undefined, <hole>, 3]` */
function withHole(): unknown[] {
  const a: unknown[] = [undefined];
  a[2] = 3;
  return a;
}

const at = Date.UTC(2024, 1, 29, 13, 4, 5, 678); // 2024-02-29T13:04:05.678Z

describe('renderScalar', () => {
  const cases: [string, unknown, string | undefined, string | null][] = [
    ['null', null, undefined, null],
    ['undefined', undefined, undefined, null],
    ['a string as is', 'hello, world', undefined, 'hello, world'],
    ['an empty string', '', undefined, ''],
    ['unicode', 'ünï 😀', undefined, 'ünï 😀'],
    [
      'a DECIMAL(38,10) string exactly',
      '1234567890123456789012345678.0123456789',
      'DECIMAL(38, 10)',
      '1234567890123456789012345678.0123456789',
    ],
    [
      'a negative DECIMAL string exactly',
      '-0.00000000000000000001',
      'DECIMAL(38,20)',
      '-0.00000000000000000001',
    ],
    ['an integer', 42, undefined, '42'],
    ['a negative integer', -7, undefined, '-7'],
    ['-0 as 0', -0, undefined, '0'],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER, undefined, '9007199254740991'],
    ['a double (shortest round trip)', 0.1 + 0.2, undefined, '0.30000000000000004'],
    ['1e21 without exponent', 1e21, undefined, '1000000000000000000000'],
    ['-1.25e22 without exponent', -1.25e22, undefined, '-12500000000000000000000'],
    ['1.5e-7 without exponent', 1.5e-7, undefined, '0.00000015'],
    ['5e-324 without exponent', 5e-324, undefined, `0.${'0'.repeat(323)}5`],
    ['a bigint', 123n, undefined, '123'],
    ['LARGEINT max', LARGEINT_MAX, 'LARGEINT', '170141183460469231731687303715884105727'],
    ['LARGEINT min', -LARGEINT_MAX, 'LARGEINT', '-170141183460469231731687303715884105727'],
    ['BIGINT min', -(2n ** 63n), 'BIGINT', '-9223372036854775808'],
    ['true as 1', true, undefined, '1'],
    ['false as 0', false, 'BOOLEAN', '0'],
    ['true for a VARCHAR column', true, 'VARCHAR(10)', 'true'],
    ['false for a STRING column', false, 'string', 'false'],
    ['true for a JSON column', true, 'JSON', 'true'],
    ['true for an INT column', true, 'INT', '1'],
    ['a Date as DATETIME (UTC, microseconds)', new Date(at), undefined, '2024-02-29 13:04:05.678000'],
    ['a Date for a DATETIME column', new Date(at), 'DATETIME', '2024-02-29 13:04:05.678000'],
    ['a Date for a DATE column', new Date(at), 'DATE', '2024-02-29'],
    ['a Date for a VARCHAR column', new Date(at), 'VARCHAR(30)', '2024-02-29 13:04:05.678000'],
    ['the epoch', new Date(0), undefined, '1970-01-01 00:00:00.000000'],
    [
      'a pre-epoch Date',
      new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)),
      undefined,
      '1969-12-31 23:59:59.999000',
    ],
    ['year 0000', new Date('0000-01-01T00:00:00Z'), 'DATE', '0000-01-01'],
    ['year 0099', new Date('0099-03-01T00:00:00Z'), 'DATE', '0099-03-01'],
    ['year 9999', new Date('9999-12-31T23:59:59.999Z'), undefined, '9999-12-31 23:59:59.999000'],
    ['an array', [1, 'a', null, true], undefined, '[1,"a",null,true]'],
    ['an array with undefined and holes', withHole(), undefined, '[null,null,3]'],
    ['nested arrays', [[1, 2], [], [[3]]], 'ARRAY<ARRAY<INT>>', '[[1,2],[],[[3]]]'],
    ['a Set', new Set([1, 2]), undefined, '[1,2]'],
    ['an array of Dates for ARRAY<DATE>', [new Date(at)], 'ARRAY<DATE>', '["2024-02-29"]'],
    [
      'an array of Dates for ARRAY<DATETIME>',
      [new Date(at)],
      'ARRAY<DATETIME>',
      '["2024-02-29 13:04:05.678000"]',
    ],
    [
      'an array of bigints (bare digits)',
      [LARGEINT_MAX, -1n],
      'ARRAY<LARGEINT>',
      '[170141183460469231731687303715884105727,-1]',
    ],
    [
      'a plain object (STRUCT)',
      { a: 1, b: 'x', c: null, d: undefined },
      'STRUCT<a INT, b VARCHAR(5)>',
      '{"a":1,"b":"x","c":null,"d":null}',
    ],
    [
      'a Map (MAP)',
      new Map<unknown, unknown>([
        [1, 'one'],
        ['k', [true]],
      ]),
      'MAP<INT,VARCHAR(5)>',
      '{"1":"one","k":[true]}',
    ],
    ['quotes and control characters inside', ['a"b\\c\n'], undefined, '["a\\"b\\\\c\\n"]'],
    [
      'nested numbers without exponent',
      { x: 1e21, y: 2.5e-7 },
      undefined,
      '{"x":1000000000000000000000,"y":0.00000025}',
    ],
    ['a boxed string', new String('boxed'), undefined, 'boxed'],
    ['a boxed number', new Number(5), undefined, '5'],
    ['an object with toJSON (decimal library)', { toJSON: () => '12.3400' }, 'DECIMAL(10,4)', '12.3400'],
    ['nested toJSON', { price: { toJSON: () => '1.10' } }, 'JSON', '{"price":"1.10"}'],
    [
      'JSON text for a JSON column, compacted',
      '{ "a" : [1, 2],\n "b": "x y" }',
      'JSON',
      '{"a":[1,2],"b":"x y"}',
    ],
    [
      'JSON text keeps big number digits',
      '{"n": 123456789012345678901234567890.5}',
      'json',
      '{"n":123456789012345678901234567890.5}',
    ],
    ['invalid JSON text for a JSON column stays as is', '{not json', 'JSON', '{not json'],
    ['JSON-looking text for a VARCHAR column stays as is', '{ "a": 1 }', 'VARCHAR(20)', '{ "a": 1 }'],
    ['the text \\N as is (the CSV serializer refuses it)', '\\N', undefined, '\\N'],
  ];
  for (const [name, value, hint, expected] of cases) {
    it(`renders ${name}`, () => {
      expect(renderScalar(value, 'c', hint)).toBe(expected);
    });
  }

  const failures: [string, unknown, string | undefined, RegExp][] = [
    ['NaN', Number.NaN, undefined, /NaN cannot be loaded: only finite numbers/],
    ['Infinity', Number.POSITIVE_INFINITY, undefined, /Infinity cannot be loaded/],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'DOUBLE', /-Infinity cannot be loaded/],
    ['NaN inside an array', [1, Number.NaN], undefined, /NaN cannot be loaded/],
    ['an invalid Date', new Date(Number.NaN), undefined, /the Date is invalid/],
    [
      'a Date after 9999',
      new Date('+010000-01-01T00:00:00Z'),
      undefined,
      /outside the StarRocks DATE\/DATETIME range/,
    ],
    [
      'a Date before 0000',
      new Date('-000001-12-31T00:00:00Z'),
      'DATE',
      /outside the StarRocks DATE\/DATETIME range/,
    ],
    ['a Buffer', Buffer.from('abc'), undefined, /binary values .* are not supported/],
    [
      'a Buffer for a VARBINARY column',
      Buffer.from('abc'),
      'VARBINARY',
      /binary values .* are not supported/,
    ],
    ['a Uint8Array', new Uint8Array([1]), undefined, /binary values/],
    ['an ArrayBuffer', new ArrayBuffer(2), undefined, /binary values/],
    ['a nested Buffer', { b: Buffer.alloc(1) }, 'JSON', /binary values/],
    ['a symbol', Symbol('s'), undefined, /a symbol cannot be serialized/],
    ['a function', () => 1, undefined, /a function cannot be serialized/],
    ['a nested function', [() => 1], undefined, /a function cannot be serialized/],
  ];
  for (const [name, value, hint, message] of failures) {
    it(`refuses ${name} with a SerializationError naming the column`, () => {
      let error: unknown;
      try {
        renderScalar(value, 'col_x', hint);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SerializationError);
      const e = error as SerializationError;
      expect(e.code).toBe('SR_SERIALIZATION');
      expect(e.column).toBe('col_x');
      expect(e.rowIndex).toBeNull();
      expect(e.message).toMatch(/^Cannot serialize column `col_x`: /);
      expect(e.message).toMatch(message);
    });
  }

  it('refuses circular structures', () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(() => renderScalar(a, 'c')).toThrow(/circular reference/);
    const o: Record<string, unknown> = {};
    o.self = { o };
    expect(() => renderScalar(o, 'c')).toThrow(/circular reference/);
  });

  it('allows the same object twice when it is not circular', () => {
    const shared = { v: 1 };
    expect(renderScalar([shared, shared], 'c')).toBe('[{"v":1},{"v":1}]');
  });

  it('prints every double so that it parses back to the same value, never with an exponent', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 5000; i++) {
      const exponent = Math.floor(next() * 80) - 40;
      const n = (next() - 0.5) * 10 ** exponent;
      const text = renderScalar(n, 'c')!;
      expect(text).not.toMatch(/e/i);
      expect(Number(text)).toBe(n === 0 ? 0 : n);
    }
  });
});

describe('renderScalar with local time', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('renders local wall time with the offset in force at that instant', () => {
    process.env.TZ = 'Asia/Kolkata'; // +05:30, no DST
    expect(renderScalar(new Date(at), 't', undefined, 'local')).toBe('2024-02-29 18:34:05.678000');
    expect(renderScalar(new Date(Date.UTC(2024, 0, 1, 20, 0)), 'd', 'DATE', 'local')).toBe('2024-01-02');
    expect(renderScalar(new Date(at), 't', undefined, 'utc')).toBe('2024-02-29 13:04:05.678000');
    process.env.TZ = 'America/New_York';
    expect(renderScalar(new Date(Date.UTC(2024, 6, 1, 12, 0, 0, 1)), 't', undefined, 'local')).toBe(
      '2024-07-01 08:00:00.001000',
    );
    expect(renderScalar(new Date(Date.UTC(2024, 0, 1, 12, 0, 0, 1)), 't', undefined, 'local')).toBe(
      '2024-01-01 07:00:00.001000',
    );
  });
});
