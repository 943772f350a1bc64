import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStreamLoadClient } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  await s.sql.query(`CREATE TABLE ${db}.t (id INT NOT NULL) DUPLICATE KEY(id)`);
});
afterAll(async () => {
  await s.close();
});

it('an `Invalid timeout` refusal is not mistaken for a transient timeout (no retries)', async () => {
  const client = createStreamLoadClient({
    feUrls: s.emu.feHttpUrl,
    user: 'root',
    retry: { retries: 3, initialDelayMs: 2000 },
  });
  const started = Date.now();
  const err = await client
    .load({ database: db, table: 't', body: '1\n', properties: { timeout: '-5' } })
    .catch((e) => e);
  await client.close();
  expect(err.message).toMatch(/Invalid timeout/i);
  expect(err.retriable).toBe(false);
  expect(Date.now() - started).toBeLessThan(2000);
});
