import { type Emulator, startEmulator } from '@srconnect/emulator';
import { createStreamLoadClient } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLookup, type Filter, f, renderFilter } from '../../src/index.js';

let emu: Emulator;
let sql: mysql.Connection;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  sql = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
  await sql.query('CREATE DATABASE src');
  await sql.query(
    'CREATE TABLE src.`we``ird` (id INT NOT NULL, city VARCHAR(32), score INT, big LARGEINT, price DECIMAL(20, 4), ts DATETIME) PRIMARY KEY(id)',
  );
  await sql.query(
    'CREATE TABLE src.pairs (a INT NOT NULL, b VARCHAR(8) NOT NULL, v VARCHAR(16)) PRIMARY KEY(a, b)',
  );
  const body = [
    {
      id: 1,
      city: 'oslo',
      score: 10,
      big: '170141183460469231731687303715884105727',
      price: '12345678901234.5678',
      ts: '2026-11-24 10:00:00.123456',
    },
    { id: 2, city: "o'hare", score: 20, big: '-5', price: '1.0000', ts: '2026-11-24 11:00:00' },
    { id: 3, city: null, score: null, big: null, price: null, ts: null },
    { id: 4, city: 'rome', score: 5, big: '7', price: '2.5000', ts: '2025-01-01 00:00:00' },
  ];
  await load('we`ird', body);
  await load('pairs', [
    { a: 1, b: 'x', v: 'one-x' },
    { a: 1, b: 'y', v: 'one-y' },
    { a: 2, b: 'x', v: 'two-x' },
  ]);
});
afterAll(async () => {
  await sql.end();
  await emu.close();
});

async function load(table: string, rows: unknown[]) {
  const client = createStreamLoadClient({ feUrls: emu.feHttpUrl, user: 'root' });
  await client.load({
    database: 'src',
    table,
    body: JSON.stringify(rows),
    properties: { format: 'json', strip_outer_array: 'true' },
  });
  await client.close();
}

const ids = async (filter: Filter) => {
  const [rows] = await sql.query(
    `SELECT id FROM src.\`we\`\`ird\` WHERE ${renderFilter(filter)} ORDER BY id`,
  );
  return (rows as { id: number }[]).map((r) => r.id);
};

describe('filters run on the server as written', () => {
  it.each([
    [f.eq('city', 'oslo'), [1]],
    [f.eq('city', "o'hare"), [2]],
    [f.ge('score', 10), [1, 2]],
    [f.in('id', [1, 4, 99]), [1, 4]],
    [f.isNull('city'), [3]],
    [f.not(f.isNull('city')), [1, 2, 4]],
    [f.and(f.ge('score', 5), f.lt('score', 20)), [1, 4]],
    [f.or(f.eq('city', 'rome'), f.eq('id', 2)), [2, 4]],
    [f.gt('ts', new Date(Date.UTC(2026, 0, 1))), [1, 2]],
    [f.eq('city', "x' OR '1'='1"), []],
  ] as [Filter, number[]][])('filter %# selects %j', async (filter, want) => {
    expect(await ids(filter)).toEqual(want);
  });
});

describe('lookup', () => {
  const connection = () => ({ host: emu.host, port: emu.queryPort, user: 'root' });

  it('gets rows by key with exact values, caches them, and remembers missing keys', async () => {
    const lk = createLookup({
      connection: connection(),
      database: 'src',
      table: 'we`ird',
      keyColumns: ['id'],
    });
    const r = await lk.get(1);
    expect(r).toEqual({
      id: 1,
      city: 'oslo',
      score: 10,
      big: '170141183460469231731687303715884105727',
      price: '12345678901234.5678',
      ts: '2026-11-24 10:00:00.123456',
    });
    expect(await lk.get(99)).toBeNull();
    await lk.get(1);
    await lk.get(99);
    expect(lk.stats()).toMatchObject({ hits: 2, queries: 2, size: 2 });
    expect(await lk.getMany([4, 1, 2, 99, 4])).toMatchObject([
      { id: 4 },
      { id: 1 },
      { id: 2, city: "o'hare" },
      null,
      { id: 4 },
    ]);
    expect(lk.stats().queries).toBe(3); // only 2 and 4 were fetched, in one query
    await lk.close();
  });

  it('batches many keys into IN queries and handles composite keys', async () => {
    const lk = createLookup({
      connection: connection(),
      database: 'src',
      table: 'pairs',
      keyColumns: ['a', 'b'],
      columns: ['v'],
      batchSize: 2,
    });
    expect(
      await lk.getMany([
        [1, 'y'],
        [2, 'x'],
        [1, 'x'],
        [9, 'z'],
      ]),
    ).toEqual([{ v: 'one-y' }, { v: 'two-x' }, { v: 'one-x' }, null]);
    expect(lk.stats().queries).toBe(2);
    await expect(lk.get(1)).rejects.toThrow('a key needs 2 value(s) (a, b), got 1');
    // keys are parameters, never SQL
    expect(await lk.get([1, "x' OR '1'='1"])).toBeNull();
    await lk.close();
  });

  it('expires entries after the TTL and evicts the least recently used beyond the cap', async () => {
    const lk = createLookup({
      connection: connection(),
      database: 'src',
      table: 'we`ird',
      keyColumns: ['id'],
      cache: { maxRows: 2, ttlMs: 100 },
    });
    await lk.getMany([1, 2]);
    await lk.get(1); // 1 is now the most recent
    await lk.get(4); // evicts 2
    expect(lk.stats()).toMatchObject({ size: 2, evictions: 1 });
    await lk.get(2);
    expect(lk.stats().queries).toBe(3);
    // the cache now holds 4 and 2 (fetching 2 evicted 1); after the TTL, 2 is fetched again
    await new Promise((r) => setTimeout(r, 150));
    await lk.get(2);
    expect(lk.stats()).toMatchObject({ queries: 4, expirations: 1 });
    await lk.close();
  });

  it('validates options naming the option', () => {
    expect(() =>
      createLookup({ connection: { user: 'root' }, database: 'src', table: 't', keyColumns: [] }),
    ).toThrow(/keyColumns/);
    expect(() =>
      createLookup({
        connection: { user: 'root' },
        database: 'src',
        table: 't',
        keyColumns: ['id'],
        batchSize: 0,
      }),
    ).toThrow(/batchSize/);
  });
});
