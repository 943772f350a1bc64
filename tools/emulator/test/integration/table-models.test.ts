/** Spec §3.4, §7.4: DUPLICATE / PRIMARY / UNIQUE KEY semantics under Stream Load; AGGREGATE refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  createDb,
  type Headers,
  mysqlError,
  ONE_BUCKET,
  openMysql,
  q,
  streamLoad,
  uniq,
} from './helpers.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'models');
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

async function table(cols: string, key: string, dist = 'id'): Promise<string> {
  const t = uniq('t');
  await conn.query(`CREATE TABLE ${db}.${t} (${cols}) ${key} DISTRIBUTED BY HASH(${dist}) ${ONE_BUCKET}`);
  return t;
}

const rows = (t: string, order = 'id') => q(conn, `SELECT * FROM ${db}.${t} ORDER BY ${order}`);

async function ok(t: string, headers: Headers, body: string) {
  const r = await streamLoad(emu, db, t, { column_separator: ',', ...headers }, body);
  expect(r.json.Status, r.body).toBe('Success');
  return r.json;
}

describe('DUPLICATE KEY', () => {
  it('keeps every row, including duplicates in one load and across loads', async () => {
    const t = await table('id INT, v VARCHAR(8)', 'DUPLICATE KEY(id)');
    await ok(t, {}, '1,a\n1,a\n2,b\n');
    await ok(t, {}, '1,a\n');
    expect(await count(conn, db, t)).toBe(4);
    expect(await q(conn, `SELECT count(*) AS n FROM ${db}.${t} WHERE id = 1`)).toEqual([{ n: 3 }]);
  });

  it('is the default model when no key clause is given', async () => {
    const t = uniq('t');
    await conn.query(`CREATE TABLE ${db}.${t} (id INT, v INT) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`);
    await ok(t, {}, '1,1\n1,1\n');
    expect(await count(conn, db, t)).toBe(2);
  });
});

describe('PRIMARY KEY', () => {
  const COLS = 'id INT NOT NULL, name VARCHAR(32), score INT';

  it('upserts: a later row of the same load wins, a later load replaces', async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    const j = await ok(t, {}, '1,a,1\n2,b,2\n1,c,3\n');
    expect(j.NumberLoadedRows).toBe(3);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'c', score: 3 },
      { id: 2, name: 'b', score: 2 },
    ]);
    await ok(t, {}, '2,z,9\n3,d,4\n');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'c', score: 3 },
      { id: 2, name: 'z', score: 9 },
      { id: 3, name: 'd', score: 4 },
    ]);
  });

  it('upserts on a composite key', async () => {
    const t = await table('a INT NOT NULL, b VARCHAR(8) NOT NULL, v INT', 'PRIMARY KEY(a, b)', 'a');
    await ok(t, {}, '1,x,1\n1,y,2\n');
    await ok(t, {}, '1,x,10\n2,x,3\n');
    expect(await rows(t, 'a, b')).toEqual([
      { a: 1, b: 'x', v: 10 },
      { a: 1, b: 'y', v: 2 },
      { a: 2, b: 'x', v: 3 },
    ]);
  });

  it("deletes every row of a load with `columns: __op='delete'`", async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    await ok(t, {}, '1,a,1\n2,b,2\n3,c,3\n');
    await ok(t, { columns: "__op='delete'" }, '1,a,1\n3,whatever,0\n9,absent,0\n');
    expect(await rows(t)).toEqual([{ id: 2, name: 'b', score: 2 }]);
  });

  it("deletes with `columns: id, name, score, __op='delete'`", async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    await ok(t, {}, '1,a,1\n2,b,2\n');
    await ok(t, { columns: "id, name, score, __op='delete'" }, '2,b,2\n');
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: 1 }]);
  });

  it('lets each row choose with a per-row __op column (0 upsert, 1 delete)', async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    await ok(t, {}, '1,a,1\n2,b,2\n');
    await ok(t, { columns: 'id, name, score, tmp, __op = tmp' }, '1,a,1,1\n3,c,3,0\n2,bb,22,0\n');
    expect(await rows(t)).toEqual([
      { id: 2, name: 'bb', score: 22 },
      { id: 3, name: 'c', score: 3 },
    ]);
  });

  it('applies operations of one load in order (upsert then delete of the same key)', async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    await ok(t, { columns: 'id, name, score, __op' }, '5,a,1,0\n5,a,1,1\n6,b,2,1\n6,b,2,0\n');
    expect(await rows(t)).toEqual([{ id: 6, name: 'b', score: 2 }]);
  });

  it('reads a JSON __op key (a missing __op is an upsert)', async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    await ok(t, {}, '1,a,1\n2,b,2\n');
    await ok(
      t,
      { format: 'json', columns: 'id, name, score, __op' },
      '{"id":2,"name":"b","score":2,"__op":1}\n{"id":4,"name":"d","score":4}\n{"id":1,"name":"A","score":5,"__op":0}',
    );
    expect(await rows(t)).toEqual([
      { id: 1, name: 'A', score: 5 },
      { id: 4, name: 'd', score: 4 },
    ]);
  });

  it('partial update keeps the columns that are not listed and inserts new keys with defaults', async () => {
    const t = await table(
      'id INT NOT NULL, name VARCHAR(32) NULL, score INT NOT NULL DEFAULT "7", note VARCHAR(16) NULL DEFAULT "n"',
      'PRIMARY KEY(id)',
    );
    await ok(t, {}, '1,a,1,x\n');
    await ok(t, { partial_update: 'true', columns: 'id, score' }, '1,100\n2,200\n');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 100, note: 'x' },
      { id: 2, name: null, score: 200, note: 'n' },
    ]);
    await ok(t, { partial_update: 'true', columns: 'id, name' }, '3,c\n1,aa\n');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'aa', score: 100, note: 'x' },
      { id: 2, name: null, score: 200, note: 'n' },
      { id: 3, name: 'c', score: 7, note: 'n' },
    ]);
  });

  it('partial update of a new key gives 0 to an INT NOT NULL column without a default', async () => {
    const t = await table('id INT NOT NULL, name VARCHAR(32), nn INT NOT NULL', 'PRIMARY KEY(id)');
    await ok(t, { partial_update: 'true', columns: 'id, name' }, '1,a\n');
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', nn: 0 }]);
  });

  it('partial update works with JSON too', async () => {
    const t = await table('id INT NOT NULL, name VARCHAR(32), score INT', 'PRIMARY KEY(id)');
    await ok(t, {}, '1,a,1\n');
    await ok(t, { format: 'json', partial_update: 'true', columns: 'id, score' }, '{"id":1,"score":50}');
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: 50 }]);
  });

  it('refuses a partial_update flag that is not a bool', async () => {
    const t = await table(COLS, 'PRIMARY KEY(id)');
    const r = await streamLoad(emu, db, t, { column_separator: ',', partial_update: 'yes' }, '1,a,1\n');
    expect(r.json.Status).toBe('Fail');
    expect(r.json.Message).toBe('Invalid partial update flag format. Must be bool type');
  });

  it('merge_condition applies an update only when the new value is >= the stored one', async () => {
    const t = await table('id INT NOT NULL, ver INT, val VARCHAR(8)', 'PRIMARY KEY(id)');
    await ok(t, {}, '1,5,a\n2,5,a\n');
    await ok(t, { merge_condition: 'ver' }, '1,3,b\n2,5,c\n3,1,new\n');
    expect(await rows(t)).toEqual([
      { id: 1, ver: 5, val: 'a' },
      { id: 2, ver: 5, val: 'c' },
      { id: 3, ver: 1, val: 'new' },
    ]);
    await ok(t, { merge_condition: 'ver' }, '1,9,d\n');
    expect((await rows(t))[0]).toEqual({ id: 1, ver: 9, val: 'd' });
  });

  it('filters a row whose key is NULL (primary key columns are NOT NULL)', async () => {
    const t = await table('id INT, name VARCHAR(32)', 'PRIMARY KEY(id)');
    const r = await streamLoad(emu, db, t, { column_separator: ',', max_filter_ratio: '1' }, '\\N,a\n1,b\n');
    expect(r.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberFilteredRows: 1 });
    expect(await rows(t)).toEqual([{ id: 1, name: 'b' }]);
  });
});

describe('UNIQUE KEY', () => {
  it('upserts: the last row per key wins, within a load and across loads', async () => {
    const t = await table('id INT, name VARCHAR(8), score INT', 'UNIQUE KEY(id)');
    await ok(t, {}, '1,a,1\n1,b,2\n2,c,3\n');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'b', score: 2 },
      { id: 2, name: 'c', score: 3 },
    ]);
    await ok(t, {}, '2,z,30\n');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'b', score: 2 },
      { id: 2, name: 'z', score: 30 },
    ]);
  });
});

describe('AGGREGATE KEY', () => {
  it('is refused at CREATE TABLE with an error that says so, and the connection survives', async () => {
    const e = await mysqlError(
      conn.query(
        `CREATE TABLE ${db}.agg (id INT, v BIGINT SUM) AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
      ),
    );
    expect(e.message).toMatch(/aggregate/i);
    expect(
      await q(
        conn,
        `SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'agg'`,
      ),
    ).toEqual([]);
    expect(await q(conn, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
