/**
 * Spec §6.2 Arrow type mapping: every column type loaded through a raw JSON Stream Load and read
 * back through `_query_plan` + the Thrift scanner, decoded with apache-arrow's `tableFromIPC`.
 */
import { DataType, type Struct, type Table, type Vector } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../src/index.js';
import { type Conn, createDb, openMysql, streamLoad } from '../helpers.js';
import { planFor, scan } from './scan-helpers.js';
import { ScannerClient } from './thrift-client.js';

let emu: Emulator;
let conn: Conn;
let db: string;
let client: ScannerClient;

const COLUMNS = `
  k INT NOT NULL,
  b BOOLEAN,
  ti TINYINT,
  si SMALLINT,
  i INT,
  bi BIGINT,
  li LARGEINT,
  f FLOAT,
  d DOUBLE,
  dec38 DECIMAL(38, 10),
  dec10 DECIMAL(10, 2),
  dec5 DECIMAL(5, 1),
  ch CHAR(10),
  vc VARCHAR(100),
  st STRING,
  dt DATE,
  dtm DATETIME,
  j JSON,
  ai ARRAY<INT>,
  av ARRAY<VARCHAR(20)>,
  m MAP<VARCHAR(20), INT>,
  s STRUCT<a INT, b VARCHAR(20)>,
  vb VARBINARY,
  ad ARRAY<DECIMAL(10, 2)>,
  adt ARRAY<DATETIME>,
  aai ARRAY<ARRAY<BIGINT>>,
  ms MAP<INT, STRUCT<x LARGEINT, y DATE>>,
  aj ARRAY<JSON>`;

const MAX_LARGEINT = '170141183460469231731687303715884105727';

// raw JSON text: big integers stay exact on the way in
const BODY = `[
{"k": 1, "b": true, "ti": 127, "si": 32767, "i": 2147483647, "bi": 9223372036854775807,
 "li": ${MAX_LARGEINT}, "f": 3.5, "d": 1.7976931348623157e308,
 "dec38": "9999999999999999999999999999.9999999999", "dec10": "99999999.99", "dec5": 9999.9,
 "ch": "abc", "vc": "héllo wörld ✓", "st": "日本語テキスト 🎉", "dt": "2024-02-29",
 "dtm": "2024-02-29 23:59:59.123456", "j": {"a": [1, 2.5, "x"], "b": null, "big": 12345678901234567890},
 "ai": [1, null, 3], "av": ["x", null, "ü"], "m": {"k1": 1, "k2": null}, "s": {"a": 1, "b": "z"},
 "vb": "bytes", "ad": ["1.50", null, "-2"], "adt": ["2020-01-02 03:04:05", "2020-01-02 03:04:05.000001"],
 "aai": [[1, 9223372036854775807], [], null], "ms": {"7": {"x": "-${MAX_LARGEINT}", "y": "1999-12-31"}},
 "aj": [{"z": 1}, [1, 2], 3, null]},
{"k": 2, "b": false, "ti": -128, "si": -32768, "i": -2147483648, "bi": -9223372036854775808,
 "li": -${MAX_LARGEINT}, "f": -0.25, "d": -2.5e-300,
 "dec38": "-0.0000000001", "dec10": "-12.3", "dec5": "-0.5",
 "ch": "", "vc": "", "st": "", "dt": "0001-01-01", "dtm": "2000-01-01 00:00:00", "j": "str",
 "ai": [], "av": [], "m": {}, "s": {"a": null, "b": null}, "vb": "",
 "ad": [], "adt": [], "aai": [], "ms": {}, "aj": []},
{"k": 3}
]`;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'types');
  await conn.query(`CREATE TABLE ${db}.m (${COLUMNS}) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2`);
  const r = await streamLoad(emu, db, 'm', { format: 'json', strip_outer_array: 'true' }, BODY);
  expect(r.json.Status, r.body).toBe('Success');
  expect(r.json.NumberLoadedRows).toBe(3);
  // a JSON `null` value (CSV text `null` parses as JSON; in a JSON body "null" would be a JSON string)
  const csv = await streamLoad(emu, db, 'm', { column_separator: '|', columns: 'k, j' }, '4|null');
  expect(csv.json.Status, csv.body).toBe('Success');
  client = await ScannerClient.connect(emu.beScannerPort);
});

