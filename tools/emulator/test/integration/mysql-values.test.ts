/**
 * How values are written into MySQL result rows (BE `MysqlRowBuffer`, the columns'
 * `put_mysql_row_buffer`), read back as the raw text/bytes the server sent:
 * - inside ARRAY/MAP/STRUCT a string (also a DATE/DATETIME and a struct field name) is between double
 *   quotes with only `"` and `\` escaped by a backslash (`push_string`); newline, tab and non-ASCII
 *   characters are sent as they are;
 * - inside them a JSON value is between single quotes (`JsonColumn` pushes it with `'`), so a JSON
 *   `null` is `'null'` and an SQL NULL element a bare `null`;
 * - a top-level VARBINARY is its raw bytes (`push_binary` encodes only nested values by default);
 * - a VARBINARY loaded from text holds the UTF-8 bytes of that text.
 * The binary protocol (prepared statements) uses the same text for strings and nested values.
 */
import type { Vector } from 'apache-arrow';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import { type Conn, createDb, ONE_BUCKET, openMysql, qText, streamLoad } from './helpers.js';
import { planFor, scan } from './scanner/scan-helpers.js';
import { ScannerClient } from './scanner/thrift-client.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'vals');
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

interface Field {
  string(): string | null;
  buffer(): Buffer | null;
}

/** A text-protocol query whose values are the raw bytes the server sent (NULL → null). */
async function qBytes(sql: string): Promise<(Buffer | null)[][]> {
  const [rows] = await conn.query({
    sql,
    rowsAsArray: true,
    typeCast: (field: Field) => field.buffer(),
  } as unknown as mysql.QueryOptions);
  return rows as unknown as (Buffer | null)[][];
}

/** A prepared statement (binary protocol) with the values as mysql2's `typeCast` gets them. */
async function execRaw(
  sql: string,
  params: (string | number)[],
  as: 'string' | 'buffer',
): Promise<unknown[][]> {
  const [rows] = await conn.execute(
    {
      sql,
      rowsAsArray: true,
      typeCast: (field: Field) => (as === 'string' ? field.string() : field.buffer()),
    } as unknown as mysql.QueryOptions,
    params,
  );
  return rows as unknown as unknown[][];
}

async function table(name: string, columns: string): Promise<void> {
  await conn.query(
    `CREATE TABLE ${db}.${name} (k INT NOT NULL, ${columns}) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) ${ONE_BUCKET}`,
  );
}

describe('strings inside ARRAY/MAP/STRUCT (MysqlRowBuffer::push_string, nested)', () => {
  // every character StarRocks does not escape, plus the two it does
  const TRICKY = ['q"uote', 'back\\slash', 'new\nline', 'tab\there', 'cr\rret', '日本語 é 🎉', ''];

  beforeAll(async () => {
    await table(
      'nested_str',
      'a ARRAY<VARCHAR(50)>, m MAP<VARCHAR(20), VARCHAR(20)>, s STRUCT<f VARCHAR(20), d DATE, t DATETIME>, ad ARRAY<DATE>',
    );
    const row = {
      k: 1,
      a: [...TRICKY, null],
      m: { 'k"1': 'v\\1', 'ü\t': 'x\ny' },
      s: { f: 'a"\\b\n', d: '2024-01-02', t: '2024-01-02 03:04:05' },
      ad: ['2024-02-29', null],
    };
    const r = await streamLoad(emu, db, 'nested_str', { format: 'json' }, JSON.stringify(row));
    expect(r.json.Status, r.body).toBe('Success');
  });

  const ARRAY_TEXT = '["q\\"uote","back\\\\slash","new\nline","tab\there","cr\rret","日本語 é 🎉","",null]';
  const MAP_TEXT = '{"k\\"1":"v\\\\1","ü\t":"x\ny"}';
  const STRUCT_TEXT = '{"f":"a\\"\\\\b\n","d":"2024-01-02","t":"2024-01-02 03:04:05"}';

  it('double-quotes them and escapes only " and \\ (newline, tab, CR, non-ASCII as they are)', async () => {
    const rows = await qText(conn, `SELECT a, m, s, ad FROM ${db}.nested_str`);
    expect(rows).toEqual([[ARRAY_TEXT, MAP_TEXT, STRUCT_TEXT, '["2024-02-29",null]']]);
  });

  it('sends the UTF-8 bytes of that text', async () => {
    const [[a]] = (await qBytes(`SELECT a FROM ${db}.nested_str`)) as [[Buffer]];
    expect(a.equals(Buffer.from(ARRAY_TEXT, 'utf8'))).toBe(true);
    // a raw newline and tab, no `\n` / `\t` escape
    expect(a.includes(Buffer.from('new\nline'))).toBe(true);
    expect(a.includes(Buffer.from('\\n'))).toBe(false);
  });

  it('the binary protocol (prepared statement) sends the same text', async () => {
    const rows = await execRaw(`SELECT a, m, s FROM ${db}.nested_str WHERE k = ?`, [1], 'string');
    expect(rows).toEqual([[ARRAY_TEXT, MAP_TEXT, STRUCT_TEXT]]);
  });

  it('top-level strings stay raw (no quotes, no escapes)', async () => {
    await table('flat_str', 'v VARCHAR(50)');
    const r = await streamLoad(
      emu,
      db,
      'flat_str',
      { format: 'json' },
      JSON.stringify({ k: 1, v: 'a"b\\c\nd' }),
    );
    expect(r.json.Status, r.body).toBe('Success');
    expect(await qText(conn, `SELECT v FROM ${db}.flat_str`)).toEqual([['a"b\\c\nd']]);
  });
});

