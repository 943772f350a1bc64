import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../../src/errors.js';
import { createJsonSerializer } from '../../../src/serializers/index.js';

function errorOf(fn: () => unknown): SerializationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return err as SerializationError;
  }
  throw new Error('expected a SerializationError');
}

const LARGEINT_MAX = 2n ** 127n - 1n;
const ts = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));

describe('createJsonSerializer: properties', () => {
  it('asks for JSON with ignore_json_size and never strip_outer_array', () => {
    const s = createJsonSerializer();
    expect(s.format).toBe('json');
    expect(s.properties).toEqual({ format: 'json', ignore_json_size: 'true' });
    expect(s.rowDelimiter).toEqual(Buffer.from('\n'));
  });
  it('lists the columns (and __op) when known', () => {
    expect(createJsonSerializer({ columns: ['id', 'v'] }).properties.columns).toBe('`id`,`v`');
    expect(createJsonSerializer({ columns: ['id', 'v'], withOp: true }).properties.columns).toBe(
      '`id`,`v`,`__op`',
    );
    expect(createJsonSerializer({ withOp: true }).properties.columns).toBeUndefined();
  });
});

describe('createJsonSerializer: rows', () => {
  const s = createJsonSerializer({ columns: ['id', 'name', 'note'] });
  it('writes one compact object per row in columns order, with explicit nulls', () => {
    expect(s.serializeToString({ note: undefined, name: 'x', id: 1, other: 5 })).toBe(
      '{"id":1,"name":"x","note":null}',
    );
    expect(s.serializeToString({})).toBe('{"id":null,"name":null,"note":null}');
  });
  it('writes array rows by position', () => {
    expect(s.serializeToString([1, 'a"b', null])).toBe('{"id":1,"name":"a\\"b","note":null}');
  });
  it('returns UTF-8 bytes that parse as JSON', () => {
    const buf = s.serialize({ id: 2, name: 'é😀\n\u2028', note: '\\N' });
    expect(JSON.parse(buf.toString('utf8'))).toEqual({ id: 2, name: 'é😀\n\u2028', note: '\\N' });
  });
  it('escapes lone surrogates so the body stays valid UTF-8', () => {
    expect(s.serializeToString([1, '\ud800', null])).toBe('{"id":1,"name":"\\ud800","note":null}');
  });
  it('keeps the own keys of each row without columns', () => {
    const own = createJsonSerializer();
    expect(own.serializeToString({ b: 1, a: undefined, 'q"k': true })).toBe('{"b":1,"a":null,"q\\"k":true}');
    expect(own.serializeToString({})).toBe('{}');
    expect(errorOf(() => own.serializeToString([1, 2], 3)).message).toBe(
      'Cannot serialize row 3: array rows need the `columns` option (it names their values)',
    );
  });
  it('renders a typical mixed row', () => {
    const typed = createJsonSerializer({
      columns: ['id', 'price', 'big', 'day', 'at', 'ok', 'n', 'label', 'tags', 'attrs', 'doc', 'raw'],
      columnTypes: { day: 'DATE', n: 'TINYINT', label: 'VARCHAR(8)', doc: 'JSON', big: 'LARGEINT' },
    });
    const line = typed.serializeToString({
      id: 7,
      price: '99999999999999999999999999999999.999999',
      big: LARGEINT_MAX,
      day: ts,
      at: ts,
      ok: true,
      n: false,
      label: true,
      tags: ['x', new Date(0)],
      attrs: new Map<unknown, unknown>([[1, { deep: [1n] }]]),
      doc: '{ "a" : [1, 2.50] }',
      raw: '{ "a" : 1 }',
    });
    expect(line).toBe(
      '{"id":7,"price":"99999999999999999999999999999999.999999","big":"170141183460469231731687303715884105727",' +
        '"day":"2024-01-02","at":"2024-01-02 03:04:05.006000","ok":true,"n":0,"label":"true",' +
        '"tags":["x","1970-01-01 00:00:00.000000"],"attrs":{"1":{"deep":[1]}},"doc":{"a":[1,2.50]},' +
        '"raw":"{ \\"a\\" : 1 }"}',
    );
  });
  it('writes the operation last with withOp', () => {
    const op = createJsonSerializer({ columns: ['id'], withOp: true });
    expect(op.serializeToString({ id: 1, __op: 'delete' })).toBe('{"id":1,"__op":1}');
    expect(op.serializeToString([1, 'upsert'])).toBe('{"id":1,"__op":0}');
    const own = createJsonSerializer({ withOp: true });
    expect(own.serializeToString({ __op: 1, id: 1 })).toBe('{"id":1,"__op":1}');
    expect(own.serializeToString({ __op: 0 })).toBe('{"__op":0}');
    const e = errorOf(() => own.serializeToString({ id: 1 }, 8));
    expect(e.column).toBe('__op');
    expect(e.message).toMatch(
      /row 8, column `__op`: the operation must be 'upsert', 'delete', 0 or 1, got undefined/,
    );
  });
  it('reads only own properties for column names shared with Object.prototype', () => {
    const proto = createJsonSerializer({ columns: ['valueOf', 'hasOwnProperty'] });
    expect(proto.serializeToString({})).toBe('{"valueOf":null,"hasOwnProperty":null}');
    expect(proto.serializeToString({ valueOf: 1, hasOwnProperty: 'x' })).toBe(
      '{"valueOf":1,"hasOwnProperty":"x"}',
    );
  });
  it('passes a user __op key through as data without withOp', () => {
    expect(createJsonSerializer().serializeToString({ id: 1, __op: 1 })).toBe('{"id":1,"__op":1}');
  });
  it('names the row and column of a bad value', () => {
    const e = errorOf(() => s.serializeToString({ id: Number.POSITIVE_INFINITY }, 17));
    expect(e.rowIndex).toBe(17);
    expect(e.column).toBe('id');
    expect(e.message).toMatch(/^Cannot serialize row 17, column `id`: Infinity cannot be loaded/);
    expect(errorOf(() => s.serializeToString([1, Buffer.from('x'), 2], 2)).message).toMatch(
      /row 2, column `name`: binary values/,
    );
    expect(errorOf(() => s.serializeToString([1, 2], 0)).message).toMatch(
      /needs 3 values \(3 columns\), got 2/,
    );
    expect(errorOf(() => s.serializeToString(7 as never, 0)).message).toMatch(
      /a row must be an object or an array/,
    );
  });
});

