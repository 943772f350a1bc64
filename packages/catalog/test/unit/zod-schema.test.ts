import { describe, expect, it } from 'vitest';
import {
  jsValueMapping,
  parseStarRocksType,
  type StarRocksType,
  t,
  toZodSchema,
  type ZodSchemaColumn,
} from '../../src/index.js';

const col = (
  name: string,
  type: StarRocksType | string,
  extra: Partial<ZodSchemaColumn> = {},
): ZodSchemaColumn => ({
  name,
  type: typeof type === 'string' ? parseStarRocksType(type) : type,
  nullable: true,
  ...extra,
});

/** The issues of validating `{ v: value }` against one nullable column of `type` (paths without the column). */
function issues(type: StarRocksType | string, value: unknown): string[] {
  const r = toZodSchema({ columns: [col('v', type)] }).safeParse({ v: value });
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
const ok = (type: StarRocksType | string, value: unknown) => expect(issues(type, value)).toEqual([]);
const bad = (type: StarRocksType | string, value: unknown, message: RegExp) => {
  const list = issues(type, value);
  expect(list.length).toBeGreaterThan(0);
  expect(list.join('\n')).toMatch(message);
  for (const line of list) expect(line.startsWith('v')).toBe(true);
};

describe('toZodSchema: integers', () => {
  const bounds: [string, bigint, bigint][] = [
    ['TINYINT', -128n, 127n],
    ['SMALLINT', -32768n, 32767n],
    ['INT', -2147483648n, 2147483647n],
    ['BIGINT', -(2n ** 63n), 2n ** 63n - 1n],
    ['LARGEINT', -(2n ** 127n) + 1n, 2n ** 127n - 1n],
  ];
  it.each(bounds)('%s accepts its bounds as bigint and string, refuses one beyond', (type, lo, hi) => {
    ok(type, lo);
    ok(type, hi);
    ok(type, String(lo));
    ok(type, String(hi));
    ok(type, 0);
    ok(type, '+42');
    bad(type, lo - 1n, /out of range/);
    bad(type, hi + 1n, /out of range/);
    bad(type, String(hi + 1n), /out of range/);
  });

  it('numbers must be safe integers (exactness), strings integer text', () => {
    ok('TINYINT', -128);
    bad('TINYINT', 128, /out of range: expected an integer in \[-128, 127\]/);
    bad('INT', 1.5, /expected an integer/);
    bad('INT', Number.NaN, /expected an integer/);
    bad('BIGINT', 2 ** 60, /beyond 2\^53 a number is not exact/);
    ok('BIGINT', Number.MAX_SAFE_INTEGER);
    bad('INT', '1.0', /expected an integer/);
    bad('INT', '1e3', /expected an integer/);
    bad('INT', ' 1', /expected an integer/);
    bad('INT', true, /expected an integer.*got true/);
    bad('LARGEINT', -(2n ** 127n), /out of range/);
  });

  it('BOOLEAN takes booleans and 0/1', () => {
    ok('BOOLEAN', true);
    ok('BOOLEAN', false);
    ok('BOOLEAN', 0);
    ok('BOOLEAN', 1);
    bad('BOOLEAN', 2, /expected a boolean/);
    bad('BOOLEAN', 'true', /expected a boolean \(or 0\/1\), got a string of 4 bytes/);
  });
});

describe('toZodSchema: floating point and DECIMAL', () => {
  it('FLOAT/DOUBLE take finite numbers and numeric strings; FLOAT has its range', () => {
    ok('DOUBLE', 1.5);
    ok('DOUBLE', '-1.5e300');
    ok('FLOAT', 3.4e38);
    bad('FLOAT', 3.5e38, /FLOAT out of range/);
    ok('DOUBLE', 3.5e38);
    bad('DOUBLE', Number.POSITIVE_INFINITY, /finite/);
    bad('DOUBLE', 'abc', /finite DOUBLE/);
    bad('DOUBLE', 1n, /finite DOUBLE/);
  });

  it('DECIMAL(p,s) checks integer and fraction digits of strings, numbers and bigints', () => {
    const d = 'DECIMAL(5,2)';
    ok(d, '999.99');
    ok(d, '-999.99');
    ok(d, '0.5');
    ok(d, '.5');
    ok(d, '00012.30000'); // leading and trailing zeros do not count
    ok(d, 123.45);
    ok(d, 999n);
    ok(d, '1.2e2');
    bad(d, '1000', /does not fit DECIMAL\(5,2\): 4 integer and 0 fraction digits, at most 3 and 2 allowed/);
    bad(d, '1.234', /3 fraction digits/);
    bad(d, 0.1 + 0.2, /fraction digits/);
    bad(d, 1000n, /4 integer/);
    bad(d, '1e3', /4 integer/);
    bad(d, '12a', /expected a decimal/);
    bad(d, '', /expected a decimal/);
    bad(d, '.', /expected a decimal/);
    ok('DECIMAL(38,0)', '9'.repeat(38));
    bad('DECIMAL(38,0)', '9'.repeat(39), /39 integer/);
    ok('DECIMAL(10,10)', '0.0000000001');
    ok(d, 1e-7 * 0); // 0
    bad(d, 1e-7, /7 fraction digits/);
  });
});

describe('toZodSchema: strings and binary (UTF-8 byte lengths)', () => {
  it('VARCHAR/CHAR count UTF-8 bytes', () => {
    ok('VARCHAR(3)', 'abc');
    bad('VARCHAR(3)', 'abcd', /too long for VARCHAR\(3\): 4 UTF-8 bytes/);
    ok('VARCHAR(3)', 'é'); // 2 bytes
    bad('VARCHAR(3)', 'éé', /4 UTF-8 bytes/);
    ok('VARCHAR(4)', '😀'); // 4 bytes
    bad('VARCHAR(3)', '😀', /4 UTF-8 bytes/);
    ok('CHAR(6)', '中文');
    bad('CHAR(5)', '中文', /too long for CHAR\(5\): 6 UTF-8 bytes/);
    ok('STRING', 'x'.repeat(65_533));
    bad('STRING', 'x'.repeat(65_534), /65534 UTF-8 bytes/);
    bad('VARCHAR(10)', 5, /expected a string of at most 10 UTF-8 bytes, got the number 5/);
    bad('VARCHAR(10)', 'a\uD800b', /lone surrogate/);
  });

  it('never echoes string contents in messages', () => {
    const secret = 'very-secret-value';
    const list = issues('VARCHAR(3)', secret).join('\n') + issues('INT', secret).join('\n');
    expect(list).not.toContain(secret);
  });

  it('VARBINARY takes bytes or strings up to its length', () => {
    ok('VARBINARY(4)', new Uint8Array(4));
    ok('VARBINARY(4)', Buffer.from('abcd'));
    bad('VARBINARY(4)', new Uint8Array(5), /too long for VARBINARY\(4\): 5 bytes/);
    ok('VARBINARY(4)', 'abcd');
    bad('VARBINARY(4)', 'abcde', /5 bytes/);
    ok('VARBINARY', new Uint8Array(10_000));
    bad('VARBINARY(4)', [1, 2], /expected at most 4 bytes/);
  });
});

describe('toZodSchema: DATE and DATETIME', () => {
  it('DATE takes YYYY-MM-DD (a real calendar day) or a Date', () => {
    ok('DATE', '2024-02-29');
    ok('DATE', '0000-01-01');
    ok('DATE', '9999-12-31');
    ok('DATE', new Date('2024-01-01T00:00:00Z'));
    bad('DATE', '2023-02-29', /not a valid date/);
    bad('DATE', '2024-13-01', /not a valid date/);
    bad('DATE', '2024-1-1', /expected a date 'YYYY-MM-DD'/);
    bad('DATE', '2024-01-01 00:00:00', /expected a date/);
    bad('DATE', new Date(Number.NaN), /years 0000–9999/);
    bad('DATE', 20240101, /expected a date/);
  });

  it('DATETIME takes YYYY-MM-DD HH:MM:SS[.ffffff] (space or T) or a Date', () => {
    ok('DATETIME', '2024-01-01 23:59:59');
    ok('DATETIME', '2024-01-01T00:00:00.123456');
    ok('DATETIME', new Date());
    bad('DATETIME', '2024-01-01 24:00:00', /not a valid datetime/);
    bad('DATETIME', '2024-01-01 00:60:00', /not a valid datetime/);
    bad('DATETIME', '2024-01-01 00:00:00.1234567', /expected a datetime/);
    bad('DATETIME', '2024-01-01 00:00:00Z', /expected a datetime/);
    bad('DATETIME', '2024-01-01', /expected a datetime/);
    bad('DATETIME', new Date('+010000-01-01T00:00:00Z'), /years 0000–9999/);
  });
});

describe('toZodSchema: JSON and nested types', () => {
  it('JSON takes JSON values and JSON text', () => {
    ok('JSON', { a: [1, 'x', null, true] });
    ok('JSON', [1, 2]);
    ok('JSON', 3);
    ok('JSON', false);
    ok('JSON', '{"a":1}');
    ok('JSON', '"text"');
    ok('JSON', { d: new Date() }); // toJSON
    bad('JSON', 'not json', /must be JSON text/);
    bad('JSON', { a: 1n }, /expected a JSON value, got the bigint 1/);
    bad('JSON', { a: Number.NaN }, /JSON has no NaN/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    bad('JSON', cyclic, /cycle/);
    expect(issues('JSON', { a: { b: [1, () => 1] } })).toEqual([
      'v.a.b.1: expected a JSON value, got a function',
    ]);
  });

  it('ARRAY checks every element (null allowed) with the index in the path', () => {
    ok('ARRAY<INT>', [1, null, 3]);
    ok('ARRAY<INT>', []);
    expect(issues('ARRAY<TINYINT>', [1, 300, 'x'])).toEqual([
      'v.1: TINYINT out of range: expected an integer in [-128, 127] (number, bigint or integer string), got the number 300',
      'v.2: expected an integer in [-128, 127] (number, bigint or integer string), got a string of 1 bytes',
    ]);
    bad('ARRAY<INT>', { 0: 1 }, /expected an array/);
    expect(issues('ARRAY<ARRAY<VARCHAR(1)>>', [['a'], ['b', 'cc']])).toEqual([
      'v.1.1: too long for VARCHAR(1): 2 UTF-8 bytes',
    ]);
  });

  it('MAP takes a Map or a plain object; keys and values are checked', () => {
    ok('MAP<VARCHAR(3),INT>', { abc: 1, d: null });
    ok('MAP<INT,VARCHAR(3)>', new Map([[1, 'x']]));
    ok('MAP<INT,VARCHAR(3)>', { 1: 'x' }); // object keys are integer text
    expect(issues('MAP<VARCHAR(2),INT>', { abc: 1, ok: 'x' })).toEqual([
      'v.abc: map key: too long for VARCHAR(2): 3 UTF-8 bytes',
      'v.ok: expected an integer in [-2147483648, 2147483647] (number, bigint or integer string), got a string of 1 bytes',
    ]);
    bad('MAP<INT,INT>', new Map([[null, 1]]), /MAP key cannot be null/);
    bad('MAP<INT,INT>', [1, 2], /expected a Map or plain object/);
  });

  it('STRUCT takes a plain object with known fields (missing fields are null)', () => {
    const s = 'STRUCT<a INT, `b c` VARCHAR(2)>';
    ok(s, { a: 1, 'b c': 'xy' });
    ok(s, { a: 1 });
    ok(s, {});
    expect(issues(s, { a: 'x', 'b c': 'xyz', z: 1 })).toEqual([
      'v.a: expected an integer in [-2147483648, 2147483647] (number, bigint or integer string), got a string of 1 bytes',
      'v.b c: too long for VARCHAR(2): 3 UTF-8 bytes',
      'v.z: no field "z" in STRUCT',
    ]);
    bad(s, new Map(), /expected a plain object/);
    bad(s, [1], /expected a plain object/);
  });

  it('BITMAP/HLL/PERCENTILE values are not checked', () => {
    ok({ kind: 'BITMAP' }, 'anything');
    ok({ kind: 'HLL' }, 1);
  });
});

describe('toZodSchema: rows', () => {
  const table = {
    columns: [
      col('id', t.bigint(), { nullable: false, isKey: true }),
      col('name', 'VARCHAR(5)', { nullable: false }),
      col('status', 'TINYINT', { nullable: false, default: { kind: 'literal', value: '0' } }),
      col('note', 'STRING'),
    ],
  };

  it('requires NOT NULL columns without a default, refuses null for NOT NULL, allows missing nullable ones', () => {
    const s = toZodSchema(table);
    expect(s.safeParse({ id: 1n, name: 'ann' }).success).toBe(true);
    expect(s.safeParse({ id: 1n, name: 'ann', status: 1, note: null }).success).toBe(true);
    const r = s.safeParse({ id: null, status: null });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['id', 'id is NOT NULL'],
      ['name', 'required: name is NOT NULL and has no default'],
      ['status', 'status is NOT NULL'],
    ]);
  });

  it('is strict: unknown keys are refused', () => {
    const r = toZodSchema(table).safeParse({ id: 1, name: 'a', extra: 1 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/Unrecognized key: "extra"/);
  });

  it('partial: only key columns are required', () => {
    const s = toZodSchema(table, { partial: true });
    expect(s.safeParse({ id: 1 }).success).toBe(true);
    expect(s.safeParse({ name: 'x' }).success).toBe(false);
    expect(s.safeParse({ id: 1, name: null }).success).toBe(false);
  });

  it("withOp: requires __op ('upsert', 'delete', 0, 1)", () => {
    const s = toZodSchema(table, { withOp: true });
    expect(s.safeParse({ id: 1, name: 'a', __op: 'delete' }).success).toBe(true);
    expect(s.safeParse({ id: 1, name: 'a', __op: 0 }).success).toBe(true);
    const r = s.safeParse({ id: 1, name: 'a', __op: 'merge' });
    expect(r.error!.issues[0]!.path).toEqual(['__op']);
    expect(s.safeParse({ id: 1, name: 'a' }).success).toBe(false);
    expect(toZodSchema(table).safeParse({ id: 1, name: 'a', __op: 0 }).success).toBe(false);
  });

  it('handles column names that are JS object keys with special meaning', () => {
    const s = toZodSchema({
      columns: [col('__proto__', 'INT', { nullable: false }), col('constructor', 'VARCHAR(1)')],
    });
    expect(s.safeParse(JSON.parse('{"__proto__": 1, "constructor": "x"}')).success).toBe(true);
    expect(s.safeParse(JSON.parse('{"__proto__": "no"}')).success).toBe(false);
  });

  it('returns the row unchanged', () => {
    const row = { id: 2n ** 62n, name: 'é', status: '1', note: 'n' };
    expect(toZodSchema(table).parse(row)).toEqual(row);
  });
});

describe('jsValueMapping', () => {
  it('describes every kind', () => {
    expect(jsValueMapping(t.boolean()).forms).toEqual(['boolean', 'number']);
    expect(jsValueMapping(t.largeint()).forms[0]).toBe('bigint');
    expect(jsValueMapping(t.decimal(10, 2)).forms[0]).toBe('string');
    expect(jsValueMapping(t.datetime()).forms).toEqual(['string', 'Date']);
    expect(jsValueMapping(t.varbinary(3)).forms).toEqual(['Uint8Array', 'string']);
    expect(jsValueMapping({ kind: 'HLL' }).forms).toEqual(['unknown']);
    expect(jsValueMapping(t.map(t.int(), t.int())).description).toContain('MAP<INT,INT>');
  });
});
