import { NotFoundError } from '@srconnect/catalog';
import { type Emulator, startEmulator } from '@srconnect/emulator';
import { createStreamLoadClient, InvalidOptionError, type StarRocksError } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLookup, type LookupOptions } from '../../src/index.js';

let emu: Emulator;

const LARGE = '170141183460469231731687303715884105727'; // 2^127 - 1

const ALL_TYPES = `CREATE TABLE lk.all_types (
  id BIGINT NOT NULL,
  b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, li LARGEINT,
  f FLOAT, d DOUBLE, dec38 DECIMAL(38, 10), dec9 DECIMAL(9, 2),
  c CHAR(8), vc VARCHAR(64), s STRING, vb VARBINARY,
  dt DATE, ts DATETIME, ts0 DATETIME,
  j JSON, jn JSON,
  a_int ARRAY<INT>, a_vc ARRAY<VARCHAR(20)>, a_dec ARRAY<DECIMAL(10, 2)>,
  m MAP<INT, VARCHAR(10)>, st STRUCT<a INT, b VARCHAR(10)>, aa ARRAY<ARRAY<INT>>
) PRIMARY KEY(id)`;

/** Loaded as JSON (BIGINT/LARGEINT/DECIMAL as strings to keep them exact). */
const ROWS = [
  {
    id: '9223372036854775807',
    b: true,
    ti: 127,
    si: 32767,
    i: 2147483647,
    bi: '9223372036854775807',
    li: LARGE,
    f: 1.1,
    d: 1.7976931348623157e308,
    dec38: '1234567890123456789012345678.0123456789',
    dec9: '12.5',
    c: 'ab',
    vc: 'héllo 日本 😀 "q" \\ , ] }',
    s: 'x'.repeat(300),
    vb: 'bin',
    dt: '2024-02-29',
    ts: '2024-02-29 23:59:59.123456',
    ts0: '2024-03-01 00:00:00',
    j: { a: 1, b: [true, null, 2.5], c: 'x' },
    jn: 'text',
    a_int: [1, null, -2147483648],
    a_vc: ['a,b', 'q"u', 'back\\slash', 'br]ack', null, 'é日本', ''],
    a_dec: ['12.5', '-0.01', null],
    m: { 1: 'x', 2: null },
    st: { a: 1, b: 'y"z' },
    aa: [[1, 2], [], null, [3]],
  },
  {
    id: '-9223372036854775808',
    b: false,
    ti: -128,
    si: -32768,
    i: -2147483648,
    bi: '-9223372036854775808',
    li: `-${LARGE}`,
    f: -0.5,
    d: -0.1,
    dec38: '-0.0000000001',
    dec9: '-1234567.89',
    c: '',
    vc: '',
    s: '',
    vb: '',
    dt: '0001-01-01',
    ts: '1970-01-01 00:00:00.000001',
    ts0: '9999-12-31 23:59:59',
    j: [],
    jn: false,
    a_int: [],
    a_vc: [],
    a_dec: [],
    m: {},
    st: { a: null, b: null },
    aa: [],
  },
  { id: 7 },
];

