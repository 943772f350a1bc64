/**
 * Every column type, written from JS values through the stream-load-sdk's JSON serializer and read
 * back through `rows()`, `batches()` and the lookup: each must give back exactly the values written
 * (in the read mapping of the README).
 */
import { type Emulator, startEmulator } from '@srconnect/emulator';
import {
  createCsvSerializer,
  createJsonSerializer,
  createStreamLoadClient,
} from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRows, createLookup, createSource, type Source, type SourceRow } from '../../src/index.js';

const TYPES: Record<string, string> = {
  k: 'INT',
  b: 'BOOLEAN',
  ti: 'TINYINT',
  si: 'SMALLINT',
  i: 'INT',
  bi: 'BIGINT',
  li: 'LARGEINT',
  f: 'FLOAT',
  d: 'DOUBLE',
  dec38: 'DECIMAL(38, 10)',
  dec18: 'DECIMAL(18, 4)',
  dec9: 'DECIMAL(9, 2)',
  dec0: 'DECIMAL(20, 0)',
  ch: 'CHAR(10)',
  vc: 'VARCHAR(100)',
  st: 'STRING',
  vb: 'VARBINARY',
  dt: 'DATE',
  dtm: 'DATETIME',
  j: 'JSON',
  ai: 'ARRAY<INT>',
  av: 'ARRAY<VARCHAR(20)>',
  ad: 'ARRAY<DECIMAL(10, 2)>',
  adt: 'ARRAY<DATETIME>',
  aai: 'ARRAY<ARRAY<BIGINT>>',
  m: 'MAP<INT, VARCHAR(20)>',
  s: 'STRUCT<a INT, b VARCHAR(20)>',
  ms: 'MAP<VARCHAR(10), STRUCT<x DOUBLE, y ARRAY<INT>>>',
};
const COLUMNS = Object.keys(TYPES);
const MAX_LARGEINT = '170141183460469231731687303715884105727';

/** Rows as `rows()` must return them; written as they are. */
const ROWS: SourceRow[] = [
  {
    k: 1,
    b: true,
    ti: 127,
    si: 32767,
    i: 2147483647,
    bi: 9223372036854775807n,
    li: MAX_LARGEINT,
    f: 1.1,
    d: 1.7976931348623157e308,
    dec38: '9999999999999999999999999999.9999999999',
    dec18: '99999999999999.9999',
    dec9: '9999999.99',
    dec0: '99999999999999999999',
    ch: 'abc',
    vc: 'héllo wörld ✓ "quoted" \\ back',
    st: '日本語テキスト 🎉\ttab\nnewline',
    vb: Buffer.from('bytes'),
    dt: '2024-02-29',
    dtm: '2024-02-29 23:59:59.123456',
    j: '{"a": [1, 2.5, "x"], "b": null}', // StarRocks' own JSON text form
    ai: [1, null, 3],
    av: ['x', null, 'ü, "q" ]'],
    ad: ['1.50', null, '-2.00'],
    adt: ['2020-01-02 03:04:05', '2020-01-02 03:04:05.000001'],
    aai: [[1n, 9223372036854775807n], [], null],
    m: new Map<number, string | null>([
      [1, 'one'],
      [2, null],
    ]),
    s: { a: 1, b: 'z' },
    ms: new Map([['k', { x: 0.5, y: [1, 2] }]]),
  },
  {
    k: 2,
    b: false,
    ti: -128,
    si: -32768,
    i: -2147483648,
    bi: -9223372036854775808n,
    li: `-${MAX_LARGEINT}`,
    f: -0.25,
    d: -2.5e-300,
    dec38: '-0.0000000001',
    dec18: '-12.3000',
    dec9: '-0.50',
    dec0: '-1',
    ch: '',
    vc: '',
    st: '',
    vb: Buffer.alloc(0),
    dt: '0001-01-01',
    dtm: '2000-01-01 00:00:00',
    j: '"str"',
    ai: [],
    av: [],
    ad: [],
    adt: [],
    aai: [],
    m: new Map(),
    s: { a: null, b: null },
    ms: new Map(),
  },
  Object.fromEntries(COLUMNS.map((c) => [c, c === 'k' ? 3 : null])),
  { ...Object.fromEntries(COLUMNS.map((c) => [c, null])), k: 4, j: 'null' },
];

let emu: Emulator;
let source: Source;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  const sql = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
  await sql.query('CREATE DATABASE tm');
  const defs = COLUMNS.map((c) => `\`${c}\` ${TYPES[c]}${c === 'k' ? ' NOT NULL' : ''}`).join(', ');
  await sql.query(`CREATE TABLE tm.m (${defs}) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3`);
  await sql.end();
  const serializer = createJsonSerializer({ columns: COLUMNS, columnTypes: TYPES });
  const client = createStreamLoadClient({ feUrls: emu.feHttpUrl, user: 'root' });
  const r = await client.load({
    database: 'tm',
    table: 'm',
    // Stream Load is text: VARBINARY is written as the text of its bytes
    body: ROWS.slice(0, 3)
      .map((row) =>
        serializer.serializeToString({
          ...row,
          vb: Buffer.isBuffer(row.vb) ? row.vb.toString('utf8') : row.vb,
        }),
      )
      .join('\n'),
    properties: serializer.properties,
  });
  expect(r.numberLoadedRows).toBe(ROWS.length - 1);
  // a JSON null (not SQL NULL): JSON-format loads read `"j": null` as SQL NULL, CSV reads the text `null` as JSON
  const csv = createCsvSerializer({ columns: COLUMNS, columnTypes: TYPES });
  const r4 = await client.load({
    database: 'tm',
    table: 'm',
    body: csv.serializeToString(ROWS[3] as SourceRow),
    properties: csv.properties,
  });
  expect(r4.numberLoadedRows).toBe(1);
  await client.close();
  source = createSource({ feUrls: emu.feHttpUrl, user: 'root', database: 'tm', table: 'm', batchRows: 2 });
});
afterAll(async () => {
  await source?.close();
  await emu?.close();
});

const byKey = (rows: SourceRow[]) => [...rows].sort((a, b) => (a.k as number) - (b.k as number));

describe('type matrix: SDK write → read', () => {
  it('rows() returns every value as written', async () => {
    const rows: SourceRow[] = [];
    for await (const r of source.rows()) rows.push(r);
    expect(byKey(rows)).toEqual(ROWS);
  });

  it('batches() carries the same values (decoded from the Arrow batches)', async () => {
    const rows: SourceRow[] = [];
    for await (const b of source.batches()) {
      expect(b.batch.numRows).toBeLessThanOrEqual(2);
      rows.push(
        ...batchRows(
          b.batch,
          b.columns.map((c) => c.name),
        ),
      );
    }
    expect(byKey(rows)).toEqual(ROWS);
  });

  it('the lookup returns the same values', async () => {
    const lookup = createLookup({
      connection: { host: emu.host, port: emu.queryPort, user: 'root' },
      database: 'tm',
      table: 'm',
      keyColumns: ['k'],
    });
    expect(await lookup.getMany([1, 2, 3, 4])).toEqual(ROWS);
    await lookup.close();
  });
});