describe('JSON inside ARRAY/MAP (JsonColumn::put_mysql_row_buffer: single quotes)', () => {
  beforeAll(async () => {
    await table('nested_json', 'aj ARRAY<JSON>, mj MAP<VARCHAR(10), JSON>');
    // CSV (spec §3.1): in an ARRAY<JSON>, a quoted "null" element is the JSON value null
    // (csv::JsonConverter::read_quoted_string), a bare null is SQL NULL (NullableConverter)
    const aj = JSON.stringify([{ a: 1, q: 'x"y' }, 'null', null, JSON.stringify("it's"), '[1, 2.5]']);
    const mj = JSON.stringify({ o: { b: [true, null] }, n: 'null', s: null });
    const r = await streamLoad(emu, db, 'nested_json', { column_separator: '|' }, `1|${aj}|${mj}\n2|[]|{}`);
    expect(r.json.Status, r.body).toBe('Success');
  });

  // JSON text as JsonValue::to_string prints it, then `'` and `\` escaped with a backslash
  const AJ_TEXT = String.raw`['{"a": 1, "q": "x\\"y"}','null',null,'"it\'s"','[1, 2.5]']`;
  const MJ_TEXT = `{"o":'{"b": [true, null]}',"n":'null',"s":null}`;

  it("prints each JSON element in single quotes: a JSON null is 'null', an SQL NULL a bare null", async () => {
    expect(await qText(conn, `SELECT aj, mj FROM ${db}.nested_json ORDER BY k`)).toEqual([
      [AJ_TEXT, MJ_TEXT],
      ['[]', '{}'],
    ]);
  });

  it('the binary protocol sends the same text', async () => {
    expect(await execRaw(`SELECT aj, mj FROM ${db}.nested_json WHERE k = ?`, [1], 'string')).toEqual([
      [AJ_TEXT, MJ_TEXT],
    ]);
  });

  it('the scanner (Arrow) still sends JSON elements as text: a JSON null is "null", an SQL NULL is null', async () => {
    const client = await ScannerClient.connect(emu.beScannerPort);
    try {
      const p = await planFor(emu, db, 'nested_json', `select k, aj from \`${db}\`.\`nested_json\``);
      const r = await scan(client, db, 'nested_json', p.plan, p.tablets);
      const byKey = new Map<number, unknown>();
      for (const t of r.batches)
        for (let i = 0; i < t.numRows; i++) {
          const v = t.getChild('aj')!.get(i) as Vector | null;
          byKey.set(t.getChild('k')!.get(i) as number, v === null ? null : [...v]);
        }
      expect(byKey.get(1)).toEqual(['{"a": 1, "q": "x\\"y"}', 'null', null, '"it\'s"', '[1, 2.5]']);
      expect(byKey.get(2)).toEqual([]);
    } finally {
      client.end();
    }
  });
});

describe('VARBINARY', () => {
  beforeAll(async () => {
    await table('bin', 'v VARBINARY(16)');
    // any byte, through unhex() in the column mapping (CSV and JSON bodies are UTF-8 text)
    const hex = await streamLoad(
      emu,
      db,
      'bin',
      { column_separator: ',', columns: 'k, h, v = unhex(h)' },
      '1,00ff\n2,41004200\n3,\n',
    );
    expect(hex.json.Status, hex.body).toBe('Success');
    expect(hex.json.NumberLoadedRows).toBe(3);
  });

  it('a top-level VARBINARY is sent as its raw bytes (text protocol)', async () => {
    const rows = await qBytes(`SELECT k, v FROM ${db}.bin WHERE k <= 3 ORDER BY k`);
    expect(rows.map(([, v]) => v)).toEqual([
      Buffer.from([0x00, 0xff]),
      Buffer.from([0x41, 0x00, 0x42, 0x00]),
      Buffer.alloc(0),
    ]);
  });

  it('and as its raw bytes through a prepared statement (binary protocol)', async () => {
    const rows = await execRaw(`SELECT v FROM ${db}.bin WHERE k = ?`, [1], 'buffer');
    expect(rows).toEqual([[Buffer.from([0x00, 0xff])]]);
  });

  it('loads non-ASCII text as its UTF-8 bytes (CSV and JSON), without reading escapes', async () => {
    await table('bin_text', 'v VARBINARY(16)');
    const csv = await streamLoad(emu, db, 'bin_text', { column_separator: ',' }, '1,é\n2,\\x41\n3,日本\n');
    expect(csv.json.Status, csv.body).toBe('Success');
    const json = await streamLoad(emu, db, 'bin_text', { format: 'json' }, '{"k": 4, "v": "é\\u0000ü"}');
    expect(json.json.Status, json.body).toBe('Success');
    const rows = await qBytes(`SELECT v FROM ${db}.bin_text ORDER BY k`);
    expect(rows.map(([v]) => v)).toEqual([
      Buffer.from('é', 'utf8'),
      Buffer.from('\\x41', 'utf8'),
      Buffer.from('日本', 'utf8'),
      Buffer.from('é\u0000ü', 'utf8'),
    ]);
  });

  it('the limit is in bytes: text longer than VARBINARY(n) bytes fails conversion (strict mode filters it)', async () => {
    await table('bin_short', 'v VARBINARY(3)');
    const r = await streamLoad(
      emu,
      db,
      'bin_short',
      { column_separator: ',', strict_mode: 'true', max_filter_ratio: '1' },
      '1,abc\n2,éé\n',
    );
    expect(r.json.Status, r.body).toBe('Success');
    expect(r.json.NumberLoadedRows).toBe(1);
    expect(r.json.NumberFilteredRows).toBe(1);
  });
});