/** The same rows as the lookup (and a scan) must return them. */
const EXPECTED = {
  max: {
    id: 9223372036854775807n,
    b: true,
    ti: 127,
    si: 32767,
    i: 2147483647,
    bi: 9223372036854775807n,
    li: LARGE,
    f: 1.1,
    d: 1.7976931348623157e308,
    dec38: '1234567890123456789012345678.0123456789',
    dec9: '12.50',
    c: 'ab',
    vc: 'héllo 日本 😀 "q" \\ , ] }',
    s: 'x'.repeat(300),
    vb: Buffer.from('bin'),
    dt: '2024-02-29',
    ts: '2024-02-29 23:59:59.123456',
    ts0: '2024-03-01 00:00:00',
    j: '{"a": 1, "b": [true, null, 2.5], "c": "x"}',
    jn: '"text"',
    a_int: [1, null, -2147483648],
    a_vc: ['a,b', 'q"u', 'back\\slash', 'br]ack', null, 'é日本', ''],
    a_dec: ['12.50', '-0.01', null],
    m: new Map([
      [1, 'x'],
      [2, null],
    ]),
    st: { a: 1, b: 'y"z' },
    aa: [[1, 2], [], null, [3]],
  },
  min: {
    id: -9223372036854775808n,
    b: false,
    ti: -128,
    si: -32768,
    i: -2147483648,
    bi: -9223372036854775808n,
    li: `-${LARGE}`,
    f: -0.5,
    d: -0.1,
    dec38: '-0.0000000001',
    dec9: '-1234567.89',
    c: '',
    vc: '',
    s: '',
    vb: Buffer.alloc(0),
    dt: '0001-01-01',
    ts: '1970-01-01 00:00:00.000001',
    ts0: '9999-12-31 23:59:59',
    j: '[]',
    jn: 'false',
    a_int: [],
    a_vc: [],
    a_dec: [],
    m: new Map(),
    st: { a: null, b: null },
    aa: [],
  },
};
const NULLS = {
  ...Object.fromEntries(Object.keys(EXPECTED.max).map((k) => [k, null])),
  id: 7n,
};
/** Row 1 has a JSON null (the text 'null', not SQL NULL); loaded as CSV. */
const JSON_NULL = { ...NULLS, id: 1n, jn: 'null' };

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  const sql = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
  try {
    await sql.query('CREATE DATABASE lk');
    await sql.query(ALL_TYPES);
    await sql.query(
      'CREATE TABLE lk.flags (k BOOLEAN NOT NULL, at DATETIME NOT NULL, v VARCHAR(8)) PRIMARY KEY(k, at)',
    );
    await sql.query('CREATE TABLE lk.prices (p DECIMAL(10, 2), v INT) DUPLICATE KEY(p)');
    await sql.query('CREATE TABLE lk.days (d DATE NOT NULL, tiny DECIMAL(12, 9), v INT) PRIMARY KEY(d)');
  } finally {
    await sql.end();
  }
  await load('all_types', ROWS);
  await load('all_types', '1|null', { format: 'csv', column_separator: '|', columns: 'id,jn' });
  await load('flags', [
    { k: true, at: '2024-01-01 10:00:00', v: 'on' },
    { k: false, at: '2024-01-01 10:00:00.5', v: 'off' },
  ]);
  await load('prices', [{ p: '12.5', v: 1 }]);
  await load('days', [{ d: '2024-01-05', tiny: '0.0000001', v: 1 }]);
});
afterAll(async () => {
  await emu.close();
});

async function load(
  table: string,
  rows: unknown[] | string,
  properties: Record<string, string> = { format: 'json', strip_outer_array: 'true' },
) {
  const client = createStreamLoadClient({ feUrls: emu.feHttpUrl, user: 'root' });
  try {
    await client.load({
      database: 'lk',
      table,
      body: typeof rows === 'string' ? rows : JSON.stringify(rows),
      properties,
    });
  } finally {
    await client.close();
  }
}

const lookup = (o: Omit<LookupOptions, 'connection' | 'database'>) =>
  createLookup({ connection: { host: emu.host, port: emu.queryPort, user: 'root' }, database: 'lk', ...o });

describe('lookup values', () => {
  it('returns every column type as the canonical JS value', async () => {
    await using lk = lookup({ table: 'all_types', keyColumns: ['id'] });
    const [max, min, nulls, jsonNull, none] = await lk.getMany([
      9223372036854775807n,
      '-9223372036854775808',
      7,
      1,
      8,
    ]);
    expect(max).toEqual(EXPECTED.max);
    expect(min).toEqual(EXPECTED.min);
    expect(nulls).toEqual(NULLS);
    expect(jsonNull).toEqual(JSON_NULL);
    expect(none).toBeNull();
    // exact JS types, not just equal-looking values
    expect(max?.m).toBeInstanceOf(Map);
    expect(Buffer.isBuffer(max?.vb)).toBe(true);
    expect(Object.keys(max?.st as object)).toEqual(['a', 'b']);
    expect(Object.keys(max ?? {})).toEqual(Object.keys(EXPECTED.max));
  });

  it('returns only the selected columns, mapped the same way', async () => {
    await using lk = lookup({ table: 'all_types', keyColumns: ['id'], columns: ['a_dec', 'li', 'jn'] });
    expect(await lk.get(9223372036854775807n)).toEqual({
      a_dec: ['12.50', '-0.01', null],
      li: LARGE,
      jn: '"text"',
    });
    expect(await lk.get(1)).toEqual({ a_dec: null, li: null, jn: 'null' });
    expect(await lk.get(7)).toEqual({ a_dec: null, li: null, jn: null });
  });

  it('finds and caches a key given as bigint, number or string', async () => {
    await using lk = lookup({ table: 'all_types', keyColumns: ['id'], columns: ['i'] });
    expect(await lk.get(7n)).toEqual({ i: null });
    expect(await lk.get(7)).toEqual({ i: null });
    expect(await lk.get('7')).toEqual({ i: null });
    expect(await lk.get('-9223372036854775808')).toEqual({ i: -2147483648 });
    expect(await lk.get(-9223372036854775808n)).toEqual({ i: -2147483648 });
    expect(lk.stats()).toMatchObject({ queries: 2, hits: 3, size: 2 });
    lk.invalidate([7n]);
    expect(lk.stats().size).toBe(1);
  });

  it('matches BOOLEAN, DATETIME and DECIMAL keys however they are written', async () => {
    await using flags = lookup({ table: 'flags', keyColumns: ['k', 'at'], columns: ['v'] });
    expect(
      await flags.getMany([
        [true, '2024-01-01 10:00:00'],
        [false, '2024-01-01 10:00:00.500000'],
        [1, '2024-01-01 10:00:00'],
        [true, '2024-01-01 10:00:01'],
      ]),
    ).toEqual([{ v: 'on' }, { v: 'off' }, { v: 'on' }, null]);
    expect(flags.stats().queries).toBe(1);
    await using prices = lookup({ table: 'prices', keyColumns: ['p'], columns: ['v'] });
    expect(await prices.getMany(['12.5', '12.50', 12.5])).toEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);
    expect(prices.stats()).toMatchObject({ queries: 1, size: 1 });
  });
});

