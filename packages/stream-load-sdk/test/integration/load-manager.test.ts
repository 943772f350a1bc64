import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Committable,
  createLoadManager,
  createStreamLoadClient,
  LOAD_END_CHANNEL,
  type LoadEvent,
  type StreamLoadClient,
} from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
let client: StreamLoadClient;

beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  for (const t of ['a', 'b', 'slow', 'txn', 'bad']) {
    await s.sql.query(`CREATE TABLE ${db}.${t} (id INT NOT NULL, v VARCHAR(32)) PRIMARY KEY(id)`);
  }
  client = createStreamLoadClient({
    feUrls: s.emu.feHttpUrl,
    user: 'root',
    retry: { retries: 2, initialDelayMs: 10 },
  });
});
afterAll(async () => {
  await client.close();
  await s.close();
});

const count = async (table: string) =>
  Number((await s.rows<{ n: number }>(`SELECT count(*) AS n FROM ${db}.${table}`))[0]!.n);
const csv = { column_separator: ',' };

describe('LoadManager', () => {
  it('buffers per table, flushes on rows, bytes and explicit flush, and reports stats and events', async () => {
    const events: LoadEvent[] = [];
    const onEnd = (m: unknown) => events.push(m as LoadEvent);
    subscribe(LOAD_END_CHANNEL, onEnd);
    try {
      const m = createLoadManager(client, {
        properties: csv,
        maxBatchRows: 100,
        flushIntervalMs: 0,
        labelPrefix: 'mgr',
      });
      for (let i = 0; i < 250; i++) {
        await m.write(db, 'a', `${i},a${i}`);
        await m.write(db, 'b', `${i},b${i}`);
      }
      await m.flush();
      expect(await count('a')).toBe(250);
      expect(await count('b')).toBe(250);
      const st = m.stats();
      expect(st).toMatchObject({
        bufferedBytes: 0,
        bufferedRows: 0,
        rowsLoaded: 500,
        loadsFailed: 0,
        tables: 2,
        reservedBytes: 0,
      });
      expect(st.loadsSucceeded).toBe(6); // 2 tables × (100 + 100 + 50)
      expect(events.filter((e) => e.table === 'a').map((e) => e.rows)).toEqual([100, 100, 50]);
      expect(events.every((e) => e.label.startsWith('mgr-') && typeof e.durationMs === 'number')).toBe(true);
      await m.close();
    } finally {
      unsubscribe(LOAD_END_CHANNEL, onEnd);
    }
  });

  it('compresses bodies with gzip when asked (CSV as format gzip)', async () => {
    const events: LoadEvent[] = [];
    const onEnd = (m: unknown) => events.push(m as LoadEvent);
    subscribe(LOAD_END_CHANNEL, onEnd);
    try {
      const m = createLoadManager(client, { properties: csv, compression: 'gzip', flushIntervalMs: 0 });
      for (let i = 0; i < 500; i++) await m.write(db, 'b', `${1000 + i},${'z'.repeat(20)}`);
      await m.close();
      expect(await count('b')).toBe(750);
      expect(events.at(-1)?.loadedRows).toBe(500);
    } finally {
      unsubscribe(LOAD_END_CHANNEL, onEnd);
    }
  });

  it('flushes on the interval', async () => {
    const m = createLoadManager(client, { properties: csv, flushIntervalMs: 100 });
    await m.write(db, 'a', '1000,late');
    await expect.poll(() => count('a'), { timeout: 3000 }).toBe(251);
    await m.close();
  });

  it('holds the memory limit against a slow server: write() waits instead of queueing', async () => {
    s.emu.faults.throttleBody(200_000); // ~200 KB/s
    try {
      const limit = 64 * 1024;
      const m = createLoadManager(client, {
        properties: csv,
        memoryLimitBytes: limit,
        maxBatchBytes: 16 * 1024,
        flushIntervalMs: 0,
      });
      const row = (i: number) => `${i},${'x'.repeat(24)}`;
      let maxSeen = 0;
      const t0 = Date.now();
      for (let i = 0; i < 8000; i++) {
        await m.write(db, 'slow', row(i));
        maxSeen = Math.max(maxSeen, m.stats().reservedBytes);
      }
      await m.flush();
      const st = m.stats();
      // the buffer stops growing once it reaches the limit: at most one row past it
      const rowBytes = row(0).length + 1;
      expect(st.peakReservedBytes).toBeLessThanOrEqual(limit + rowBytes);
      expect(maxSeen).toBeLessThanOrEqual(limit + rowBytes);
      expect(st.writesBlocked).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeGreaterThan(500); // the writer really was held back
      expect(await count('slow')).toBe(8000);
      await m.close();
    } finally {
      s.emu.faults.reset();
    }
  });

  it('surfaces a failure that cannot be retried on the next write and flush', async () => {
    const m = createLoadManager(client, { properties: csv, flushIntervalMs: 0 });
    await m.write(db, 'bad', 'not-a-row');
    await expect(m.flush()).rejects.toMatchObject({ code: 'SR_LOAD_FAILED' });
    await expect(m.write(db, 'bad', '1,ok')).rejects.toMatchObject({ code: 'SR_LOAD_FAILED' });
    expect(await count('bad')).toBe(0);
    expect(m.stats().loadsFailed).toBe(1);
  });

  it('transaction mode: a flush is one transaction, retried whole with the same label', async () => {
    const labels: string[] = [];
    const m = createLoadManager(client, {
      mode: 'transaction',
      properties: csv,
      chunkSizeBytes: 64,
      flushIntervalMs: 0,
      labelGenerator: { next: (_d, t) => `${t}_${labels.push(t)}` },
    });
    for (let i = 0; i < 20; i++) await m.write(db, 'txn', `${i},v${i}`);
    // the second load of the transaction fails once: the whole transaction is rolled back and redone
    s.emu.faults.failNext({
      scope: 'transaction',
      op: 'load',
      status: 'INTERNAL_ERROR',
      message: 'injected',
      count: 1,
    });
    await m.flush();
    expect(await count('txn')).toBe(20);
    expect(labels).toEqual(['txn']);
    expect(m.stats().retries).toBe(1);
    await m.close();
  });

  it('two-phase mode: data is invisible until commit; abort discards; close rolls back what was never prepared', async () => {
    let n = 0;
    const m = createLoadManager(client, {
      mode: 'two-phase',
      properties: csv,
      flushIntervalMs: 0,
      labelGenerator: { next: (_d, t) => `tp_${t}_${++n}` },
    });
    for (let i = 0; i < 10; i++) await m.write(db, 'a', `${5000 + i},tp`);
    await m.flush();
    expect(m.snapshot()).toEqual([{ database: db, table: 'a', label: 'tp_a_1' }]);
    const committables: Committable[] = await m.prepare();
    expect(committables).toEqual([{ database: db, table: 'a', label: 'tp_a_1' }]);
    expect(await s.rows(`SELECT id FROM ${db}.a WHERE id >= 5000`)).toEqual([]);
    await m.commit(committables);
    await m.commit(committables); // idempotent
    expect(await count('a')).toBe(261);
    // a second transaction that is aborted
    await m.write(db, 'a', '6000,gone');
    await m.prepare().then((c) => m.abort(c));
    expect(await s.rows(`SELECT id FROM ${db}.a WHERE id = 6000`)).toEqual([]);
    // an open transaction is rolled back by close()
    await m.write(db, 'a', '7000,open');
    await m.flush();
    const open = m.snapshot();
    await m.close();
    expect((await client.labelState({ database: db, label: open[0]!.label })).state).toBe('ABORTED');
  });
});
