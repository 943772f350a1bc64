import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoadManager, createStreamLoadClient } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  await s.sql.query(`CREATE TABLE ${db}.t (id INT NOT NULL, v VARCHAR(64)) PRIMARY KEY(id)`);
});
afterAll(async () => {
  await s.close();
});

it('transaction mode flushes at maxBatchBytes even when chunkSizeBytes is smaller', async () => {
  const client = createStreamLoadClient({ feUrls: s.emu.feHttpUrl, user: 'root' });
  const m = createLoadManager(client, {
    mode: 'transaction',
    properties: { column_separator: ',' },
    maxBatchBytes: 10_000,
    chunkSizeBytes: 1_000,
    flushIntervalMs: 0,
    memoryLimitBytes: 10_000_000,
  });
  for (let i = 0; i < 2000; i++) await m.write(db, 't', `${i},${'x'.repeat(40)}`); // about 9 × maxBatchBytes
  await sleep(500);
  const st = m.stats();
  await m.close();
  await client.close();
  expect(st.bufferedBytes).toBeLessThanOrEqual(10_000 + 1_000);
  // one transaction per ~maxBatchBytes, not one for everything
  expect(m.stats().loadsSucceeded).toBeGreaterThanOrEqual(9);
  const [rows] = await s.sql.query(`SELECT COUNT(*) AS n FROM ${db}.t`);
  expect(Number((rows as { n: unknown }[])[0]?.n)).toBe(2000);
});