describe('lookup keys in other spellings', () => {
  it('finds DATE keys written without zero padding, and DECIMAL keys given as exponent numbers', async () => {
    await using days = lookup({ table: 'days', keyColumns: ['d'], columns: ['v'] });
    expect(await days.getMany(['2024-1-5', '2024-01-05'])).toEqual([{ v: 1 }, { v: 1 }]);
    expect(days.stats()).toMatchObject({ queries: 1, size: 1 });
    await using tiny = lookup({ table: 'days', keyColumns: ['tiny'], columns: ['v'] });
    expect(await tiny.get(1e-7)).toEqual({ v: 1 });
  });

  it('an invalidate() during a query wins over what the query read', async () => {
    await using lk = lookup({ table: 'days', keyColumns: ['d'], columns: ['v'] });
    const pending = lk.get('2024-01-05');
    lk.invalidate();
    expect(await pending).toEqual({ v: 1 });
    expect(lk.stats().size).toBe(0);
  });
});

describe('lookup errors', () => {
  it('wrong credentials are SR_AUTH (not retriable) and the password appears nowhere', async () => {
    await using lk = createLookup({
      connection: { host: emu.host, port: emu.queryPort, user: 'root', password: 'hunter2-secret' },
      database: 'lk',
      table: 'days',
      keyColumns: ['d'],
    });
    const err = (await lk.get('2024-01-05').catch((e: unknown) => e)) as StarRocksError;
    expect(err.code).toBe('SR_AUTH');
    expect(err.retriable).toBe(false);
    expect(`${err.message} ${err.stack}`).not.toContain('hunter2');
  });
});

describe('lookup schema errors', () => {
  it('names an unknown column and the table', async () => {
    await using bad = lookup({ table: 'all_types', keyColumns: ['id'], columns: ['i', 'nope'] });
    const err = await bad.get(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as Error).message).toMatch(
      /^columns: table lk\.all_types has no column "nope" \(columns: id, b, /,
    );
    await using badKey = lookup({ table: 'all_types', keyColumns: ['ID', 'missing'] });
    await expect(badKey.get([1, 2])).rejects.toThrow(
      /keyColumns: table lk\.all_types has no column "missing"/,
    );
  });

  it('reports a missing table as not found, and retries the schema read on the next call', async () => {
    await using lk = lookup({ table: 'later', keyColumns: ['id'] });
    const err = await lk.get(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('Table lk.later does not exist');
    const sql = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
    await sql.query('CREATE TABLE lk.later (id INT NOT NULL, v BIGINT) PRIMARY KEY(id)');
    await sql.end();
    await load('later', [{ id: 1, v: 5 }]);
    expect(await lk.get(1)).toEqual({ id: 1, v: 5n });
  });

  it('answers concurrent first calls (they share the one schema read)', async () => {
    await using lk = lookup({ table: 'all_types', keyColumns: ['id'], columns: ['b'], batchSize: 1 });
    const rows = await Promise.all([lk.get(7), lk.get(-9223372036854775808n), lk.get(9223372036854775807n)]);
    expect(rows).toEqual([{ b: null }, { b: false }, { b: true }]);
    expect(lk.stats().queries).toBe(3);
  });
});