afterAll(async () => {
  client?.end();
  await conn?.end();
  await emu?.close();
});

/** A decimal128 value (four little-endian 32-bit words) as canonical text. */
function decimalText(words: Uint32Array, scale: number): string {
  let n = 0n;
  for (let w = 3; w >= 0; w--) n = (n << 32n) | BigInt(words[w]!);
  if (n >= 1n << 127n) n -= 1n << 128n;
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  if (scale > 0) digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${digits}` : digits;
}

/** Arrow values as plain JS: lists → arrays, maps → [key, value] pairs, structs → objects, decimals → text. */
function plain(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (DataType.isDecimal(type)) return decimalText(v as Uint32Array, type.scale);
  if (DataType.isBinary(type)) return Buffer.from(v as Uint8Array).toString('utf8');
  if (DataType.isList(type)) return [...(v as Vector)].map((x) => plain(x, type.children[0]!.type));
  if (DataType.isMap(type)) {
    const [kf, vf] = (type.children[0]!.type as Struct).children;
    return [...(v as Iterable<[unknown, unknown]>)].map(([k, x]) => [plain(k, kf!.type), plain(x, vf!.type)]);
  }
  if (DataType.isStruct(type)) {
    const obj = (v as { toJSON(): Record<string, unknown> }).toJSON();
    return Object.fromEntries(type.children.map((f) => [f.name, plain(obj[f.name], f.type)]));
  }
  return v;
}

let table: Table;
let rows: Map<number, Record<string, unknown>>;

describe('type matrix', () => {
  beforeAll(async () => {
    const p = await planFor(emu, db, 'm', `select * from \`${db}\`.\`m\``);
    const r = await scan(client, db, 'm', p.plan, p.tablets, 2);
    // four rows over two tablets and batches of at most 2
    expect(r.rows).toHaveLength(4);
    table = r.batches[0]!;
    rows = new Map();
    for (const batch of r.batches) {
      for (let i = 0; i < batch.numRows; i++) {
        const row: Record<string, unknown> = {};
        for (const f of batch.schema.fields) {
          const col = batch.getChild(f.name)!;
          row[f.name] = plain(col.get(i), f.type);
        }
        rows.set(row.k as number, row);
      }
    }
    expect([...rows.keys()].sort()).toEqual([1, 2, 3, 4]);
  });

  it('selected_columns carry the TPrimitiveType of each column (Types.thrift numbering)', async () => {
    const p = await planFor(emu, db, 'm', `select * from \`${db}\`.\`m\``);
    const o = await client.open({
      database: db,
      table: 'm',
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 1,
    });
    await client.closeScanner(o.contextId!);
    expect(Object.fromEntries(o.selectedColumns!.map((c) => [c.name, c.type]))).toEqual({
      k: 5,
      b: 2,
      ti: 3,
      si: 4,
      i: 5,
      bi: 6,
      li: 14,
      f: 7,
      d: 8,
      dec38: 23,
      dec10: 22,
      dec5: 21,
      ch: 13,
      vc: 15,
      st: 15,
      dt: 9,
      dtm: 10,
      j: 24,
      ai: 0,
      av: 0,
      m: 0,
      s: 0,
      vb: 26,
      ad: 0,
      adt: 0,
      aai: 0,
      ms: 0,
      aj: 0,
    });
  });

  it('maps every StarRocks type to the Arrow type of spec §6.2', () => {
    const types = Object.fromEntries(
      table.schema.fields.map((f) => [f.name, `${String(f.type)}${f.nullable ? '' : ' not null'}`]),
    );
    expect(types).toEqual({
      k: 'Int32 not null',
      b: 'Bool',
      ti: 'Int8',
      si: 'Int16',
      i: 'Int32',
      bi: 'Int64',
      li: 'Utf8',
      f: 'Float32',
      d: 'Float64',
      dec38: 'Decimal[38e+10]',
      dec10: 'Decimal[10e+2]',
      dec5: 'Decimal[5e+1]',
      ch: 'Utf8',
      vc: 'Utf8',
      st: 'Utf8',
      dt: 'Utf8',
      dtm: 'Utf8',
      j: 'Utf8',
      ai: 'List<Int32>',
      av: 'List<Utf8>',
      m: 'Map<{key:Utf8, value:Int32}>',
      s: 'Struct<{a:Int32, b:Utf8}>',
      vb: 'Binary',
      ad: 'List<Decimal[10e+2]>',
      adt: 'List<Utf8>',
      aai: 'List<List<Int64>>',
      ms: 'Map<{key:Int32, value:Struct<{x:Utf8, y:Utf8}>}>',
      aj: 'List<Utf8>',
    });
    const list = table.schema.fields.find((f) => f.name === 'ai')!.type as { children: { name: string }[] };
    expect(list.children[0]!.name).toBe('item');
    const map = table.schema.fields.find((f) => f.name === 'm')!.type as {
      children: {
        name: string;
        nullable: boolean;
        type: { children: { name: string; nullable: boolean }[] };
      }[];
    };
    expect(map.children[0]!.name).toBe('entries');
    expect(map.children[0]!.type.children.map((c) => [c.name, c.nullable])).toEqual([
      ['key', false],
      ['value', true],
    ]);
  });

  it('row 1: maximum values, unicode, microseconds, nested values', () => {
    expect(rows.get(1)).toEqual({
      k: 1,
      b: true,
      ti: 127,
      si: 32767,
      i: 2147483647,
      bi: 9223372036854775807n,
      li: MAX_LARGEINT,
      f: 3.5,
      d: 1.7976931348623157e308,
      dec38: '9999999999999999999999999999.9999999999',
      dec10: '99999999.99',
      dec5: '9999.9',
      ch: 'abc',
      vc: 'héllo wörld ✓',
      st: '日本語テキスト 🎉',
      dt: '2024-02-29',
      dtm: '2024-02-29 23:59:59.123456',
      j: '{"a": [1, 2.5, "x"], "b": null, "big": 12345678901234567890}',
      ai: [1, null, 3],
      av: ['x', null, 'ü'],
      m: [
        ['k1', 1],
        ['k2', null],
      ],
      s: { a: 1, b: 'z' },
      vb: 'bytes',
      ad: ['1.50', null, '-2.00'],
      adt: ['2020-01-02 03:04:05', '2020-01-02 03:04:05.000001'],
      aai: [[1n, 9223372036854775807n], [], null],
      ms: [[7, { x: `-${MAX_LARGEINT}`, y: '1999-12-31' }]],
      aj: ['{"z": 1}', '[1, 2]', '3', null],
    });
  });

  it('row 2: minimum values, empty strings and collections, a DATETIME without microseconds', () => {
    expect(rows.get(2)).toEqual({
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
      dec10: '-12.30',
      dec5: '-0.5',
      ch: '',
      vc: '',
      st: '',
      dt: '0001-01-01',
      dtm: '2000-01-01 00:00:00',
      j: '"str"',
      ai: [],
      av: [],
      m: [],
      s: { a: null, b: null },
      vb: '',
      ad: [],
      adt: [],
      aai: [],
      ms: [],
      aj: [],
    });
  });

  it('row 3: NULL in every nullable column', () => {
    const r = rows.get(3)!;
    expect(r.k).toBe(3);
    for (const [name, v] of Object.entries(r)) if (name !== 'k') expect(v, name).toBeNull();
  });

  it('a JSON null is the JSON text `null`, not SQL NULL', () => {
    expect(rows.get(4)!.j).toBe('null');
    expect(rows.get(3)!.j).toBeNull();
  });

  it('a pruned scan of nested and decimal columns with a WHERE on them', async () => {
    const p = await planFor(emu, db, 'm', `select s, dec10, k from \`${db}\`.\`m\` where dec10 < 0 or k = 3`);
    const r = await scan(client, db, 'm', p.plan, p.tablets);
    expect(r.selected).toEqual([
      { name: 's', type: 0 },
      { name: 'dec10', type: 22 },
      { name: 'k', type: 5 },
    ]);
    const sType = r.batches[0]!.schema.fields[0]!.type;
    const got = r.rows.map((x) => [x.k, plain(x.s, sType)]).sort();
    expect(got).toEqual([
      [2, { a: null, b: null }],
      [3, null],
    ]);
  });
});
