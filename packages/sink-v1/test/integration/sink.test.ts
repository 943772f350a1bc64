import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Emulator, startEmulator } from '@srconnect/emulator';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink, type SinkOptions } from '../../src/index.js';

let emu: Emulator;
let sql: mysql.Connection;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  sql = await mysql.createConnection({
    host: emu.host,
    port: emu.queryPort,
    user: 'root',
    dateStrings: true,
  });
  db = `v1_${randomUUID().slice(0, 8)}`;
  await sql.query(`CREATE DATABASE ${db}`);
  await sql.query(
    `CREATE TABLE ${db}.events (id INT NOT NULL, name VARCHAR(32), ts DATETIME) DUPLICATE KEY(id)`,
  );
  await sql.query(
    `CREATE TABLE ${db}.users (id INT NOT NULL, name VARCHAR(32), score INT, city VARCHAR(16)) PRIMARY KEY(id)`,
  );
  await sql.query(`CREATE TABLE ${db}.other (k INT NOT NULL, v VARCHAR(8)) DUPLICATE KEY(k)`);
});
afterAll(async () => {
  await sql.end();
  await emu.close();
});

const base = (extra: Partial<SinkOptions> = {}): SinkOptions => ({
  connection: { feUrls: emu.feHttpUrl, user: 'root' },
  flush: { intervalMs: 0 },
  retry: { retries: 3, initialDelayMs: 10 },
  ...extra,
});
const rows = async <T>(q: string) => (await sql.query(q))[0] as T[];

describe('sink-v1', () => {
  it('writes JSON rows to the default table and flushes on close', async () => {
    const sink = createSink(base({ database: db, table: 'events' }));
    for (let i = 0; i < 1000; i++)
      await sink.write({ id: i, name: `n${i}`, ts: new Date(Date.UTC(2026, 10, 24, 10, 0, i % 60, 123)) });
    await sink.close();
    expect(await rows(`SELECT count(*) AS n FROM ${db}.events`)).toEqual([{ n: 1000 }]);
    expect(await rows(`SELECT name, ts FROM ${db}.events WHERE id = 7`)).toEqual([
      { name: 'n7', ts: '2026-11-24 10:00:07.123000' },
    ]);
  });

  it('pipes a stream through toWritable(), CSV with columns, and routes rows to several tables', async () => {
    const sink = createSink(
      base({
        format: 'csv',
        tables: {
          [`${db}.events`]: { columns: ['id', 'name', 'ts'] },
          [`${db}.other`]: { columns: ['k', 'v'] },
        },
      }),
    );
    const source = Readable.from(
      Array.from({ length: 600 }, (_, i) =>
        i % 2 === 0
          ? { row: { id: 10_000 + i, name: 'csv', ts: null }, database: db, table: 'events' }
          : { row: { k: i, v: 'o' }, database: db, table: 'other' },
      ),
    );
    await pipeline(source, sink.toWritable({ envelope: true }));
    expect(await rows(`SELECT count(*) AS n FROM ${db}.events WHERE name = 'csv'`)).toEqual([{ n: 300 }]);
    expect(await rows(`SELECT count(*) AS n FROM ${db}.other`)).toEqual([{ n: 300 }]);
  });

  it('upserts and deletes on a PRIMARY KEY table, drops update-before rows, detects partial updates', async () => {
    const sink = createSink(
      base({
        database: db,
        table: 'users',
        primaryKey: true,
        columns: ['id', 'name', 'score', 'city'],
        partialUpdate: 'auto',
      }),
    );
    await sink.write({ id: 1, name: 'ann', score: 1, city: 'oslo' }, { kind: 'insert' });
    await sink.write({ id: 2, name: 'bob', score: 2, city: 'rome' }, { kind: 'insert' });
    await sink.write({ id: 1, name: 'ann', score: 1, city: 'oslo' }, { kind: 'update_before' });
    await sink.write({ id: 1, name: 'ann', score: 10, city: 'oslo' }, { kind: 'update_after' });
    await sink.write({ id: 2 }, { kind: 'delete' });
    // a row with only some columns keeps the others
    await sink.write({ id: 1, score: 99 });
    await sink.close();
    expect(sink.stats().rowsDropped).toBe(1);
    expect(await rows(`SELECT id, name, score, city FROM ${db}.users ORDER BY id`)).toEqual([
      { id: 1, name: 'ann', score: 99, city: 'oslo' },
    ]);
  });

  it('replays a flush cut mid-body under the same label: nothing loads twice', async () => {
    const sink = createSink(base({ database: db, table: 'other' }));
    for (let i = 0; i < 2000; i++) await sink.write({ k: 50_000 + i, v: 'cut' });
    emu.faults.cutAfterBodyBytes(3000, 1);
    await sink.flush();
    await sink.close();
    expect(await rows(`SELECT count(*) AS n FROM ${db}.other WHERE v = 'cut'`)).toEqual([{ n: 2000 }]);
    expect(sink.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it('applies backpressure: write() waits while the buffer is full', async () => {
    emu.faults.delayReplies(150);
    try {
      const sink = createSink(
        base({
          database: db,
          table: 'other',
          memoryLimitBytes: 8 * 1024,
          flush: { maxBytes: 2048, intervalMs: 0 },
        }),
      );
      for (let i = 0; i < 2000; i++) await sink.write({ k: 90_000 + i, v: 'bp' });
      await sink.close();
      const st = sink.stats();
      expect(st.writesBlocked).toBeGreaterThan(0);
      expect(st.peakReservedBytes).toBeLessThanOrEqual(8 * 1024 + 64);
    } finally {
      emu.faults.reset();
    }
  });

  it('surfaces a load that cannot succeed on the next write', async () => {
    const sink = createSink(base({ database: db, table: 'nope_missing' }));
    await sink.write({ k: 1 });
    await expect(sink.flush()).rejects.toMatchObject({ code: 'SR_LOAD_FAILED' });
    await expect(sink.write({ k: 2 })).rejects.toMatchObject({ code: 'SR_LOAD_FAILED' });
  });

  it('validates options once, naming the option', () => {
    expect(() => createSink({ connection: { feUrls: 'x', user: '' } } as SinkOptions)).toThrow(
      /connection\.user/,
    );
    expect(() => createSink(base({ database: db }))).toThrow('database/table: give both or neither');
    expect(() => createSink(base({ database: db, table: 't', format: 'csv' }))).toThrow(
      /columns: required with format csv/,
    );
    expect(() => createSink(base({ labelPrefix: 'bad prefix!' }))).toThrow(/labelPrefix/);
    expect(() => createSink({ ...base(), flsh: {} } as unknown as SinkOptions)).toThrow(/flsh/);
  });
});