describe('createJsonSerializer: numbers', () => {
  const s = createJsonSerializer({ columns: ['v'] });
  const bare: [string, unknown, string][] = [
    ['an integer', 42, '42'],
    ['a double', 0.1, '0.1'],
    ['1e21 without exponent', 1e21, '1000000000000000000000'],
    ['a tiny double without exponent', 1.5e-7, '0.00000015'],
    ['-0 as 0', -0, '0'],
    ['a bigint beyond 2^53', 9007199254740993n, '9007199254740993'],
    ['BIGINT min', -(2n ** 63n), '-9223372036854775808'],
    ['BIGINT max', 2n ** 63n - 1n, '9223372036854775807'],
    ['UINT64 max', 2n ** 64n - 1n, '18446744073709551615'],
  ];
  for (const [name, value, text] of bare) {
    it(`writes ${name} as a bare number`, () => {
      expect(s.serializeToString([value])).toBe(`{"v":${text}}`);
    });
  }
  const quoted: [string, bigint, string][] = [
    ['LARGEINT max', LARGEINT_MAX, '170141183460469231731687303715884105727'],
    ['LARGEINT min', -LARGEINT_MAX, '-170141183460469231731687303715884105727'],
    ['2^64', 2n ** 64n, '18446744073709551616'],
    ['-2^63 - 1', -(2n ** 63n) - 1n, '-9223372036854775809'],
  ];
  for (const [name, value, digits] of quoted) {
    it(`writes ${name} (beyond 64 bits) as a string of all its digits, which StarRocks casts exactly`, () => {
      expect(s.serializeToString([value])).toBe(`{"v":"${digits}"}`);
    });
  }
  it('writes wide bigints as bare numbers for JSON columns and inside nested values', () => {
    const json = createJsonSerializer({ columns: ['j', 'a'], columnTypes: { j: 'JSON' } });
    expect(json.serializeToString([LARGEINT_MAX, [LARGEINT_MAX]])).toBe(
      '{"j":170141183460469231731687303715884105727,"a":[170141183460469231731687303715884105727]}',
    );
  });
  it('keeps DECIMAL strings exact', () => {
    expect(s.serializeToString(['12345678901234567890123456.789012345678'])).toBe(
      '{"v":"12345678901234567890123456.789012345678"}',
    );
  });
});

describe('createJsonSerializer: JSON columns', () => {
  const s = createJsonSerializer({ columns: ['j'], columnTypes: { j: 'json' } });
  const cases: [string, unknown, string][] = [
    [
      'an object text embedded and compacted',
      '{\n  "a": 1,\n  "b": [true, null]\n}',
      '{"a":1,"b":[true,null]}',
    ],
    ['an array text embedded', '[1, "two"]', '[1,"two"]'],
    ['a number text embedded', ' 123 ', '123'],
    ['a JSON string text embedded', '"quoted"', '"quoted"'],
    ['big number digits kept', '[123456789012345678901234567890]', '[123456789012345678901234567890]'],
    ['invalid JSON text as a string', '{"a":', '"{\\"a\\":"'],
    ['plain text as a string', 'hello', '"hello"'],
    ['an object value as nested JSON', { a: [1, { b: null }] }, '{"a":[1,{"b":null}]}'],
    ['a boolean', false, 'false'],
  ];
  for (const [name, value, expected] of cases) {
    it(`writes ${name}`, () => {
      expect(s.serializeToString([value])).toBe(`{"j":${expected}}`);
    });
  }
});

describe('createJsonSerializer: NDJSON bodies parse back', () => {
  it('round-trips random strings (quotes, controls, surrogates, separators) and numbers', () => {
    let seed = 99;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [
      'a',
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\0',
      '\u001f',
      '\u2028',
      'é',
      '😀',
      '\ud83d',
      '\ude00',
      '{',
      '}',
      ' ',
    ];
    const s = createJsonSerializer({ columns: ['s', 'n', 'a'] });
    const rows: [string, number, unknown[]][] = [];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = Math.floor(next() * 8) + (next() < 0.1 ? 80 : 0);
      for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)]!;
      rows.push([text, (next() - 0.5) * 10 ** Math.floor(next() * 30 - 15), [text, null]]);
    }
    const body = Buffer.concat(rows.flatMap((row, i) => [s.serialize(row, i), s.rowDelimiter])).toString(
      'utf8',
    );
    const lines = body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(rows.length);
    lines.forEach((line, i) => {
      const [text, n, a] = rows[i]!;
      // Lone surrogates are written as \u escapes, so the body is valid UTF-8 and they parse back.
      expect(JSON.parse(line)).toEqual({ s: text, n, a });
    });
  });
});
